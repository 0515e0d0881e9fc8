// The deep belief net's parameters: `dbn train` parses them, the 'dbn-train' job reads its spec with
// them (in Node or in a page), and a model file records them. Every RBM of the stack trains with the
// RBM's flags (harness/rbm/flags.ts: kinds, ranges, Hinton's defaults); the net adds its widths, the
// epochs of each layer, and what the layers above the first train on.
import { DBN_INPUTS, DBN_TRAINING } from '../../models/dbn.js';
import { RBM_TRAINING } from '../../models/rbm_trainer.js';
import { seed } from '../cli/flags.js';
import { optionFlag } from '../cli/options.js';
import { boolean, choice, integer, integers, pick, text } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { RBM_AIS_FLAGS, RBM_SAMPLE_JOB, RBM_TRAIN_FLAGS } from '../rbm/flags.js';
import { trainJobSchema } from '../train/job.js';

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs included: they set where each layer ends). */
export const DBN_TRAIN_FLAGS = {
  hidden: integers({ value: 'W,W,...', min: 1, default: [500, 500], help: 'hidden layer widths, bottom first: one RBM each (the visible units come from the data)' }),
  epochs: optionFlag(RBM_TRAINING.epochs, { help: 'epochs of each RBM (the run trains layers x epochs in all); a resume must keep it', parseBounds: true }),
  input: choice(DBN_INPUTS, { default: 'probabilities', help: "what each RBM above the first trains on: the hidden probabilities of the layer below, or one Philox draw of them" }),
  labels: boolean({ help: "join a softmax group of label units, one per class, to the top RBM (Hinton et al. 2006): it trains on the digits' labels with the rest, classifies by free energy (generative_test_error) and lets dbn sample --label clamp a class" }),
  'fine-tune-epochs': optionFlag(DBN_TRAINING.fineTuneEpochs, { help: 'epochs of discriminative fine-tuning after the layers: the stack unrolled into a sigmoid MLP with a softmax layer on top, Adam on the cross-entropy (needs labels)' }),
  'fine-tune-lr': optionFlag(DBN_TRAINING.fineTuneLr, { help: "Adam's learning rate while fine-tuning" }),
  ...pick(RBM_TRAIN_FLAGS, ['batch', 'lr', 'momentum', 'final-momentum', 'momentum-epochs', 'weight-decay', 'l1', 'cd', 'pcd', 'chains', 'binarize']),
  seed,
} as const;

/** The 'dbn-train' job's spec: the run, the data, a model to resume, and what to send back. */
export const DBN_TRAIN_JOB = trainJobSchema({ flags: DBN_TRAIN_FLAGS });

/** The 'dbn-eval' job's spec. */
export const DBN_EVAL_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  ...DATA_FLAGS,
  ...RBM_AIS_FLAGS,
  samples: integer({ min: 1, default: 10, help: 'draws of h ~ q(h | v) per test example for the lower bound' }),
  exact: boolean({ help: 'the RBMs\' exact log Z by a sum over hidden states (at most 24 hidden units each) instead of AIS' }),
  seed,
} as const;

/** The 'dbn-sample' job's spec: the RBM's (count, steps, seed) and the class to clamp the label units to. */
export const DBN_SAMPLE_JOB = {
  ...RBM_SAMPLE_JOB,
  label: integer({ min: 0, help: "with label units (dbn train --labels): every chain's labels clamped to this class (default: drawn with the rest)" }),
} as const;
