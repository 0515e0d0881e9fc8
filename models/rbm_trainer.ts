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
import {
  addBinary,
  addGemm,
  addOptimizerStep,
  addPermutation,
  addReduce,
  addUnary,
  InputError,
  KernelGraph,
  optimizerState,
  Schedule,
  type ScheduleSpec,
  type Tensor,
} from '../engine/index.js';
import { building, Owned, type Releasable } from './owned.js';
import { RBM_CALLS, RBM_PARAMS, type Rbm, type RbmChain, type RbmContext } from './rbm.js';
import type { RbmDataset } from './rbm_data.js';

/** Hinton's sparsity target: a running estimate q of each hidden unit's mean activity is pulled toward `target`. */
export interface RbmSparsity {
  /** The desired mean activity p, in (0, 1). */
  target: number;
  /** The penalty's weight: cost (q - p) is added to the hidden bias gradient, and v-mean' cost (q - p) to the weights'. */
  cost: number;
  /** q <- decay q + (1 - decay) mean(ph0) each step (default 0.9). */
  decay?: number;
}

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
  sparsity?: RbmSparsity;
  /** Examples per step; an epoch is floor(count / batch) steps. */
  batch: number;
  /** Keys the permutations and every Gibbs draw. */
  seed: number;
  /** Epochs the run reaches (a resumed run's earlier ones included): the metrics have a slot for every step up to there. */
  epochs: number;
}

export type CheckedRbmTraining = Required<Omit<RbmTrainingOptions, 'sparsity'>> & { sparsity: Required<RbmSparsity> | null };

/**
 * Checks training options (with defaults filled in); every problem is an InputError naming the option.
 *
 *   validateRbmTraining({ k: 1, lr: 0.05, momentum: 0.5, finalMomentum: 0.9, momentumEpochs: 5, batch: 100, seed: 1, epochs: 20 });
 */
