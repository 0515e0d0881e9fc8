// Probabilistic PCA by EM (Tipping & Bishop 1999, section 3.2), the iterative route to the closed form
// of models/ppca.ts that needs no eigen-decomposition of the d x d covariance. With S the training rows'
// covariance (divided by n: the exact likelihood of those rows) and M = W'W + s2 I (k x k), one step is
//   W' = S W (s2 I + M^-1 W'S W)^-1 = S W (s2 M + W'S W)^-1 M,    s2' = tr(S - S W M^-1 W'') / d,
// and the mean log-likelihood per row, which never decreases, is
//   -1/2 [ d log 2 pi + (d - k) log s2 + log|M| + (tr S - tr(M^-1 W'S W)) / s2 ]
// (det C = s2^(d - k) det M and C^-1 = (I - W M^-1 W') / s2 for C = W W' + s2 I). S is one GEMM on the
// GPU over the centred rows, and so is S W, the step's d^2 k work; the rest is k x k and d x k in
// float64 on the host. The fit comes back in the closed form's terms: components V and eigenvalues
// from W'W = R' diag(l - s2) R, V = diag(l - s2)^-1/2 R W'.
import { InputError, KernelGraph, RNG_PURPOSES, rngBits, uniform24, type RunContext } from '../engine/index.js';
import { addGemm } from '../engine/ops/index.js';
import { addToDiagonal, crossProduct, inverseOrRefuse, logDetSymmetric, times } from './linalg.js';
import type { DeviceDataset } from './minibatch.js';
import { Owned } from './owned.js';
import { dataCovariance, fixSign, symmetricEigen } from './pca.js';
import type { Ppca } from './ppca.js';

export interface PpcaEmOptions {
  /** EM steps at most. */
  iterations: number;
  /** Stop when a step raises the log-likelihood by less than this (nats per row; default: run them all). The float32 covariance leaves about 1e-7 of it as noise. */
  tolerance?: number;
  /** W's start: Philox (seed, ppcaEmStart). */
  seed: number;
  onIteration?: (iteration: number, logLikelihood: number) => void;
}

/** The inverse of a k x k matrix of the step, or an InputError naming it. */
const inverse = (m: Float64Array, k: number, what: string) => inverseOrRefuse(m, k, `ppca em: ${what} (the data spans fewer than ${k} directions?)`);

/**
 * An EM's start for W (d x k): Philox uniforms in [-1/2, 1/2) of (seed, purpose), element e of W at
 * element e, scaled by `spread` (the data's typical standard deviation).
 */
export function emStart(d: number, k: number, spread: number, seed: number, purpose: number): Float64Array {
  return Float64Array.from({ length: d * k }, (_, e) => spread * (uniform24(rngBits(seed, purpose, 0, e, 0)[0]) - 0.5));
}

/**
 * Fits PPCA with `k` components to every example of `data` by EM; returns the model and the mean
 * log-likelihood per training row before the first step and after each.
 *
 *   const { model, logLikelihoods } = await fitPpcaEm(ctx, train, 10, { iterations: 200, seed: 1 });
 */
export async function fitPpcaEm(ctx: RunContext, data: DeviceDataset, k: number, o: PpcaEmOptions): Promise<{ model: Ppca; logLikelihoods: number[] }> {
  const d = data.width;
  if (!(Number.isInteger(k) && k > 0 && k < d)) throw new InputError(`ppca em: components = ${k} must be an integer in [1, ${d - 1}] (the noise needs a direction left)`);
  if (!(Number.isInteger(o.iterations) && o.iterations >= 0)) throw new InputError(`ppca em: iterations = ${o.iterations} must be a non-negative integer`);
  const owned = new Owned();
  try {
    const { mean, covariance } = await dataCovariance(ctx, data, owned);
    const s = new Float32Array(await covariance.read());
    let traceS = 0;
    for (let e = 0; e < d; e++) traceS += s[e * d + e];
    if (!(traceS > 0)) throw new InputError('ppca em: the data has no variance');
    // The start: W uniform in [-1/2, 1/2) scaled to the data's spread, s2 the mean variance.
    const spread = Math.sqrt(traceS / d);
    let w: Float64Array = emStart(d, k, spread, o.seed, RNG_PURPOSES.ppcaEmStart);
    let s2 = traceS / d;
    const wGpu = await owned.add(ctx.pool.tensor('ppca em W', 'f32', [d, k]));
    const swGpu = await owned.add(ctx.pool.tensor('ppca em S W', 'f32', [d, k]));
    const graph = new KernelGraph('ppca em S W');
    await owned.add(addGemm(graph, ctx, { a: covariance, b: wGpu, c: swGpu, m: d, n: k, k: d }));
    const logLikelihoods: number[] = [];
    for (let iteration = 0; ; iteration++) {
      await wGpu.write(Float32Array.from(w));
      await ctx.scheduler.run(graph);
      const sw = Float64Array.from(new Float32Array(await swGpu.read()));
      const m = addToDiagonal(crossProduct(w, w, d, k), k, s2);
      const mInverse = inverse(m, k, "W'W + s2 I");
      const wsw = crossProduct(w, sw, d, k);
      let explained = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) explained += mInverse[i * k + j] * wsw[j * k + i];
      const ll = -0.5 * (d * Math.log(2 * Math.PI) + (d - k) * Math.log(s2) + logDetSymmetric(m, k) + (traceS - explained) / s2);
      logLikelihoods.push(ll);
      o.onIteration?.(iteration, ll);
      const gain = iteration > 0 ? ll - logLikelihoods[iteration - 1] : Infinity;
      if (iteration === o.iterations || (o.tolerance !== undefined && gain < o.tolerance)) break;
      // The step: W' = S W (s2 M + W'S W)^-1 M, then s2' = (tr S - tr(S W M^-1 W'')) / d.
      const next = times(sw, times(inverse(m.map((v, e) => s2 * v + wsw[e]), k, "s2 M + W'S W"), m, k, k, k), d, k, k);
      const swm = times(sw, mInverse, d, k, k);
      s2 = (traceS - swm.reduce((t, v, e) => t + v * next[e], 0)) / d;
      if (!(s2 > 0)) throw new InputError(`ppca em: the noise variance fell to ${s2} (the components hold all the variance)`);
      w = next;
    }
    // The closed form's terms: W'W = R' diag(mu) R, eigenvalues mu + s2, components R W' / sqrt(mu).
    const { values, vectors } = symmetricEigen(crossProduct(w, w, d, k), k);
    if (!(values[k - 1] > 0)) throw new InputError(`ppca em: W has rank below ${k} (the data spans fewer than ${k} directions: ask for fewer components)`);
    const components = new Float64Array(k * d);
    for (let i = 0; i < k; i++) {
      const row = components.subarray(i * d, (i + 1) * d);
      for (let e = 0; e < d; e++) for (let j = 0; j < k; j++) row[e] += (w[e * k + j] * vectors[i * k + j]) / Math.sqrt(values[i]);
      fixSign(row);
    }
    const model: Ppca = { width: d, mean: Float64Array.from(new Float32Array(await mean.read())), components, explainedVariance: values.map((v) => v + s2), noiseVariance: s2 };
    return { model, logLikelihoods };
  } finally {
    owned.release();
  }
}
