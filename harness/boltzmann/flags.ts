// The `boltzmann train` command's parameters, declared once: the command parses them, the
// 'boltzmann-train' job reads its spec with them (in Node or in a page). Ranges (lr > 0, counts >= 1)
// are checked by models/boltzmann.ts.
import { seed } from '../cli/flags.js';
import { choice, integer, integers, number, text } from '../cli/schema.js';

export const LATERAL = ['both', 'visible', 'hidden', 'none'] as const;

export const BOLTZMANN_TRAIN_JOB = {
  data: text({ value: 'bars|FILE', default: 'bars', help: "`bars` (the 14 bars-and-stripes patterns of a 3 x 3 grid) or a file: pictures ('#' up, '.' down, a blank line between rows) or .npy/.csv rows" }),
  values: integers({ hidden: true, help: 'the data rows read from FILE' }),
  visible: integer({ hidden: true, min: 1, help: 'visible units per data row (FILE)' }),
  hidden: integer({ min: 0, default: 4, help: 'hidden units' }),
  lateral: choice(LATERAL, { default: 'both', help: 'lateral couplings: U among the visible units, V among the hidden units, both, or none (an RBM)' }),
  kind: choice(['binary', 'spin'] as const, { default: 'binary', help: '0/1 units or +-1 units' }),
  steps: integer({ min: 1, default: 500, help: 'SGD steps' }),
  lr: number({ default: 0.05, help: 'learning rate, > 0' }),
  chains: integer({ min: 1, default: 256, help: 'persistent free-running chains (negative phase)' }),
  replicas: integer({ min: 1, default: 16, help: 'clamped chains per data row (positive phase)' }),
  'positive-sweeps': integer({ min: 1, default: 2, help: 'Gibbs sweeps over the hidden units per step' }),
  'negative-sweeps': integer({ min: 1, default: 1, help: 'Gibbs sweeps over all units per step' }),
  seed,
} as const;