export function validateRbmTraining(o: RbmTrainingOptions): CheckedRbmTraining {
  const bad = (what: string) => new InputError(`rbm training: ${what}`);
  const count = (name: string, v: unknown, min: number) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) throw bad(`${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  count('k', o.k, 1);
  count('chains', o.chains ?? 0, 0);
  count('batch', o.batch, 1);
  count('epochs', o.epochs, 1);
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) throw bad(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  if (typeof o.lr === 'number' && !(Number.isFinite(o.lr) && o.lr > 0)) throw bad(`lr must be a positive number, got ${o.lr}`);
  const momentum = o.momentum ?? 0;
  const finalMomentum = o.finalMomentum ?? momentum;
  for (const [name, m] of [['momentum', momentum], ['final momentum', finalMomentum]] as const) {
    if (!(m >= 0 && m < 1)) throw bad(`${name} must lie in [0, 1), got ${m}`);
  }
  const momentumEpochs = o.momentumEpochs ?? 0;
  count('momentum epochs', momentumEpochs, 0);
  const weightDecay = o.weightDecay ?? 0;
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) throw bad(`weight decay must be a finite number >= 0, got ${weightDecay}`);
  let sparsity: Required<RbmSparsity> | null = null;
  if (o.sparsity) {
    const { target, cost } = o.sparsity;
    const decay = o.sparsity.decay ?? 0.9;
    if (!(target > 0 && target < 1)) throw bad(`sparsity target must lie in (0, 1), got ${target}`);
    if (!(Number.isFinite(cost) && cost >= 0)) throw bad(`sparsity cost must be a finite number >= 0, got ${cost}`);
    if (!(decay >= 0 && decay < 1)) throw bad(`sparsity decay must lie in [0, 1), got ${decay}`);
    sparsity = { target, cost, decay };
  }
  return { ...o, chains: o.chains ?? 0, momentum, finalMomentum, momentumEpochs, weightDecay, sparsity };
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
}

/** One epoch's metrics, from its one readback. */
export interface RbmEpoch {
  epoch: number;
  /** Per step: the batch's mean squared reconstruction error |v0 - E[v | h0]|^2 per example. */
  reconstructionErrors: Float32Array;
  examples: number;
  wallMs: number;
}

/**
 * Trains an Rbm on an RbmDataset: a Philox permutation per epoch, then one graph per step (a graph
 * per momentum value; the schedule picks it by epoch), run from the ParamSet's iteration.
 *
 *   const rbm = await Rbm.create(ctx, { visible: 784, hidden: 500 }, { seed: 1, state: rbmOptimizerState(o) });
 *   const trainer = await RbmTrainer.create(ctx, rbm, train, o);
 *   while (trainer.epoch < o.epochs) console.log((await trainer.trainEpoch()).reconstructionErrors);
 *   trainer.release();
 */
export class RbmTrainer implements Releasable {
  private readonly graphs = new Map<number, Promise<KernelGraph>>();
  /** The epoch whose permutation the order tensor holds. */
  private shuffled = -1;

  private constructor(
    private readonly ctx: RbmContext,
    private readonly owned: Owned,
    readonly rbm: Rbm,
    readonly options: CheckedRbmTraining,
    readonly batchesPerEpoch: number,
    /** The learning rate: a 'host' schedule's value may be set between steps (Schedule.set). */
    readonly lr: Schedule,
    private readonly shuffle: KernelGraph,
    private readonly build: (momentum: number) => Promise<KernelGraph>,
    private readonly metrics: Tensor,
    private readonly chains: RbmChain | null,
    private readonly activity: Tensor | null,
  ) {}

  static async create(ctx: RbmContext, rbm: Rbm, data: RbmDataset, options: RbmTrainingOptions, resume: RbmTrainingState = {}): Promise<RbmTrainer> {
    const o = validateRbmTraining(options);
    if (data.width !== rbm.visible) throw new InputError(`rbm training: the data has ${data.width} values per example, the model ${rbm.visible} visible units`);
    if (o.batch > data.count) throw new InputError(`rbm training: batch ${o.batch} exceeds the ${data.count} training examples`);
    const needs = rbmOptimizerState(o);
    const missing = needs.filter((slot) => !rbm.params.state.includes(slot));
    if (missing.length) throw new InputError(`rbm training: momentum needs the optimiser state [${needs.join(', ')}]; create the model with state: rbmOptimizerState(options)`);
    const batches = Math.floor(data.count / o.batch);
    const steps = o.epochs * batches;
    return building(async (owned) => {
      const metrics = await owned.add(ctx.pool.tensor('rbm train metrics', 'f32', [steps]));
      const order = await owned.add(ctx.pool.tensor('rbm epoch order', 'u32', [data.count]));
      const lr = await owned.add(Schedule.create(ctx, typeof o.lr === 'number' ? { kind: 'constant', value: o.lr } : o.lr, 'rbm lr'));
      const shuffle = new KernelGraph('rbm.shuffle');
      await owned.add(addPermutation(shuffle, ctx, { output: order, n: data.count, seed: o.seed, epoch: 0 }));
      const batch = await owned.add(rbm.chain(ctx, o.batch, 'rbm batch'));
      const negative = o.chains > 0 ? null : await owned.add(rbm.chain(ctx, o.batch, 'rbm negative chain'));
      const chains = o.chains > 0 ? await owned.add(rbm.chain(ctx, o.chains, 'rbm persistent chains')) : null;
      if (chains) await startChains(ctx, rbm, chains, o.seed, resume.chains, owned);
      const activity = o.sparsity ? await owned.add(ctx.pool.tensor('rbm hidden activity', 'f32', [rbm.hidden], { data: hiddenActivity(rbm.hidden, o.sparsity.target, resume.hiddenActivity) })) : null;
      const parts = { data, order, batch, negative: (negative ?? chains)!, persistent: chains !== null, activity, metrics, lr };
      const build = (momentum: number) => buildStep(ctx, rbm, o, parts, momentum, owned);
      return new RbmTrainer(ctx, owned, rbm, o, batches, lr, shuffle, build, metrics, chains, activity);
    });
  }

  /** Epochs done, as a fraction when the model stopped mid-epoch. */
  get epoch(): number {
    return this.rbm.params.iteration / this.batchesPerEpoch;
  }

  /** The momentum of epoch `epoch`: the initial one for the first momentumEpochs, then the final one. */
  momentumAt(epoch: number): number {
    return epoch < this.options.momentumEpochs ? this.options.momentum : this.options.finalMomentum;
  }

  private graph(momentum: number): Promise<KernelGraph> {
    let graph = this.graphs.get(momentum);
    if (!graph) this.graphs.set(momentum, (graph = this.build(momentum)));
    return graph;
  }

  /**
   * Trains `steps` steps from the model's iteration, in few submits: the permutation of each epoch the
   * steps reach, then its steps with the graph of that epoch's momentum. Returns the host time spent.
   */
  async trainSteps(steps: number, onProgress?: (done: number, total: number) => void): Promise<number> {
    const params = this.rbm.params;
    const B = this.batchesPerEpoch;
    if (!(Number.isInteger(steps) && steps >= 0)) throw new InputError(`rbm training: steps = ${steps} must be a non-negative integer`);
    let wallMs = 0;
    let done = 0;
    while (done < steps) {
      const epoch = Math.floor(params.iteration / B);
      if (this.shuffled !== epoch) {
        wallMs += (await this.ctx.scheduler.run(this.shuffle, { firstIteration: epoch })).wallMs;
        this.shuffled = epoch;
      }
      const n = Math.min(steps - done, B - (params.iteration % B));
      const before = done;
      const progress = onProgress && ((d: number) => onProgress(before + d, steps));
      wallMs += (await this.ctx.scheduler.run(await this.graph(this.momentumAt(epoch)), { repeat: n, firstIteration: params.iteration, onProgress: progress })).wallMs;
      params.iteration += n;
      done += n;
    }
    return wallMs;
  }

  /** Trains to the end of the current epoch and reads its metrics back once. */
  async trainEpoch(onProgress?: (done: number, total: number) => void): Promise<RbmEpoch> {
    const B = this.batchesPerEpoch;
    const epoch = Math.floor(this.epoch);
    if (epoch >= this.options.epochs) throw new InputError(`rbm training: ${epoch} epochs done, the planned ${this.options.epochs} reached`);
    const first = this.rbm.params.iteration;
    const wallMs = await this.trainSteps((epoch + 1) * B - first, onProgress);
    const metrics = new Float32Array(await this.metrics.read());
    // The slots hold sums over the batch: per example.
    const reconstructionErrors = metrics.slice(epoch * B, (epoch + 1) * B).map((x) => x / this.options.batch);
    return { epoch, reconstructionErrors, examples: ((epoch + 1) * B - first) * this.options.batch, wallMs };
  }

  /** The persistent chains and sparsity estimate as they are now (a checkpoint's extra tensors). */
  async state(): Promise<RbmTrainingState> {
    const state: RbmTrainingState = {};
    if (this.chains) state.chains = new Float32Array(await this.chains.v.read());
    if (this.activity) state.hiddenActivity = new Float32Array(await this.activity.read());
    return state;
  }

  /** PCD's persistent chains (null for CD): their visible states and means are the fantasy particles. */
  get persistentChains(): RbmChain | null {
    return this.chains;
  }

  release(): void {
    this.owned.release();
  }
}

/** Starting activity estimates: the checkpoint's, else the target itself (no penalty at first). */
function hiddenActivity(hidden: number, target: number, resumed?: Float32Array): Float32Array {
  if (!resumed) return new Float32Array(hidden).fill(target);
  if (resumed.length !== hidden) throw new InputError(`rbm training: the checkpoint's hidden activity has ${resumed.length} values for ${hidden} hidden units`);
  return resumed;
}

