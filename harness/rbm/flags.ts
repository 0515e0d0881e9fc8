// The RBM's parameters, declared once: the `rbm ...` commands parse them, the 'rbm-*' jobs read
// their specs with them (in Node or in a page), and a model file records the training ones. Ranges
// the model needs (lr > 0, momentum in [0, 1), ...) are checked by models/rbm_trainer.ts
// validateRbmTraining, the same check library users get.
import { RBM_VISIBLE_TYPES } from '../../models/rbm.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, number, text } from '../cli/schema.js';

/** The datasets `--data` names (the MNIST cache of harness/data, split per class into 8,000 / 2,000 digits). */
export const RBM_DATASETS = ['mnist'] as const;

/** How Bernoulli visible units see MNIST's grey levels: 1 above half intensity, or one Philox draw per pixel with p = intensity. */
export const RBM_BINARIZE = ['sample', 'threshold'] as const;

const data = choice(RBM_DATASETS, { default: 'mnist', help: 'the dataset: mnist (8,000 training and 2,000 test digits, split per class)' });

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const RBM_TRAIN_FLAGS = {
  data,
  hidden: integer({ min: 1, default: 500, help: 'hidden units' }),
  visible: choice(RBM_VISIBLE_TYPES, { default: 'bernoulli', help: 'visible units: bernoulli (binarised digits) or gaussian (unit variance, pixels standardised)' }),
  epochs: integer({ min: 1, default: 20, help: "epochs in all; with --resume the checkpoint's count toward them" }),
  batch: integer({ min: 1, default: 100, help: 'examples per update (a last partial batch of an epoch is left out)' }),
  lr: number({ default: 0.05, help: 'learning rate, > 0' }),
  'lr-decay': number({ value: 'X', default: 1, help: 'the learning rate is multiplied by this every epoch (smoothly, step by step), in (0, 1]' }),
  momentum: number({ value: 'M', default: 0.5, help: 'momentum of the first --momentum-epochs epochs, in [0, 1)' }),
  'final-momentum': number({ value: 'M', default: 0.9, help: 'momentum after them, in [0, 1)' }),
  'momentum-epochs': integer({ min: 0, default: 5, help: 'epochs at --momentum before --final-momentum' }),
  'weight-decay': number({ value: 'X', default: 2e-4, help: 'L2 weight decay on the weights (not the biases)' }),
  cd: integer({ value: 'K', min: 1, default: 1, help: 'Gibbs steps per update: CD-K, or PCD-K with --pcd' }),
  pcd: boolean({ help: 'persistent contrastive divergence (Tieleman 2008): --chains chains kept on the GPU across updates' }),
  chains: integer({ min: 1, default: 100, help: 'persistent chains with --pcd' }),
  'sparsity-target': number({ value: 'P', help: "the hidden units' target mean activity, in (0, 1) (default: no sparsity penalty)" }),
  'sparsity-cost': number({ value: 'X', default: 0.1, help: 'weight of the sparsity penalty (with --sparsity-target)' }),
  binarize: choice(RBM_BINARIZE, { default: 'sample', help: 'bernoulli units: one Philox draw per pixel (fixed, seed 0) or a threshold at half intensity' }),
  seed,
} as const;

/** Examples taken from the start of each split (a prefix is balanced over the classes); all by default. */
export const RBM_COUNTS = {
  'train-count': integer({ hidden: true, min: 1, help: 'use only the first N training digits' }),
  'test-count': integer({ hidden: true, min: 1, help: 'evaluate only the first N test digits' }),
} as const;

/** AIS settings, shared by `rbm eval` and the per-epoch curves of the report. */
export const RBM_AIS_FLAGS = {
  'ais-runs': integer({ min: 2, default: 100, help: 'AIS runs, in parallel' }),
  'ais-betas': integer({ value: 'N', min: 3, help: "AIS transitions (default 14,500: Salakhutdinov & Murray's schedule; fewer keep its three segments in proportion)" }),
} as const;

/** The 'rbm-train' job's spec: the run, a model to resume (base64 safetensors), whether to send the model back, and per-epoch AIS for learning curves. */
export const RBM_TRAIN_JOB = {
  ...RBM_TRAIN_FLAGS,
  ...RBM_COUNTS,
  'resume-model': text({ hidden: true, help: 'the safetensors bytes of a checkpoint to continue, base64' }),
  'return-model': boolean({ hidden: true, help: 'return the trained model as base64 safetensors' }),
  'curve-ais-runs': integer({ hidden: true, min: 0, default: 0, help: 'after each epoch, AIS with this many runs for the test log-likelihood (0: none)' }),
  'curve-ais-betas': integer({ hidden: true, min: 3, default: 1000, help: 'transitions of the per-epoch AIS' }),
  'return-images': boolean({ hidden: true, help: 'return filters and fantasy particles as base64 grey images' }),
  'image-steps': integer({ hidden: true, min: 0, default: 1000, help: 'Gibbs steps of the returned fantasy particles' }),
} as const;

/** The 'rbm-eval' job's spec. */
export const RBM_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  data,
  exact: boolean({ help: 'the exact log Z by a sum over hidden states (at most 24 hidden units) instead of AIS' }),
  ...RBM_AIS_FLAGS,
  seed,
  ...RBM_COUNTS,
} as const;

/** The 'rbm-sample' job's spec. */
export const RBM_SAMPLE_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  count: integer({ min: 1, default: 100, help: 'fantasy particles (independent chains)' }),
  steps: integer({ min: 0, default: 1000, help: 'Gibbs steps from p(v | h = 0)' }),
  seed,
} as const;
