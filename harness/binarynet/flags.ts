// BinaryNet's parameters: `binarynet train` parses them, the 'binarynet-train' job reads its spec
// with them, and a model file records them. Kinds, ranges and the paper's defaults come from the
// model's rules (models/binarynet_training.ts BINARYNET_TRAINING, models/binarynet.ts BINARYNET_CONFIG).
import { BINARYNET_CONFIG } from '../../models/binarynet.js';
import { BINARYNET_TRAINING } from '../../models/binarynet_training.js';
import { seed } from '../cli/flags.js';
import { choiceFlag, optionFlag } from '../cli/options.js';
import { boolean, choice, integers, text } from '../cli/schema.js';
import { EVAL_DATA_FLAGS } from '../data/source.js';
import { trainJobSchema } from '../train/job.js';

export const ON_OFF = ['on', 'off'] as const;

/** What defines a training run: a checkpoint resumes only a run with the same values. */
export const BINARYNET_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', min: 1, default: [4096, 4096, 4096], help: 'hidden layer widths, input side first (the inputs and classes come from the data)' }),
  'binary-activations': choice(ON_OFF, { default: 'on', help: 'on: binary hidden units (BinaryNet); off: ReLU ones with binary weights (BinaryConnect)' }),
  binarize: choiceFlag(BINARYNET_TRAINING.binarization, { help: 'the weights in the forward pass: Sign(W), or +1 with probability hard_sigmoid(W) drawn every step' }),
  loss: choiceFlag(BINARYNET_TRAINING.loss, { help: 'the square hinge loss of an L2-SVM output (the paper\'s) or softmax cross-entropy' }),
  epochs: optionFlag(BINARYNET_TRAINING.epochs, { help: 'epochs of the run (the learning rate decays over all of them)', parseBounds: true }),
  batch: optionFlag(BINARYNET_TRAINING.batch, { help: 'examples per step', parseBounds: true }),
  lr: optionFlag(BINARYNET_TRAINING.lr, { help: "Adam's learning rate at the first step" }),
  'lr-end': optionFlag(BINARYNET_TRAINING.lrEnd, { help: 'the learning rate after the last step (exponential decay from --lr)' }),
  'input-dropout': optionFlag(BINARYNET_TRAINING.inputDropout, { value: 'P', help: 'probability of dropping an input pixel while training' }),
  'hidden-dropout': optionFlag(BINARYNET_TRAINING.hiddenDropout, { value: 'P', help: 'probability of dropping a hidden unit while training' }),
  shift: boolean({ help: 'shift-based batch normalisation (powers of two instead of the scale and gamma)' }),
  eps: optionFlag(BINARYNET_CONFIG.eps, { help: "batch normalisation's epsilon" }),
  seed,
} as const;

/** The 'binarynet-train' job's spec. */
export const BINARYNET_TRAIN_JOB = trainJobSchema({ flags: BINARYNET_TRAIN_FLAGS });

/** The 'binarynet-eval' job's spec: the model (base64 safetensors), the held-out examples, the batch of the inference passes. */
export const BINARYNET_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  ...EVAL_DATA_FLAGS,
} as const;
