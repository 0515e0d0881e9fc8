// The renormalisation-group experiment's parameters, declared once: `rg chain` parses them and the
// 'rg-chain' job reads its spec with them (in Node or in a page).
import { seed } from '../cli/flags.js';
import { integer, number } from '../cli/schema.js';

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
