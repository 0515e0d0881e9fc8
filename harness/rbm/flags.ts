// The RBM's parameters: `rbm train` parses them, the 'rbm-train' job reads its spec with them (in Node
// or in a page), and a model file records them. Kinds, ranges and defaults come from the model's
// option rules (models/rbm_trainer.ts RBM_TRAINING, RBM_SPARSITY; RBM_RECIPE for Hinton's settings).
import { RBM_VISIBLE_TYPES } from '../../models/rbm.js';
import { real } from '../../models/options.js';
import { RBM_RECIPE, RBM_SPARSITY, RBM_TRAINING } from '../../models/rbm_trainer.js';
import { seed } from '../cli/flags.js';
import { optionalFlag, optionFlag } from '../cli/options.js';
import { boolean, choice, integer, text } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { trainJobSchema } from '../train/job.js';

/** How Bernoulli visible units see MNIST's grey levels: 1 above half intensity, or one Philox draw per pixel with p = intensity. */
export const RBM_BINARIZE = ['sample', 'threshold'] as const;

/** The learning rate's decay per epoch: a schedule of the harness's runs, lr * decay^(t / steps per epoch). */
export const LR_DECAY = real({ min: 0, max: 1, minOpen: true, default: 1 });

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const RBM_TRAIN_FLAGS = {
  hidden: integer({ min: 1, default: 500, help: 'hidden units' }),
  visible: choice(RBM_VISIBLE_TYPES, { default: 'bernoulli', help: 'visible units: bernoulli (binarised digits) or gaussian (unit variance, pixels standardised)' }),
  epochs: optionFlag(RBM_TRAINING.epochs, { help: "epochs in all; with --resume the checkpoint's count toward them", parseBounds: true }),
  batch: optionFlag(RBM_TRAINING.batch, { help: 'examples per update (a last partial batch of an epoch is left out)', parseBounds: true }),
  lr: optionFlag(RBM_TRAINING.lr, { help: 'learning rate' }),
  'lr-decay': optionFlag(LR_DECAY, { value: 'X', help: 'the learning rate is multiplied by this every epoch (smoothly, step by step)' }),
  momentum: optionFlag(RBM_TRAINING.momentum, { value: 'M', default: RBM_RECIPE.momentum, help: 'momentum of the first --momentum-epochs epochs' }),
  'final-momentum': optionFlag(RBM_TRAINING.finalMomentum, { value: 'M', default: RBM_RECIPE.finalMomentum, help: 'momentum after them' }),
  'momentum-epochs': optionFlag(RBM_TRAINING.momentumEpochs, { default: RBM_RECIPE.momentumEpochs, help: 'epochs at --momentum before --final-momentum', parseBounds: true }),
  'weight-decay': optionFlag(RBM_TRAINING.weightDecay, { value: 'X', default: RBM_RECIPE.weightDecay, help: 'L2 weight decay on the weights (not the biases)' }),
  l1: optionFlag(RBM_TRAINING.l1, { value: 'X', help: 'L1 penalty on the weights (not the biases): X sign(W) joins their gradient, for sparse, local filters' }),
  cd: optionFlag(RBM_TRAINING.k, { value: 'K', help: 'Gibbs steps per update: CD-K, or PCD-K with --pcd', parseBounds: true }),
  pcd: boolean({ help: 'persistent contrastive divergence (Tieleman 2008): --chains chains kept on the GPU across updates' }),
  chains: integer({ min: 1, default: 100, help: 'persistent chains with --pcd' }),
  'sparsity-target': optionalFlag(RBM_SPARSITY.target, { value: 'P', help: "the hidden units' target mean activity (default: no sparsity penalty)" }),
  'sparsity-cost': optionFlag(RBM_SPARSITY.cost, { value: 'X', help: 'weight of the sparsity penalty (with --sparsity-target)' }),
  binarize: choice(RBM_BINARIZE, { default: 'sample', help: 'bernoulli units: one Philox draw per pixel (fixed, seed 0) or a threshold at half intensity' }),
  seed,
  'curve-ais-runs': integer({ hidden: true, min: 0, default: 0, help: 'after each epoch, AIS with this many runs for the test log-likelihood (0: none)' }),
  'curve-ais-betas': integer({ hidden: true, min: 3, default: 1000, help: 'transitions of the per-epoch AIS' }),
  'return-images': boolean({ hidden: true, help: 'return filters and fantasy particles as base64 grey images' }),
  'image-steps': integer({ hidden: true, min: 0, default: 1000, help: 'Gibbs steps of the returned fantasy particles' }),
} as const;

/** AIS settings, shared by `rbm eval` and the per-epoch curves of the report. */
export const RBM_AIS_FLAGS = {
  'ais-runs': integer({ min: 2, default: 100, help: 'AIS runs, in parallel' }),
  'ais-betas': integer({ value: 'N', min: 3, help: "AIS transitions (default 14,500: Salakhutdinov & Murray's schedule; fewer keep its three segments in proportion)" }),
} as const;

/** The 'rbm-train' job's spec: the run, the data, a model to resume, and what to send back. */
export const RBM_TRAIN_JOB = trainJobSchema({ flags: RBM_TRAIN_FLAGS });

/** The 'rbm-eval' job's spec. */
export const RBM_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  ...DATA_FLAGS,
  exact: boolean({ help: 'the exact log Z by a sum over hidden states (at most 24 hidden units) instead of AIS' }),
  ...RBM_AIS_FLAGS,
  seed,
} as const;

/** The 'rbm-sample' job's spec. */
export const RBM_SAMPLE_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  count: integer({ min: 1, default: 100, help: 'fantasy particles (independent chains)' }),
  steps: integer({ min: 0, default: 1000, help: 'Gibbs steps from p(v | h = 0)' }),
  seed,
} as const;
