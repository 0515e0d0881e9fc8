// The renormalisation-group pieces (models/rg.ts, rg_chain.ts): the decimation flow against exact
// enumeration of a short periodic chain's marginal, the chain's correlations against enumeration,
// the locality of hand-made receptive fields, and our Boltzmann sampler's chain correlations
// against tanh(J)^d.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { chainCorrelation, decimationFlow, fieldLocality, layerLocality, measuredCorrelation, ringCouplings } from '../models/rg.js';
import { sampleRing } from '../models/rg_chain.js';
import { isingObservables, isingSamples } from '../models/rg_ising.js';
import { IsingChain } from '../models/ising.js';
import { neighbourCorrelation, receptiveFields } from '../models/rg_stack.js';
import { Dbn } from '../models/dbn.js';
import { runRgChain } from '../harness/rg/job.js';
import { rgChainCommand } from '../harness/rg/command.js';
import { RG_CHAIN_JOB } from '../harness/rg/flags.js';
import { readSpec } from '../harness/cli/schema.js';
import { withJobContext } from '../harness/backends/context.js';
import { expectError, expectRefused } from './expect.js';
import { withGpu } from './gpu.js';
import { randomF32 } from './random.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** The spins of state n of a chain of `length` (bit i: +1 or -1). */
const spins = (n: number, length: number) => Array.from({ length }, (_, i) => ((n >> i) & 1 ? 1 : -1));

/** Boltzmann weights exp(J sum_i s_i s_(i+1)) of every state of a periodic chain. */
function ringWeights(length: number, coupling: number): Float64Array {
  return Float64Array.from({ length: 2 ** length }, (_, n) => {
    const s = spins(n, length);
    return Math.exp(coupling * s.reduce((e, si, i) => e + si * s[(i + 1) % length], 0));
  });
}

const host = suite('rg (no GPU)');

host('decimation: the marginal of every 2^n-th spin of a periodic chain is a chain with coupling J_n (exact enumeration)', async () => {
  const coupling = 0.7;
  const flow = decimationFlow(coupling, 2);
  close(Math.tanh(flow[1]), Math.tanh(coupling) ** 2, 1e-15, 'tanh J_1');
  for (const [length, level] of [[8, 1], [16, 2]]) {
    const weights = ringWeights(length, coupling);
    const step = 2 ** level;
    const kept = length / step;
    // The marginal of spins 0, step, 2 step, ...: sum the weights over the others.
    const marginal = new Float64Array(2 ** kept);
    weights.forEach((w, n) => {
      let k = 0;
      for (let i = 0; i < kept; i++) k |= ((n >> (i * step)) & 1) << i;
      marginal[k] += w;
    });
    const decimated = ringWeights(kept, flow[level]);
    const [zm, zd] = [marginal.reduce((a, b) => a + b, 0), decimated.reduce((a, b) => a + b, 0)];
    marginal.forEach((m, k) => close(m / zm, decimated[k] / zd, 1e-12, `${length} spins, level ${level}, kept state ${k}`));
  }
  assert.equal(decimationFlow(0, 3), [0, 0, 0, 0]);
  await expectError(() => decimationFlow(-1, 2), InputError, 'coupling = -1');
});

host("the periodic chain's correlation <s_0 s_d> against enumeration", () => {
  const [length, coupling] = [10, 0.9];
  const weights = ringWeights(length, coupling);
  const z = weights.reduce((a, b) => a + b, 0);
  for (let d = 0; d <= length; d++) {
    const exact = weights.reduce((a, w, n) => a + (w / z) * spins(n, length)[0] * spins(n, length)[d % length], 0);
    close(chainCorrelation(coupling, d, length), exact, 1e-12, `distance ${d}`);
  }
  const j = ringCouplings(5, 0.5);
  assert.equal([j[0 * 5 + 1], j[1 * 5 + 0], j[0 * 5 + 4], j[4 * 5 + 0], j[0 * 5 + 2], j[0]], [0.5, 0.5, 0.5, 0.5, 0, 0]);
  // Two chains of 4: (+ + - -) and (+ + + +); d = 1: 0 and 1; d = 2: -1 and 1.
  const states = [1, 1, -1, -1, 1, 1, 1, 1];
  assert.equal(measuredCorrelation(states, 2, 4, 1), { value: 0.5, stderr: 0.5 });
  assert.equal(measuredCorrelation(states, 2, 4, 2).value, 0);
});

