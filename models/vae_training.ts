// Training a VAE (models/vae.ts) on a DeviceDataset: an epoch is the epoch's Philox permutation, then
// one graph (gather, dynamic binarisation, encoder, draw, decoder, -ELBO, backward, Adam) repeated once
// per minibatch from the ParamSet's iteration, so that the batches, the binarisation, the draws, the
// temperature schedule and Adam's bias correction all follow the step and a checkpoint resumes bit for
// bit; the only readback is the metrics tensor (each step's mean reconstruction term and KL).
import {
  addOptimizerStep,
  addPermutation,
  addSample,
  InputError,
  KernelGraph,
  optimizerState,
  Schedule,
  type ScheduleSpec,
  type Tensor,
} from '../engine/index.js';
import { addBatchGather, type DeviceDataset } from './minibatch.js';
import type { MlpContext } from './mlp.js';
import { building, Owned, type Releasable } from './owned.js';
import type { Vae, VaeDraw } from './vae.js';

/** What context a VAE trains in (as an MLP's: ops need the device and pool, training the scheduler too). */
export type VaeContext = MlpContext;

export interface VaeTrainingOptions {
  /** Adam's learning rate: a number, or a schedule over the steps. */
  lr: number | ScheduleSpec;
  /** Examples per step; an epoch is floor(count / batch) steps. */
  batch: number;
  /** Keys the permutations, the binarisation and the draws. */
  seed: number;
  /** Epochs the run reaches (counted from the first); the metrics have a slot for every step up to there. */
  epochs: number;
  /** Weight of the KL term (default 1: the ELBO; > 1: a beta-VAE), >= 0. */
  beta?: number;
  /** Categorical latents: the Gumbel-softmax temperature, a number or a schedule over the steps (default 1). */
  temperature?: number | ScheduleSpec;
  /** Categorical latents: feed the decoder the one-hot (straight-through estimator). */
  straightThrough?: boolean;
  /** Draw each pixel as Bernoulli(intensity) at every step (dynamic binarisation; default true), else train on intensities. */
  binarize?: boolean;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Checks training options (with defaults filled in); every problem is an InputError naming the option.
 *
 *   validateVaeTraining({ lr: 1e-3, batch: 100, seed: 1, epochs: 50, beta: 4 });
 */
export function validateVaeTraining(o: VaeTrainingOptions): Required<VaeTrainingOptions> {
  const bad = (what: string) => new InputError(`vae training: ${what}`);
  if (typeof o.lr === 'number' && !(finite(o.lr) && o.lr > 0)) throw bad(`lr must be a positive number, got ${o.lr}`);
  if (!(Number.isInteger(o.batch) && o.batch > 0)) throw bad(`batch must be a positive integer, got ${o.batch}`);
  if (!(Number.isInteger(o.epochs) && o.epochs > 0)) throw bad(`epochs must be a positive integer, got ${o.epochs}`);
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) throw bad(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  const beta = o.beta ?? 1;
  if (!(finite(beta) && beta >= 0)) throw bad(`beta must be a finite number >= 0, got ${beta}`);
  const temperature = o.temperature ?? 1;
  if (typeof temperature === 'number' && !(finite(temperature) && temperature > 0)) throw bad(`temperature must be a positive number, got ${temperature}`);
  return { ...o, beta, temperature, straightThrough: !!o.straightThrough, binarize: o.binarize ?? true };
}

/** Adam's state slots (Vae.create's `state`). */
export const VAE_OPTIMIZER_STATE: readonly string[] = optimizerState({ kind: 'adam', lr: 0 });

/** One epoch's metrics, as they came back in its one readback. */
export interface VaeEpoch {
  /** The epoch's index (0 for the first). */
  epoch: number;
  /** Each step's mean -log p(x | z) over its batch (nats). */
  reconstruction: Float32Array;
  /** Each step's mean KL(q(z | x) || p(z)) over its batch (nats). */
  kl: Float32Array;
  examples: number;
  wallMs: number;
}

/**
 *   const vae = await Vae.create(ctx, config, { seed: 1, state: VAE_OPTIMIZER_STATE });
 *   const trainer = await VaeTrainer.create(ctx, vae, train, { lr: 1e-3, batch: 100, seed: 1, epochs: 10 });
 *   while (trainer.epoch < 10) console.log(await trainer.trainEpoch());
 *   trainer.release();
 */
export class VaeTrainer implements Releasable {
  private constructor(
    private readonly ctx: VaeContext,
    private readonly owned: Owned,
    readonly vae: Vae,
    readonly options: Required<VaeTrainingOptions>,
    readonly batchesPerEpoch: number,
    private readonly shuffle: KernelGraph,
    private readonly graph: KernelGraph,
    private readonly metrics: Tensor,
  ) {}

