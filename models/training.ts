// The training loop every trainable model shares, so that a model supplies only its step graph and
// its metrics. Per epoch: the epoch's Philox permutation of the examples (a graph of its own, run once
// with the epoch as its iteration), then the step graph repeated once per minibatch from the
// ParamSet's iteration (few submits; the batch index, every Philox draw, the schedules and Adam's bias
// correction follow that iteration, so a checkpoint resumes bit for bit), then one readback of the
// metrics tensor. Around that: schedules made once and shared by the step graphs, one step graph per
// value of a per-epoch switch (the RBM's momentum), a snapshot of the state at each epoch's start that
// a loss gone NaN rolls back to, named state tensors a checkpoint carries (PCD's chains), progress.
import { HarmoniumError, InputError, KernelGraph, Schedule, type ParamSet, type RunContext, type ScheduleSpec, type Tensor } from '../engine/index.js';
import { addPermutation, addUnary, type ReduceTarget } from '../engine/ops/index.js';
import { checkOption, SEED, whole, type NumberRule } from './options.js';
import { building, Owned, type Releasable } from './owned.js';

/** The rules every training run shares: examples per step, epochs, and the seed of its draws. */
export const TRAINING_RULES = {
  batch: whole({ positive: true, default: 100 }),
  epochs: whole({ positive: true, default: 10 }),
  seed: SEED,
} as const;

/**
 * A learning rate (or another per-step value): a number checked by `rule`, or a schedule over the
 * steps (checked when it is made).
 */
export function checkRate(rule: NumberRule, value: number | ScheduleSpec | undefined, where: string, label = 'lr'): number | ScheduleSpec {
  return typeof value === 'object' ? value : checkOption(rule, value, label, where);
}

/** A metric the step graph writes: one value per step, or one per epoch summed over its steps. */
export interface MetricSpec {
  per: 'step' | 'epoch';
  /** The slot holds a sum over this many (the batch's examples): the epoch's values are divided by it. */
  divideBy?: number;
}

export type MetricSpecs = Readonly<Record<string, MetricSpec>>;

/** One epoch's values of each metric: per step a Float32Array, per epoch a number. */
export type MetricValues<M extends MetricSpecs> = { [K in keyof M]: M[K]['per'] extends 'epoch' ? number : Float32Array };

/** One epoch as it came back in its one readback. */
export type TrainedEpoch<M extends MetricSpecs> = MetricValues<M> & {
  /** The epoch's index (0 for the first). */
  epoch: number;
  /** Examples trained on in this call: its steps x batch. */
  examples: number;
  /** Host time of its runs (the permutation and the steps). */
  wallMs: number;
};

/** What a model's step graph is built with. */
export interface StepParts<M extends MetricSpecs> {
  ctx: RunContext;
  /** Kept until the trainer is released: the step's tensors and ops. */
  owned: Owned;
  /** u32 [examples]: this epoch's permutation of the example indices. */
  order: Tensor;
  /** Where each metric goes: a step's value to its slot (per-step), or summed into its epoch's (per-epoch). */
  metrics: { readonly [K in keyof M]: ReduceTarget };
  /** A schedule over the steps, made once by name (a number is a constant). */
  schedule(name: string, value: number | ScheduleSpec): Promise<Schedule>;
  /** A tensor saved with checkpoints and rolled back with the parameters (Trainer.state). */
  keep(name: string, tensor: Tensor): void;
}

/** The graph of one step for a value of the per-epoch switch (add the step's ops to `graph`). */
export type StepBuilder<V> = (graph: KernelGraph, variant: V) => Promise<void>;

/** A model's training run: its parameters, its data size, its metrics and its step. */
export interface TrainingPlan<M extends MetricSpecs, V = null> {
  /** How messages name the run: 'mlp training'. */
  name: string;
  params: ParamSet;
  /** Training examples (the permutation's length). */
  examples: number;
  batch: number;
  epochs: number;
  seed: number;
  metrics: M;
  /** Allocates the step's tensors once and returns the builder of its graph. */
  setup(parts: StepParts<M>): Promise<StepBuilder<V>>;
  /** The per-epoch switch: the step graph of epoch e is the one built for variant(e) (default: one graph). */
  variant?(epoch: number): V;
  /** Per-step metrics whose sum is the loss: a step where it is not finite stops training (see Trainer.trainEpoch). */
  loss?: ReadonlyArray<keyof M & string>;
  /** Refuse a model stopped mid-epoch (default true; the RBM demo trains a few steps at a time). */
  wholeEpochs?: boolean;
  /** Keep a copy of the state at each epoch's start to roll back to when the loss goes NaN (default true). */
  rollback?: boolean;
}