host('locality of hand-made fields: a single site, a uniform field, a 3 x 3 block (also across the boundary), on a ring', () => {
  const lattice = { width: 10, height: 10 };
  const site = new Float64Array(100);
  site[3 * 10 + 7] = -2;
  assert.equal(fieldLocality(site, lattice, 0), { centre: [7, 3], radius: 0, fraction: 1 });
  // Uniform: no centre (the origin by convention); the fraction is the disk's share of the sites.
  const uniform = new Float64Array(100).fill(1);
  const inDisk = Array.from({ length: 100 }, (_, s) => Math.min(s % 10, 10 - (s % 10)) ** 2 + Math.min(Math.floor(s / 10), 10 - Math.floor(s / 10)) ** 2 <= 4).filter(Boolean).length;
  close(fieldLocality(uniform, lattice, 2).fraction, inDisk / 100, 1e-12, 'uniform fraction');
  for (const [cx, cy] of [[5, 5], [0, 9]]) {
    const block = new Float64Array(100);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) block[((cy + dy + 10) % 10) * 10 + ((cx + dx + 10) % 10)] = 1;
    const got = fieldLocality(block, lattice, 1.5);
    close(got.centre[0], cx, 1e-9, 'block centre x');
    close(got.centre[1], cy, 1e-9, 'block centre y');
    close(got.fraction, 1, 1e-12, 'a 3 x 3 block lies within 1.5 of its centre');
    close(got.radius, Math.sqrt(12 / 9), 1e-9, 'RMS distance: 4 sites at 1, 4 at sqrt 2');
    close(fieldLocality(block, lattice, 1).fraction, 5 / 9, 1e-12, 'the centre and its 4 neighbours within 1');
  }
  const ring = fieldLocality([0, 0, 1, 1, 0, 0, 0, 0], { width: 8, height: 1 }, 0.5);
  assert.equal([ring.centre[0], ring.radius, ring.fraction], [2.5, 0.5, 1]);
  // A block's locality beats its shuffled copies'; a single site is a single site however permuted.
  const block = new Float64Array(100);
  for (const s of [44, 45, 54, 55]) block[s] = 1;
  const layer = layerLocality([...site, ...block], 2, lattice, 1, 3);
  close(layer.locality, 1, 1e-12, 'both fields within radius 1');
  close(layer.median_radius, Math.sqrt(0.5) / 2, 1e-12, "the median of a site's radius 0 and a 2 x 2 block's sqrt(1/2)");
  assert.ok(layer.locality_shuffled < 0.7 && layer.mean_radius_shuffled > 2 * layer.mean_radius, JSON.stringify(layer));
  assert.equal(layerLocality([...site, ...block], 2, lattice, 1, 3), layer, 'the same seed, the same baseline');
  // A field of zeros has no centre: left out of the layer's means.
  assert.ok(Number.isNaN(fieldLocality(new Float64Array(100), lattice, 1).fraction));
  assert.equal(layerLocality([...new Float64Array(100), ...site, ...block], 3, lattice, 1, 3).locality, 1);
});

