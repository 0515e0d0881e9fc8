import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addOptimizerStep,
  defineKernel,
  initialValues,
  InputError,
  KernelGraph,
  optimizerState,
  ParamSet,
  Schedule,
  SCHEDULE_KINDS,
  type OptimizerOptions,
  type ParamSpec,
  type ScheduleSpec,
} from '../engine/index.js';
import { library } from '../engine/library.js';
import { shaderText } from '../engine/shaders.js';
import { scheduleReference } from '../harness/reference/schedule.js';
import { clipReference, optimizerStepReference, type OptimizerReference, type TrainingState } from '../harness/reference/optim.js';
import { validateClose } from '../harness/bench/validate.js';
import { expectError } from './expect.js';
import { addGradFill, hostGrad } from './grad_fill.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';

// ---------------------------------------------------------------------------------------------
const reference = suite('schedule and optimiser references (no GPU)');

reference('schedules by hand', () => {
  const linear: ScheduleSpec = { kind: 'linear', from: 1, to: 0, steps: 4 };
  assert.equal([0, 1, 2, 4, 9].map((t) => scheduleReference(linear, t)), [1, 0.75, 0.5, 0, 0]);
  // Half a cosine from 2 to 0 over 4 steps: 1 + cos(pi t / 4), then 0.
  const cosine: ScheduleSpec = { kind: 'cosine', from: 2, to: 0, steps: 4 };
  [0, 1, 2, 3, 4, 5].forEach((t) => assert.ok(Math.abs(scheduleReference(cosine, t) - (1 + Math.cos((Math.PI * Math.min(t, 4)) / 4))) < 1e-15));
  assert.is(scheduleReference({ kind: 'exponential', initial: 8, gamma: 0.5 }, 3), 1);
  assert.equal([0, 2, 3, 7].map((t) => scheduleReference({ kind: 'step', initial: 1, gamma: 0.5, every: 3 }, t)), [1, 1, 0.5, 0.25]);
  assert.is(scheduleReference({ kind: 'host', value: 0.5 }, 99), 0.5);
  // Parameters as the GPU holds them: f32(0.1).
  assert.is(scheduleReference({ kind: 'constant', value: 0.1 }, 0), Math.fround(0.1));
});

reference('the kind codes match the SCHEDULE_* constants of schedule.wgsl', async () => {
  const wgsl = await shaderText('schedule.wgsl', library);
  const declared = Object.fromEntries([...wgsl.matchAll(/const SCHEDULE_(\w+): u32 = (\d+)u;/g)].map((m) => [m[1].toLowerCase(), Number(m[2])]));
  for (const [kind, code] of Object.entries(SCHEDULE_KINDS)) assert.is(declared[kind === 'host' ? 'constant' : kind], code, kind);
  assert.is(Object.keys(declared).length, 5);
});

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
const schedules = suite('schedules on the GPU');

const PROBE = `
#include "schedule.wgsl"
struct Probe { count: u32, mode: u32 }
@group(0) @binding(0) var<uniform> probe: Probe;
@group(0) @binding(1) var<uniform> s: Schedule;
@group(0) @binding(2) var<storage, read> steps: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
// out[i] = schedule_at(s, steps[i]) (mode 0) or one_minus_powi(s.a, steps[i]) (mode 1).
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= probe.count) { return; }
  out[i] = select(schedule_at(s, steps[i]), one_minus_powi(s.a, steps[i]), probe.mode == 1u);
}
`;
const probeKernel = await defineKernel({ ...library, 'probe.wgsl': PROBE }, { name: 'test.schedule_probe', file: 'probe.wgsl' });
const STEPS = [0, 1, 2, 3, 7, 29, 30, 31, 50, 99, 100, 101, 1000, 12345, 2 ** 20, 2 ** 31 - 1];

async function probe({ pool, scheduler }: GpuContext, schedule: Schedule, mode: 0 | 1, steps = STEPS): Promise<Float32Array> {
  const params = await pool.uniform('probe', Uint32Array.of(steps.length, mode, 0, 0));
  const t = await pool.tensor('steps', 'u32', [steps.length], { data: Uint32Array.from(steps) });
  const out = await pool.tensor('out', 'f32', [steps.length]);
  await scheduler.run(new KernelGraph('probe').add(probeKernel, { probe: params, s: schedule.tensor, steps: t, out }, [Math.ceil(steps.length / 64)]));
  const values = await readF32(out);
  [params, t, out].forEach((x) => x.release());
  return values;
}

// Tolerance |gpu - ref| <= atol + rtol |ref|, per iteration t. atol 2^-21 of the schedule's scale
// max(|a|, |b|) covers the ramps (a few f32 roundings of a + (b - a) f, and the cosine polynomial's
// truncation below 2e-10), and at least 2^-126 (f32 underflows, and may flush subnormals, there). rtol (e / 2 + 64) 2^-24 covers a power x^e taken by squaring: each
// squaring doubles the relative error of the power before it, so x^e errs by up to about e 2^-25
// (0.23 e 2^-24 is the worst seen over e < 2e5 for x in 0.5 .. 0.9999 in an f32 emulation), plus
// the multiplication by the initial value; e = t for exponential, floor(t / every) for step, 0 else.
const U = 2 ** -24;
const powerRtol = (exponent: number) => (exponent / 2 + 64) * U;
const exponentOf = (spec: ScheduleSpec, t: number) => (spec.kind === 'exponential' ? t : spec.kind === 'step' ? Math.floor(t / spec.every) : 0);

