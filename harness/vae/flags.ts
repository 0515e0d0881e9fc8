// The VAE's parameters: `vae train` parses them, the 'vae-train' job reads its spec with them (in Node
// or in a page), and a model file records them. Kinds, ranges and defaults of the training options come
// from the model's rules (models/vae_training.ts VAE_TRAINING), which also check them.
import { DENSE_ACTIVATIONS } from '../../models/dense.js';
import { VAE_TRAINING } from '../../models/vae_training.js';
import { seed } from '../cli/flags.js';
import { optionFlag } from '../cli/options.js';
import { EVAL_DATA_FLAGS } from '../data/source.js';
import { trainJobSchema } from '../train/job.js';
import { boolean, choice, integer, integers, text } from '../cli/schema.js';

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const VAE_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', min: 1, default: [400], help: 'hidden layer widths of the encoder, input side first (784 inputs); the decoder mirrors them' }),
  latent: integer({ min: 1, default: 20, help: 'size of the gaussian latent z (2 for `vae manifold`)' }),
  'latent-categorical': text({ value: 'GxK', help: 'a categorical latent instead: G groups of K classes (30x10), drawn by Gumbel-softmax' }),
  beta: optionFlag(VAE_TRAINING.beta, { help: 'weight of the KL term (1: the ELBO; > 1: a beta-VAE)' }),
  iwae: optionFlag(VAE_TRAINING.iwae, { value: 'K', help: 'gaussian latents: train by the importance-weighted bound with K draws per example (Burda et al. 2016; beta 1); 0: the ELBO with the closed-form KL', parseBounds: true }),
  epochs: optionFlag(VAE_TRAINING.epochs, { help: "epochs in all; with --resume the checkpoint's count toward them", parseBounds: true }),
  batch: optionFlag(VAE_TRAINING.batch, { help: 'examples per step (a last partial batch of an epoch is left out)', parseBounds: true }),
  lr: optionFlag(VAE_TRAINING.lr, { help: "Adam's learning rate" }),
  activation: choice(DENSE_ACTIVATIONS, { default: 'relu', help: 'of the hidden layers' }),
  tau: optionFlag(VAE_TRAINING.temperature, { help: 'categorical: the Gumbel-softmax temperature at the first step' }),
  'tau-min': optionFlag(VAE_TRAINING.temperature, { default: 0.5, help: 'categorical: the temperature after --tau-steps steps (linear anneal)' }),
  'tau-steps': integer({ min: 1, default: 10000, help: 'categorical: steps of the anneal from --tau to --tau-min' }),
  'straight-through': boolean({ help: 'categorical: feed the decoder the one-hot draw (straight-through gradient)' }),
  seed,
} as const;

/** The 'vae-train' job's spec: the run, the data, a model to resume (base64 safetensors), and whether to send the model back. */
export const VAE_TRAIN_JOB = trainJobSchema({ flags: VAE_TRAIN_FLAGS });

/** Importance samples of the IWAE estimate. */
export const iwae = integer({ value: 'K', min: 0, default: 5000, help: 'importance samples per test digit of the IWAE estimate of log p(x) (0: the ELBO only)' });

/** The 'vae-eval' job's spec. */
export const VAE_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  iwae,
  seed,
  'max-rows': integer({ hidden: true, min: 1, default: 5000, help: 'decoder rows per IWAE chunk (examples x draws)' }),
  ...EVAL_DATA_FLAGS,
} as const;

export const VAE_IMAGE_KINDS = ['sample', 'reconstruct', 'manifold', 'traverse'] as const;
export type VaeImageKind = (typeof VAE_IMAGE_KINDS)[number];

/** The 'vae-images' job's spec: which picture, of how many digits. */
export const VAE_IMAGES_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  kind: choice(VAE_IMAGE_KINDS, { required: true, help: 'sample: decoded prior draws; reconstruct: test digits and their reconstructions; manifold: a grid over a 2-D latent plane; traverse: each latent dimension swept' }),
  count: integer({ min: 1, default: 100, help: 'digits to draw (sample) or to reconstruct' }),
  steps: integer({ min: 2, default: 20, help: 'points per axis of the manifold, or per row of a traversal' }),
  seed,
  ...EVAL_DATA_FLAGS,
} as const;
