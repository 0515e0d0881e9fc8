// RBM training by contrastive divergence (CD-k, Hinton 2002) or persistent CD (PCD-k, Tieleman 2008):
// per minibatch, on the GPU with no readback,
//   1. gather the batch v0; ph0 = p(h | v0) and a draw h0 (one fused GEMM);
//   2. the reconstruction monitor: |v0 - E[v | h0]|^2 summed over the batch, into the step's slot;
//   3. the negative chain: CD-k runs k Gibbs steps from v0 (its first from h0), PCD-k k steps of the
//      persistent chains, which stay on the GPU from step to step; then phk = p(h | vk);
//   4. the statistics <.>_chain - <.>_data into the gradients (two GEMMs per parameter, rbm.ts);
//   5. an optional sparsity target;
//   6. SGD with momentum through the engine's optimiser, with L2 weight decay on the weights (wd W
//      added to their gradient in the same pass), the learning rate from a Schedule.
// Every draw is Philox keyed by (seed, iteration), so a run resumed from a checkpoint (parameters,
// momentum, persistent chains, sparsity estimate, iteration) ends bit-identical to an uninterrupted one.
import { InputError, KernelGraph, type Schedule, type ScheduleSpec, type Tensor, type RunContext } from '../engine/index.js';
import { addBinary, addGemm, addOptimizerStep, addReduce, addUnary, optimizerState, type ReduceTarget } from '../engine/ops/index.js';
import { checkOptions, real, whole, type CheckedOptions } from './options.js';
import { building, type Owned, type Releasable } from './owned.js';
import { RBM_CALLS, RBM_PARAMS, type Rbm, type RbmChain } from './rbm.js';
import type { RbmDataset } from './rbm_data.js';
import { checkRate, Trainer, TRAINING_RULES, type MetricSpecs, type TrainedEpoch, type TrainerParts, type TrainingPlan } from './training.js';

/** Hinton's sparsity target: a running estimate q of each hidden unit's mean activity is pulled toward `target`. */
export interface RbmSparsity {
  /** The desired mean activity p, in (0, 1). */
  target: number;
  /** The penalty's weight: cost (q - p) is added to the hidden bias gradient, and v-mean' cost (q - p) to the weights'. */
  cost: number;
  /** q <- decay q + (1 - decay) mean(ph0) each step (default 0.9). */
  decay?: number;
}

/** The training options' rules: kinds, ranges and library defaults (the CLI's flags are made from them, with RBM_RECIPE's defaults). */
export const RBM_TRAINING = {
  ...TRAINING_RULES,
  epochs: whole({ positive: true, default: 20 }),
  k: whole({ min: 1, default: 1 }),
  chains: whole({ min: 0, default: 0 }),
  lr: real({ min: 0, minOpen: true, default: 0.05 }),
  momentum: real({ min: 0, max: 1, maxOpen: true, default: 0 }),
  finalMomentum: real({ min: 0, max: 1, maxOpen: true }),
  momentumEpochs: whole({ min: 0, default: 0 }),
  weightDecay: real({ min: 0, default: 0 }),
  l1: real({ min: 0, default: 0 }),
} as const;

/** The sparsity target's rules. */
export const RBM_SPARSITY = {
  target: real({ min: 0, max: 1, minOpen: true, maxOpen: true }),
  cost: real({ min: 0, default: 0.1 }),
  decay: real({ min: 0, max: 1, maxOpen: true, default: 0.9 }),
} as const;

/**
 * Hinton's recipe (A Practical Guide to Training RBMs, 2010): momentum 0.5 for the first 5 epochs then
 * 0.9, and a small weight decay. What `rbm train` starts from; the library's own defaults are plain SGD.
 */
export const RBM_RECIPE = { momentum: 0.5, finalMomentum: 0.9, momentumEpochs: 5, weightDecay: 2e-4 } as const;

export interface RbmTrainingOptions {
  /** Gibbs steps per update: CD-k, or PCD-k with `chains`. */
  k: number;
  /** Persistent chains (PCD); 0 or absent: CD. */
  chains?: number;
  /** The learning rate: a number, or a schedule over the steps (a 'host' schedule can be set while training). */
  lr: number | ScheduleSpec;
  /** Momentum of the first `momentumEpochs` epochs, in [0, 1) (default 0). */
  momentum?: number;
  /** Momentum after them (default: `momentum`). */
  finalMomentum?: number;
  /** Epochs at `momentum` before `finalMomentum` (default 0). */
  momentumEpochs?: number;
  /** L2 weight decay on the weights (not the biases): wd W is added to their gradient (default 0). */
  weightDecay?: number;
  /** L1 penalty on the weights (not the biases): l1 sign(W) is added to their gradient (default 0; Mehta & Schwab's sparse, local fields). */
  l1?: number;
  sparsity?: RbmSparsity;
  /** Examples per step; an epoch is floor(count / batch) steps. */
  batch: number;
  /** Keys the permutations and every Gibbs draw. */
  seed: number;
  /** Epochs the run reaches (a resumed run's earlier ones included): the metrics have a slot for every step up to there. */
  epochs: number;
}

