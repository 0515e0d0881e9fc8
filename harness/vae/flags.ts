// The VAE's parameters, declared once: `vae train` parses them, the 'vae-train' job reads its spec with
// them (in Node or in a page), and a model file records them. Ranges the model needs (lr > 0, beta >=
// 0, a latent of positive size) are checked by models/vae.ts and vae_training.ts.
import { DENSE_ACTIVATIONS } from '../../models/dense.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, integers, number, text } from '../cli/schema.js';

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const VAE_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', min: 1, default: [400], help: 'hidden layer widths of the encoder, input side first (784 inputs); the decoder mirrors them' }),
  latent: integer({ min: 1, default: 20, help: 'size of the gaussian latent z (2 for `vae manifold`)' }),
  'latent-categorical': text({ value: 'GxK', help: 'a categorical latent instead: G groups of K classes (30x10), drawn by Gumbel-softmax' }),
  beta: number({ default: 1, help: 'weight of the KL term (1: the ELBO; > 1: a beta-VAE), >= 0' }),
  epochs: integer({ min: 1, default: 50, help: "epochs in all; with --resume the checkpoint's count toward them" }),
  batch: integer({ min: 1, default: 100, help: 'examples per step (a last partial batch of an epoch is left out)' }),
  lr: number({ default: 1e-3, help: "Adam's learning rate, > 0" }),
  activation: choice(DENSE_ACTIVATIONS, { default: 'relu', help: 'of the hidden layers' }),
  tau: number({ default: 1, help: 'categorical: the Gumbel-softmax temperature at the first step, > 0' }),
  'tau-min': number({ default: 0.5, help: 'categorical: the temperature after --tau-steps steps (linear anneal), > 0' }),
  'tau-steps': integer({ min: 1, default: 10000, help: 'categorical: steps of the anneal from --tau to --tau-min' }),
  'straight-through': boolean({ help: 'categorical: feed the decoder the one-hot draw (straight-through gradient)' }),
  seed,
} as const;

/** Examples taken from the start of each split (the split interleaves the classes, so a prefix is balanced); all by default. */
export const COUNTS = {
  'train-count': integer({ hidden: true, min: 1, help: 'use only the first N training digits' }),
  'test-count': integer({ hidden: true, min: 1, help: 'evaluate only the first N test digits' }),
} as const;

/** The 'vae-train' job's spec: the run, a model to resume (base64 safetensors), and whether to send the model back. */
export const VAE_TRAIN_JOB = {
  ...VAE_TRAIN_FLAGS,
  ...COUNTS,
  'resume-model': text({ hidden: true, help: 'the safetensors bytes of a checkpoint to continue, base64' }),
  'return-model': boolean({ hidden: true, help: 'return the trained model as base64 safetensors' }),
} as const;

/** Importance samples of the IWAE estimate. */
export const iwae = integer({ value: 'K', min: 0, default: 5000, help: 'importance samples per test digit of the IWAE estimate of log p(x) (0: the ELBO only)' });

/** The 'vae-eval' job's spec. */
export const VAE_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  iwae,
  seed,
  'max-rows': integer({ hidden: true, min: 1, default: 5000, help: 'decoder rows per IWAE chunk (examples x draws)' }),
  'test-count': COUNTS['test-count'],
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
} as const;
