// The MLP's parameters, declared once: `mlp train` parses them, the 'mlp-train' job reads its spec
// with them (in Node or in a page), and a model file records them. Ranges the model needs (lr > 0,
// dropout in [0, 1), momentum only with sgd) are checked by models/mlp.ts validateMlpTraining.
import { DENSE_ACTIVATIONS } from '../../models/dense.js';
import { MLP_OPTIMIZERS } from '../../models/mlp.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, integers, number, text } from '../cli/schema.js';

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const MLP_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', default: [512, 512], help: 'hidden layer widths, input side first (784 inputs and 10 classes around them)' }),
  epochs: integer({ default: 10, help: "epochs in all; with --resume the checkpoint's count toward them" }),
  batch: integer({ default: 100, help: 'examples per step (a last partial batch of an epoch is left out)' }),
  lr: number({ default: 1e-3, help: 'learning rate, > 0' }),
  optimizer: choice(MLP_OPTIMIZERS, { default: 'adam', help: '`adam` (beta1 0.9, beta2 0.999, eps 1e-8) or `sgd`' }),
  momentum: number({ value: 'M', default: 0, help: 'SGD momentum in [0, 1) (sgd only)' }),
  activation: choice(DENSE_ACTIVATIONS, { default: 'relu', help: 'of the hidden layers (the last layer gives logits)' }),
  dropout: number({ value: 'P', default: 0, help: 'probability of dropping a hidden unit while training, in [0, 1)' }),
  seed,
} as const;

/** Examples taken from the start of each split (the split interleaves the classes, so a prefix is balanced); all by default. */
const counts = {
  'train-count': integer({ hidden: true, min: 1, help: 'use only the first N training digits' }),
  'test-count': integer({ hidden: true, min: 1, help: 'evaluate only the first N test digits' }),
} as const;

/** The 'mlp-train' job's spec: the run, a model to resume (base64 safetensors), and whether to send the model back. */
export const MLP_TRAIN_JOB = {
  ...MLP_TRAIN_FLAGS,
  ...counts,
  'resume-model': text({ hidden: true, help: 'the safetensors bytes of a checkpoint to continue, base64' }),
  'return-model': boolean({ hidden: true, help: 'return the trained model as base64 safetensors' }),
} as const;

/** The 'mlp-eval' job's spec: the model (base64 safetensors) and how many test digits. */
export const MLP_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  'test-count': counts['test-count'],
} as const;
