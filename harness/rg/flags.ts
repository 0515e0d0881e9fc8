// The renormalisation-group experiment's parameters, declared once: `rg chain` and `rg train|fields|sample`
// parse them and the 'rg-chain', 'rg-train', 'rg-fields' and 'rg-sample' jobs read their specs with
// them (in Node or in a page).
import { RG_RADIUS } from '../../models/rg.js';
import { RBM_TRAINING } from '../../models/rbm_trainer.js';
import { seed } from '../cli/flags.js';
import { optionFlag } from '../cli/options.js';
import { integer, integers, number, pick, text } from '../cli/schema.js';
import { DBN_TRAIN_FLAGS } from '../dbn/flags.js';
import { RBM_TRAIN_FLAGS } from '../rbm/flags.js';

/** The 'rg-chain' job's spec: the 1-D chain, its samples, and the RBM stack trained on them. */
export const RG_CHAIN_JOB = {
  coupling: number({ value: 'J', min: 0, max: 10, default: 1, help: 'the chain\'s coupling J_0 (unit temperature; tanh J_n = tanh(J_0)^(2^n))' }),
  length: integer({ min: 8, max: 1024, default: 64, help: 'spins of the periodic chain (a multiple of 2^levels, at least 4 x 2^levels)' }),
  levels: integer({ min: 1, max: 8, default: 3, help: 'decimation levels: each keeps every other spin, and each adds an RBM of half the width to the learned stack' }),
  chains: integer({ min: 2, default: 2000, help: 'independent samples of the chain (Gibbs chains of our Boltzmann machine run in parallel)' }),
  sweeps: integer({ min: 1, default: 100, help: 'sequential Gibbs sweeps of each chain from random spins (the correlation length grows as 1 / -ln tanh J: raise them for J above 1)' }),
  epochs: integer({ min: 1, default: 50, help: 'CD-1 epochs of each RBM of the learned stack' }),
  seed,
} as const;

/**
 * What defines a 2-D run (`rg train`): the Ising samples it trains on, the stack and its training; a
 * checkpoint resumes only a run with the same values (epochs aside). The RBMs train with the RBM's
 * flags; the defaults are Mehta & Schwab's experiment (40 x 40 at J = 0.408, 20,000 samples, 1600-400-100-25).
 */
export const RG_TRAIN_FLAGS = {
  size: integer({ value: 'L', min: 4, max: 256, default: 40, help: "side of the periodic L x L lattice (even: the sampler's checkerboard); the first RBM has L^2 visible units" }),
  coupling: number({ value: 'J', min: 0, max: 10, default: 0.408, help: 'the coupling J at unit temperature (critical at 0.4407)' }),
  samples: integer({ min: 1, default: 20000, help: 'training configurations, heat-bath samples after a burn-in, each unit a spin (1: up)' }),
  spacing: number({ value: 'X', min: 0.5, max: 100, default: 2, help: "sweeps between samples as a multiple of the integrated autocorrelation time a pilot run measures (the larger of the energy's and |m|'s)" }),
  hidden: integers({ value: 'W,W,...', min: 1, default: [400, 100, 25], help: 'hidden layer widths, bottom first: one RBM each, trained on the layer below' }),
  epochs: optionFlag(RBM_TRAINING.epochs, { default: 20, help: 'epochs of each RBM (the run trains layers x epochs in all); a resume must keep it', parseBounds: true }),
  input: DBN_TRAIN_FLAGS.input,
  l1: optionFlag(RBM_TRAINING.l1, { value: 'X', default: 3e-3, help: 'L1 penalty on the weights (Mehta & Schwab regularise so): X sign(W) joins their gradient, for sparse, local fields' }),
  ...pick(RBM_TRAIN_FLAGS, ['batch', 'lr', 'momentum', 'final-momentum', 'momentum-epochs', 'weight-decay', 'cd', 'pcd', 'chains']),
  radius: number({ value: 'R', min: 0, default: RG_RADIUS, help: "the locality measure's disk, in lattice spacings: the share of each field's squared weight within R of its centre" }),
  seed,
} as const;

/** The 'rg-fields' job's spec: a model of rg train, the locality's disk and how many fields to return per layer. */
export const RG_FIELDS_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  radius: RG_TRAIN_FLAGS.radius,
  count: integer({ min: 0, default: 25, help: 'fields drawn per layer: those of its first N units' }),
  seed,
} as const;
