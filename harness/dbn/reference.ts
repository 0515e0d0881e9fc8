// Plain float64 references of a two-layer deep belief net (models/dbn.ts) by enumeration of the middle
// layer: the exact log p(v) = log sum_h p(v | h) p_2(h), and the variational lower bound
// E_q[log p(v | h) - F_2(h)] + H(q) - log Z_2 with its per-draw variance (what a Monte Carlo estimate of
// the expectation scatters by). Bernoulli units; v may hold intensities in [0, 1] (log p(v | h) is then
// the cross-entropy sum_i v_i a_i - softplus(a_i)). RBM conventions as in harness/rbm/reference.ts.
import { sigmoid, softplus } from '../reference/elementwise.js';
import { logSumExp } from '../reference/reduce.js';
import { bitsOf, freeEnergyReference, hiddenInput, logZByHidden, visibleInput, type RbmReference } from '../rbm/reference.js';

/** log p(v | h) of the directed bottom layer: sum_i v_i a_i - softplus(a_i), a = b + W h. */
function logPGivenHidden(bottom: RbmReference, v: ArrayLike<number>, h: ArrayLike<number>): number {
  const a = visibleInput(bottom, h);
  let s = 0;
  for (let i = 0; i < bottom.visible; i++) s += v[i] * a[i] - softplus(a[i]);
  return s;
}

/** q(h | v) of every middle state (index = h's bits) and the entropy of the factorial q. */
function posterior(bottom: RbmReference, v: ArrayLike<number>): { q: Float64Array; weights: Float64Array; entropy: number } {
  const x = hiddenInput(bottom, v);
  const q = x.map(sigmoid);
  let entropy = 0;
  for (let j = 0; j < x.length; j++) entropy += softplus(x[j]) - q[j] * x[j];
  const weights = Float64Array.from({ length: 2 ** bottom.hidden }, (_, n) => {
    const h = bitsOf(n, bottom.hidden);
    let w = 1;
    for (let j = 0; j < bottom.hidden; j++) w *= h[j] ? q[j] : 1 - q[j];
    return w;
  });
  return { q, weights, entropy };
}

export interface DbnBoundReference {
  /** Mean over the examples of log p(v), exactly. */
  logP: number;
  /** Mean over the examples of the lower bound, exactly. */
  bound: number;
  /** Sum over the examples of Var_q[log p(v | h) - F_2(h)]: a mean of S draws per example scatters the mean bound by sqrt(this / S) / count. */
  drawVariance: number;
}

/** The exact log p(v) and lower bound of `rows` examples of a two-layer net (its middle layer small enough to enumerate). */
export function dbnBoundReference(bottom: RbmReference, top: RbmReference, data: ArrayLike<number>, rows: number): DbnBoundReference {
  const logZ = logZByHidden(top);
  const states = 2 ** bottom.hidden;
  const middle = Array.from({ length: states }, (_, n) => bitsOf(n, bottom.hidden));
  const prior = middle.map((h) => -freeEnergyReference(top, h) - logZ);
  let [logP, bound, drawVariance] = [0, 0, 0];
  for (let r = 0; r < rows; r++) {
    const v = Array.from({ length: bottom.visible }, (_, i) => data[r * bottom.visible + i]);
    const joint = middle.map((h, n) => logPGivenHidden(bottom, v, h) + prior[n]);
    logP += logSumExp(Float64Array.from(joint));
    const { weights, entropy } = posterior(bottom, v);
    // The draw's value without log Z_2 (a constant): log p(v | h) - F_2(h).
    const draw = joint.map((j) => j + logZ);
    const mean = draw.reduce((s, d, n) => s + weights[n] * d, 0);
    bound += mean + entropy - logZ;
    drawVariance += draw.reduce((s, d, n) => s + weights[n] * (d - mean) ** 2, 0);
  }
  return { logP: logP / rows, bound: bound / rows, drawVariance };
}

/** E[v] of a net's generation: the top RBM's visible units h at equilibrium (p_2(h), enumerated), then the means sigmoid(b + W h). */
export function dbnMeanReference(bottom: RbmReference, top: RbmReference): { mean: Float64Array; variance: Float64Array } {
  const logZ = logZByHidden(top);
  const mean = new Float64Array(bottom.visible);
  const square = new Float64Array(bottom.visible);
  for (let n = 0; n < 2 ** bottom.hidden; n++) {
    const h = bitsOf(n, bottom.hidden);
    const p = Math.exp(-freeEnergyReference(top, h) - logZ);
    const means = visibleInput(bottom, h).map(sigmoid);
    for (let i = 0; i < bottom.visible; i++) {
      mean[i] += p * means[i];
      square[i] += p * means[i] ** 2;
    }
  }
  return { mean, variance: mean.map((m, i) => square[i] - m * m) };
}
