// The sigmoid belief net's parameters: `sbn train` parses them, the 'sbn-train' job reads its spec with
// them (in Node or in a page), and a model file records them. Kinds, ranges and defaults of the
// training options come from the model's rules (models/sbn_training.ts SBN_TRAINING).
import { SBN_METHODS, SBN_TRAINING } from '../../models/sbn_training.js';
import { seed } from '../cli/flags.js';
import { optionFlag } from '../cli/options.js';
import { choice, integer, integers, text } from '../cli/schema.js';
import { EVAL_DATA_FLAGS } from '../data/source.js';
import { trainJobSchema } from '../train/job.js';

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const SBN_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', min: 1, default: [200], help: 'widths of the stochastic binary layers, data side first (784 inputs)' }),
  method: choice(SBN_METHODS, { default: 'nvil', help: "wake-sleep (Hinton et al. 1995) or NVIL (Mnih & Gregor 2014: the score function with an input-dependent baseline, centred and normalised)" }),
  epochs: optionFlag(SBN_TRAINING.epochs, { help: "epochs in all; with --resume the checkpoint's count toward them", parseBounds: true }),
  batch: optionFlag(SBN_TRAINING.batch, { help: 'examples per step (a last partial batch of an epoch is left out)', parseBounds: true }),
  lr: optionFlag(SBN_TRAINING.lr, { help: "Adam's learning rate" }),
  decay: optionFlag(SBN_TRAINING.decay, { help: "NVIL: the decay of the learning signal's running mean and variance" }),
  'eval-k': integer({ value: 'K', min: 1, default: 10, help: 'importance samples per test digit of the log p(x) estimate after each epoch' }),
  seed,
} as const;

/** The 'sbn-train' job's spec. */
export const SBN_TRAIN_JOB = trainJobSchema({ flags: SBN_TRAIN_FLAGS });

/** Importance samples of the final estimate. */
export const sbnK = integer({ value: 'K', min: 1, default: 5000, help: 'importance samples per test digit of the estimate of log p(x), the recognition network as the proposal' });

/** The 'sbn-eval' job's spec. */
export const SBN_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  k: sbnK,
  seed,
  'max-rows': integer({ hidden: true, min: 1, default: 5000, help: 'rows per chunk (examples x draws)' }),
  ...EVAL_DATA_FLAGS,
} as const;
