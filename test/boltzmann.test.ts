// The fully connected Boltzmann machine (models/boltzmann.ts) against exact enumeration: the Gibbs
// sampler's state distribution (free and clamped, chi-square), the learning gradient, and learning
// that raises the exact log-likelihood of a small data set.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { BoltzmannMachine, checkData, couplingMask, randomStates, seedParameters, validateBoltzmannConfig, type BoltzmannConfig } from '../models/boltzmann.js';
import { energy, exactDistribution, exactGradient, exactLogLikelihood, stateOf } from '../harness/boltzmann/reference.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

/** Random symmetric couplings (+-scale, masked) and biases from a fixed seed. */
function randomParameters(config: BoltzmannConfig, seed: number, scale: number) {
  const shape = validateBoltzmannConfig(config);
  const n = shape.units;
  const signs = randomStates('spin', 1, n * n + n, seed, 0);
  const mask = couplingMask(shape);
  const couplings = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) couplings[i * n + j] = couplings[j * n + i] = mask[i * n + j] * scale * signs[i * n + j] * (0.5 + ((i + j) % 3) / 4);
  const bias = Float32Array.from({ length: n }, (_, i) => 0.3 * signs[n * n + i]);
  return { shape, couplings, bias };
}

/** Histogram of the chains' states by enumeration index (unit i up: bit i). */
function histogram(states: Float32Array, units: number, up = 1): number[] {
  const counts = new Array(2 ** units).fill(0);
  for (let c = 0; c * units < states.length; c++) {
    let k = 0;
    for (let i = 0; i < units; i++) if (states[c * units + i] === up) k |= 1 << i;
    counts[k]++;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
const host = suite('boltzmann configuration and the seeds\' parameters (no GPU)');

host('the energy of J and d is the seeds\' E = -b\'x - c\'h - h\'Wx - x\'Ux - h\'Vh', () => {
  const { shape, couplings, bias } = randomParameters({ visible: 3, hidden: 2 }, 1, 0.7);
  const { W, U, V, b, c } = seedParameters(shape, couplings, bias);
  for (const k of [0, 5, 17, 31]) {
    const s = stateOf(shape, k);
    const x = s.slice(0, 3), h = s.slice(3);
    let e = 0;
    for (let i = 0; i < 3; i++) e -= b[i] * x[i];
    for (let j = 0; j < 2; j++) e -= c[j] * h[j];
    for (let j = 0; j < 2; j++) for (let i = 0; i < 3; i++) e -= h[j] * W[j * 3 + i] * x[i];
    for (let i = 0; i < 3; i++) for (let k2 = 0; k2 < 3; k2++) e -= x[i] * U[i * 3 + k2] * x[k2];
    for (let i = 0; i < 2; i++) for (let k2 = 0; k2 < 2; k2++) e -= h[i] * V[i * 2 + k2] * h[k2];
    assert.ok(Math.abs(e - energy(couplings, bias, s)) < 1e-9, `state ${k}`);
  }
});

host('the mask leaves out the diagonal and the lateral blocks not asked for', () => {
  const m = couplingMask(validateBoltzmannConfig({ visible: 2, hidden: 2, lateral: { visible: false } }));
  assert.equal([...m], [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
});

host('bad configurations and data are InputErrors', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => validateBoltzmannConfig({ visible: 0, hidden: 2 }), /at least one visible unit/],
    [() => validateBoltzmannConfig({ visible: 2.5, hidden: 2 }), /visible = 2.5/],
    [() => validateBoltzmannConfig({ visible: 2, hidden: 1, kind: 'ternary' as 'spin' }), /kind 'ternary'/],
    [() => checkData([1, 0, 1], validateBoltzmannConfig({ visible: 2, hidden: 1 })), /3 data values are not whole rows of 2/],
    [() => checkData([1, -1], validateBoltzmannConfig({ visible: 2, hidden: 1 })), /unit 1 is -1; binary units take 0 or 1/],
  ];
  for (const [work, message] of cases) assert.throws(work, (e: Error) => e instanceof InputError && message.test(e.message), String(message));
});
host.run();

// ---------------------------------------------------------------------------------------------
const sampling = suite('boltzmann Gibbs sampling = exact enumeration (GPU, chi-square at 0.001)');

sampling('free chains of 8 units (5 visible, 3 hidden; 0/1 and +-1): the joint state distribution', () =>
  withGpu(async (ctx) => {
    for (const kind of ['binary', 'spin'] as const) {
      const config = { visible: 5, hidden: 3, kind };
      const { shape, couplings, bias } = randomParameters(config, kind === 'binary' ? 2 : 3, kind === 'binary' ? 0.9 : 0.3);
      const bm = await BoltzmannMachine.fromParameters(ctx, config, { couplings, bias });
      // 0/1: 8192 chains over 256 states (32 a state on average); +-1: a second look.
      const chains = await bm.sampler(kind === 'binary' ? 8192 : 4096, { seed: 5 });
      try {
        await chains.run(16);
        const counts = histogram(await chains.readStates(), shape.units);
        const { statistic, dof } = chiSquare(counts, [...exactDistribution(shape, couplings, bias)]);
        assert.ok(statistic < chiSquareCritical(dof, 0.001), `${kind}: chi2 = ${statistic.toFixed(1)} on ${dof} dof`);
        if (kind === 'binary') {
          // The test has power: the same samples reject the distribution of couplings 10% stronger.
          const off = chiSquare(counts, [...exactDistribution(shape, couplings.map((v) => 1.1 * v), bias)]);
          assert.ok(off.statistic > chiSquareCritical(off.dof, 0.001), `couplings x 1.1: chi2 = ${off.statistic.toFixed(1)} on ${off.dof} dof`);
        }
      } finally {
        chains.release();
        bm.release();
      }
    }
  }),
);

sampling('clamped chains: the hidden units given each visible row follow p(h | x)', () =>
  withGpu(async (ctx) => {
    const config = { visible: 5, hidden: 5 };
    const { shape, couplings, bias } = randomParameters(config, 4, 0.9);
    const rows = [1, 0, 1, 1, 0, 0, 0, 1, 1, 1];
    const bm = await BoltzmannMachine.fromParameters(ctx, config, { couplings, bias });
    const chains = await bm.sampler(4096, { seed: 6, clamp: rows });
    try {
      await chains.run(12);
      const states = await chains.readStates();
      const p = exactDistribution(shape, couplings, bias);
      for (let r = 0; r < 2; r++) {
        const x = rows.slice(5 * r, 5 * r + 5);
        const xBits = x.reduce((k, v, i) => k | (v << i), 0);
        const own = states.filter((_, e) => Math.floor(e / 10) % 2 === r);
        assert.ok(own.every((v, e) => e % 10 >= 5 || v === x[e % 10]), 'the visible units stay clamped');
        const hidden = histogram(Float32Array.from(own.filter((_, e) => e % 10 >= 5)), 5);
        const conditional = Array.from({ length: 32 }, (_, h) => p[xBits | (h << 5)]);
        const z = conditional.reduce((a, b) => a + b, 0);
        const { statistic, dof } = chiSquare(hidden, conditional.map((v) => v / z));
        assert.ok(statistic < chiSquareCritical(dof, 0.001), `row ${r}: chi2 = ${statistic.toFixed(1)} on ${dof} dof`);
      }
    } finally {
      chains.release();
      bm.release();
    }
  }),
);
sampling.run();

// ---------------------------------------------------------------------------------------------
const learning = suite('boltzmann learning (GPU)');

// Four 6-pixel rows: two bars and their complements.
const DATA = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1];