/** A loss that became NaN or infinite: the step, and whether the state was rolled back to the epoch's start. */
export class TrainingDivergedError extends HarmoniumError {
  constructor(
    /** What went wrong where: 'the loss became NaN at step 3 (step 1 of epoch 2)'. */
    readonly detail: string,
    /** What became of the state. */
    readonly outcome: string,
    /** The step (1-based, from the first of the run) whose loss was not finite. */
    readonly step: number,
  ) {
    super(`${detail}; training stopped and ${outcome}`);
    this.name = 'TrainingDivergedError';
  }
}

/** What the constructor takes: made by Trainer.prepare. */
export interface TrainerParts<M extends MetricSpecs, V> {
  ctx: RunContext;
  owned: Owned;
  plan: Required<Omit<TrainingPlan<M, V>, 'setup' | 'variant' | 'loss'>> & Pick<TrainingPlan<M, V>, 'variant' | 'loss'>;
  batchesPerEpoch: number;
  shuffle: KernelGraph;
  build: StepBuilder<V>;
  /** The step graph built at creation, for the variant of the epoch the model was at. */
  first: { variant: V; graph: KernelGraph };
  metrics: Tensor;
  bases: Readonly<Record<string, number>>;
  schedules: ReadonlyMap<string, Schedule>;
  kept: ReadonlyMap<string, Tensor>;
  snapshot: { save: KernelGraph; restore: KernelGraph } | null;
}

/**
 * Trains a model by its plan, an epoch (or some steps) per call. Models subclass it to name their
 * options and metrics (MlpTrainer, RbmTrainer, VaeTrainer, AutoencoderTrainer):
 *
 *   export class MlpTrainer extends Trainer<typeof MLP_METRICS> {
 *     static async create(ctx, mlp, data, options) { return new MlpTrainer(await Trainer.prepare(ctx, plan)); }
 *   }
 *   while (trainer.epoch < epochs) console.log((await trainer.trainEpoch()).losses);
 */
export class Trainer<M extends MetricSpecs, V = null> implements Releasable {
  private readonly graphs = new Map<V, Promise<KernelGraph>>();
  /** The epoch whose permutation the order tensor holds. */
  private shuffled = -1;

  protected constructor(private readonly parts: TrainerParts<M, V>) {
    this.graphs.set(parts.first.variant, Promise.resolve(parts.first.graph));
  }

