// The Ising run's parameters: the `ising` command parses them, the `ising` job reads its spec with them
// (in Node or in a page), the study reuses them. The model's kinds, ranges and defaults come from its
// rules (models/ising.ts ISING_CONFIG); validateIsingConfig checks them and the lattice's own (an even
// side, a multiple of 64 for multispin).
import { ISING_CONFIG } from '../../models/ising.js';
import { ISING_ALGORITHMS } from '../../models/ising_rule.js';
import { seed } from '../cli/flags.js';
import { optionFlag, requiredFlag } from '../cli/options.js';
import { boolean, choice, integer } from '../cli/schema.js';

export const ISING_RUN_FLAGS = {
  size: requiredFlag(ISING_CONFIG.size, { value: 'L', help: 'lattice side; even, and a multiple of 64 for multispin' }),
  temperature: requiredFlag(ISING_CONFIG.temperature, { value: 'T', help: 'in units of J/k_B' }),
  sweeps: integer({ min: 1, default: 10000, help: 'measured sweeps' }),
  'burn-in': integer({ value: 'B', min: 0, default: 1000, help: 'sweeps discarded first' }),
  seed,
  algorithm: choice(ISING_ALGORITHMS, {
    value: 'A',
    default: 'heatbath',
    help: '`heatbath` (checkerboard, s=+1 with probability 1/(1+exp(-2 beta Delta))), `metropolis` (checkerboard), `multispin` (32 spins per u32, bit-sliced Metropolis)',
  }),
  coupling: optionFlag(ISING_CONFIG.coupling, { value: 'J', help: 'nearest-neighbour coupling J (J < 0: antiferromagnet)' }),
  field: optionFlag(ISING_CONFIG.field, { value: 'h', help: 'external field h' }),
  start: choice(['hot', 'cold'] as const, { defaultText: 'cold below Tc·|J|, hot above', help: '`cold` (all +1) or `hot` (random)' }),
} as const;

/** The job's spec: the run, and whether to send the final lattice back (for a PNG or a report snapshot). */
export const ISING_JOB = { ...ISING_RUN_FLAGS, 'return-sites': boolean({ hidden: true, help: 'return the final lattice as base64 sites' }) } as const;
