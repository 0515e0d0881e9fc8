// The Hopfield commands' parameters, declared once: `hopfield capacity` and `hopfield recall` parse
// them, the 'hopfield-capacity' and 'hopfield-recall' jobs read their specs with them (in Node or in a
// page). Ranges the model needs (load > 0, T >= 0, blocks <= units) are checked by models/hopfield*.ts.
import { InputError } from '../../engine/errors.js';
import { HOPFIELD_PATHS, HOPFIELD_RULES, HOPFIELD_UPDATES } from '../../models/hopfield.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, integers, number, text } from '../cli/schema.js';

const dynamics = {
  update: choice(HOPFIELD_UPDATES, { default: 'sequential', help: '`sequential` (one unit at a time, a random order per sweep), `blocks` (random disjoint blocks per step), `synchronous` (all units at once; stops at fixed points or 2-cycles)' }),
  rule: choice(HOPFIELD_RULES, { default: 'hebbian', help: '`hebbian` (W = (1/N) sum xi xi\', zero diagonal) or `projection` (pseudo-inverse)' }),
  path: choice(HOPFIELD_PATHS, { defaultText: 'xnor for hebbian, f32 for projection', help: 'local fields by XNOR-popcount on bit-packed states (Hebbian) or an f32 GEMM' }),
  steps: integer({ min: 1, default: 100, help: 'the most steps (sweeps when sequential)' }),
  seed,
} as const;

export const HOPFIELD_CAPACITY_JOB = {
  units: integer({ value: 'N', default: 1000, help: 'units of each network' }),
  load: text({ value: 'A:B:STEP', default: '0.02:0.25:0.01', help: 'loads P/N: a range from A to B by STEP, a list a,b,..., or one number; each > 0' }),
  trials: integer({ min: 1, default: 10, help: 'networks of random patterns per load' }),
  ...dynamics,
} as const;

export const HOPFIELD_RECALL_JOB = {
  patterns: text({ value: 'letters|FILE', default: 'letters', help: "`letters` (the seeds' four 5x5 letters) or a file: pictures ('#' = +1, '.' = -1, a blank line between patterns) or .npy/.csv rows of +-1" }),
  values: integers({ hidden: true, help: 'the patterns read from FILE, +-1, pattern after pattern' }),
  width: integer({ hidden: true, min: 1, help: 'the pictures\' width (units per row)' }),
  height: integer({ hidden: true, min: 1, help: 'the pictures\' height (rows)' }),
  noise: number({ default: 0.2, help: 'fraction of each pattern\'s units flipped in its probe, in [0, 1]' }),
  blocks: integer({ min: 1, default: 5, help: 'blocks per sweep with --update blocks' }),
  temperature: number({ value: 'T', default: 0, help: 'Glauber temperature (0: deterministic; > 0: x_i = +1 with probability 1/(1 + exp(-2 a_i / T)))' }),
  ...dynamics,
  steps: integer({ min: 1, default: 20, help: 'the most steps (sweeps when sequential)' }),
  record: boolean({ hidden: true, help: 'return the states after every step' }),
} as const;

/**
 * The loads of `--load`: 'A:B:STEP' (A, A + STEP, .. up to B, inclusive within rounding), 'a,b,c', or
 * one number. Every load must be > 0.
 *
 *   parseLoads('0.02:0.05:0.01', '--load');   // [0.02, 0.03, 0.04, 0.05]
 */
export function parseLoads(text: string, where: string): number[] {
  const numbers = (parts: string[]) =>
    parts.map((p) => {
      const v = p.trim() === '' ? NaN : Number(p);
      if (!Number.isFinite(v)) throw new InputError(`${where}: '${p}' is not a number (use A:B:STEP, a,b,..., or one number)`);
      return v;
    });
  let loads: number[];
  if (text.includes(':')) {
    const parts = text.split(':');
    if (parts.length !== 3) throw new InputError(`${where}: '${text}' must be A:B:STEP`);
    const [a, b, step] = numbers(parts);
    if (!(step > 0)) throw new InputError(`${where}: STEP = ${step} must be > 0`);
    if (b < a) throw new InputError(`${where}: B = ${b} is below A = ${a}`);
    const count = Math.floor((b - a) / step + 1e-9) + 1;
    if (count > 10000) throw new InputError(`${where}: ${count} loads; at most 10000`);
    loads = Array.from({ length: count }, (_, k) => Number((a + k * step).toPrecision(12)));
  } else loads = numbers(text.split(','));
  for (const load of loads) if (!(load > 0)) throw new InputError(`${where}: load = ${load} must be > 0 (patterns per unit)`);
  return loads;
}