host('learned block spins: units in the order of their fields\' centres, each signed by its field, neighbours periodic', () => {
  // Three units on a ring of 6 sites, listed out of order: centres 4, 0 and 2 (unit 1's field negative).
  const fields = [0, 0, 0, 0, 1, 0, /**/ -1, 0, 0, 0, 0, 0, /**/ 0, 0, 1, 0, 0, 0];
  // Two samples of the 0/1 states of units 0, 1, 2; in centre order (1, 2, 0) with unit 1 flipped:
  // sample 1: (+1, +1, +1) -> 1; sample 2: (-1, +1, -1) -> (-1 - 1 + 1) / 3.
  const hidden = [1, 0, 1, /**/ 0, 1, 1];
  const got = neighbourCorrelation(hidden, 2, fields, 6);
  close(got.correlation, (1 + -1 / 3) / 2, 1e-12, 'correlation');
  close(got.stderr, Math.abs(1 - -1 / 3) / 2, 1e-12, 'standard error of two samples');
  assert.is(got.units, 3);
});

host('Ising observables of a configuration: all up, a checkerboard, one flipped spin', () => {
  const size = 4;
  const up = new Uint8Array(16).fill(1);
  assert.equal(isingObservables(up, size, 0.5), { energyPerSite: -1, magnetizationAbs: 1 });
  const board = Uint8Array.from({ length: 16 }, (_, s) => ((s % 4) + Math.floor(s / 4)) % 2);
  assert.equal(isingObservables(board, size, 0.5), { energyPerSite: 1, magnetizationAbs: 0 });
  // One spin down: its 4 bonds turn from +1 to -1.
  up[5] = 0;
  assert.equal(isingObservables(up, size, 1), { energyPerSite: -(32 - 8) / 16, magnetizationAbs: 14 / 16 });
});

const gpu = suite('rg chain sampler (GPU)');

gpu("Ising training samples: spaced by the pilot's tau, their mean energy that of a long independent run within 5 standard errors, the same for the same seed", () =>
  withGpu(async (ctx) => {
    const [size, coupling, samples] = [8, 0.3, 300];
    const got = await isingSamples(ctx, { size, coupling, samples, seed: 7, burnIn: 200, pilotSweeps: 1000 });
    assert.is(got.sites.length, samples * size * size);
    assert.ok(got.sites.every((b) => b === 0 || b === 1));
    assert.ok(got.tau > 0 && got.spacing === Math.max(1, Math.ceil(2 * got.tau)), `tau ${got.tau}, spacing ${got.spacing}`);
    const energies = Array.from({ length: samples }, (_, s) => isingObservables(got.sites, size, coupling, s * size * size).energyPerSite);
    const m = energies.reduce((a, b) => a + b, 0) / samples;
    const sd = Math.sqrt(energies.reduce((a, e) => a + (e - m) ** 2, 0) / (samples - 1));
    close(got.energyPerSite, m, 1e-12, 'the reported mean');
    const chain = await IsingChain.create(ctx, { size, temperature: 1, coupling, algorithm: 'heatbath', seed: 99 });
    await chain.sweep(200);
    const long = await chain.measure(20000);
    chain.release();
    const tolerance = 5 * Math.hypot(sd / Math.sqrt(samples), long.energy_err);
    assert.ok(Math.abs(m - long.energy_per_site) < tolerance, `samples ${m} vs long run ${long.energy_per_site} (tolerance ${tolerance})`);
    const again = await isingSamples(ctx, { size, coupling, samples: 5, seed: 7, burnIn: 200, pilotSweeps: 1000 });
    assert.equal(Array.from(again.sites), Array.from(got.sites.subarray(0, 5 * size * size)), 'the same seed, the same samples');
  }),
);

gpu("our Boltzmann sampler on a ring of 64 spins: <s_i s_(i+d)> within 4 standard errors of the exact value, d = 1, 2, 4, 8, 16", () =>
  withGpu(async (ctx) => {
    const [length, coupling, chains] = [64, 0.8, 1000];
    const states = await sampleRing(ctx, { length, coupling, chains, sweeps: 60, seed: 5 });
    assert.ok(states.every((s) => s === 1 || s === -1), 'spins are +-1');
    for (const d of [1, 2, 4, 8, 16]) {
      const m = measuredCorrelation(states, chains, length, d);
      const exact = chainCorrelation(coupling, d, length);
      assert.ok(Math.abs(m.value - exact) < 4 * m.stderr + 1e-3, `d = ${d}: ${m.value} +- ${m.stderr} vs exact ${exact}`);
    }
    await expectError(() => sampleRing(ctx, { length, coupling, chains: 1, sweeps: 1, seed: 1 }), InputError, 'chains = 1');
  }),
);

