// The autoencoder's parameters, declared once: `ae train` parses them, the 'ae-train' job reads its
// spec with them, and a model file records them. Ranges (rates in [0, 1), lambda >= 0, a contractive
// penalty only on one sigmoid layer) are checked by models/autoencoder.ts and autoencoder_training.ts.
import { AUTOENCODER_TRAINING } from '../../models/autoencoder_training.js';
import { DENSE_ACTIVATIONS } from '../../models/dense.js';
import { BINARY_CODE_NOISE, CODE_UNITS, PRETRAINING } from '../../models/deep_autoencoder.js';
import { MAX_HASH_BITS } from '../../models/hashing.js';
import { real } from '../../models/options.js';
import { seed } from '../cli/flags.js';
import { optionFlag } from '../cli/options.js';
import { boolean, choice, integer, integers, number, text } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { trainJobSchema } from '../train/job.js';

/** The fraction of the test digits' pixels masked in the second evaluation. */
export const EVAL_MASK = real({ min: 0, max: 1, maxOpen: true, default: 0.5 });

export const NOISE_KINDS = ['none', 'mask', 'gaussian'] as const;

/** How the weights start: Glorot-uniform, or a stack of RBMs trained greedily (models/deep_autoencoder.ts). */
export const PRETRAIN_KINDS = ['none', 'rbm'] as const;


/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const AE_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', min: 1, default: [256], help: 'encoder widths, input side first, the last being the code (784 inputs); the decoder mirrors them' }),
  activation: choice(DENSE_ACTIVATIONS, { default: 'sigmoid', help: 'of every layer but the output (logits)' }),
  tied: boolean({ help: "decoder weights = the encoder's, transposed" }),
  noise: choice(NOISE_KINDS, { default: 'none', help: 'denoising: `mask` sets each input pixel to 0 with probability --noise-level, `gaussian` adds N(0, level^2) noise' }),
  'noise-level': number({ value: 'X', default: 0.5, help: 'the masking rate in [0, 1), or the noise std >= 0' }),
  contractive: optionFlag(AUTOENCODER_TRAINING.contractive, { value: 'L', help: 'weight of the contractive penalty ||dh/dx||_F^2 (one sigmoid encoder layer)' }),
  code: choice(CODE_UNITS, { help: 'the code layer (the last of --hidden): `linear` units (the deep autoencoder), or `binary`: sigmoid units with --code-noise added to their input while training, thresholded at 0.5 for hashing (default: the same --activation as the other layers)' }),
  'code-noise': optionFlag(AUTOENCODER_TRAINING.codeNoise, { default: BINARY_CODE_NOISE, value: 'S', help: 'with --code binary: the std of the Gaussian noise added before the code sigmoid while training' }),
  pretrain: choice(PRETRAIN_KINDS, { default: 'none', help: '`rbm`: the encoder pretrained as a stack of RBMs (CD-1, momentum 0.5 then 0.9, weight decay 2e-4; a linear code\'s RBM with Gaussian hidden units at lr / 100), unrolled into encoder and mirrored decoder, then fine-tuned for --epochs (untied, --activation sigmoid)' }),
  'pretrain-epochs': optionFlag(PRETRAINING.epochs, { help: 'with --pretrain rbm: epochs of each RBM' }),
  'pretrain-lr': optionFlag(PRETRAINING.lr, { help: "with --pretrain rbm: the RBMs' learning rate" }),
  epochs: optionFlag(AUTOENCODER_TRAINING.epochs, { help: "epochs in all; with --resume the checkpoint's count toward them", parseBounds: true }),
  batch: optionFlag(AUTOENCODER_TRAINING.batch, { help: 'examples per step', parseBounds: true }),
  lr: optionFlag(AUTOENCODER_TRAINING.lr, { help: "Adam's learning rate" }),
  'eval-mask': optionFlag(EVAL_MASK, { value: 'R', help: 'the test examples are also reconstructed with this fraction of pixels masked' }),
  seed,
  'return-images': integer({ hidden: true, min: 0, max: 100, default: 0, help: 'return a picture of this many test digits: clean, masked by --eval-mask, and reconstructed' }),
} as const;

export const AE_TRAIN_JOB = trainJobSchema({ flags: AE_TRAIN_FLAGS });

/** The 'ae-eval' job's spec: the model (base64 safetensors), the data, the seed of PCA's start, whether to return 2-D codes. */
export const AE_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  ...DATA_FLAGS,
  seed,
  'return-codes': boolean({ hidden: true, help: "return a 2-unit code's test codes and PCA-2's, with the labels, for the picture" }),
  'return-images': integer({ hidden: true, min: 0, max: 100, default: 0, help: "return a picture of this many test digits: the digits, the autoencoder's reconstructions and PCA's (as many components as the code has units)" }),
} as const;

/** The 'ae-hash' job's spec: the model, the data, the radii of the Hamming balls, the seed of PCA's start and LSH's planes. */
export const AE_HASH_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  ...DATA_FLAGS,
  radius: integer({ min: 0, max: MAX_HASH_BITS, default: 2, help: "Hamming balls of every radius from 0 to R around each test digit's address" }),
  seed,
} as const;