  static async create(ctx: VaeContext, vae: Vae, data: DeviceDataset, options: VaeTrainingOptions): Promise<VaeTrainer> {
    const o = validateVaeTraining(options);
    if (data.width !== vae.config.inputs) throw new InputError(`vae training: the data has ${data.width} values per example, the model ${vae.config.inputs} inputs`);
    if (o.batch > data.count) throw new InputError(`vae training: batch ${o.batch} exceeds the ${data.count} training examples`);
    const batches = Math.floor(data.count / o.batch);
    const iteration = vae.params.iteration;
    if (iteration % batches !== 0) throw new InputError(`vae training: the model is at step ${iteration}, not at the end of an epoch of ${batches} steps (another batch size or dataset?)`);
    const steps = o.epochs * batches;
    const categorical = vae.latent.kind === 'categorical';
    return building(async (owned) => {
      const shuffle = new KernelGraph('vae.shuffle');
      const graph = new KernelGraph('vae.train');
      // Metrics, one readback per epoch: step t's mean reconstruction term at slot t, its mean KL at steps + t.
      const metrics = await owned.add(ctx.pool.tensor('vae train metrics', 'f32', [2 * steps]));
      const order = await owned.add(ctx.pool.tensor('vae epoch order', 'u32', [data.count]));
      const b = await owned.add(vae.batch(ctx, o.batch, { training: true, hard: categorical && o.straightThrough }));
      const lr = await owned.add(Schedule.create(ctx, typeof o.lr === 'number' ? { kind: 'constant', value: o.lr } : o.lr, 'vae lr'));
      const temperature = categorical ? await owned.add(Schedule.create(ctx, typeof o.temperature === 'number' ? { kind: 'constant', value: o.temperature } : o.temperature, 'vae temperature')) : undefined;
      const labels = await owned.add(ctx.pool.tensor('vae labels (unused)', 'u32', [o.batch]));
      await owned.add(addPermutation(shuffle, ctx, { output: order, n: data.count, seed: o.seed, epoch: 0 }));
      // Each step: its batch (binarised afresh: x ~ Bernoulli(intensity)), -ELBO and its gradients, Adam.
      const intensities = o.binarize ? await owned.add(ctx.pool.tensor('vae intensities', 'f32', [o.batch, data.width])) : b.x;
      await owned.add(addBatchGather(graph, ctx, { data, indices: order, x: intensities, labels, batchSize: o.batch }));
      if (o.binarize) await owned.add(addSample(graph, ctx, { distribution: 'bernoulli', probabilities: intensities, output: b.x, seed: o.seed, step: 0 }));
      const draw: VaeDraw = { seed: o.seed, temperature, hard: o.straightThrough };
      await owned.add(vae.addGradients(graph, ctx, b, { draw, beta: o.beta, metrics: { reconstruction: { out: metrics, series: { base: 0 } }, kl: { out: metrics, series: { base: steps } } } }));
      await owned.add(addOptimizerStep(graph, ctx, vae.params, { kind: 'adam', lr }));
      return new VaeTrainer(ctx, owned, vae, o, batches, shuffle, graph, metrics);
    });
  }

  /** Epochs done: the model's iteration over the steps per epoch. */
  get epoch(): number {
    return this.vae.params.iteration / this.batchesPerEpoch;
  }

  /** Trains one epoch (its steps in few submits) and reads its metrics back once. */
  async trainEpoch(onProgress?: (done: number, total: number) => void): Promise<VaeEpoch> {
    const epoch = this.epoch;
    const { epochs, batch } = this.options;
    if (epoch >= epochs) throw new InputError(`vae training: ${epoch} epochs done, the planned ${epochs} reached`);
    const shuffled = await this.ctx.scheduler.run(this.shuffle, { firstIteration: epoch });
    const stats = await this.ctx.scheduler.run(this.graph, { repeat: this.batchesPerEpoch, firstIteration: this.vae.params.iteration, onProgress });
    this.vae.params.iteration += this.batchesPerEpoch;
    const metrics = new Float32Array(await this.metrics.read());
    const steps = epochs * this.batchesPerEpoch;
    const slice = (base: number) => metrics.slice(base + epoch * this.batchesPerEpoch, base + (epoch + 1) * this.batchesPerEpoch);
    return { epoch, reconstruction: slice(0), kl: slice(steps), examples: this.batchesPerEpoch * batch, wallMs: shuffled.wallMs + stats.wallMs };
  }

  release(): void {
    this.owned.release();
  }
}
