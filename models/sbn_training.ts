// Training a sigmoid belief net (models/sbn.ts) on binary data by the training core (models/training.ts),
// one of two ways:
//   wake-sleep (Hinton, Dayan, Frey & Neal 1995): wake, h ~ q(h | x) and a step up log p(x, h) for the
//     generative weights; sleep, a dream (h, x) ~ p and a step up log q(h | x) on it for the recognition
//     weights;
//   NVIL (Mnih & Gregor 2014): h ~ q(h | x); the generative weights step up log p(x, h); the
//     recognition weights by the score function, the learning signal l = log p(x, h) - log q(h | x)
//     less an input-dependent baseline b(x) (an MLP x -> tanh -> 1 trained to predict it), centred by a
//     running mean and divided by a running standard deviation when above 1 (shaders/nvil.wgsl).
// Each step gathers its batch and binarises it afresh (x ~ Bernoulli(intensity)); the batches, the
// binarisation, the draws and Adam's bias correction follow the step, so a checkpoint resumes bit for
// bit (NVIL's running averages and its baseline are saved with it). The metric is each step's mean
// log p(x, h) - log q(h | x) over the batch, an estimate of the ELBO.
import { InputError, KernelGraph, linearGrid, type RunContext, type Tensor } from '../engine/index.js';
import { cachedKernel } from '../engine/kernel.js';
import { library } from '../engine/library.js';
import { addBinary, addOptimizerStep, addReduce, addSample, addUnary, optimizerState } from '../engine/ops/index.js';
import { addDenseBackward, addDenseForward, type DenseLayer } from './dense.js';
import { addBatchGather, type DeviceDataset } from './minibatch.js';
import { checkOptions, oneOf, real, whole, type CheckedOptions } from './options.js';
import { building, type Owned, type Releasable } from './owned.js';
import { BASELINE_HIDDEN, Sbn, type SbnBatch } from './sbn.js';
import { checkRate, Trainer, TRAINING_RULES, type TrainedEpoch, type TrainingPlan } from './training.js';

export const SBN_METHODS = ['wake-sleep', 'nvil'] as const;
export type SbnMethod = (typeof SBN_METHODS)[number];

/** The training options' rules: kinds, ranges and defaults (the CLI's flags are made from them). */
export const SBN_TRAINING = {
  ...TRAINING_RULES,
  epochs: whole({ positive: true, default: 20 }),
  lr: real({ min: 0, minOpen: true, default: 3e-4 }),
  method: oneOf(SBN_METHODS, { default: 'nvil' }),
  decay: real({ min: 0, max: 1, maxOpen: true, default: 0.8 }),
} as const;

export interface SbnTrainingOptions {
  method: SbnMethod;
  /** Adam's learning rate (the baseline's too). */
  lr: number;
  batch: number;
  seed: number;
  epochs: number;
  /** NVIL: the running averages' decay (default 0.8, the paper's). */
  decay?: number;
}

export type CheckedSbnTraining = CheckedOptions<typeof SBN_TRAINING>;

export function validateSbnTraining(o: SbnTrainingOptions): CheckedSbnTraining {
  const where = 'sbn training: ';
  const { lr, ...rules } = SBN_TRAINING;
  return { ...checkOptions(rules, o, where), lr: checkRate(lr, o.lr, where) as number };
}

/** Adam's state slots. */
export const SBN_OPTIMIZER_STATE: readonly string[] = optimizerState({ kind: 'adam', lr: 0 });

const SBN_METRICS = {
  /** Each step's mean log p(x, h) - log q(h | x) over its batch, h ~ q (nats). */
  elbo: { per: 'step' },
} as const;

export type SbnEpoch = TrainedEpoch<typeof SBN_METRICS>;

const WG = 64;
const nvilKernel = (entry: string) => cachedKernel(library, { name: `nvil.${entry}`, file: 'nvil.wgsl', entry, overrides: { WG } });

/** NVIL's tensors for batches of `rows`: the running (mean, variance, batches) `state` and a step's scratch (the baseline's layers, the signal). */
export interface NvilParts {
  baseline: readonly DenseLayer[];
  state: Tensor;
  scratch: { hidden: Tensor; base: Tensor; dHidden: Tensor; dBase: Tensor; signal: Tensor; params: Tensor };
}

/** Makes NVIL's tensors (in `owned`), the state from a checkpoint's when given. */
export async function nvilParts(ctx: RunContext, owned: Owned, baseline: readonly DenseLayer[], rows: number, decay: number, saved?: Float32Array): Promise<NvilParts> {
  if (saved && saved.length !== 3) throw new InputError(`sbn training: NVIL's saved state holds ${saved.length} values, not 3 (mean, variance, batches)`);
  const f32 = (label: string, shape: number[]) => owned.add(ctx.pool.tensor(`nvil ${label}`, 'f32', shape));
  const state = await owned.add(ctx.pool.tensor('nvil running mean and variance', 'f32', [3], { data: saved ?? new Float32Array(3) }));
  const params = await owned.add(ctx.pool.uniform('nvil params', nvilKernel('centre').uniformWords('params', { rows, decay })));
  const scratch = { hidden: await f32('baseline hidden', [rows, BASELINE_HIDDEN]), base: await f32('baseline', [rows, 1]), dHidden: await f32('baseline hidden grad', [rows, BASELINE_HIDDEN]), dBase: await f32('baseline grad', [rows, 1]), signal: await f32('signal', [rows, 1]), params };
  return { baseline, state, scratch };
}

