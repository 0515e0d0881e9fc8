import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph, ParamSet, Schedule, type ParamSpec, type ScheduleSpec } from '../engine/index.js';
import { addOptimizerStep, optimizerState, type OptimizerOptions } from '../engine/ops/index.js';
import { initialValues } from '../engine/params.js';
import { scheduleReference } from '../harness/reference/schedule.js';
import { clipReference, optimizerStepReference, type OptimizerReference, type TrainingState } from '../harness/reference/optim.js';
import { validateClose } from '../harness/bench/validate.js';
import { expectError } from './expect.js';
import { addGradFill, hostGrad } from './grad_fill.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';

// ---------------------------------------------------------------------------------------------
const reference = suite('optimiser references (no GPU)');

reference('sgd and adam by hand, clipping by hand', () => {
  const base = { momentum: 0.5, weightDecay: 0, beta1: 0.5, beta2: 0.75, eps: 0, decoupledWeightDecay: false };
  // SGD with momentum 0.5: buf = g = 2, p = 1 - 0.25 * 2 = 0.5; then buf = 0.5 * 2 + 2 = 3, p = 0.5 - 0.75.
  const s: TrainingState = { values: [Float64Array.of(1)], state: { momentum: [Float64Array.of(0)] } };
  optimizerStepReference(s, [[2]], { ...base, kind: 'sgd' }, 0.25, 0);
  assert.is(s.values[0][0], 0.5);
  optimizerStepReference(s, [[2]], { ...base, kind: 'sgd' }, 0.25, 1);
  assert.is(s.values[0][0], -0.25);
  // Adam's first step with eps 0 moves every element by lr against the sign of its gradient
  // (m / (1 - b1) = g, v / (1 - b2) = g^2): bias correction at its largest.
  const a: TrainingState = { values: [Float64Array.of(1, 1)], state: { m: [new Float64Array(2)], v: [new Float64Array(2)] } };
  optimizerStepReference(a, [[3, -0.001]], { ...base, kind: 'adam' }, 0.125, 0);
  assert.equal([...a.values[0]], [0.875, 1.125]);
  // Clipping: gradients (3, 4) have norm 5; clipNorm 1 scales them by 1/5, clipNorm 10 leaves them.
  assert.equal(clipReference([[3], [4]], 1), { sumSquares: 25, norm: 5, scale: 0.2 });
  assert.is(clipReference([[3], [4]], 10).scale, 1);
});
reference.run();

// ---------------------------------------------------------------------------------------------
const optimizers = suite('optimisers on the GPU against the float64 reference');

// Three tensors: one of 2500 elements (3 partial sums of 1024), two small ones.
const SPECS: ParamSpec[] = [
  { name: 'W', shape: [50, 50], init: { kind: 'uniform', low: -1, high: 1 } },
  { name: 'b', shape: [37], init: { kind: 'normal', std: 0.5 } },
  { name: 'c', shape: [3, 7], init: { kind: 'constant', value: 0.75 } },
];
const SEED = 11;
const GRAD_SEED = 5;

interface Case {
  /** Every hyperparameter given (no engine defaults), so that the reference reads the same ones. */
  options: OptimizerOptions;
  lr: ScheduleSpec;
  /** Gradients are amplitude * U(-1, 1): their global norm is about amplitude * sqrt(2558 / 3) = 29 amplitude. */
  amplitude: number;
  /** Steps per run; values and state are compared after each run. */
  runs: number[];
}