learning('the gradient estimate (data - model correlations) matches the exact gradient', () =>
  withGpu(async (ctx) => {
    const config = { visible: 6, hidden: 3 };
    const { shape, couplings, bias } = randomParameters(config, 7, 0.6);
    const bm = await BoltzmannMachine.fromParameters(ctx, config, { couplings, bias });
    const trainer = await bm.trainer(DATA, { lr: 0.1, chains: 4096, replicas: 1024, seed: 8 });
    try {
      // Burn-in by repeated estimates (no update); each estimate is one snapshot of independent chains.
      const got = await trainer.gradient(10);
      const want = exactGradient(shape, couplings, bias, DATA);
      // Each entry averages 4096 independent chains (std <= 0.5 / 64 each phase, <= 0.011 for the
      // difference): 0.05 is above 4.5 sigma.
      got.couplings.forEach((v, e) => assert.ok(Math.abs(v - want.couplings[e]) < 0.05, `coupling ${e}: ${v} vs ${want.couplings[e]}`));
      got.bias.forEach((v, i) => assert.ok(Math.abs(v - want.bias[i]) < 0.05, `bias ${i}: ${v} vs ${want.bias[i]}`));
      // The estimate must follow the exact gradient, not merely be small.
      const norm = want.couplings.reduce((a, v) => a + v * v, 0);
      assert.ok(norm > 0.05, `a test gradient of some size: |g|^2 = ${norm}`);
    } finally {
      trainer.release();
      bm.release();
    }
  }),
);

