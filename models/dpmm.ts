// Dirichlet-process mixtures of Gaussians (the notes: the Chinese restaurant process "automatically
// starts a new class"), with the conjugate model: each cluster's mean mu ~ N(m0, tau0^2 I), each point
// x ~ N(mu, sigma^2 I) with sigma known, the partition from a CRP(alpha). Two samplers, both in float64
// on the host here:
// - Neal's (2000) algorithm 3, collapsed: each point in turn leaves its cluster and joins cluster c with
//   weight n_c p(x | the points of c) or a new one with weight alpha p(x) (the predictive densities
//   integrate mu out) -- exact, serial: the reference;
// - the blocked Gibbs sampler with a truncated stick-breaking prior (Ishwaran & James 2001): weights
//   v_k ~ Beta(1 + n_k, alpha + sum_{j>k} n_j), pi_k = v_k prod_{j<k} (1 - v_j), means from their
//   posterior, then every point's cluster drawn at once from pi_k N(x | mu_k, sigma^2 I) -- parallel over
//   the points, what a GPU runs.
// Draws: Philox (seed, dpmm, step = sweep, element).
import { InputError } from '../engine/errors.js';
import { normal2, normals, rngBits, uniform24 } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';

export interface DpmmPrior {
  /** The CRP's concentration. */
  alpha: number;
  /** The points' standard deviation within a cluster (known). */
  sigma: number;
  /** The prior of a cluster's mean: N(m0, tau0^2 I), m0 of the points' width. */
  m0: ArrayLike<number>;
  tau0: number;
}

/** Points: count x width, row-major. */
export interface Points {
  values: ArrayLike<number>;
  count: number;
  width: number;
}

export function checkPrior(p: DpmmPrior, x: Points): void {
  if (!(p.alpha > 0 && p.sigma > 0 && p.tau0 > 0)) throw new InputError(`dpmm: alpha = ${p.alpha}, sigma = ${p.sigma} and tau0 = ${p.tau0} must be > 0`);
  if (p.m0.length !== x.width) throw new InputError(`dpmm: the prior mean has ${p.m0.length} values, the points ${x.width}`);
}

/** The posterior of a cluster's mean given n points summing to `sum`: N(mean, variance I). */
function meanPosterior(p: DpmmPrior, n: number, sum: ArrayLike<number>, width: number): { mean: Float64Array; variance: number } {
  const variance = 1 / (1 / p.tau0 ** 2 + n / p.sigma ** 2);
  return { mean: Float64Array.from({ length: width }, (_, e) => variance * (p.m0[e] / p.tau0 ** 2 + sum[e] / p.sigma ** 2)), variance };
}

/** log N(x | mean, variance I). */
function logNormal(x: ArrayLike<number>, offset: number, mean: ArrayLike<number>, variance: number, width: number): number {
  let q = 0;
  for (let e = 0; e < width; e++) q += (x[offset + e] - mean[e]) ** 2;
  return -0.5 * (q / variance + width * Math.log(2 * Math.PI * variance));
}

/** The index drawn from unnormalised log-weights with a uniform u in [0, 1). */
function drawLog(logWeights: number[], u: number): number {
  const top = Math.max(...logWeights);
  const w = logWeights.map((l) => Math.exp(l - top));
  let target = u * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < w.length; i++) {
    target -= w[i];
    if (target < 0) return i;
  }
  return w.length - 1;
}

/**
 * Neal's algorithm 3: `sweeps` sweeps from every point in one cluster; the number of occupied clusters
 * after each sweep, and the last assignment (clusters numbered 0 .. K - 1).
 */
