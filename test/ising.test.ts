import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import exact from './data/ising-exact.json';
import { InputError } from '../engine/index.js';
import { IsingChain, validateIsingConfig, packedToSites, isingStatistics, type IsingConfig } from '../models/ising.js';
import { binnedMean } from '../models/stats.js';
import { flipRule, flipEnergy, type IsingAlgorithm } from '../models/ising_rule.js';
import * as ref from '../harness/ising/reference.js';
import { withGpu, type GpuContext } from './gpu.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

// ---------------------------------------------------------------- host-side rules (no GPU)
const rules = suite('ising rule and validation (no GPU)');

rules('heat-bath: flip(s=+1) + flip(s=-1) = 1 for each neighbour count, up to rounding', () => {
  const rule = flipRule('heatbath', 2.1, 1, 0.3);
  for (let u = 0; u <= 4; u++) {
    const sum = rule.threshold[u] + rule.threshold[5 + u];
    assert.ok(Math.abs(sum - 2 ** 32) <= 1, `u=${u}: ${sum}`);
  }
});

rules('metropolis: always-flip classes are exactly those with dE <= 0; others exp(-beta dE)', () => {
  const T = 1.7, J = 1, h = -0.4;
  const rule = flipRule('metropolis', T, J, h);
  for (let c = 0; c < 10; c++) {
    const dE = flipEnergy(c, J, h);
    const always = ((rule.always >> c) & 1) === 1;
    assert.is(always, dE <= 0, `class ${c}`);
    if (!always) assert.is(rule.threshold[c], Math.round(Math.exp(-dE / T) * 2 ** 32));
  }
  // Grouping by equal threshold: at h = 0 the four finite classes collapse into two (dE = 4J, 8J).
  assert.is(flipRule('metropolis', 2, 1, 0).groups.length, 2);
});

rules('bad configurations are InputErrors naming the parameter', () => {
  const good: IsingConfig = { size: 64, temperature: 2, algorithm: 'heatbath', seed: 1 };
  const cases: [Partial<IsingConfig> & Record<string, unknown>, RegExp][] = [
    [{ size: 0 }, /size must be a positive integer/],
    [{ size: -4 }, /size must be a positive integer/],
    [{ size: 6.5 }, /size must be a positive integer/],
    [{ size: 7 }, /even size/],
    [{ size: 96, algorithm: 'multispin' }, /multiple of 64/],
    [{ temperature: 0 }, /temperature must be a positive/],
    [{ temperature: -1 }, /temperature must be a positive/],
    [{ temperature: NaN }, /temperature must be a positive/],
    [{ algorithm: 'wolff' as IsingAlgorithm }, /unknown algorithm 'wolff'/],
    [{ seed: -1 }, /seed must be an integer/],
    [{ coupling: Infinity }, /coupling must be finite/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => validateIsingConfig({ ...good, ...change } as IsingConfig), (e: Error) => e instanceof InputError && message.test(e.message), JSON.stringify(change));
  }
});

rules('packedToSites inverts the multispin layout: a single +1 lands where the layout says', () => {
  const L = 64, W = 1;
  // Colour 1, row 3, word 0, bit 5: k = 5 * W + 0 = 5, x = 2k + ((3 + 1) % 2) = 10.
  const words = new Uint32Array(2 * L * W);
  words[L * W + 3 * W] = 1 << 5;
  const sites = packedToSites(words, L);
  assert.is(sites.reduce((a, b) => a + b, 0), 1);
  assert.is(sites[3 * L + 10], 1);
});
rules.run();

// ---------------------------------------------------------------- kernels against the references
const exactness = suite('ising kernels = TypeScript reference, bit for bit (GPU)');

async function chainSites(ctx: GpuContext, config: IsingConfig, sweeps: number) {
  const chain = await IsingChain.create(ctx, config);
  const { series } = await chain.measureSeries(sweeps);
  const sites = await chain.readSites();
  chain.release();
  return { series, sites };
}

const exactCases: IsingConfig[] = [
  { size: 6, temperature: 2.5, algorithm: 'heatbath', seed: 11, cold: false }, // a row's last group is partial
  { size: 16, temperature: 1.8, field: 0.25, algorithm: 'heatbath', seed: 12, cold: false },
  { size: 10, temperature: 2.2, coupling: -1, algorithm: 'metropolis', seed: 13, cold: false }, // antiferromagnet
  { size: 16, temperature: 3.1, field: -0.5, algorithm: 'metropolis', seed: 14, cold: true },
  { size: 64, temperature: 2.0, algorithm: 'multispin', seed: 15, cold: false },
  { size: 128, temperature: 2.6, field: 0.3, algorithm: 'multispin', seed: 16, cold: false }, // two words per row, 5+ groups
];

