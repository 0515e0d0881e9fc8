// The RBM (models/rbm*.ts): the model's fused steps against float64 with the GPU's own Philox draws,
// the Gibbs sampler's joint (v, h) histogram against exact enumeration, CD-k's expected gradient
// approaching the exact one, the exact log Z against brute force, AIS against the exact log Z, and
// bars-and-stripes training. Its kernels have files of their own: codes.test.ts, anneal.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { Rbm, RBM_CALLS, type RbmConfig } from '../models/rbm.js';
import { RbmDataset } from '../models/rbm_data.js';
import { RbmTrainer, rbmOptimizerState, validateRbmTraining, type RbmTrainingOptions } from '../models/rbm_trainer.js';
import { RbmEvaluator } from '../models/rbm_evaluate.js';
import { aisBaseBiases, aisBetas, logMeanExp, rbmAis, rbmExactLogZ, AIS_DEFAULT_STEPS } from '../models/rbm_partition.js';
import { permutationReference } from '../harness/reference/permute.js';
import {
  averageLogProbability,
  cdExpectedGradient,
  cdStepReference,
  exactGradient,
  freeEnergyReference,
  jointDistribution,
  logZBruteForce,
  logZByHidden,
  type RbmGradient,
  type RbmReference,
} from '../harness/rbm/reference.js';
import { barsAndStripes } from '../harness/rbm/datasets.js';
import { expectError } from './expect.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';
import { check, Made } from './ops_util.js';
import { randomF32 } from './random.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

// A correct sampler fails a statistical test below with probability ALPHA; the seeds are fixed, so
// each outcome is too.
const ALPHA = 0.001;

/** An RBM with the given parameters (weights visible x hidden), its optimiser state for `state`. */
async function rbmWith(ctx: GpuContext, m: RbmReference, state: string[] = []): Promise<Rbm> {
  const config: RbmConfig = { visible: m.visible, hidden: m.hidden, visibleType: m.type };
  const rbm = await Rbm.create(ctx, config, { seed: 1, state });
  await rbm.weights.value.write(Float32Array.from(m.w));
  await rbm.visibleBias.value.write(Float32Array.from(m.b));
  await rbm.hiddenBias.value.write(Float32Array.from(m.c));
  return rbm;
}

/** A reference model with random f32 parameters: weights in [-scale, scale), biases in [-1, 1). */
function randomModel(visible: number, hidden: number, seed: number, scale: number, type: RbmReference['type'] = 'bernoulli'): RbmReference {
  return { visible, hidden, type, w: randomF32(visible * hidden, seed, scale), b: randomF32(visible, seed + 1), c: randomF32(hidden, seed + 2) };
}

/** Images of 0/1 values as the bytes a dataset holds (0 or 255). */
const asBytes = (values: ArrayLike<number>) => Uint8Array.from(values as ArrayLike<number>, (x) => (x ? 255 : 0));

const flat = (g: RbmGradient) => [...g.w, ...g.b, ...g.c];
const maxAbs = (xs: number[]) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

// ---------------------------------------------------------------------------------------------
const host = suite('RBM references and schedules (no GPU)');

