// k-means' Lloyd step and Gaussian mixtures' EM step in plain TypeScript (float64, one thread): the
// references models/kmeans.ts and models/gmm.ts are tested against, and the single-thread peer that
// `bench cluster` times. Browser-safe.
import type { Gmm } from '../../models/gmm.js';
import { invertSymmetric, logDetSymmetric } from '../../models/linalg.js';

/** Each row's nearest of K centres (the first of equals), and the clusters' sums and counts. */
export function lloydStepReference(rows: ArrayLike<number>, n: number, d: number, centres: ArrayLike<number>, k: number): { labels: Uint32Array; distances: Float64Array; sums: Float64Array; counts: Float64Array } {
  const labels = new Uint32Array(n);
  const distances = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    let [best, at] = [Infinity, 0];
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let e = 0; e < d; e++) s += (rows[r * d + e] - centres[c * d + e]) ** 2;
      if (s < best) [best, at] = [s, c];
    }
    [labels[r], distances[r]] = [at, best];
    counts[at]++;
    for (let e = 0; e < d; e++) sums[at * d + e] += rows[r * d + e];
  }
  return { labels, distances, sums, counts };
}

/** log pi_k + log N(x | m_k, S_k) in float64: S_k diagonal from the variances, or full (its inverse, and log det from its eigenvalues). */
export function gmmComponentTerm(model: Gmm, k: number, x: ArrayLike<number>, inverse?: Float64Array, logDet?: number): number {
  const d = model.width;
  let t = Math.log(model.weights[k]);
  if (model.covariance !== 'full') {
    for (let e = 0; e < d; e++) {
      const [m, s] = [model.means[k * d + e], model.variances[k * d + e]];
      t -= 0.5 * ((x[e] - m) ** 2 / s + Math.log(2 * Math.PI * s));
    }
    return t;
  }
  const s = model.covariances!.slice(k * d * d, (k + 1) * d * d);
  const inv = inverse ?? invertSymmetric(s, d)!;
  const diff = Array.from({ length: d }, (_, e) => x[e] - model.means[k * d + e]);
  let q = 0;
  for (let e = 0; e < d; e++) for (let f = 0; f < d; f++) q += diff[e] * inv[e * d + f] * diff[f];
  return t - 0.5 * (q + (logDet ?? logDetSymmetric(s, d)) + d * Math.log(2 * Math.PI));
}

/** log p(x) of a mixture in float64, by log-sum-exp over its components' terms. */
export function gmmLogDensity(model: Gmm, x: ArrayLike<number>): number {
  return logSumExp(Array.from(model.weights, (_, k) => gmmComponentTerm(model, k, x)));
}

const logSumExp = (terms: number[]) => {
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
};

/** The M-step from responsibilities (n x K): centred second moments in float64, each variance plus `reg`. */
export function gmmFromResponsibilities(rows: ArrayLike<number>, n: number, d: number, resp: Float64Array, k: number, covariance: Gmm['covariance'], reg: number): Gmm {
  const weights = new Float64Array(k);
  const means = new Float64Array(k * d);
  const variances = new Float64Array(k * d);
  const covariances = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    let nk = 10 * Number.EPSILON;
    for (let r = 0; r < n; r++) nk += resp[r * k + c];
    weights[c] = nk / n;
    for (let r = 0; r < n; r++) for (let e = 0; e < d; e++) means[c * d + e] += (resp[r * k + c] * rows[r * d + e]) / nk;
    for (let r = 0; r < n; r++) {
      const w = resp[r * k + c];
      if (w === 0) continue;
      for (let e = 0; e < d; e++) {
        const de = rows[r * d + e] - means[c * d + e];
        if (covariance !== 'full') covariances[(c * d + e) * d + e] += (w * de * de) / nk;
        else for (let f = 0; f < d; f++) covariances[(c * d + e) * d + f] += (w * de * (rows[r * d + f] - means[c * d + f])) / nk;
      }
    }
    let total = 0;
    for (let e = 0; e < d; e++) {
      covariances[(c * d + e) * d + e] += reg;
      variances[c * d + e] = covariances[(c * d + e) * d + e];
      total += variances[c * d + e] - reg;
    }
    if (covariance === 'spherical') variances.fill(total / d + reg, c * d, (c + 1) * d);
  }
  return { width: d, covariance, weights, means, variances, ...(covariance === 'full' ? { covariances } : {}) };
}

/** One EM step: the rows' mean log-likelihood under `model` and the model the M-step makes of its responsibilities. */
export function gmmEmStepReference(rows: ArrayLike<number>, n: number, model: Gmm, reg: number): { logLikelihood: number; next: Gmm } {
  const [d, k] = [model.width, model.weights.length];
  // The full covariances' inverses and log determinants once per step, not per row.
  const full = model.covariance === 'full' ? Array.from({ length: k }, (_, c) => {
    const s = model.covariances!.slice(c * d * d, (c + 1) * d * d);
    return { inverse: invertSymmetric(s, d)!, logDet: logDetSymmetric(s, d) };
  }) : null;
  const resp = new Float64Array(n * k);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const x = Array.prototype.slice.call(rows, r * d, (r + 1) * d) as number[];
    const terms = Array.from({ length: k }, (_, c) => gmmComponentTerm(model, c, x, full?.[c].inverse, full?.[c].logDet));
    const lse = logSumExp(terms);
    total += lse;
    terms.forEach((t, c) => (resp[r * k + c] = Math.exp(t - lse)));
  }
  return { logLikelihood: total / n, next: gmmFromResponsibilities(rows, n, d, resp, k, model.covariance, reg) };
}