export function nealAlgorithm3(x: Points, p: DpmmPrior, sweeps: number, seed: number, onSweep?: (sweep: number, clusters: number) => void): { clusters: number[]; labels: Uint32Array } {
  checkPrior(p, x);
  const { count: n, width: d } = x;
  const labels = new Uint32Array(n);
  // Per cluster: its size and the sum of its points.
  let sizes = [n];
  let sums = [Float64Array.from({ length: d }, (_, e) => Array.from({ length: n }, (_, i) => x.values[i * d + e]).reduce((a, b) => a + b, 0))];
  const clusters: number[] = [];
  for (let s = 0; s < sweeps; s++) {
    for (let i = 0; i < n; i++) {
      const own = labels[i];
      sizes[own]--;
      for (let e = 0; e < d; e++) sums[own][e] -= x.values[i * d + e];
      if (sizes[own] === 0) {
        // Drop the emptied cluster: the last one takes its number.
        const last = sizes.length - 1;
        if (own !== last) {
          for (let j = 0; j < n; j++) if (labels[j] === last) labels[j] = own;
          [sizes[own], sums[own]] = [sizes[last], sums[last]];
        }
        sizes = sizes.slice(0, last);
        sums = sums.slice(0, last);
      }
      const logWeights = sizes.map((size, c) => {
        const post = meanPosterior(p, size, sums[c], d);
        return Math.log(size) + logNormal(x.values, i * d, post.mean, post.variance + p.sigma ** 2, d);
      });
      logWeights.push(Math.log(p.alpha) + logNormal(x.values, i * d, p.m0, p.tau0 ** 2 + p.sigma ** 2, d));
      const c = drawLog(logWeights, uniform24(rngBits(seed, RNG_PURPOSES.dpmm, s, i, 0)[0]));
      if (c === sizes.length) {
        sizes.push(0);
        sums.push(new Float64Array(d));
      }
      labels[i] = c;
      sizes[c]++;
      for (let e = 0; e < d; e++) sums[c][e] += x.values[i * d + e];
    }
    clusters.push(sizes.length);
    onSweep?.(s + 1, sizes.length);
  }
  return { clusters, labels };
}

/**
 * The mixture an assignment stands for: each occupied cluster weighted by its share of the points,
 * its mean the posterior mean given its points (what the collapsed sampler's log-likelihood uses).
 */
export function collapsedMixture(x: Points, labels: ArrayLike<number>, p: DpmmPrior): { logPi: Float64Array; means: Float64Array[] } {
  const t = Math.max(...Array.from(labels)) + 1;
  const { sizes, sums } = clusterSums(x, labels, t);
  const occupied = Array.from(sizes.keys()).filter((k) => sizes[k] > 0);
  return { logPi: Float64Array.from(occupied, (k) => Math.log(sizes[k] / x.count)), means: occupied.map((k) => meanPosterior(p, sizes[k], sums[k], x.width).mean) };
}

/**
 * A Gamma(shape, 1) variate: Marsaglia & Tsang for shape >= 1, shape < 1 as Gamma(shape + 1) U^(1/shape);
 * attempt j takes call j of the stream at (step, element): words 0, 1 the normal, 2 the acceptance, 3 the boost.
 */
export function gamma(shape: number, seed: number, step: number, element: number): number {
  const boosted = shape < 1;
  const d = (boosted ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let call = 0; ; call++) {
    const bits = rngBits(seed, RNG_PURPOSES.dpmm, step, element, call);
    const z = normal2(bits[0], bits[1])[0];
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = ((bits[2] >>> 8) + 1) / 16777216;
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return boosted ? d * v * (((bits[3] >>> 8) + 1) / 16777216) ** (1 / shape) : d * v;
  }
}

/**
 * The blocked sampler's draws given the clusters' sizes and sums (sweep `sweep`): each stick
 * v_k ~ Beta(1 + n_k, alpha + sum_{j>k} n_j) (the last 1) from two Gamma variates (step 1 + 2 sweep,
 * elements n + k and n + t + k), log pi_k, and each mean from its posterior (step 2 + 2 sweep).
 */
export function sticksAndMeans(sizes: ArrayLike<number>, sums: readonly ArrayLike<number>[], p: DpmmPrior, t: number, d: number, n: number, seed: number, sweep: number): { logPi: Float64Array; means: Float64Array[] } {
  const logPi = new Float64Array(t);
  let [rest, remaining] = [0, n];
  for (let k = 0; k < t; k++) {
    remaining -= sizes[k];
    let v = 1;
    if (k < t - 1) {
      const [a, b] = [gamma(1 + sizes[k], seed, 1 + 2 * sweep, n + k), gamma(p.alpha + remaining, seed, 1 + 2 * sweep, n + t + k)];
      v = a / (a + b);
    }
    logPi[k] = Math.log(Math.max(v, Number.MIN_VALUE)) + rest;
    rest += Math.log(Math.max(1 - v, Number.MIN_VALUE));
  }
  const means = Array.from({ length: t }, (_, k) => {
    const post = meanPosterior(p, sizes[k], sums[k], d);
    const z = normals(seed, RNG_PURPOSES.dpmm, 2 + 2 * sweep, d, k * d);
    return post.mean.map((m, e) => m + Math.sqrt(post.variance) * z[e]);
  });
  return { logPi, means };
}