learning('training on four rows raises their exact log-likelihood', () =>
  withGpu(async (ctx) => {
    const config = { visible: 6, hidden: 3 };
    const shape = validateBoltzmannConfig(config);
    const bm = await BoltzmannMachine.create(ctx, config, { seed: 3, scale: 0.05 });
    const before = await bm.readParameters();
    const trainer = await bm.trainer(DATA, { lr: 0.05, chains: 512, replicas: 64, seed: 4 });
    try {
      await trainer.step(150);
      const after = await bm.readParameters();
      const l0 = exactLogLikelihood(shape, before.couplings, before.bias, DATA);
      const l1 = exactLogLikelihood(shape, after.couplings, after.bias, DATA);
      // Uniform over 64 rows: log(1/64) = -4.16; the best possible for 4 rows: log(1/4) = -1.39.
      assert.ok(l1 > l0 + 1, `log-likelihood ${l0.toFixed(3)} -> ${l1.toFixed(3)}`);
      const symmetric = after.couplings.every((v, e) => v === after.couplings[(e % 9) * 9 + Math.floor(e / 9)]);
      assert.ok(symmetric, 'the couplings stay symmetric');
      assert.ok([0, 10, 20].every((e) => after.couplings[e] === 0), 'and zero on the diagonal');
    } finally {
      trainer.release();
      bm.release();
    }
  }),
);

learning('bad parameters and training options are InputErrors', () =>
  withGpu(async (ctx) => {
    const config = { visible: 2, hidden: 1 };
    await expectError(() => BoltzmannMachine.fromParameters(ctx, config, { couplings: [0, 1, 0, 1, 0, NaN, 0, NaN, 0], bias: [0, 0, 0] }), InputError, 'coupling [1, 2] is NaN');
    await expectError(() => BoltzmannMachine.fromParameters(ctx, config, { couplings: [0, 1, 0, 2, 0, 0, 0, 0, 0], bias: [0, 0, 0] }), InputError, 'symmetric');
    await expectError(() => BoltzmannMachine.fromParameters(ctx, config, { couplings: [0, 0, 0, 0], bias: [0, 0, 0] }), InputError, 'units^2 = 9');
    const bm = await BoltzmannMachine.create(ctx, config, { seed: 1 });
    try {
      await expectError(() => bm.trainer([1, 0], { lr: 0, seed: 1 }), InputError, 'lr must be a positive number');
      await expectError(() => bm.trainer([1, 0], { lr: 0.1, chains: 0, seed: 1 }), InputError, 'chains must be a positive integer');
      await expectError(() => bm.trainer([1, 2], { lr: 0.1, seed: 1 }), InputError, 'unit 1 is 2');
    } finally {
      bm.release();
    }
  }),
);
learning.run();