host('exact log Z: the hidden-state sum equals brute force over every joint state', () => {
  const m = randomModel(5, 4, 3, 1.5);
  const brute = logZBruteForce(m);
  assert.ok(Math.abs(logZByHidden(m) - brute) < 1e-12, `${logZByHidden(m)} vs ${brute}`);
  // The joint sums to 1.
  assert.ok(Math.abs(jointDistribution(m).reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

host("aisBetas: Salakhutdinov & Murray's 14,500 transitions by default, the segments in proportion otherwise", () => {
  const betas = aisBetas();
  assert.is(betas.length, AIS_DEFAULT_STEPS + 1);
  assert.is(AIS_DEFAULT_STEPS, 14500);
  assert.is(betas[0], 0);
  assert.is(betas[500], 0.5);
  assert.ok(Math.abs(betas[4500] - 0.9) < 1e-15);
  assert.is(betas[14500], 1);
  assert.ok(Math.abs(betas[1] - 1e-3) < 1e-15 && Math.abs(betas[501] - 0.5001) < 1e-12 && Math.abs(betas[4501] - 0.90001) < 1e-12);
  // 290 = 14,500 / 50: 10 + 80 + 200.
  const small = aisBetas(290);
  assert.is(small.length, 291);
  assert.ok(Math.abs(small[10] - 0.5) < 1e-15 && Math.abs(small[90] - 0.9) < 1e-15);
  assert.throws(() => aisBetas(2), /at least 3/);
});

host('logMeanExp: stable for large logs, the delta-method standard error', () => {
  const { value, stderr } = logMeanExp([1000, 1000 + Math.log(3)]);
  // mean(e^1000 (1, 3)) = 2 e^1000; std of (1, 3) = sqrt(2), / sqrt(2) / 2 = 0.5.
  assert.ok(Math.abs(value - (1000 + Math.log(2))) < 1e-12, String(value));
  assert.ok(Math.abs(stderr - 0.5) < 1e-12, String(stderr));
});
host.run();

// ---------------------------------------------------------------------------------------------
const model = suite('RBM fused steps against float64 with the same draws (GPU)');

for (const type of ['bernoulli', 'gaussian'] as const) {
  model(`free energy per example, ${type} visible units (9 examples, 10 x 6)`, () =>
    withGpu(async (ctx) => {
      const m = randomModel(10, 6, 31, 1, type);
      const rows = 9;
      const v = type === 'bernoulli' ? Float32Array.from(randomF32(rows * 10, 32), (x) => +(x > 0)) : randomF32(rows * 10, 32, 2);
      const rbm = await rbmWith(ctx, m);
      const made = new Made(ctx);
      try {
        const out = await made.tensor('F', [rows]);
        const graph = new KernelGraph('free energy test');
        const op = await rbm.addFreeEnergy(graph, ctx, { v: await made.tensor('v', [rows, 10], v), rows, out });
        await ctx.scheduler.run(graph);
        op.release();
        const want = Array.from({ length: rows }, (_, r) => freeEnergyReference(m, v.subarray(r * 10, (r + 1) * 10)));
        check(`rbm free energy (${type})`, await readF32(out), want, { atol: 1e-4, rtol: 1e-5 });
      } finally {
        made.release();
        rbm.release();
      }
    }));
}

/** One training step on `data` (rows x visible 0/1 values, one batch) from the model `m`: the trainer's gradients and chains. */
async function oneStep(ctx: GpuContext, m: RbmReference, data: Float32Array, rows: number, o: Omit<RbmTrainingOptions, 'batch' | 'epochs' | 'lr'> & { lr?: number }) {
  const options: RbmTrainingOptions = { lr: 1e-3, ...o, batch: rows, epochs: 1 };
  const rbm = await rbmWith(ctx, m, rbmOptimizerState(options));
  const bytes = m.type === 'bernoulli' ? asBytes(data) : Uint8Array.from(data, (x) => Math.round(x * 255));
  const set = await RbmDataset.upload(ctx, { images: bytes, count: rows, width: m.visible });
  const trainer = await RbmTrainer.create(ctx, rbm, set, options);
  try {
    const startChains = trainer.persistentChains ? await readF32(trainer.persistentChains.v) : null;
    const epoch = await trainer.trainEpoch();
    return {
      epoch,
      startChains,
      state: await trainer.state(),
      grad: { w: await readF32(rbm.weights.grad), b: await readF32(rbm.visibleBias.grad), c: await readF32(rbm.hiddenBias.grad) },
      after: { w: await readF32(rbm.weights.value), b: await readF32(rbm.visibleBias.value), lr: options.lr as number },
      // The batch in the order the step saw it: the permutation of epoch 0.
      order: permutationReference(rows, o.seed, 0),
    };
  } finally {
    trainer.release();
    set.release();
    rbm.release();
  }
}

const cases: Array<[string, Pick<RbmTrainingOptions, 'k' | 'chains' | 'weightDecay' | 'l1' | 'sparsity'>, RbmReference['type']]> = [
  ['CD-1', { k: 1 }, 'bernoulli'],
  ['CD-1 with a sparsity target 0.1 (cost 0.5, decay 0.8)', { k: 1, sparsity: { target: 0.1, cost: 0.5, decay: 0.8 } }, 'bernoulli'],
  ['CD-3, weight decay 0.01, L1 penalty 0.02', { k: 3, weightDecay: 0.01, l1: 0.02 }, 'bernoulli'],
  ['PCD-2 with 6 chains', { k: 2, chains: 6 }, 'bernoulli'],
  ['CD-2, Gaussian visible units', { k: 2 }, 'gaussian'],
];
for (const [what, settings, type] of cases) {
  model(`one ${what} step (8 examples, 7 x 5): gradients, reconstruction error and chains as float64 with the GPU's draws`, () =>
    withGpu(async (ctx) => {
      const [rows, visible, hidden] = [8, 7, 5];
      const m = randomModel(visible, hidden, 41, 1.5, type);
      const data = type === 'bernoulli' ? Float32Array.from(randomF32(rows * visible, 42), (x) => +(x > 0)) : Float32Array.from(randomF32(rows * visible, 42), (x) => Math.round(((x + 1) / 2) * 255) / 255);
      const seed = 5;
      const r = await oneStep(ctx, m, data, rows, { seed, ...settings });
      const v0 = new Float64Array(rows * visible);
      r.order.forEach((row, i) => v0.set(data.subarray(row * visible, (row + 1) * visible), i * visible));
      const persistent = r.startChains ? { chains: r.startChains, rows: settings.chains! } : undefined;
      const s = settings.sparsity;
      // The running estimate starts at the target.
      const sparsity = s && { target: s.target, cost: s.cost, decay: s.decay!, activity: new Float64Array(hidden).fill(s.target) };
      const want = cdStepReference(m, v0, rows, { k: settings.k, seed, step: 0, persistent, sparsity });
      // Sums of a few products of f32 values; a draw decided differently (a word within f32 rounding of
      // its probability) would move a gradient by about 1 / rows, far beyond these tolerances.
      // Gaussian draws go through WGSL's cos and sin (2^-11 absolute), and so differ by about 1e-3.
      const tol = type === 'bernoulli' ? { atol: 1e-5, rtol: 1e-4 } : { atol: 3e-3, rtol: 1e-3 };
      check('rbm dW', r.grad.w, want.gradient.w, tol);
      check('rbm db', r.grad.b, want.gradient.b, tol);
      // The update (SGD without momentum): weight decay and the L1 penalty join the weights' gradient, not the biases'.
      const [wd, l1] = [settings.weightDecay ?? 0, settings.l1 ?? 0];
      const step = { atol: 1e-7, rtol: 1e-6 };
      check('rbm weights after the step', r.after.w, Array.from(m.w, (w, i) => w - r.after.lr * (r.grad.w[i] + wd * w + l1 * Math.sign(w))), step);
      check('rbm visible biases after the step', r.after.b, Array.from(m.b, (b, i) => b - r.after.lr * r.grad.b[i]), step);
      check('rbm dc', r.grad.c, want.gradient.c, tol);
      check('rbm reconstruction error', [r.epoch.reconstructionErrors[0]], [want.reconstructionError], tol);
      if (persistent) check('rbm persistent chains', r.state.chains!, want.chains, { atol: 0, rtol: 0 });
      if (sparsity) check('rbm hidden activity estimate', r.state.hiddenActivity!, want.activity!, { atol: 1e-6, rtol: 1e-5 });
    }));
}

model('the learning-rate schedule and the momentum switch: two epochs of one step, W2 = W1 - lr_1 (0.9 g1 + g2) after W1 = W0 - lr_0 g1', () =>
  withGpu(async (ctx) => {
    const m = randomModel(6, 3, 81, 1);
    const rows = 10;
    const data = Float32Array.from(randomF32(rows * 6, 82), (x) => +(x > 0));
    // lr 0.1 at step 0, 0.05 from step 1; momentum 0.5 in epoch 0, 0.9 after.
    const options: RbmTrainingOptions = { k: 1, lr: { kind: 'linear', from: 0.1, to: 0.05, steps: 1 }, momentum: 0.5, finalMomentum: 0.9, momentumEpochs: 1, batch: rows, seed: 3, epochs: 2 };
    const rbm = await rbmWith(ctx, m, rbmOptimizerState(options));
    const set = await RbmDataset.upload(ctx, { images: asBytes(data), count: rows, width: 6 });
    const trainer = await RbmTrainer.create(ctx, rbm, set, options);
    try {
      await trainer.trainEpoch();
      const [w1, g1] = [await readF32(rbm.weights.value), await readF32(rbm.weights.grad)];
      await trainer.trainEpoch();
      const [w2, g2] = [await readF32(rbm.weights.value), await readF32(rbm.weights.grad)];
      // The first step's momentum buffer is its gradient (0.5 x 0 + g1).
      check('rbm first update', w1, Array.from(m.w, (w, i) => w - 0.1 * g1[i]), { atol: 1e-7, rtol: 1e-6 });
      check('rbm second update', w2, Array.from(w1, (w, i) => w - 0.05 * (0.9 * g1[i] + g2[i])), { atol: 1e-7, rtol: 1e-6 });
      assert.is(trainer.momentumAt(0), 0.5);
      assert.is(trainer.momentumAt(1), 0.9);
    } finally {
      trainer.release();
      set.release();
      rbm.release();
    }
  }));

model('training options are checked, each problem naming the option', async () => {
  const base: RbmTrainingOptions = { k: 1, lr: 0.1, batch: 10, seed: 1, epochs: 1 };
  const cases: Array<[Partial<RbmTrainingOptions>, string]> = [
    [{ k: 0 }, 'k must be an integer >= 1'],
    [{ lr: -1 }, 'lr must be a positive number'],
    [{ momentum: 1 }, 'momentum must lie in [0, 1)'],
    [{ chains: 2.5 }, 'chains must be an integer >= 0'],
    [{ weightDecay: -1 }, 'weight decay must be a finite number >= 0'],
    [{ sparsity: { target: 1.5, cost: 1 } }, 'sparsity target must lie in (0, 1)'],
  ];
  for (const [change, message] of cases) await expectError(() => validateRbmTraining({ ...base, ...change }), InputError, 'rbm training', message);
});
model.run();

// ---------------------------------------------------------------------------------------------
const exact = suite('RBM sampling and learning against exact enumeration (GPU)');

exact('the Gibbs sampler: the joint (v, h) histogram of 4,096 chains after 30 steps against p(v, h) (4 x 4 units, chi-square)', () =>
  withGpu(async (ctx) => {
    const m = randomModel(4, 4, 51, 1.5);
    const rows = 4096;
    const rbm = await rbmWith(ctx, m);
    const chain = await rbm.chain(ctx, rows, 'sampler test');
    try {
      // Chains from p(v | h = 0), then 30 Gibbs steps in one submit; (v, h) of the last step is a draw of the joint.
      const graph = new KernelGraph('sampler test');
      const start = await rbm.addVisible(graph, ctx, { h: chain.h, pv: chain.pv, v: chain.v, rows, draw: { seed: 9, step: 0, call: RBM_CALLS.chainInit } });
      await ctx.scheduler.run(graph);
      start.release();
      const gibbs = new KernelGraph('sampler gibbs');
      const op = await rbm.addGibbs(gibbs, ctx, chain, { steps: 1, first: 1, seed: 9, step: 0 });
      await ctx.scheduler.run(gibbs, { repeat: 30 });
      op.release();
      const v = await readF32(chain.v);
      const h = await readF32(chain.h);
      const counts = new Array(2 ** 8).fill(0);
      for (let r = 0; r < rows; r++) {
        let n = 0;
        for (let i = 0; i < 4; i++) n += v[r * 4 + i] ? 2 ** i : 0;
        for (let j = 0; j < 4; j++) n += h[r * 4 + j] ? 2 ** (4 + j) : 0;
        counts[n]++;
      }
      const chi = chiSquare(counts, [...jointDistribution(m)]);
      assert.ok(chi.statistic < chiSquareCritical(chi.dof, ALPHA), `chi2 = ${chi.statistic.toFixed(1)} with ${chi.dof} dof`);
    } finally {
      chain.release();
      rbm.release();
    }
  }));

exact('CD-k statistics approach the exact log-likelihood gradient as k grows (6 x 4 units, 6,000 examples per step)', () =>
  withGpu(async (ctx) => {
    // Strong weights mix slowly, so that CD-1 is visibly biased.
    const m = randomModel(6, 4, 61, 3);
    const patterns = 6;
    const copies = 1000;
    const base = Float32Array.from(randomF32(patterns * 6, 62), (x) => +(x > 0));
    const data = new Float32Array(patterns * copies * 6);
    for (let n = 0; n < patterns * copies; n++) data.set(base.subarray((n % patterns) * 6, (n % patterns + 1) * 6), n * 6);
    const truth = flat(exactGradient(m, base, patterns));
    const ks = [1, 3, 10, 20, 50];
    const bias = ks.map((k) => maxAbs(flat(cdExpectedGradient(m, base, patterns, k)).map((g, i) => g - truth[i])));
    process.stderr.write(`    CD-k expected bias (largest |E[CD-k] - exact|), k = ${ks.join(', ')}: ${bias.map((b) => b.toExponential(2)).join(', ')}\n`);
    // The expected bias falls with k (float64, no sampling): CD-1 far off, CD-50 at the exact gradient.
    for (let i = 1; i < ks.length; i++) assert.ok(bias[i] < bias[i - 1], `bias ${bias.map((b) => b.toExponential(2))}`);
    assert.ok(bias[0] > 0.1 && bias[ks.length - 1] < 1e-3, `bias ${bias.map((b) => b.toExponential(2))}`);
    // The GPU's estimates: each within Monte Carlo noise of CD-k's expectation (means of 6,000 values in
    // [0, 1]: standard deviation at most 0.5 / sqrt(6000) = 0.0065, 0.03 is 4.6 of them).
    for (const k of [1, 20]) {
      const r = await oneStep(ctx, m, data, patterns * copies, { k, seed: 3 });
      const got = flat({ w: Float64Array.from(r.grad.w), b: Float64Array.from(r.grad.b), c: Float64Array.from(r.grad.c) });
      const expected = flat(cdExpectedGradient(m, base, patterns, k));
      const error = maxAbs(got.map((g, i) => g - expected[i]));
      const fromTruth = maxAbs(got.map((g, i) => g - truth[i]));
      assert.ok(error < 0.03, `CD-${k}: ${error} from its expectation`);
      if (k === 1) assert.ok(fromTruth > 0.07, `CD-1 is ${fromTruth} from the exact gradient`);
      else assert.ok(fromTruth < 0.03, `CD-${k} is ${fromTruth} from the exact gradient`);
    }
  }));

const exactCases: Array<[string, RbmReference, number | undefined, () => (m: RbmReference) => number]> = [
  ['Bernoulli 7 x 5, against brute force over all 2^12 joint states', randomModel(7, 5, 71, 2), undefined, () => logZBruteForce],
  ['Gaussian 4 x 6, against the float64 sum over hidden states', randomModel(4, 6, 72, 0.7, 'gaussian'), undefined, () => logZByHidden],
  ['Bernoulli 9 x 12 in 16 blocks of 256 states, against the float64 sum', randomModel(9, 12, 73, 1), 256, () => logZByHidden],
];
for (const [what, m, blockRows, reference] of exactCases) {
  exact(`exact log Z on the GPU: ${what}`, () =>
    withGpu(async (ctx) => {
      const rbm = await rbmWith(ctx, m);
      try {
        const got = await rbmExactLogZ(ctx, rbm, { blockRows });
        const want = reference()(m);
        // f32 terms of O(10) in a log-sum-exp: a few 1e-6 relative.
        assert.ok(Math.abs(got - want) < 1e-4 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
      } finally {
        rbm.release();
      }
    }));
}
exact.run();

// ---------------------------------------------------------------------------------------------
const learning = suite('RBM learning and AIS (GPU)');

/** An RBM trained on bars and stripes of side `side` (each pattern `copies` times) with these options. */
async function trainOnBars(ctx: GpuContext, side: number, hidden: number, o: Omit<RbmTrainingOptions, 'epochs'> & { epochs: number }) {
  const bars = barsAndStripes(side);
  const visible = side * side;
  const copies = 10;
  const images = new Uint8Array(bars.count * copies * visible);
  for (let n = 0; n < bars.count * copies; n++) images.set(asBytes(bars.patterns.subarray((n % bars.count) * visible, (n % bars.count + 1) * visible)), n * visible);
  const rbm = await Rbm.create(ctx, { visible, hidden }, { seed: o.seed, state: rbmOptimizerState(o), weightStd: 0.1 });
  const set = await RbmDataset.upload(ctx, { images, count: bars.count * copies, width: visible });
  const trainer = await RbmTrainer.create(ctx, rbm, set, o);
  try {
    await trainer.trainSteps(o.epochs * trainer.batchesPerEpoch);
  } finally {
    trainer.release();
  }
  const evaluator = await RbmEvaluator.create(ctx, rbm, set);
  const evaluation = await evaluator.evaluate();
  evaluator.release();
  set.release();
  return { rbm, bars, evaluation };
}

/** The model's parameters as a float64 reference. */
async function referenceOf(rbm: Rbm): Promise<RbmReference> {
  return { visible: rbm.visible, hidden: rbm.hidden, type: rbm.visibleType, w: await readF32(rbm.weights.value), b: await readF32(rbm.visibleBias.value), c: await readF32(rbm.hiddenBias.value) };
}

learning('bars and stripes 3 x 3: CD-3 training (960 steps) raises the exact average log-likelihood from -6.2 to above -3.4 (the optimum is ln(1/14) = -2.64)', () =>
  withGpu(async (ctx) => {
    const { rbm, bars, evaluation } = await trainOnBars(ctx, 3, 12, { k: 3, lr: 0.2, momentum: 0.5, batch: 14, seed: 2, epochs: 96 });
    try {
      const m = await referenceOf(rbm);
      const logLikelihood = averageLogProbability(m, bars.patterns, bars.count);
      // The GPU's exact log Z and free energies give the same number.
      const gpu = -evaluation.meanFreeEnergy - (await rbmExactLogZ(ctx, rbm));
      process.stderr.write(`    bars and stripes 3 x 3, 12 hidden, CD-3: average log-likelihood ${logLikelihood.toFixed(3)} (GPU ${gpu.toFixed(3)})\n`);
      assert.ok(Math.abs(gpu - logLikelihood) < 1e-3, `${gpu} vs ${logLikelihood}`);
      assert.ok(logLikelihood > -3.4, String(logLikelihood));
    } finally {
      rbm.release();
    }
  }));

learning('AIS on a trained RBM with 20 hidden units (bars and stripes 3 x 3): within 3 standard errors of the exact log Z, the error shrinking with more runs (500 transitions)', () =>
  withGpu(async (ctx) => {
    const { rbm, bars } = await trainOnBars(ctx, 3, 20, { k: 1, chains: 14, lr: 0.05, momentum: 0.5, batch: 14, seed: 4, epochs: 30 });
    try {
      const truth = await rbmExactLogZ(ctx, rbm);
      const base = aisBaseBiases('bernoulli', Float64Array.from({ length: 9 }, (_, i) => bars.patterns.reduce((s, x, e) => s + (e % 9 === i ? x : 0), 0) / bars.count));
      // 500 transitions (the default schedule's segments in proportion) keep the test short.
      const small = await rbmAis(ctx, rbm, { runs: 64, betas: 500, base, seed: 1 });
      const large = await rbmAis(ctx, rbm, { runs: 256, betas: 500, base, seed: 2 });
      process.stderr.write(`    AIS 9 x 20: exact log Z ${truth.toFixed(4)}; 64 runs ${small.logZ.toFixed(4)} +- ${small.logZStderr.toFixed(4)}, 256 runs ${large.logZ.toFixed(4)} +- ${large.logZStderr.toFixed(4)}\n`);
      for (const r of [small, large]) assert.ok(Math.abs(r.logZ - truth) < 3 * r.logZStderr, `${r.logZ} +- ${r.logZStderr} vs ${truth}`);
      assert.ok(large.logZStderr < 0.7 * small.logZStderr, `standard errors ${small.logZStderr}, ${large.logZStderr}`);
    } finally {
      rbm.release();
    }
  }));
learning.run();