gpu('receptive fields: W_1 ... W_l by GEMMs against the float64 product, as units x sites', () =>
  withGpu(async (ctx) => {
    const layers = [12, 6, 4, 3];
    const weights = layers.slice(1).map((h, i) => randomF32(layers[i] * h, 70 + i, 1));
    const dbn = await Dbn.create(ctx, { layers }, { seed: 1 });
    try {
      for (const [i, w] of weights.entries()) await dbn.rbms[i].weights.value.write(w);
      let product = Float64Array.from(weights[0]);
      for (let level = 1; level <= 3; level++) {
        if (level > 1) {
          const [k, n] = [layers[level - 1], layers[level]];
          product = Float64Array.from({ length: 12 * n }, (_, e) => {
            let s = 0;
            for (let j = 0; j < k; j++) s += product[Math.floor(e / n) * k + j] * weights[level - 1][j * n + (e % n)];
            return s;
          });
        }
        const got = await receptiveFields(ctx, dbn, level);
        const units = layers[level];
        got.forEach((v, e) => close(v, product[(e % 12) * units + Math.floor(e / 12)], 1e-5, `layer ${level}, unit ${Math.floor(e / 12)}, site ${e % 12}`));
      }
      assert.equal(Array.from(await receptiveFields(ctx, dbn, 1)).slice(0, 2), [weights[0][0], weights[0][6]], 'layer 1: the weights, transposed');
      await expectError(() => receptiveFields(ctx, dbn, 0), InputError, 'layer 0 is not a hidden layer');
      await expectError(() => receptiveFields(ctx, dbn, 4), InputError, 'layer 4');
    } finally {
      dbn.release();
    }
  }),
);

gpu('the rg-chain job at a small size: the exact flow, the sampled correlations, a learned level per decimation', async () => {
  await withJobContext(async (ctx) => {
    const p = readSpec(RG_CHAIN_JOB, { job: 'rg-chain', length: 16, levels: 2, chains: 200, sweeps: 30, epochs: 2, coupling: 0.6, seed: 3 }, 'rg-chain');
    const r = await runRgChain(ctx, p);
    assert.equal(r.exact, decimationFlow(0.6, 2));
    const measured = r.measured as Array<Record<string, number>>;
    assert.equal(measured.map((m) => m.distance), [1, 2, 4]);
    for (const m of measured) assert.ok(Math.abs(m.value - m.periodic) < 4 * m.stderr + 1e-3, JSON.stringify(m));
    const learned = r.learned as Array<Record<string, number>>;
    assert.equal(learned.map((l) => [l.level, l.units]), [[1, 8], [2, 4]]);
    assert.ok(learned.every((l) => Math.abs(l.correlation) <= 1 && l.stderr > 0 && l.tanh_j === Math.tanh((r.exact as number[])[l.level])));
    return {};
  });
});

const cli = suite('rg CLI');

cli('bad flags: exit 2 and a message naming the flag, before any device is opened', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ chain: rgChainCommand }, args, message);
  await refused(['chain', '--length', '100', '--levels', '3'], /--length 100 must be a multiple of 2\^levels = 8/);
  await refused(['chain', '--length', '16', '--levels', '3'], /at least 4 spins left/);
  await refused(['chain', '--coupling', '-1'], /--coupling/);
  await refused(['chain', '--chains', '1'], /--chains/);
  await refused(['chain', '--levels', '0'], /--levels/);
});

host.run();
gpu.run();
cli.run();