function checkAt(kernel: string, steps: readonly number[], got: ArrayLike<number>, want: readonly number[], tolerance: (t: number) => { atol: number; rtol: number }) {
  want.forEach((w, i) => {
    const v = validateClose(`${kernel} at t = ${steps[i]}`, [got[i]], [w], tolerance(steps[i]));
    assert.ok(v.ok, v.message);
  });
}

const CASES: Array<{ spec: ScheduleSpec; scale: number }> = [
  { spec: { kind: 'constant', value: 0.1 }, scale: 0.1 },
  { spec: { kind: 'linear', from: 0.5, to: -0.25, steps: 100 }, scale: 0.5 },
  { spec: { kind: 'cosine', from: 1e-2, to: 1e-4, steps: 100 }, scale: 1e-2 },
  { spec: { kind: 'cosine', from: 0, to: 3, steps: 7 }, scale: 3 },
  { spec: { kind: 'exponential', initial: 0.1, gamma: 0.999 }, scale: 0 },
  { spec: { kind: 'exponential', initial: 1e-3, gamma: 1.001 }, scale: 0 },
  { spec: { kind: 'step', initial: 1, gamma: 0.5, every: 30 }, scale: 0 },
];

schedules('every kind against the float64 reference at iterations from 0 to 2^31 - 1', () =>
  withGpu(async (ctx) => {
    for (const { spec, scale } of CASES) {
      const schedule = await Schedule.create(ctx, spec);
      const got = await probe(ctx, schedule, 0);
      schedule.release();
      const want = STEPS.map((t) => scheduleReference(spec, t));
      checkAt(`schedule ${JSON.stringify(spec)}`, STEPS, got, want, (t) => ({ atol: Math.max(2 ** -21 * scale, 2 ** -126), rtol: powerRtol(exponentOf(spec, t)) }));
    }
  }));

schedules("one_minus_powi (Adam's bias correction 1 - beta^t) keeps its relative accuracy at small t", () =>
  withGpu(async (ctx) => {
    const steps = STEPS.slice(1);
    for (const beta of [0.9, 0.999, 0.5, 0]) {
      const holder = await Schedule.create(ctx, { kind: 'constant', value: beta });
      const got = await probe(ctx, holder, 1, steps);
      holder.release();
      const b = Math.fround(beta);
      // Relative error about min(t, 1 / (1 - beta)) 2^-25: the power's error grows with t, but once
      // beta^t is small it no longer matters next to 1 (142 2^-24 is the worst seen for 0.999).
      checkAt(`1 - ${beta}^t`, steps, got, steps.map((t) => 1 - b ** t), (t) => ({ atol: 0, rtol: powerRtol(Math.min(t, 1 / (1 - b))) }));
    }
  }));

schedules('a host schedule takes the value set between runs; other kinds refuse set()', () =>
  withGpu(async (ctx) => {
    const host = await Schedule.create(ctx, { kind: 'host', value: 0.25 });
    assert.equal([...(await probe(ctx, host, 0, [0, 5]))], [0.25, 0.25]);
    await host.set(-3);
    assert.equal([...(await probe(ctx, host, 0, [0, 5]))], [-3, -3]);
    assert.equal(host.spec, { kind: 'host', value: -3 });
    host.release();
    const constant = await Schedule.create(ctx, { kind: 'constant', value: 1 });
    await expectError(() => constant.set(2), InputError, "set() is for 'host' schedules");
    constant.release();
    await expectError(() => Schedule.create(ctx, { kind: 'linear', from: 1, to: 0, steps: 0 }), InputError, 'steps = 0');
    await expectError(() => Schedule.create(ctx, { kind: 'exponential', initial: 1, gamma: NaN }), InputError, 'gamma = NaN');
    await expectError(() => Schedule.create(ctx, { kind: 'constant', value: 1e39 }), InputError, 'f32 range');
    await expectError(() => Schedule.create(ctx, { kind: 'warmup' } as unknown as ScheduleSpec), InputError, '"warmup"');
  }));
schedules.run();

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
  const common = { kind: o.kind, weightDecay: o.weightDecay ?? 0, clipNorm: o.clipNorm, momentum: 0, beta1: 0, beta2: 0, eps: 0, decoupledWeightDecay: false, decayed };
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

optimizers('errors: missing state, bad hyperparameters, a released set; nothing is added on failure', () =>
  withGpu(async (ctx) => {
    const params = await ParamSet.create(ctx, { seed: 1, params: SPECS.slice(1), state: ['momentum'] });
    const graph = new KernelGraph('errors');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'adam', lr: 0.1 }), InputError, 'optim.adam', '[momentum]', '[m, v]', 'optimizerState');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 0.1, momentum: 1 }), InputError, 'optim.sgd', 'momentum = 1', '[0, 1)');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: -1 }), InputError, 'lr = -1');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, clipNorm: 0 }), InputError, 'clipNorm = 0');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, weightDecay: -0.1 }), InputError, 'weightDecay = -0.1');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1, weightDecay: 0.1, weightDecayParams: ['nope'] }), InputError, 'weightDecayParams names [nope], not parameters of the set');
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'rmsprop', lr: 1 } as unknown as OptimizerOptions), InputError, '"rmsprop"');
    assert.is(graph.nodes.length, 0);
    params.release();
    await expectError(() => addOptimizerStep(graph, ctx, params, { kind: 'sgd', lr: 1 }), InputError, 'released');
  }));
optimizers.run();