/** The reference's view of `o`: sgd's absent momentum and decay are 0; Adam's hyperparameters must be given. */
function referenceOf(o: OptimizerOptions): OptimizerReference {
  const decayed = o.weightDecayParams && SPECS.map((s) => o.weightDecayParams!.includes(s.name));
  const lrScale = o.lrScale && SPECS.map((s) => o.lrScale![s.name] ?? 1);
  const common = { kind: o.kind, weightDecay: o.weightDecay ?? 0, l1: o.l1 ?? 0, clipNorm: o.clipNorm, momentum: 0, beta1: 0, beta2: 0, eps: 0, decoupledWeightDecay: false, decayed, lrScale };
  if (o.kind === 'sgd') return { ...common, momentum: o.momentum ?? 0 };
  if (o.beta1 === undefined || o.beta2 === undefined || o.eps === undefined) throw new Error('test cases give every Adam hyperparameter');
  return { ...common, beta1: o.beta1, beta2: o.beta2, eps: o.eps, decoupledWeightDecay: !!o.decoupledWeightDecay };
}

// Tolerance: parameters and state are O(1) and each step adds a few f32 roundings (half an ulp each)
// to every element, so after 8 steps |error| stays below 8 * 8 * 2^-24 |x| + 2^-24 = 4e-6 |x| + 6e-8;
// atol 1e-6 also covers Adam's division by sqrt(v) + eps where v is small.
const TOLERANCE = { atol: 1e-6, rtol: 4e-6 };

async function train(ctx: GpuContext, c: Case): Promise<void> {
  const params = await ParamSet.create(ctx, { seed: SEED, params: SPECS, state: optimizerState(c.options) });
  const lr = await Schedule.create(ctx, c.lr);
  const graph = new KernelGraph('train');
  const fills = await addGradFill(graph, ctx, params, GRAD_SEED, c.amplitude);
  const step = await addOptimizerStep(graph, ctx, params, { ...c.options, lr });
  assert.is(step.dispatches, SPECS.length * (c.options.clipNorm === undefined ? 1 : 2) + (c.options.clipNorm === undefined ? 0 : 1));

  const host: TrainingState = {
    values: SPECS.map((s) => Float64Array.from(initialValues(SEED, s))),
    state: Object.fromEntries(optimizerState(c.options).map((slot) => [slot, SPECS.map((s) => new Float64Array(initialValues(SEED, s).length))])),
  };
  let t = 0;
  for (const steps of c.runs) {
    await params.runSteps(ctx.scheduler, graph, steps);
    let clip = null;
    for (let s = 0; s < steps; s++, t++) {
      const grads = params.params.map((p, k) => hostGrad(GRAD_SEED, k, t, p.size, c.amplitude));
      clip = optimizerStepReference(host, grads, referenceOf(c.options), scheduleReference(c.lr, t), t);
    }
    const label = `${c.options.kind} after step ${t}`;
    for (const [k, p] of params.params.entries()) {
      const v = validateClose(`${label}: ${p.name}`, await readF32(p.value), host.values[k], TOLERANCE);
      assert.ok(v.ok, v.message);
      for (const slot of params.state) {
        const s = validateClose(`${label}: ${p.name} ${slot}`, await readF32(p.state[slot]), host.state[slot][k], TOLERANCE);
        assert.ok(s.ok, s.message);
      }
    }
    if (clip && step.clipStats) {
      const [sumSquares, norm, scale] = await readF32(step.clipStats);
      const v = validateClose(`${label}: clip stats`, [sumSquares, norm, scale], [clip.sumSquares, clip.norm, clip.scale], { atol: 0, rtol: 1e-5 });
      assert.ok(v.ok, v.message);
      assert.ok(c.options.clipNorm! < clip.norm === scale < 1, `${label}: clipping active exactly when the norm ${clip.norm} exceeds ${c.options.clipNorm}`);
    }
  }
  assert.is(params.iteration, t);
  fills.forEach((f) => f.release());
  step.release();
  lr.release();
  params.release();
}

optimizers('sgd: momentum 0.9, weight decay 0.01, step-decay learning rate, no clipping', () =>
  withGpu((ctx) =>
    train(ctx, {
      options: { kind: 'sgd', lr: 0, momentum: 0.9, weightDecay: 0.01 },
      lr: { kind: 'step', initial: 0.05, gamma: 0.5, every: 3 },
      amplitude: 0.5,
      runs: [1, 2, 5],
    }),
  ));

