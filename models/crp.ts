// The Chinese restaurant process (the notes: the n-th customer joins a table in proportion to its size,
// or starts a new one in proportion to alpha), the prior of Dirichlet-process mixtures over partitions:
// seatings drawn from Philox (seed, crp, run), element = customer; the expected number of tables
// E[K_n] = sum_{i<n} alpha / (alpha + i), and its exact distribution
// P(K_n = k) = alpha^k |s(n, k)| / (alpha (alpha + 1) ... (alpha + n - 1)), s the Stirling numbers of the first kind.
import { InputError } from '../engine/errors.js';
import { rngBits, uniform24 } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';

/** The tables of `n` customers seated one after another (run `run` of the stream): each customer's table, and the tables' sizes. */
export function crpSeating(n: number, alpha: number, seed: number, run = 0): { tables: Uint32Array; sizes: number[] } {
  if (!(Number.isInteger(n) && n >= 0)) throw new InputError(`crp: customers = ${n} must be a non-negative integer`);
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new InputError(`crp: alpha = ${alpha} must be a finite number > 0`);
  const tables = new Uint32Array(n);
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    // Customer i sees i seated: a new table with probability alpha / (alpha + i), else table t with n_t / (alpha + i).
    const u = uniform24(rngBits(seed, RNG_PURPOSES.crp, run, i, 0)[0]) * (alpha + i);
    let [table, cumulative] = [sizes.length, 0];
    for (let t = 0; t < sizes.length; t++) {
      cumulative += sizes[t];
      if (u < cumulative) {
        table = t;
        break;
      }
    }
    if (table === sizes.length) sizes.push(0);
    sizes[table]++;
    tables[i] = table;
  }
  return { tables, sizes };
}

/** E[K_n], the expected number of occupied tables after n customers. */
export const crpExpectedTables = (n: number, alpha: number): number => Array.from({ length: n }, (_, i) => alpha / (alpha + i)).reduce((a, b) => a + b, 0);

/** P(K_n = k) for k = 0 .. n, from the unsigned Stirling numbers of the first kind (exact recurrence, in float64). */
export function crpTablesDistribution(n: number, alpha: number): Float64Array {
  // p_i(k) = P(K_i = k): p_{i+1}(k) = p_i(k) i / (alpha + i) + p_i(k - 1) alpha / (alpha + i).
  let p = Float64Array.of(1);
  for (let i = 0; i < n; i++) {
    const next = new Float64Array(i + 2);
    for (let k = 0; k <= i; k++) {
      next[k] += (p[k] * i) / (alpha + i);
      next[k + 1] += (p[k] * alpha) / (alpha + i);
    }
    p = next;
  }
  return p;
}