export type CheckedRbmTraining = Omit<CheckedOptions<typeof RBM_TRAINING>, 'lr'> & { lr: number | ScheduleSpec; sparsity: Required<RbmSparsity> | null };

const LABELS = { finalMomentum: 'final momentum', momentumEpochs: 'momentum epochs', weightDecay: 'weight decay', l1: 'L1 penalty' } as const;

/**
 * Checks training options (with defaults filled in); every problem is an InputError naming the option.
 *
 *   validateRbmTraining({ k: 1, lr: 0.05, momentum: 0.5, finalMomentum: 0.9, momentumEpochs: 5, batch: 100, seed: 1, epochs: 20 });
 */
export function validateRbmTraining(o: RbmTrainingOptions): CheckedRbmTraining {
  const where = 'rbm training: ';
  const { lr, ...rules } = RBM_TRAINING;
  const checked = checkOptions(rules, { ...o, finalMomentum: o.finalMomentum ?? o.momentum ?? rules.momentum.default }, where, LABELS);
  const sparsity = o.sparsity ? checkOptions(RBM_SPARSITY, o.sparsity, `${where}sparsity `) : null;
  return { ...checked, lr: checkRate(lr, o.lr, where), sparsity };
}

/**
 * The optimiser state slots an Rbm needs for these options (Rbm.create's `state`).
 *
 *   rbmOptimizerState({ momentum: 0.5, finalMomentum: 0.9 });   // ['momentum']
 */
export function rbmOptimizerState(o: Pick<RbmTrainingOptions, 'momentum' | 'finalMomentum'>): string[] {
  return optimizerState({ kind: 'sgd', lr: 0, momentum: Math.max(o.momentum ?? 0, o.finalMomentum ?? 0) });
}

/** What a checkpoint holds beside the parameters for training to go on bit for bit. */
export interface RbmTrainingState {
  /** PCD: chains x visible, the persistent chains' visible states. */
  chains?: Float32Array;
  /** With a sparsity target: hidden, the running estimate of each unit's mean activity. */
  hiddenActivity?: Float32Array;
  /** PCD with label units: chains x labels, the persistent chains' one-hot label states. */
  chainLabels?: Float32Array;
}

interface RbmMetrics extends MetricSpecs {
  /** Per step: the batch's mean squared reconstruction error |v0 - E[v | h0]|^2 per example. */
  reconstructionErrors: { per: 'step'; divideBy: number };
}

/** One epoch's metrics, from its one readback. */
export type RbmEpoch = TrainedEpoch<RbmMetrics>;

/**
 * Trains an Rbm on an RbmDataset by the training core (models/training.ts): the step below, with one
 * step graph per momentum value (the schedule of momentumEpochs picks it by epoch).
 *
 *   const rbm = await Rbm.create(ctx, { visible: 784, hidden: 500 }, { seed: 1, state: rbmOptimizerState(o) });
 *   const trainer = await RbmTrainer.create(ctx, rbm, train, o);
 *   while (trainer.epoch < o.epochs) console.log((await trainer.trainEpoch()).reconstructionErrors);
 *   trainer.release();
 */
export class RbmTrainer extends Trainer<RbmMetrics, number> {
  private constructor(
    parts: TrainerParts<RbmMetrics, number>,
    readonly options: CheckedRbmTraining,
    private readonly chains: RbmChain | null,
  ) {
    super(parts);
  }

