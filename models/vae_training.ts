// Training a VAE (models/vae.ts) on a DeviceDataset by the training core (models/training.ts): one step
// is gather, dynamic binarisation, encoder, draw, decoder, -ELBO, backward, Adam; the batches, the
// binarisation, the draws, the temperature schedule and Adam's bias correction all follow the step, so
// a checkpoint resumes bit for bit; the metrics are each step's mean reconstruction term and KL.
import { InputError, type RunContext, type ScheduleSpec } from '../engine/index.js';
import { addOptimizerStep, addSample, optimizerState } from '../engine/ops/index.js';
import { IwaeObjective } from './vae_iwae.js';
import { addBatchGather, type DeviceDataset } from './minibatch.js';
import { checkOptions, onOff, real, whole, type CheckedOptions } from './options.js';
import { checkRate, Trainer, TRAINING_RULES, type TrainedEpoch, type TrainingPlan } from './training.js';
import type { Vae, VaeDraw } from './vae.js';


/** The training options' rules: kinds, ranges and defaults (the CLI's flags are made from them). */
export const VAE_TRAINING = {
  ...TRAINING_RULES,
  epochs: whole({ positive: true, default: 50 }),
  lr: real({ min: 0, minOpen: true, default: 1e-3 }),
  beta: real({ min: 0, default: 1 }),
  temperature: real({ min: 0, minOpen: true, default: 1 }),
  straightThrough: onOff(),
  binarize: onOff({ default: true }),
  iwae: whole({ min: 0, default: 0 }),
} as const;

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
  /** Gaussian latents: train by the importance-weighted bound with this many draws per example (models/vae_iwae.ts); 0 (default): the ELBO with the closed-form KL. */
  iwae?: number;
}

export type CheckedVaeTraining = Omit<CheckedOptions<typeof VAE_TRAINING>, 'lr' | 'temperature'> & { lr: number | ScheduleSpec; temperature: number | ScheduleSpec };

/**
 * Checks training options (with defaults filled in); every problem is an InputError naming the option.
 *
 *   validateVaeTraining({ lr: 1e-3, batch: 100, seed: 1, epochs: 50, beta: 4 });
 */
export function validateVaeTraining(o: VaeTrainingOptions): CheckedVaeTraining {
  const where = 'vae training: ';
  const { lr, temperature, ...rules } = VAE_TRAINING;
  const checked = { ...checkOptions(rules, o, where), lr: checkRate(lr, o.lr, where), temperature: checkRate(temperature, o.temperature, where, 'temperature') };
  if (checked.iwae > 0 && checked.beta !== 1) throw new InputError(`${where}the importance-weighted bound has no KL weight; iwae = ${checked.iwae} needs beta 1, not ${checked.beta}`);
  return checked;
}

/** Adam's state slots (Vae.create's `state`). */
export const VAE_OPTIMIZER_STATE: readonly string[] = optimizerState({ kind: 'adam', lr: 0 });

const VAE_METRICS = {
  /** Each step's mean -log p(x | z) over its batch (nats). */
  reconstruction: { per: 'step' },
  /** Each step's mean KL(q(z | x) || p(z)) over its batch (nats). */
  kl: { per: 'step' },
} as const;

/** One epoch's metrics, as they came back in its one readback. */
export type VaeEpoch = TrainedEpoch<typeof VAE_METRICS>;

/**
 * Trains a Vae on a DeviceDataset (the training core, models/training.ts): each step gathers its
 * batch, binarises it afresh (x ~ Bernoulli(intensity)), computes -ELBO and its gradients, and takes
 * an Adam step. A step whose loss is not finite stops training (TrainingDivergedError).
 *
 *   const vae = await Vae.create(ctx, config, { seed: 1, state: VAE_OPTIMIZER_STATE });
 *   const trainer = await VaeTrainer.create(ctx, vae, train, { lr: 1e-3, batch: 100, seed: 1, epochs: 10 });
 *   while (trainer.epoch < 10) console.log(await trainer.trainEpoch());
 *   trainer.release();
 */
export class VaeTrainer extends Trainer<typeof VAE_METRICS> {
  static async create(ctx: RunContext, vae: Vae, data: DeviceDataset, options: VaeTrainingOptions): Promise<VaeTrainer> {
    const o = validateVaeTraining(options);
    if (data.width !== vae.config.inputs) throw new InputError(`vae training: the data has ${data.width} values per example, the model ${vae.config.inputs} inputs`);
    const categorical = vae.latent.kind === 'categorical';
    const k = o.iwae;
    if (k > 0 && categorical) throw new InputError('vae training: iwae needs a gaussian latent');
    const plan: TrainingPlan<typeof VAE_METRICS> = {
      name: 'vae training',
      params: vae.params,
      examples: data.count,
      ...o,
      metrics: VAE_METRICS,
      loss: ['reconstruction', 'kl'],
      async setup({ owned, order, metrics, schedule }) {
        const b = await owned.add(vae.batch(ctx, o.batch, { training: true, samples: Math.max(k, 1), importance: k > 0, hard: categorical && o.straightThrough }));
        const objective = k > 0 ? await owned.add(IwaeObjective.create(ctx, o.batch, k, vae.latentWidth)) : null;
        const lr = await schedule('lr', o.lr);
        const temperature = categorical ? await schedule('temperature', o.temperature) : undefined;
        const intensities = o.binarize ? await owned.add(ctx.pool.tensor('vae intensities', 'f32', [o.batch, data.width])) : b.x;
        const draw: VaeDraw = { seed: o.seed, temperature, hard: o.straightThrough };
        return async (graph) => {
          await owned.add(addBatchGather(graph, ctx, { data, indices: order, x: intensities, batchSize: o.batch }));
          if (o.binarize) await owned.add(addSample(graph, ctx, { distribution: 'bernoulli', probabilities: intensities, output: b.x, seed: o.seed, step: 0 }));
          if (objective) await owned.add(objective.addGradients(graph, ctx, vae, b, { draw, metrics }));
          else await owned.add(vae.addGradients(graph, ctx, b, { draw, beta: o.beta, metrics }));
          await owned.add(addOptimizerStep(graph, ctx, vae.params, { kind: 'adam', lr }));
        };
      },
    };
    return new VaeTrainer(await Trainer.prepare(ctx, plan));
  }
}