  /** Checks the plan, allocates the metrics, the order and the model's step tensors, and builds the first step graph. */
  static async prepare<M extends MetricSpecs, V>(ctx: RunContext, plan: TrainingPlan<M, V>): Promise<TrainerParts<M, V>> {
    const where = `${plan.name}: `;
    checkOption(TRAINING_RULES.batch, plan.batch, 'batch', where);
    checkOption(TRAINING_RULES.epochs, plan.epochs, 'epochs', where);
    checkOption(TRAINING_RULES.seed, plan.seed, 'seed', where);
    if (plan.batch > plan.examples) throw new InputError(`${where}batch ${plan.batch} exceeds the ${plan.examples} training examples`);
    const batchesPerEpoch = Math.floor(plan.examples / plan.batch);
    const wholeEpochs = plan.wholeEpochs ?? true;
    const iteration = plan.params.iteration;
    if (wholeEpochs && iteration % batchesPerEpoch !== 0) {
      throw new InputError(`${where}the model is at step ${iteration}, not at the end of an epoch of ${batchesPerEpoch} steps (another batch size or dataset?)`);
    }
    const steps = plan.epochs * batchesPerEpoch;
    return building(async (owned) => {
      // One readback per epoch: a per-step metric takes a slot per step of the run, a per-epoch one a slot per epoch.
      const bases: Record<string, number> = {};
      let slots = 0;
      for (const [name, spec] of Object.entries(plan.metrics)) {
        bases[name] = slots;
        slots += spec.per === 'step' ? steps : plan.epochs;
      }
      const metrics = await owned.add(ctx.pool.tensor(`${plan.name} metrics`, 'f32', [slots]));
      const targets = Object.fromEntries(
        Object.entries(plan.metrics).map(([name, spec]): [string, ReduceTarget] => [
          name,
          spec.per === 'step' ? { out: metrics, series: { base: bases[name] } } : { out: metrics, series: { base: bases[name], every: batchesPerEpoch }, accumulate: true },
        ]),
      );
      const order = await owned.add(ctx.pool.tensor(`${plan.name} epoch order`, 'u32', [plan.examples]));
      // The permutation in a graph of its own, run once per epoch with the epoch as its iteration: in
      // the step graph its sort passes would be dispatched at every step.
      const shuffle = new KernelGraph(`${plan.name} shuffle`);
      await owned.add(addPermutation(shuffle, ctx, { output: order, n: plan.examples, seed: plan.seed, epoch: 0 }));
      const schedules = new Map<string, Schedule>();
      const kept = new Map<string, Tensor>();
      const build = await plan.setup({
        ctx,
        owned,
        order,
        metrics: targets as StepParts<M>['metrics'],
        async schedule(name, value) {
          let s = schedules.get(name);
          if (!s) schedules.set(name, (s = await owned.add(Schedule.create(ctx, typeof value === 'number' ? { kind: 'constant', value } : value, `${plan.name} ${name}`))));
          return s;
        },
        keep(name, tensor) {
          kept.set(name, tensor);
        },
      });
      const rollback = plan.rollback ?? true;
      const snapshot = rollback ? await snapshotGraphs(ctx, plan.name, [...stateTensors(plan.params), ...kept.values()], owned) : null;
      // The first epoch's step graph now, so that a mistake in the step shows at creation.
      const variant = plan.variant?.(Math.floor(iteration / batchesPerEpoch)) ?? (null as V);
      const graph = new KernelGraph(`${plan.name} step`);
      await build(graph, variant);
      const full = { ...plan, wholeEpochs, rollback };
      return { ctx, owned, plan: full, batchesPerEpoch, shuffle, build, first: { variant, graph }, metrics, bases, schedules, kept, snapshot };
    });
  }

  get batchesPerEpoch(): number {
    return this.parts.batchesPerEpoch;
  }

  /** Epochs done: the model's iteration over the steps per epoch (fractional after trainSteps mid-epoch). */
  get epoch(): number {
    return this.parts.plan.params.iteration / this.parts.batchesPerEpoch;
  }

  /** The schedule made by that name (a 'host' one can be set between runs: Schedule.set). */
  schedule(name: string): Schedule {
    const s = this.parts.schedules.get(name);
    if (!s) throw new InputError(`${this.parts.plan.name}: no schedule '${name}'; it has ${[...this.parts.schedules.keys()].join(', ') || 'none'}`);
    return s;
  }

  private graph(variant: V): Promise<KernelGraph> {
    let graph = this.graphs.get(variant);
    if (!graph) {
      const g = new KernelGraph(`${this.parts.plan.name} step (${String(variant)})`);
      this.graphs.set(variant, (graph = this.parts.build(g, variant).then(() => g)));
    }
    return graph;
  }

  /**
   * Trains `steps` steps from the model's iteration, in few submits: each epoch's permutation when the
   * steps reach it, then its steps with the graph of its variant. Returns the host time spent.
   */
  async trainSteps(steps: number, onProgress?: (done: number, total: number) => void): Promise<number> {
    const { ctx, plan, batchesPerEpoch: B } = this.parts;
    const params = plan.params;
    if (!(Number.isInteger(steps) && steps >= 0)) throw new InputError(`${plan.name}: steps = ${steps} must be a non-negative integer`);
    let wallMs = 0;
    let done = 0;
    while (done < steps) {
      const epoch = Math.floor(params.iteration / B);
      if (this.shuffled !== epoch) {
        wallMs += (await ctx.scheduler.run(this.parts.shuffle, { firstIteration: epoch })).wallMs;
        this.shuffled = epoch;
      }
      const n = Math.min(steps - done, B - (params.iteration % B));
      const before = done;
      const progress = onProgress && ((d: number) => onProgress(before + d, steps));
      const graph = await this.graph(plan.variant?.(epoch) ?? (null as V));
      wallMs += (await ctx.scheduler.run(graph, { repeat: n, firstIteration: params.iteration, onProgress: progress })).wallMs;
      params.iteration += n;
      done += n;
    }
    return wallMs;
  }