  /** `labels`: with label units, the examples' one-hot labels (count x labels, in the data's order). */
  static async create(ctx: RunContext, rbm: Rbm, data: RbmDataset, options: RbmTrainingOptions, resume: RbmTrainingState = {}, labels?: RbmDataset): Promise<RbmTrainer> {
    const o = validateRbmTraining(options);
    if (data.width !== rbm.visible) throw new InputError(`rbm training: the data has ${data.width} values per example, the model ${rbm.visible} visible units`);
    if (rbm.labels > 0 && !(labels && labels.width === rbm.labels && labels.count === data.count)) {
      throw new InputError(`rbm training: an RBM with ${rbm.labels} label units trains on the examples' one-hot labels (${data.count} x ${rbm.labels}), ${labels ? `not ${labels.count} x ${labels.width}` : 'none given'}`);
    }
    const needs = rbmOptimizerState(o);
    const missing = needs.filter((slot) => !rbm.params.state.includes(slot));
    if (missing.length) throw new InputError(`rbm training: momentum needs the optimiser state [${needs.join(', ')}]; create the model with state: rbmOptimizerState(options)`);
    let chains: RbmChain | null = null;
    const plan: TrainingPlan<RbmMetrics, number> = {
      name: 'rbm training',
      params: rbm.params,
      examples: data.count,
      ...o,
      metrics: { reconstructionErrors: { per: 'step', divideBy: o.batch } },
      loss: ['reconstructionErrors'],
      variant: (epoch) => (epoch < o.momentumEpochs ? o.momentum : o.finalMomentum),
      wholeEpochs: false,
      async setup({ owned, order, metrics, schedule, keep }) {
        const batch = await owned.add(rbm.chain(ctx, o.batch, 'rbm batch'));
        const negative = o.chains > 0 ? null : await owned.add(rbm.chain(ctx, o.batch, 'rbm negative chain'));
        chains = o.chains > 0 ? await owned.add(rbm.chain(ctx, o.chains, 'rbm persistent chains')) : null;
        if (chains) {
          await startChains(ctx, rbm, chains, o.seed, resume, owned);
          keep('chains', chains.v);
          if (chains.labels) keep('chainLabels', chains.labels.y);
        }
        const activity = o.sparsity ? await owned.add(ctx.pool.tensor('rbm hidden activity', 'f32', [rbm.hidden], { data: hiddenActivity(rbm.hidden, o.sparsity.target, resume.hiddenActivity) })) : null;
        if (activity) keep('hiddenActivity', activity);
        const parts: StepParts = { data, labels: labels ?? null, order, batch, negative: (negative ?? chains)!, persistent: chains !== null, activity, reconstruction: metrics.reconstructionErrors, lr: await schedule('lr', o.lr) };
        return (graph, momentum) => addStep(graph, ctx, rbm, o, parts, momentum, owned);
      },
    };
    const parts = await Trainer.prepare(ctx, plan);
    return new RbmTrainer(parts, o, chains);
  }

  /** The learning rate: a 'host' schedule's value may be set between steps (Schedule.set). */
  get lr(): Schedule {
    return this.schedule('lr');
  }

  /** The momentum of epoch `epoch`: the initial one for the first momentumEpochs, then the final one. */
  momentumAt(epoch: number): number {
    return epoch < this.options.momentumEpochs ? this.options.momentum : this.options.finalMomentum;
  }

  /** PCD's persistent chains (null for CD): their visible states and means are the fantasy particles. */
  get persistentChains(): RbmChain | null {
    return this.chains;
  }
}

/** Starting activity estimates: the checkpoint's, else the target itself (no penalty at first). */
function hiddenActivity(hidden: number, target: number, resumed?: Float32Array): Float32Array {
  if (!resumed) return new Float32Array(hidden).fill(target);
  if (resumed.length !== hidden) throw new InputError(`rbm training: the checkpoint's hidden activity has ${resumed.length} values for ${hidden} hidden units`);
  return resumed;
}

/** The persistent chains' first states: the checkpoint's, else one draw from p(v, y | h = 0) (the biases alone). */
async function startChains(ctx: RunContext, rbm: Rbm, chains: RbmChain, seed: number, resume: RbmTrainingState, owned: Owned): Promise<void> {
  if (resume.chains) {
    if (resume.chains.length !== chains.rows * rbm.visible) throw new InputError(`rbm training: the checkpoint holds ${resume.chains.length / rbm.visible} persistent chains, the run asks for ${chains.rows}`);
    await chains.v.write(resume.chains);
    if (chains.labels) {
      if (resume.chainLabels?.length !== chains.rows * rbm.labels) throw new InputError(`rbm training: the checkpoint's chains need their label states (${chains.rows} x ${rbm.labels})`);
      await chains.labels.y.write(resume.chainLabels);
    }
    return;
  }
  const start = new KernelGraph('rbm.chains.start');
  const op = await owned.add(rbm.addVisible(start, ctx, { h: chains.h, pv: chains.pv, v: chains.v, labels: chains.labels ?? undefined, rows: chains.rows, draw: { seed, step: 0, call: RBM_CALLS.chainInit } }));
  await ctx.scheduler.run(start);
  op.release();
}

interface StepParts {
  data: RbmDataset;
  /** With label units: the one-hot labels, gathered with the data. */
  labels: RbmDataset | null;
  order: Tensor;
  batch: RbmChain;
  /** CD's chain from the data, or PCD's persistent chains. */
  negative: RbmChain;
  persistent: boolean;
  activity: Tensor | null;
  /** Each step's summed squared reconstruction error. */
  reconstruction: ReduceTarget;
  lr: Schedule;
}

