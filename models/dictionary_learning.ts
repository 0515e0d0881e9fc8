// Dictionary learning (Mairal et al. 2009's batch form; scikit-learn's dict_learning with its
// block-coordinate dictionary update): minimise over D and H
//   1/n sum_t (1/2 ||x_t - h_t D||^2 + alpha ||h_t||_1),  every atom (row of D) of norm <= 1,
// alternating the codes (ISTA/FISTA on the GPU, models/sparse_coding.ts, warm-started from the last
// codes) and the dictionary: with A = H'H and B = H'X (GEMMs on the GPU), one sweep over the atoms in
// float64 on the host,
//   d_k <- d_k + (b_k - sum_j A_kj d_j) / A_kk,   d_k <- d_k / max(1, ||d_k||),
// the exact minimiser over d_k with the others fixed, projected on the unit ball (scikit-learn's
// _update_dict). An atom no code uses (A_kk < 1e-6) is replaced by a training row drawn from Philox
// (seed, dictionaryRows, 1 + iteration) scaled to norm 1 (scikit-learn redraws it too, from a row plus
// a little noise). The start: K distinct rows drawn from Philox (seed, dictionaryRows, 0), scaled to
// unit norm.
import { InputError, RNG_PURPOSES, rngBits, type RunContext } from '../engine/index.js';
import { philoxPermutation } from '../engine/philox.js';
import type { DeviceDataset } from './minibatch.js';
import { rowOf } from './linalg.js';
import { SparseCoder, type SparseCodingMethod } from './sparse_coding.js';

export interface DictionaryLearningOptions {
  atoms: number;
  alpha: number;
  /** Alternations of the codes and the dictionary. */
  iterations: number;
  /** ISTA/FISTA steps per codes step. */
  codeIterations: number;
  method: SparseCodingMethod;
  seed: number;
  /** Called after each alternation with its number (from 1) and the codes' mean objective. */
  onIteration?: (iteration: number, objective: number) => void;
}

export interface LearnedDictionary {
  /** K x d atoms, each of norm <= 1. */
  dictionary: Float64Array;
  /** The mean objective of each codes step's codes (under the dictionary they were found for), one per alternation. */
  objectives: number[];
  /** The last codes' fraction of zeros. */
  sparsity: number;
}

/** The Euclidean norm of a vector (a loop: a wide row spread into Math.hypot's arguments would overflow the stack). */
function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** `row` scaled to norm 1 (a zero row stays zero). */
function unitRow(row: number[]): number[] {
  const n = norm(row);
  return n > 0 ? row.map((v) => v / n) : row;
}

/**
 * One block-coordinate sweep over the atoms (in place): each the exact minimiser of the squared error
 * given the others, then projected on the unit ball; an unused atom replaced by `replacement(k)`.
 * Returns the atoms replaced.
 */
export function updateDictionary(dictionary: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, k: number, d: number, replacement: (atom: number) => number[]): number[] {
  const replaced: number[] = [];
  for (let i = 0; i < k; i++) {
    const atom = dictionary.subarray(i * d, (i + 1) * d);
    if (a[i * k + i] < 1e-6) {
      atom.set(unitRow(replacement(i)));
      replaced.push(i);
      continue;
    }
    const next = Float64Array.from({ length: d }, (_, e) => b[i * d + e]);
    for (let j = 0; j < k; j++) {
      const w = a[i * k + j];
      if (w !== 0) for (let e = 0; e < d; e++) next[e] -= w * dictionary[j * d + e];
    }
    for (let e = 0; e < d; e++) atom[e] += next[e] / a[i * k + i];
    const length = norm(atom);
    if (length > 1) for (let e = 0; e < d; e++) atom[e] /= length;
  }
  return replaced;
}

/**
 * Learns `o.atoms` atoms from every example of `data` (`rows` the same values on the host, for the
 * start and for replacements).
 *
 *   const { dictionary, objectives } = await learnDictionary(ctx, train, pixels, { atoms: 100, alpha: 1, iterations: 20, codeIterations: 100, method: 'fista', seed: 1 });
 */
export async function learnDictionary(ctx: RunContext, data: DeviceDataset, rows: ArrayLike<number>, o: DictionaryLearningOptions): Promise<LearnedDictionary> {
  const { count: n, width: d } = data;
  const k = o.atoms;
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new InputError(`dictionary learning: atoms = ${k} must be an integer in [1, ${n}] (the examples)`);
  if (!(Number.isInteger(o.iterations) && o.iterations >= 1)) throw new InputError(`dictionary learning: iterations = ${o.iterations} must be a positive integer`);
  if (!(Number.isInteger(o.codeIterations) && o.codeIterations >= 1)) throw new InputError(`dictionary learning: code iterations = ${o.codeIterations} must be a positive integer`);
  const order = philoxPermutation(n, o.seed, RNG_PURPOSES.dictionaryRows, 0);
  const dictionary = new Float64Array(k * d);
  for (let i = 0; i < k; i++) dictionary.set(unitRow(rowOf(rows, order[i], d)), i * d);
  const coder = await SparseCoder.create(ctx, data, k);
  try {
    const objectives: number[] = [];
    let sparsity = 0;
    for (let it = 0; it < o.iterations; it++) {
      await coder.setDictionary(dictionary);
      const codes = await coder.encode({ alpha: o.alpha, iterations: o.codeIterations, method: o.method, warm: it > 0 });
      objectives.push(codes.objective);
      sparsity = codes.sparsity;
      o.onIteration?.(it + 1, codes.objective);
      const { a, b } = await coder.codeStatistics();
      updateDictionary(dictionary, a, b, k, d, (atom) => rowOf(rows, rngBits(o.seed, RNG_PURPOSES.dictionaryRows, 1 + it, atom, 0)[0] % n, d));
    }
    return { dictionary, objectives, sparsity };
  } finally {
    coder.release();
  }
}
