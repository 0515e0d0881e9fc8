// The MLP's parameters: `mlp train` parses them, the 'mlp-train' job reads its spec with them (in Node
// or in a page), and a model file records them. Kinds, ranges and defaults come from the model's
// option rules (models/mlp.ts MLP_TRAINING), which also check them.
import { DENSE_ACTIVATIONS } from '../../models/dense.js';
import { MLP_TRAINING } from '../../models/mlp.js';
import { seed } from '../cli/flags.js';
import { choiceFlag, optionFlag } from '../cli/options.js';
import { choice, integers, text } from '../cli/schema.js';
import { EVAL_DATA_FLAGS } from '../data/source.js';
import { trainJobSchema } from '../train/job.js';

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const MLP_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', default: [512, 512], help: 'hidden layer widths, input side first (the inputs and classes come from the data)' }),
  epochs: optionFlag(MLP_TRAINING.epochs, { help: "epochs in all; with --resume the checkpoint's count toward them" }),
  batch: optionFlag(MLP_TRAINING.batch, { help: 'examples per step (a last partial batch of an epoch is left out)' }),
  lr: optionFlag(MLP_TRAINING.lr, { help: 'learning rate' }),
  optimizer: choiceFlag(MLP_TRAINING.optimizer, { help: '`adam` (beta1 0.9, beta2 0.999, eps 1e-8) or `sgd`' }),
  momentum: optionFlag(MLP_TRAINING.momentum, { value: 'M', help: 'SGD momentum (sgd only)' }),
  activation: choice(DENSE_ACTIVATIONS, { default: 'relu', help: 'of the hidden layers (the last layer gives logits)' }),
  dropout: optionFlag(MLP_TRAINING.dropout, { value: 'P', help: 'probability of dropping a hidden unit while training' }),
  seed,
} as const;

/** The 'mlp-train' job's spec: the run, the data, a model to resume (base64 safetensors), and whether to send the model back. */
export const MLP_TRAIN_JOB = trainJobSchema({ flags: MLP_TRAIN_FLAGS });

/** The 'mlp-eval' job's spec: the model (base64 safetensors) and the held-out examples. */
export const MLP_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  ...EVAL_DATA_FLAGS,
} as const;
