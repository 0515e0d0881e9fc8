// The GANs' parameters: `gan train` parses them, the 'gan-train' job reads its spec with them (in Node
// or in a page), and a model file records them. Kinds, ranges and defaults of the training options
// come from the model's rules (models/gan_training.ts GAN_TRAINING).
import { DENSE_ACTIVATIONS } from '../../models/dense.js';
import { CRITIC_STEPS, GAN_TRAINING } from '../../models/gan_training.js';
import { seed } from '../cli/flags.js';
import { choiceFlag, optionalFlag, optionFlag } from '../cli/options.js';
import { choice, integer, integers, pick, text } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { RING_STD } from '../data/ring.js';

/** The data a GAN learns: the ring of Gaussians, or MNIST's training digits. */
export const GAN_DATA = ['ring', 'mnist'] as const;
export type GanData = (typeof GAN_DATA)[number];

/** What defines a training run: a checkpoint resumes only a run with the same values (epochs aside). */
export const GAN_TRAIN_FLAGS = {
  data: choice(GAN_DATA, { default: 'ring', help: "ring (8 Gaussians of std 0.02 on a circle of radius 2: modes covered and high-quality samples are counted) or mnist (our split's 8,000 training digits as intensities; samples scored by an MLP classifier trained on the same digits)" }),
  loss: choiceFlag(GAN_TRAINING.loss, { help: 'minimax or ns (non-saturating) GAN, ls (least squares), wgan (weight clipping), wgan-gp (gradient penalty), hinge' }),
  generator: integers({ value: 'W,W,...', min: 1, default: [128, 128], help: "the generator's hidden widths, noise side first" }),
  discriminator: integers({ value: 'W,W,...', min: 1, default: [128, 128], help: "the discriminator's (critic's) hidden widths, data side first" }),
  activation: choice(DENSE_ACTIVATIONS, { default: 'relu', help: 'of every hidden layer of both networks' }),
  noise: integer({ min: 1, default: 8, help: "noise values per sample, z ~ N(0, I), the generator's input" }),
  'ring-samples': integer({ min: 1, default: 12800, help: 'with --data ring: training examples drawn from the ring (Philox, --seed)' }),
  'ring-std': optionFlag(RING_STD, { value: 'X', help: "with --data ring: the modes' standard deviation" }),
  epochs: optionFlag(GAN_TRAINING.epochs, { help: "passes of the critic over the training examples; with --resume the checkpoint's count toward them", parseBounds: true }),
  batch: optionFlag(GAN_TRAINING.batch, { help: 'real examples (and samples) per critic update', parseBounds: true }),
  lr: optionFlag(GAN_TRAINING.lr, { help: "Adam's learning rate, both networks" }),
  beta1: optionFlag(GAN_TRAINING.beta1, { help: "Adam's beta1" }),
  beta2: optionFlag(GAN_TRAINING.beta2, { help: "Adam's beta2" }),
  'critic-steps': optionalFlag(CRITIC_STEPS, { value: 'N', help: 'critic updates per generator update (default 5 for wgan and wgan-gp, 1 otherwise)' }),
  clip: optionFlag(GAN_TRAINING.clip, { value: 'C', help: "wgan: the critic's weights and biases clipped to [-C, C] after each update" }),
  penalty: optionFlag(GAN_TRAINING.penalty, { value: 'L', help: "wgan-gp: the gradient penalty's weight lambda" }),
  ...pick(DATA_FLAGS, ['train-count', 'test-count']),
  'eval-samples': integer({ min: 1, default: 2500, help: 'samples drawn after each epoch to score the generator (the same noise every epoch)' }),
  seed,
} as const;

/** Samples of the last epoch a run returns for pictures: points on the ring, a grid of digits. */
export const SNAPSHOT_POINTS = 500;
export const SNAPSHOT_DIGITS = 64;

/** The 'gan-sample' job's spec. */
export const GAN_SAMPLE_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  count: integer({ min: 1, max: 1_000_000, default: 2500, help: 'samples to draw' }),
  seed,
} as const;
