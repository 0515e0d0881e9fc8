// The autoencoder's parameters, declared once: `ae train` parses them, the 'ae-train' job reads its
// spec with them, and a model file records them. Ranges (rates in [0, 1), lambda >= 0, a contractive
// penalty only on one sigmoid layer) are checked by models/autoencoder.ts and autoencoder_training.ts.
import { DENSE_ACTIVATIONS } from '../../models/dense.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, integers, number, text } from '../cli/schema.js';
import { COUNTS } from '../vae/flags.js';

export const NOISE_KINDS = ['none', 'mask', 'gaussian'] as const;

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const AE_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', min: 1, default: [256], help: 'encoder widths, input side first, the last being the code (784 inputs); the decoder mirrors them' }),
  activation: choice(DENSE_ACTIVATIONS, { default: 'sigmoid', help: 'of every layer but the output (logits)' }),
  tied: boolean({ help: "decoder weights = the encoder's, transposed" }),
  noise: choice(NOISE_KINDS, { default: 'none', help: 'denoising: `mask` sets each input pixel to 0 with probability --noise-level, `gaussian` adds N(0, level^2) noise' }),
  'noise-level': number({ value: 'X', default: 0.5, help: 'the masking rate in [0, 1), or the noise std >= 0' }),
  contractive: number({ value: 'L', default: 0, help: 'weight of the contractive penalty ||dh/dx||_F^2 (one sigmoid encoder layer), >= 0' }),
  epochs: integer({ min: 1, default: 10, help: "epochs in all; with --resume the checkpoint's count toward them" }),
  batch: integer({ min: 1, default: 100, help: 'examples per step' }),
  lr: number({ default: 1e-3, help: "Adam's learning rate, > 0" }),
  'eval-mask': number({ value: 'R', default: 0.5, help: 'the test digits are also reconstructed with this fraction of pixels masked, in [0, 1)' }),
  seed,
} as const;

export const AE_TRAIN_JOB = {
  ...AE_TRAIN_FLAGS,
  ...COUNTS,
  'resume-model': text({ hidden: true, help: 'the safetensors bytes of a checkpoint to continue, base64' }),
  'return-model': boolean({ hidden: true, help: 'return the trained model as base64 safetensors' }),
  'return-images': integer({ hidden: true, min: 0, max: 100, default: 0, help: 'return a picture of this many test digits: clean, masked by --eval-mask, and reconstructed' }),
} as const;