for (const config of exactCases) {
  exactness(`${config.algorithm} L=${config.size} T=${config.temperature} J=${config.coupling ?? 1} h=${config.field ?? 0}`, () =>
    withGpu(async (ctx) => {
      const sweeps = 4;
      const gpu = await chainSites(ctx, config, sweeps);
      const want = ref.referenceChain(validateIsingConfig(config), sweeps);
      assert.equal([...gpu.series], want.series, 'measured series');
      const mismatch = gpu.sites.findIndex((s, i) => s !== want.sites[i]);
      assert.is(mismatch, -1, `first differing site ${mismatch}`);
    }),
  );
}
exactness.run();

// ---------------------------------------------------------------- exact distributions (4x4)
const distribution = suite('4x4 (energy, magnetization) histogram = exact enumeration, chi-square at alpha = 0.001 (GPU)');

/**
 * The histogram bin of a 4x4 sample: anti-aligned bonds x magnetization. Without a field the chain
 * tunnels between +M and -M slowly (hundreds of sweeps at T = 2), so the bin holds |M| = |up - 8|,
 * which decorrelates as fast as the energy; with a field, up itself.
 */
const jointBin = (anti: number, up: number, field: number) => anti * 17 + (field === 0 ? Math.abs(up - 8) : up);

/**
 * Exact Boltzmann probabilities on the 4x4 periodic lattice of jointBin(anti, up), for
 * E = -J (32 - 2 anti) - h (2 up - 16), summed over every one of the 2^16 states.
 */
function exactJointDistribution(temperature: number, coupling: number, field: number): number[] {
  const L = 4;
  const weights = new Array(33 * 17).fill(0);
  for (let state = 0; state < 1 << 16; state++) {
    let anti = 0;
    let up = 0;
    for (let y = 0; y < L; y++) {
      for (let x = 0; x < L; x++) {
        const s = (state >> (y * L + x)) & 1;
        anti += (s ^ ((state >> (y * L + ((x + 1) % L))) & 1)) + (s ^ ((state >> (((y + 1) % L) * L + x)) & 1));
        up += s;
      }
    }
    const energy = -coupling * (32 - 2 * anti) - field * (2 * up - 16);
    weights[jointBin(anti, up, field)] += Math.exp(-energy / temperature);
  }
  const z = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / z);
}

// Keep every THIN-th sweep (16 with a field, where the magnetization itself decorrelates more slowly than
// |M|); the test checks below that the kept samples are uncorrelated.
const thinning = (field: number) => (field === 0 ? 8 : 16);
const SAMPLES = 4000;
// h = 0 at two temperatures for each algorithm, then a field and an antiferromagnet: the exact
// distribution is computed from the energy function itself, so a sign error in J or h fails here.
const distributionCases: { algorithm: IsingAlgorithm; temperature: number; coupling: number; field: number }[] = [
  { algorithm: 'heatbath', temperature: 2.0, coupling: 1, field: 0 },
  { algorithm: 'heatbath', temperature: 3.5, coupling: 1, field: 0 },
  { algorithm: 'metropolis', temperature: 2.0, coupling: 1, field: 0 },
  { algorithm: 'metropolis', temperature: 3.5, coupling: 1, field: 0 },
  { algorithm: 'heatbath', temperature: 2.5, coupling: 1, field: 0.3 },
  { algorithm: 'metropolis', temperature: 2.0, coupling: -1, field: 0.5 },
];
for (const { algorithm, temperature, coupling, field } of distributionCases) {
  distribution(`${algorithm} T=${temperature} J=${coupling} h=${field}: joint (energy, magnetization) histogram`, () =>
    withGpu(async (ctx) => {
      const chain = await IsingChain.create(ctx, { size: 4, temperature, coupling, field, algorithm, seed: 2026 + temperature * 10 + field * 100 });
      await chain.sweep(100);
      const THIN = thinning(field);
      const { series } = await chain.measureSeries(SAMPLES * THIN);
      chain.release();
      const counts = new Array(33 * 17).fill(0);
      const keptAnti: number[] = [];
      const keptUp: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const anti = series[2 * i * THIN], up = series[2 * i * THIN + 1];
        counts[jointBin(anti, up, field)]++;
        keptAnti.push(anti);
        keptUp.push(field === 0 ? Math.abs(up - 8) : up);
      }
      // Chi-square assumes independent samples: the thinned series' autocorrelation times must be ~1/2.
      for (const [name, kept] of [['energy', keptAnti], ['magnetization', keptUp]] as const) {
        const { tau } = binnedMean(kept);
        assert.ok(tau < 1, `thinned ${name} samples are correlated: tau = ${tau}`);
      }
      const { statistic, dof } = chiSquare(counts, exactJointDistribution(temperature, coupling, field));
      const critical = chiSquareCritical(dof, 0.001);
      assert.ok(dof >= 3, `dof ${dof}`);
      assert.ok(statistic < critical, `chi2 ${statistic.toFixed(2)} >= ${critical.toFixed(2)} (dof ${dof})`);
    }),
  );
}
distribution.run();