optimizers('sgd: momentum 0.5 with an L1 penalty 0.05 and weight decay 0.01 on W and b only', () =>
  withGpu((ctx) =>
    train(ctx, {
      options: { kind: 'sgd', lr: 0, momentum: 0.5, weightDecay: 0.01, l1: 0.05, weightDecayParams: ['W', 'b'] },
      lr: { kind: 'constant', value: 0.1 },
      amplitude: 0.5,
      runs: [1, 3],
    }),
  ));

optimizers('sgd: no momentum (no state), no weight decay, constant learning rate', () =>
  withGpu((ctx) =>
    train(ctx, {
      options: { kind: 'sgd', lr: 0 },
      lr: { kind: 'constant', value: 0.1 },
      amplitude: 1,
      runs: [1, 4],
    }),
  ));

optimizers('sgd with momentum and clipping active (global norm ~29 > 2), linear learning rate, weight decay on W and c only', () =>
  withGpu((ctx) =>
    train(ctx, {
      options: { kind: 'sgd', lr: 0, momentum: 0.5, weightDecay: 0.01, weightDecayParams: ['W', 'c'], clipNorm: 2 },
      lr: { kind: 'linear', from: 0.2, to: 0.02, steps: 6 },
      amplitude: 1,
      runs: [1, 1, 6],
    }),
  ));

optimizers("adam: the first steps one by one (where bias correction matters), L2 decay, clipping inactive", () =>
  withGpu((ctx) =>
    train(ctx, {
      options: { kind: 'adam', lr: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, clipNorm: 1000 },
      lr: { kind: 'constant', value: 0.01 },
      amplitude: 0.25,
      runs: [1, 1, 1, 5],
    }),
  ));

optimizers("adam with per-tensor learning-rate scales (W x 57, c x 0.5, b as the rate), BinaryNet's Glorot scale", () =>
  withGpu((ctx) =>
    train(ctx, {
      options: { kind: 'adam', lr: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, lrScale: { W: 57.1, c: 0.5 } },
      lr: { kind: 'exponential', initial: 0.003, gamma: 0.9 },
      amplitude: 0.25,
      runs: [1, 3],
    }),
  ));

optimizers('adamw: decoupled weight decay, cosine learning rate, clipping active, small gradients', () =>
  withGpu((ctx) =>
    train(ctx, {
      options: { kind: 'adam', lr: 0, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupledWeightDecay: true, clipNorm: 0.5 },
      lr: { kind: 'cosine', from: 0.05, to: 0.001, steps: 5 },
      amplitude: 0.01,
      runs: [2, 6],
    }),
  ));

optimizers('adam defaults are beta1 0.9, beta2 0.999, eps 1e-8 (the same bits as given explicitly)', () =>
  withGpu(async (ctx) => {
    const results: Float32Array[] = [];
    for (const options of [{ kind: 'adam', lr: 0.01 }, { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }] as OptimizerOptions[]) {
      const params = await ParamSet.create(ctx, { seed: SEED, params: SPECS.slice(1), state: optimizerState(options) });
      const graph = new KernelGraph('defaults');
      const fills = await addGradFill(graph, ctx, params, GRAD_SEED, 1);
      const step = await addOptimizerStep(graph, ctx, params, options);
      await params.runSteps(ctx.scheduler, graph, 3);
      results.push(await readF32(params.params[0].value));
      [...fills, step, params].forEach((x) => x.release());
    }
    assert.equal(results[0], results[1]);
  }));

