// The `tsp` command's parameters, declared once: the command parses them, the 'tsp' job reads its
// spec with them (in Node or in a page).
import { TSP_SOLVERS } from '../../models/tsp.js';
import { seed } from '../cli/flags.js';
import { choice, integer, text } from '../cli/schema.js';

export const TSP_JOB = {
  cities: integer({ value: 'N', defaultText: '20 (unless --file)', help: 'cities uniform in the unit square (Philox from --seed); at least 3' }),
  file: text({ help: 'a TSPLIB-style file (NODE_COORD_SECTION of `index x y` lines) instead of random cities' }),
  tsplib: text({ hidden: true, help: "the file's text (the CLI reads it)" }),
  solver: choice(TSP_SOLVERS, { default: 'annealing', help: '`hopfield-tank` (continuous units) or `annealing` (a Boltzmann machine of stochastic units, falling temperature)' }),
  restarts: integer({ min: 1, default: 64, help: 'restarts run in parallel on the GPU' }),
  steps: integer({ min: 2, defaultText: '800 (hopfield-tank), 300 (annealing)', help: 'Euler steps or sweeps of the first phase' }),
  seed,
} as const;
