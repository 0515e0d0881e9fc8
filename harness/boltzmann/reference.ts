// The Boltzmann machine by exact enumeration, in float64, for at most about 20 units: the joint
// distribution, the marginal log-likelihood of data, and the exact learning gradient (data - model
// correlations) that models/boltzmann.ts estimates by sampling.
import { couplingMask, unitValues, type BoltzmannShape } from '../../models/boltzmann.js';

/** State k of the enumeration: unit i takes the up value when bit i of k is set. */
export function stateOf(shape: BoltzmannShape, k: number): Float64Array {
  const [down, up] = unitValues(shape.kind);
  return Float64Array.from({ length: shape.units }, (_, i) => ((k >> i) & 1 ? up : down));
}

/** E(s) = -d's - sum_{i<j} J_ij s_i s_j. */
export function energy(couplings: ArrayLike<number>, bias: ArrayLike<number>, s: ArrayLike<number>): number {
  const n = s.length;
  let e = 0;
  for (let i = 0; i < n; i++) {
    e -= bias[i] * s[i];
    for (let j = i + 1; j < n; j++) e -= couplings[i * n + j] * s[i] * s[j];
  }
  return e;
}

/** p(s) for every state k (2^units of them), normalised. */
export function exactDistribution(shape: BoltzmannShape, couplings: ArrayLike<number>, bias: ArrayLike<number>): Float64Array {
  const count = 2 ** shape.units;
  // 1. Boltzmann weights, shifted by the lowest energy so that exp cannot overflow.
  const energies = Float64Array.from({ length: count }, (_, k) => energy(couplings, bias, stateOf(shape, k)));
  const lowest = Math.min(...energies);
  const weights = energies.map((e) => Math.exp(lowest - e));
  // 2. Normalised.
  const z = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / z);
}

/** The index of a visible row's bits among the visible part of the enumeration. */
function visibleIndex(shape: BoltzmannShape, row: ArrayLike<number>): number {
  const [, up] = unitValues(shape.kind);
  let k = 0;
  for (let i = 0; i < shape.visible; i++) if (row[i] === up) k |= 1 << i;
  return k;
}

/** Mean log p(x) over the data rows (p(x) = sum_h p(x, h)). */
export function exactLogLikelihood(shape: BoltzmannShape, couplings: ArrayLike<number>, bias: ArrayLike<number>, data: ArrayLike<number>): number {
  const p = exactDistribution(shape, couplings, bias);
  // 1. The visible marginal: sum over the hidden bits of each visible configuration.
  const marginal = new Float64Array(2 ** shape.visible);
  p.forEach((v, k) => (marginal[k & (2 ** shape.visible - 1)] += v));
  // 2. The mean log of each row's marginal.
  const rows = data.length / shape.visible;
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += Math.log(marginal[visibleIndex(shape, Array.prototype.slice.call(data, r * shape.visible, (r + 1) * shape.visible))]);
  return sum / rows;
}

/**
 * The exact gradient of the mean log-likelihood: <s_i s_j>_data - <s_i s_j>_model for every coupling
 * (masked as the machine's) and <s_i>_data - <s_i>_model for every bias, where the data expectation
 * averages p(h | x) over the rows.
 */
export function exactGradient(shape: BoltzmannShape, couplings: ArrayLike<number>, bias: ArrayLike<number>, data: ArrayLike<number>) {
  const n = shape.units;
  const p = exactDistribution(shape, couplings, bias);
  const rows = data.length / shape.visible;
  const visibleMask = 2 ** shape.visible - 1;
  const correlations = (weight: (k: number) => number) => {
    const c = new Float64Array(n * n);
    const m = new Float64Array(n);
    p.forEach((_, k) => {
      const w = weight(k);
      if (w === 0) return;
      const s = stateOf(shape, k);
      for (let i = 0; i < n; i++) {
        m[i] += w * s[i];
        for (let j = 0; j < n; j++) c[i * n + j] += w * s[i] * s[j];
      }
    });
    return { c, m };
  };
  // 1. The model: every state by its probability.
  const model = correlations((k) => p[k]);
  // 2. The data: each row's states by p(h | x), averaged over the rows.
  const marginal = new Float64Array(2 ** shape.visible);
  p.forEach((v, k) => (marginal[k & visibleMask] += v));
  const rowCount = new Float64Array(2 ** shape.visible);
  for (let r = 0; r < rows; r++) rowCount[visibleIndex(shape, Array.prototype.slice.call(data, r * shape.visible, (r + 1) * shape.visible))]++;
  const fromData = correlations((k) => (rowCount[k & visibleMask] * p[k]) / marginal[k & visibleMask] / rows);
  const mask = couplingMask(shape);
  return {
    couplings: Float64Array.from(fromData.c, (v, e) => mask[e] * (v - model.c[e])),
    bias: Float64Array.from(fromData.m, (v, i) => v - model.m[i]),
  };
}