/** Each cluster's size and the sum of its points under `labels` (truncation t). */
export function clusterSums(x: Points, labels: ArrayLike<number>, t: number): { sizes: Float64Array; sums: Float64Array[] } {
  const d = x.width;
  const sizes = new Float64Array(t);
  const sums = Array.from({ length: t }, () => new Float64Array(d));
  for (let i = 0; i < x.count; i++) {
    const c = labels[i];
    sizes[c]++;
    for (let e = 0; e < d; e++) sums[c][e] += x.values[i * d + e];
  }
  return { sizes, sums };
}

/** The mean log-likelihood per point of the mixture sum_k pi_k N(x | mu_k, sigma^2 I), in float64. */
export function mixtureLogLikelihood(x: Points, logPi: ArrayLike<number>, means: readonly ArrayLike<number>[], sigma: number): number {
  let total = 0;
  for (let i = 0; i < x.count; i++) {
    const terms = Array.from(logPi, (l, k) => l + logNormal(x.values, i * x.width, means[k], sigma ** 2, x.width));
    const top = Math.max(...terms);
    total += top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
  }
  return total / x.count;
}

/**
 * The blocked sampler's start: one sweep of Neal's algorithm 3 (Philox step 0), clusters past the
 * truncation folded into it (c mod truncation). From a single cluster the blocked sampler would hardly
 * ever leave: an empty cluster's mean, drawn from the diffuse prior, rarely lands near any point; the
 * collapsed sweep opens clusters at the points themselves.
 */
/**
 * The blocked sampler's start: `sweeps` sweeps of the collapsed sampler (steps 0 .. sweeps - 1 of the
 * stream), which opens clusters where points are (from a single cluster, a blocked sampler with a
 * diffuse prior would rarely leave it). An InputError when they open more clusters than the sticks.
 */
export function blockedStart(x: Points, p: DpmmPrior, truncation: number, seed: number, sweeps = 1): Uint32Array {
  const { labels } = nealAlgorithm3(x, p, sweeps, seed);
  const clusters = Math.max(...Array.from(labels)) + 1;
  if (clusters > truncation) throw new InputError(`dpmm: the collapsed start holds ${clusters} clusters, more than the truncation's ${truncation} sticks: raise --truncation`);
  return labels;
}

/** The sweep index that keys blocked sweep `s`'s draws after `startSweeps` collapsed sweeps: past the start's steps. */
export const blockedSweepIndex = (s: number, startSweeps: number): number => s + startSweeps - 1;

/**
 * The blocked Gibbs sampler with `truncation` sticks: `sweeps` sweeps from blockedStart; the
 * number of occupied clusters after each sweep, and the last assignment (cluster numbers 0 .. truncation - 1).
 */
export function blockedGibbs(x: Points, p: DpmmPrior, truncation: number, sweeps: number, seed: number, startSweeps = 1): { clusters: number[]; labels: Uint32Array } {
  checkPrior(p, x);
  if (!(Number.isInteger(truncation) && truncation >= 2)) throw new InputError(`dpmm: truncation = ${truncation} must be an integer >= 2`);
  const { count: n, width: d } = x;
  const t = truncation;
  const labels = blockedStart(x, p, t, seed, startSweeps);
  const clusters: number[] = [];
  for (let s = 0; s < sweeps; s++) {
    const sweep = blockedSweepIndex(s, startSweeps);
    const { sizes, sums } = clusterSums(x, labels, t);
    const { logPi, means } = sticksAndMeans(sizes, sums, p, t, d, n, seed, sweep);
    // Every point at once (the GPU's part): its cluster from pi_k N(x | mu_k, sigma^2 I).
    for (let i = 0; i < n; i++) {
      const logWeights = Array.from({ length: t }, (_, k) => logPi[k] + logNormal(x.values, i * d, means[k], p.sigma ** 2, d));
      labels[i] = drawLog(logWeights, uniform24(rngBits(seed, RNG_PURPOSES.dpmm, 1 + 2 * sweep, i, 0)[0]));
    }
    clusters.push(new Set(labels).size);
  }
  return { clusters, labels };
}
