// The Ising run's parameters, declared once: the `ising` command parses them, the `ising` job reads
// its spec with them (in Node or in a page), the study reuses them. Ranges a model needs (an even
// side, a multiple of 64 for multispin, T > 0) are checked by models/ising.ts validateIsingConfig.
import { ISING_ALGORITHMS } from '../../models/ising_rule.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, number } from '../cli/schema.js';

export const ISING_RUN_FLAGS = {
  size: integer({ value: 'L', required: true, help: 'lattice side; even, and a multiple of 64 for multispin' }),
  temperature: number({ value: 'T', required: true, help: 'in units of J/k_B, > 0' }),
  sweeps: integer({ min: 1, default: 10000, help: 'measured sweeps' }),
  'burn-in': integer({ value: 'B', min: 0, default: 1000, help: 'sweeps discarded first' }),
  seed,
  algorithm: choice(ISING_ALGORITHMS, {
    value: 'A',
    default: 'heatbath',
    help: '`heatbath` (checkerboard, s=+1 with probability 1/(1+exp(-2 beta Delta))), `metropolis` (checkerboard), `multispin` (32 spins per u32, bit-sliced Metropolis)',
  }),
  coupling: number({ value: 'J', default: 1, help: 'nearest-neighbour coupling J (J < 0: antiferromagnet)' }),
  field: number({ value: 'h', default: 0, help: 'external field h' }),
  start: choice(['hot', 'cold'] as const, { defaultText: 'cold below Tc·|J|, hot above', help: '`cold` (all +1) or `hot` (random)' }),
} as const;

/** The job's spec: the run, and whether to send the final lattice back (for a PNG or a report snapshot). */
export const ISING_JOB = { ...ISING_RUN_FLAGS, 'return-sites': boolean({ hidden: true, help: 'return the final lattice as base64 sites' }) } as const;