/** The persistent chains' first states: the checkpoint's, else one draw from p(v | h = 0) (the visible biases alone). */
async function startChains(ctx: RbmContext, rbm: Rbm, chains: RbmChain, seed: number, resumed: Float32Array | undefined, owned: Owned): Promise<void> {
  if (resumed) {
    if (resumed.length !== chains.rows * rbm.visible) throw new InputError(`rbm training: the checkpoint holds ${resumed.length / rbm.visible} persistent chains, the run asks for ${chains.rows}`);
    await chains.v.write(resumed);
    return;
  }
  const start = new KernelGraph('rbm.chains.start');
  const op = await owned.add(rbm.addVisible(start, ctx, { h: chains.h, pv: chains.pv, v: chains.v, rows: chains.rows, draw: { seed, step: 0, call: RBM_CALLS.chainInit } }));
  await ctx.scheduler.run(start);
  op.release();
}

interface StepParts {
  data: RbmDataset;
  order: Tensor;
  batch: RbmChain;
  /** CD's chain from the data, or PCD's persistent chains. */
  negative: RbmChain;
  persistent: boolean;
  activity: Tensor | null;
  metrics: Tensor;
  lr: Schedule;
}

/** The graph of one training step at a momentum value (its ops kept by `owned` until the trainer goes). */
function buildStep(ctx: RbmContext, rbm: Rbm, o: CheckedRbmTraining, p: StepParts, momentum: number, owned: Owned): Promise<KernelGraph> {
  const graph = new KernelGraph(`rbm.train (momentum ${momentum})`);
  const { batch, negative } = p;
  const rows = batch.rows;
  const draw = (call: number) => ({ seed: o.seed, step: 0, call });
  return (async () => {
    // 1. The batch, p(h | v0) and h0.
    await owned.add(p.data.addBatch(graph, ctx, { indices: p.order, x: batch.v, batchSize: rows }));
    await owned.add(rbm.addHidden(graph, ctx, { v: batch.v, ph: batch.ph, h: batch.h, rows, draw: draw(RBM_CALLS.data) }));
    // 2. The reconstruction E[v | h0]: CD's first visible draw comes with it; PCD computes it for the monitor only.
    const recon = p.persistent ? batch.pv : negative.pv;
    await owned.add(rbm.addVisible(graph, ctx, { h: batch.h, pv: recon, v: p.persistent ? undefined : negative.v, rows, draw: p.persistent ? undefined : draw(RBM_CALLS.visible(1)) }));
    await owned.add(addBinary(graph, ctx, { op: 'sub', a: batch.v, b: recon, out: recon }));
    await owned.add(addReduce(graph, ctx, { op: 'sumsq', per: 'all', x: recon, out: p.metrics, series: { base: 0 } }));
    // 3. The rest of the negative chain, then p(h | vk).
    const first = p.persistent ? 1 : 2;
    await owned.add(rbm.addGibbs(graph, ctx, negative, { steps: o.k - first + 1, first, seed: o.seed, step: 0, finish: true }));
    // 4. Statistics into the gradients.
    await owned.add(rbm.addStatistics(graph, ctx, { data: batch, model: negative }));
    // 5. The sparsity target.
    if (o.sparsity && p.activity) await owned.add(addSparsity(graph, ctx, rbm, batch, p.activity, o.sparsity));
    // 6. The update, with weight decay on the weights (not the biases) in the same pass.
    await owned.add(addOptimizerStep(graph, ctx, rbm.params, { kind: 'sgd', lr: p.lr, momentum, weightDecay: o.weightDecay, weightDecayParams: [RBM_PARAMS.weights] }));
    return graph;
  })();
}

/**
 * Adds the sparsity penalty's gradient: q <- decay q + (1 - decay) mean(ph0); then with d = cost (q - p),
 * dc += d and dW += mean(v0)' d (a rank-one GEMM).
 */
function addSparsity(graph: KernelGraph, ctx: RbmContext, rbm: Rbm, batch: RbmChain, q: Tensor, s: Required<RbmSparsity>): Promise<Releasable> {
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
    return owned;
  });
}