/** Adds NVIL's step for the recognition weights and the baseline, after the wake pass's log-weights and its recognition logits' gradients (scaled 1 / rows). */
export async function addNvil(graph: KernelGraph, ctx: RunContext, b: SbnBatch, o: NvilParts): Promise<Releasable> {
  return building(async (owned) => {
    const rows = b.rows;
    const s = o.scratch;
    const [first, second] = o.baseline;
    await owned.add(addDenseForward(graph, ctx, first, { x: b.wake.h[0], y: s.hidden, rows }));
    await owned.add(addDenseForward(graph, ctx, second, { x: s.hidden, y: s.base, rows }));
    const bindings = { params: s.params, log_w: b.wake.logW, baseline: s.base, state: o.state, signal: s.signal };
    graph.add(nvilKernel('centre'), bindings, [1, 1]).add(nvilKernel('normalise'), bindings, linearGrid(ctx.gpu, rows, WG));
    // The recognition weights: dL/da = signal (sigmoid(a) - h) / rows (dRec holds the last factor).
    for (let l = 1; l < b.wake.dRec!.length; l++) await owned.add(addBinary(graph, ctx, { op: 'mul', a: b.wake.dRec![l], b: s.signal, out: b.wake.dRec![l] }));
    // The baseline: L = -signal b(x) (signal held fixed), so dL/db = -signal / rows.
    await owned.add(addUnary(graph, ctx, { op: 'scale', x: s.signal, out: s.dBase, alpha: -1 / rows }));
    await owned.add(addDenseBackward(graph, ctx, second, { x: s.hidden, y: s.base, dy: s.dBase, dx: s.dHidden, rows }));
    await owned.add(addDenseBackward(graph, ctx, first, { x: b.wake.h[0], y: s.hidden, dy: s.dHidden, rows }));
    return owned;
  });
}

/**
 * Trains an Sbn on a DeviceDataset of intensities (binarised afresh each step).
 *
 *   const sbn = await Sbn.create(ctx, { inputs: 784, hidden: [200], baseline: true }, { seed: 1, state: SBN_OPTIMIZER_STATE });
 *   const trainer = await SbnTrainer.create(ctx, sbn, train, { method: 'nvil', lr: 3e-4, batch: 100, seed: 1, epochs: 20 });
 *   while (trainer.epoch < 20) console.log(await trainer.trainEpoch());
 */
export class SbnTrainer extends Trainer<typeof SBN_METRICS> {
  /** `resume.nvilState`: NVIL's running mean, variance and batch count from a checkpoint (Trainer.state()'s nvil_state). */
  static async create(ctx: RunContext, sbn: Sbn, data: DeviceDataset, options: SbnTrainingOptions, resume: { nvilState?: Float32Array } = {}): Promise<SbnTrainer> {
    const o = validateSbnTraining(options);
    if (data.width !== sbn.config.inputs) throw new InputError(`sbn training: the data has ${data.width} values per example, the model ${sbn.config.inputs} inputs`);
    const nvil = o.method === 'nvil';
    const baseline = nvil ? sbn.baseline : null;
    if (nvil && !baseline) throw new InputError('sbn training: NVIL needs a model with its baseline (config baseline: true)');
    const plan: TrainingPlan<typeof SBN_METRICS> = {
      name: 'sbn training',
      params: sbn.params,
      examples: data.count,
      ...o,
      metrics: SBN_METRICS,
      loss: ['elbo'],
      async setup({ owned, order, metrics, schedule, keep }) {
        const rows = o.batch;
        const b = await owned.add(sbn.batch(ctx, rows, { training: true, sleep: !nvil }));
        const lr = await schedule('lr', o.lr);
        const intensities = await owned.add(ctx.pool.tensor('sbn intensities', 'f32', [rows, data.width]));
        const stream = { seed: o.seed };
        const nvilState = baseline ? await nvilParts(ctx, owned, baseline, rows, o.decay, resume.nvilState) : null;
        if (nvilState) keep('nvil_state', nvilState.state);
        return async (graph) => {
          const wake = b.wake;
          await owned.add(addBatchGather(graph, ctx, { data, indices: order, x: intensities, batchSize: rows }));
          await owned.add(addSample(graph, ctx, { distribution: 'bernoulli', probabilities: intensities, output: wake.h[0], seed: o.seed, step: 0 }));
          await owned.add(sbn.addRecognition(graph, ctx, b, wake, stream));
          // Both: the generative weights step up log p(x, h) of the wake pass.
          await owned.add(sbn.addJoint(graph, ctx, b, wake, { gradScale: 1 / rows }));
          await owned.add(sbn.addRecognitionLogProb(graph, ctx, b, wake, nvil ? { gradScale: 1 / rows } : {}));
          await owned.add(sbn.addLogWeight(graph, ctx, wake));
          await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'all', x: wake.logW, ...metrics.elbo }));
          await owned.add(sbn.addGenerativeBackward(graph, ctx, b, wake));
          if (nvilState) {
            await owned.add(addNvil(graph, ctx, b, nvilState));
            await owned.add(sbn.addRecognitionBackward(graph, ctx, b, wake));
          } else {
            // Sleep: a dream from the generative model, and a step up log q(h | x) on it.
            const dream = b.sleep!;
            await owned.add(sbn.addDream(graph, ctx, b, dream, stream));
            await owned.add(sbn.addRecognitionLogProb(graph, ctx, b, dream, { gradScale: 1 / rows, recompute: true }));
            await owned.add(sbn.addRecognitionBackward(graph, ctx, b, dream));
          }
          await owned.add(addOptimizerStep(graph, ctx, sbn.params, { kind: 'adam', lr }));
        };
      },
    };
    return new SbnTrainer(await Trainer.prepare(ctx, plan));
  }
}