/** Adds one training step at a momentum value (its ops kept by `owned` until the trainer goes). */
function addStep(graph: KernelGraph, ctx: RunContext, rbm: Rbm, o: CheckedRbmTraining, p: StepParts, momentum: number, owned: Owned): Promise<void> {
  const { batch, negative } = p;
  const rows = batch.rows;
  const draw = (call: number) => ({ seed: o.seed, step: 0, call });
  return (async () => {
    // 1. The batch, p(h | v0) and h0.
    await owned.add(p.data.addBatch(graph, ctx, { indices: p.order, x: batch.v, batchSize: rows }));
    if (p.labels && batch.labels) await owned.add(p.labels.addBatch(graph, ctx, { indices: p.order, x: batch.labels.y, batchSize: rows }));
    await owned.add(rbm.addHidden(graph, ctx, { v: batch.v, y: batch.labels?.y, ph: batch.ph, h: batch.h, rows, draw: draw(RBM_CALLS.data) }));
    // 2. The reconstruction E[v | h0]: CD's first visible draw comes with it (and the labels'); PCD computes it for the monitor only.
    const recon = p.persistent ? batch.pv : negative.pv;
    const labels = (p.persistent ? batch.labels : negative.labels) ?? undefined;
    // PCD's monitor needs no labels: they stay as the data's (clamped).
    await owned.add(rbm.addVisible(graph, ctx, { h: batch.h, pv: recon, v: p.persistent ? undefined : negative.v, labels, clampLabels: p.persistent, rows, draw: p.persistent ? undefined : draw(RBM_CALLS.visible(1)) }));
    await owned.add(addBinary(graph, ctx, { op: 'sub', a: batch.v, b: recon, out: recon }));
    await owned.add(addReduce(graph, ctx, { op: 'sumsq', per: 'all', x: recon, ...p.reconstruction }));
    // 3. The rest of the negative chain, then p(h | vk).
    const first = p.persistent ? 1 : 2;
    await owned.add(rbm.addGibbs(graph, ctx, negative, { steps: o.k - first + 1, first, seed: o.seed, step: 0, finish: true }));
    // 4. Statistics into the gradients.
    await owned.add(rbm.addStatistics(graph, ctx, { data: batch, model: negative }));
    // 5. The sparsity target.
    if (o.sparsity && p.activity) await owned.add(addSparsity(graph, ctx, rbm, batch, p.activity, o.sparsity));
    // 6. The update, with weight decay and the L1 penalty on the weights (the label units' too; not the biases) in the same pass.
    const decayed = rbm.labels > 0 ? [RBM_PARAMS.weights, RBM_PARAMS.labelWeights] : [RBM_PARAMS.weights];
    await owned.add(addOptimizerStep(graph, ctx, rbm.params, { kind: 'sgd', lr: p.lr, momentum, weightDecay: o.weightDecay, l1: o.l1, weightDecayParams: decayed }));
  })();
}

/**
 * Adds the sparsity penalty's gradient: q <- decay q + (1 - decay) mean(ph0); then with d = cost (q - p),
 * dc += d, dW += mean(v0)' d and, with label units, dU += mean(y0)' d (rank-one GEMMs).
 */
function addSparsity(graph: KernelGraph, ctx: RunContext, rbm: Rbm, batch: RbmChain, q: Tensor, s: Required<RbmSparsity>): Promise<Releasable> {
  return building(async (owned) => {
    const current = await owned.add(ctx.pool.tensor('rbm sparsity batch activity', 'f32', [rbm.hidden]));
    const vMean = await owned.add(ctx.pool.tensor('rbm sparsity visible mean', 'f32', [rbm.visible]));
    await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'column', x: batch.ph, out: current }));
    await owned.add(addUnary(graph, ctx, { op: 'scale', x: q, out: q, alpha: s.decay }));
    await owned.add(addBinary(graph, ctx, { op: 'axpy', a: current, b: q, out: q, alpha: 1 - s.decay }));
    // current <- cost (q - p), the penalty's gradient per hidden unit.
    await owned.add(addUnary(graph, ctx, { op: 'affine', x: q, out: current, alpha: s.cost, beta: -s.cost * s.target }));
    await owned.add(addBinary(graph, ctx, { op: 'add', a: rbm.hiddenBias.grad, b: current, out: rbm.hiddenBias.grad }));
    await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'column', x: batch.v, out: vMean }));
    await owned.add(addGemm(graph, ctx, { a: vMean, b: current, c: rbm.weights.grad, m: rbm.visible, n: rbm.hidden, k: 1, beta: 1 }));
    if (rbm.labelWeights && batch.labels) {
      const yMean = await owned.add(ctx.pool.tensor('rbm sparsity label mean', 'f32', [rbm.labels]));
      await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'column', x: batch.labels.y, out: yMean }));
      await owned.add(addGemm(graph, ctx, { a: yMean, b: current, c: rbm.labelWeights.grad, m: rbm.labels, n: rbm.hidden, k: 1, beta: 1 }));
    }
    return owned;
  });
}