// ---------------------------------------------------------------- physics at L = 64
const physics = suite('L=64 against Onsager and Yang (GPU)');

const exactAt = (T: number) => exact.values.find((v) => v.T === T)!;
const BURN = 1000, SWEEPS = 4000;

async function measure(ctx: GpuContext, algorithm: IsingAlgorithm, temperature: number, seed: number) {
  const chain = await IsingChain.create(ctx, { size: 64, temperature, algorithm, seed });
  await chain.sweep(BURN);
  const m = await chain.measure(SWEEPS);
  chain.release();
  return m;
}

for (const temperature of [1.5, 3.5]) {
  physics(`T=${temperature}: heat-bath energy and |m| within 4 error bars; multispin agrees with heat-bath`, () =>
    withGpu(async (ctx) => {
      const want = exactAt(temperature);
      const hb = await measure(ctx, 'heatbath', temperature, 101);
      const ms = await measure(ctx, 'multispin', temperature, 202);
      for (const [name, m] of [['heatbath', hb], ['multispin', ms]] as const) {
        const zE = (m.energy_per_site - want.energy_per_site) / m.energy_err;
        assert.ok(Math.abs(zE) < 4, `${name} e = ${m.energy_per_site} +- ${m.energy_err}, exact ${want.energy_per_site}`);
        if (temperature < exact.Tc) {
          const zM = (m.magnetization_abs - want.magnetization) / m.magnetization_abs_err;
          assert.ok(Math.abs(zM) < 4, `${name} |m| = ${m.magnetization_abs} +- ${m.magnetization_abs_err}, Yang ${want.magnetization}`);
        } else {
          // Yang's m = 0 holds for L -> infinity; at finite L the paramagnet's m is Gaussian with
          // <|m|> = sqrt(2 <m^2> / pi), which tends to 0 as 1/L. Check that, and that it is small.
          const gaussian = Math.sqrt((2 * m.m2) / Math.PI);
          assert.ok(Math.abs(m.magnetization_abs - gaussian) < 4 * m.magnetization_abs_err + 0.002, `${name} |m| ${m.magnetization_abs} vs sqrt(2<m2>/pi) ${gaussian}`);
          assert.ok(m.magnetization_abs < 0.05, `${name} |m| = ${m.magnetization_abs} should vanish above Tc`);
        }
      }
      const z = (hb.energy_per_site - ms.energy_per_site) / Math.hypot(hb.energy_err, ms.energy_err);
      assert.ok(Math.abs(z) < 4, `heat-bath e ${hb.energy_per_site} vs multispin ${ms.energy_per_site}: z = ${z}`);
      const zm = (hb.magnetization_abs - ms.magnetization_abs) / Math.hypot(hb.magnetization_abs_err, ms.magnetization_abs_err);
      assert.ok(Math.abs(zm) < 4, `heat-bath |m| ${hb.magnetization_abs} vs multispin ${ms.magnetization_abs}: z = ${zm}`);
    }),
  );
}
physics.run();

// Keep the statistics helper honest on a series with a known answer.
const statistics = suite('isingStatistics (no GPU)');
statistics('all-up lattice: e = -2J - h, |m| = 1, Binder = 2/3', () => {
  const L = 8, n = 100;
  const series = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) series[2 * i + 1] = L * L;
  const m = isingStatistics(series, L, 1, 0.5);
  assert.is(m.energy_per_site, -2.5);
  assert.is(m.magnetization_abs, 1);
  assert.ok(Math.abs(m.binder - 2 / 3) < 1e-12);
  assert.is(m.energy_err, 0);
});
statistics.run();