  /**
   * Trains to the end of the current epoch and reads its metrics back once. A step whose loss is not
   * finite stops it: the state goes back to the epoch's start (with `rollback`) and a
   * TrainingDivergedError names the step.
   */
  async trainEpoch(onProgress?: (done: number, total: number) => void): Promise<TrainedEpoch<M>> {
    const { ctx, plan, batchesPerEpoch: B, snapshot } = this.parts;
    const epoch = Math.floor(this.epoch);
    if (epoch >= plan.epochs) throw new InputError(`${plan.name}: ${epoch} epochs done, the planned ${plan.epochs} reached`);
    const first = plan.params.iteration;
    let wallMs = 0;
    if (snapshot) wallMs += (await ctx.scheduler.run(snapshot.save)).wallMs;
    wallMs += await this.trainSteps((epoch + 1) * B - first, onProgress);
    const all = new Float32Array(await this.parts.metrics.read());
    const values: Record<string, Float32Array | number> = {};
    for (const [name, spec] of Object.entries(plan.metrics)) {
      const base = this.parts.bases[name];
      const scale = (x: number) => (spec.divideBy === undefined ? x : x / spec.divideBy);
      values[name] = spec.per === 'step' ? all.slice(base + epoch * B, base + (epoch + 1) * B).map(scale) : scale(all[base + epoch]);
    }
    await this.stopIfDiverged(values, epoch, first);
    return { ...(values as MetricValues<M>), epoch, examples: ((epoch + 1) * B - first) * plan.batch, wallMs };
  }

  /** Throws a TrainingDivergedError at the first step of the epoch whose loss is not finite, after rolling back. */
  private async stopIfDiverged(values: Record<string, Float32Array | number>, epoch: number, first: number): Promise<void> {
    const { ctx, plan, batchesPerEpoch: B, snapshot } = this.parts;
    const losses = (plan.loss ?? []).map((name) => values[name] as Float32Array);
    if (losses.length === 0) return;
    const steps = losses[0].length;
    for (let i = 0; i < steps; i++) {
      const value = losses.reduce((sum, l) => sum + l[i], 0);
      if (Number.isFinite(value)) continue;
      if (snapshot) {
        await ctx.scheduler.run(snapshot.restore);
        plan.params.iteration = first;
      }
      const step = epoch * B + i + 1;
      const outcome = snapshot ? `the model is back at the start of epoch ${epoch + 1}` : 'the model holds the diverged state';
      throw new TrainingDivergedError(`the loss became ${value} at step ${step} (step ${i + 1} of epoch ${epoch + 1})`, outcome, step);
    }
  }

  /** The tensors kept by name (StepParts.keep) as they are now: what a checkpoint holds beside the parameters. */
  async state(): Promise<Record<string, Float32Array>> {
    const state: Record<string, Float32Array> = {};
    for (const [name, t] of this.parts.kept) state[name] = new Float32Array(await t.read());
    return state;
  }

  release(): void {
    this.parts.owned.release();
  }
}

/** Every tensor of a ParamSet that training changes: the values and the optimiser's state. */
function stateTensors(params: ParamSet): Tensor[] {
  return params.params.flatMap((p) => [p.value, ...params.state.map((slot) => p.state[slot])]);
}

/** Two graphs of copies: the tensors into copies of their own, and back. */
async function snapshotGraphs(ctx: RunContext, name: string, tensors: readonly Tensor[], owned: Owned): Promise<{ save: KernelGraph; restore: KernelGraph }> {
  const save = new KernelGraph(`${name} snapshot`);
  const restore = new KernelGraph(`${name} rollback`);
  for (const t of tensors) {
    const copy = await owned.add(ctx.pool.tensor(`${t.label} (epoch start)`, t.dtype, t.shape));
    await owned.add(addUnary(save, ctx, { op: 'copy', x: t, out: copy }));
    await owned.add(addUnary(restore, ctx, { op: 'copy', x: copy, out: t }));
  }
  return { save, restore };
}
