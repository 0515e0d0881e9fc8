// What a `vae train` run is, from its flags: the model's configuration, the training options, the
// settings a checkpoint must share with the run that resumes it, and the checks of both before a
// device is opened (the model's own rules, InputErrors naming the parameter).
import { InputError } from '../../engine/index.js';
import { formatLatent, parseLatent, validateVaeConfig, type VaeConfig, type VaeLatent } from '../../models/vae.js';
import { validateVaeTraining, type VaeTrainingOptions } from '../../models/vae_training.js';
import type { Values } from '../cli/schema.js';
import type { VAE_TRAIN_JOB } from './flags.js';

export type VaeTrainParams = Values<typeof VAE_TRAIN_JOB>;

export const MNIST_PIXELS = 784;

/** The latent of a run: --latent-categorical GxK when given, else a gaussian of --latent dimensions. */
function latentOf(p: Pick<VaeTrainParams, 'latent' | 'latent-categorical'>): VaeLatent {
  const text = p['latent-categorical'];
  if (text === undefined) return { kind: 'gaussian', size: p.latent };
  if (!/^\d+x\d+$/.test(text)) throw new InputError(`--latent-categorical ${text}: must be G x K as GxK, e.g. 30x10`);
  return parseLatent(text);
}

/** The network of a run: MNIST's 784 inputs, the hidden widths, the latent. */
export function vaeConfigOf(p: Pick<VaeTrainParams, 'hidden' | 'latent' | 'latent-categorical' | 'activation'>): VaeConfig {
  return { inputs: MNIST_PIXELS, hidden: p.hidden, latent: latentOf(p), activation: p.activation };
}

/** The training options of a run: Adam at --lr, the KL weighted by --beta, the temperature annealed linearly from --tau to --tau-min. */
export function vaeTrainingOf(p: VaeTrainParams): VaeTrainingOptions {
  if (!(p['tau-min'] > 0)) throw new InputError(`--tau-min must be positive, got ${p['tau-min']}`);
  return {
    lr: p.lr,
    batch: p.batch,
    seed: p.seed,
    epochs: p.epochs,
    beta: p.beta,
    temperature: { kind: 'linear', from: p.tau, to: p['tau-min'], steps: p['tau-steps'] },
    straightThrough: p['straight-through'],
  };
}

/** The model's own rules on a run's values, before any device is opened. */
export function checkVaeTrainParams(p: VaeTrainParams): void {
  validateVaeConfig(vaeConfigOf(p));
  if (!(p.tau > 0)) throw new InputError(`--tau must be positive, got ${p.tau}`);
  validateVaeTraining(vaeTrainingOf(p));
}

/** The settings a checkpoint must share with the run that resumes it, as metadata strings, by flag name (underscores for dashes). */
export function vaeRunSettings(p: VaeTrainParams, trainCount: number): Record<string, string> {
  return {
    hidden: JSON.stringify(p.hidden),
    latent: formatLatent(latentOf(p)),
    activation: p.activation,
    beta: String(p.beta),
    lr: String(p.lr),
    batch: String(p.batch),
    seed: String(p.seed),
    tau: String(p.tau),
    tau_min: String(p['tau-min']),
    tau_steps: String(p['tau-steps']),
    straight_through: String(p['straight-through']),
    train_count: String(trainCount),
  };
}