optimizers("update: only the named tensors step (a GAN's generator or discriminator), clipped by their norm alone; the others keep their values and state", () =>
  withGpu(async (ctx) => {
    const options: OptimizerOptions = { kind: 'adam', lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-8, clipNorm: 2, update: ['W', 'c'] };
    const params = await ParamSet.create(ctx, { seed: SEED, params: SPECS, state: optimizerState(options) });
    const graph = new KernelGraph('update');
    const fills = await addGradFill(graph, ctx, params, GRAD_SEED, 1);
    const step = await addOptimizerStep(graph, ctx, params, options);
    assert.is(step.dispatches, 2 * 2 + 1, 'two tensors: their sums of squares, the norm, their updates');
    await params.runSteps(ctx.scheduler, graph, 3);
    const named = [0, 2];
    const host: TrainingState = { values: named.map((k) => Float64Array.from(initialValues(SEED, SPECS[k]))), state: { m: named.map((k) => new Float64Array(params.params[k].size)), v: named.map((k) => new Float64Array(params.params[k].size)) } };
    for (let t = 0; t < 3; t++) optimizerStepReference(host, named.map((k) => hostGrad(GRAD_SEED, k, t, params.params[k].size, 1)), { ...referenceOf({ ...options, update: undefined }), decayed: undefined, lrScale: undefined }, 0.01, t);
    for (const [i, k] of named.entries()) {
      const v = validateClose(`update: ${SPECS[k].name}`, await readF32(params.params[k].value), host.values[i], TOLERANCE);
      assert.ok(v.ok, v.message);
    }
    assert.equal(await readF32(params.params[1].value), Float32Array.from(initialValues(SEED, SPECS[1])), 'b keeps its value');
    // The clipping norm is W's and c's alone (Adam's step hardly shows a common scale: the statistics do).
    const grads = named.map((k) => hostGrad(GRAD_SEED, k, 2, params.params[k].size, 1));
    const sumSquares = grads.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0);
    const [gpuSum, gpuNorm] = await readF32(step.clipStats!);
    const stats = validateClose('clip stats of W and c', [gpuSum, gpuNorm], [sumSquares, Math.sqrt(sumSquares)], { atol: 0, rtol: 1e-5 });
    assert.ok(stats.ok, stats.message);
    for (const slot of ['m', 'v']) assert.ok((await readF32(params.params[1].state[slot])).every((x) => x === 0), `b keeps its ${slot}`);
    await expectError(() => addOptimizerStep(graph, ctx, params, { ...options, update: ['W', 'nope'] }), InputError, 'update names [nope], not parameters of the set');
    await expectError(() => addOptimizerStep(graph, ctx, params, { ...options, update: [] }), InputError, 'update must list one or more');
    [...fills, step, params].forEach((x) => x.release());
  }));

optimizers('errors: missing state, bad hyperparameters, a released set; nothing is added on failure', () =>
  withGpu(async (ctx) => {
    const params = await ParamSet.create(ctx, { seed: 1, params: SPECS.slice(1), state: ['momentum'] });
    const graph = new KernelGraph('errors');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'adam', lr: 0.1 }), InputError, 'optim.adam', '[momentum]', '[m, v]', 'optimizerState');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 0.1, momentum: 1 }), InputError, 'optim.sgd', 'momentum = 1', '[0, 1)');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: -1 }), InputError, 'lr = -1');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, clipNorm: 0 }), InputError, 'clipNorm = 0');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, weightDecay: -0.1 }), InputError, 'weightDecay = -0.1');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, l1: -1 }), InputError, 'l1 = -1');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, weightDecay: 0.1, weightDecayParams: ['nope'] }), InputError, 'weightDecayParams names [nope], not parameters of the set');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, lrScale: { nope: 2 } }), InputError, "lrScale names 'nope', not a parameter of the set");
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, lrScale: { b: -1 } }), InputError, "lrScale of 'b' = -1 must be a finite number >= 0");
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'rmsprop', lr: 1 } as unknown as OptimizerOptions), InputError, '"rmsprop"');
    assert.is(graph.nodes.length, 0);
    params.release();
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1 }), InputError, 'released');
  }));
optimizers.run();
