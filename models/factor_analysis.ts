// Factor analysis: x = b + W z + noise, z ~ N(0, I_k), noise ~ N(0, Psi) with Psi diagonal, so that
// p(x) = N(x | b, W W' + Psi) (PPCA's model with a noise variance per value). Fitted by EM (Rubin &
// Thayer 1982) on S, the training rows' covariance (divided by n, as scikit-learn's FactorAnalysis):
//   B = (I + W' Psi^-1 W)^-1 W' Psi^-1   (k x d: E[z | x] = B (x - b))
//   W' = S B' (I - B W + B S B')^-1,     Psi' = diag(S - W' B S), at least FA_MIN_PSI
// and the mean log-likelihood per row, which never decreases,
//   -1/2 [ d log 2 pi + log|Psi| + log|G| + tr(Psi^-1 S) - tr(G^-1 W' Psi^-1 S Psi^-1 W) ],  G = I + W' Psi^-1 W
// (Woodbury). S is one GEMM on the GPU over the centred rows; each step scales it to Psi^-1/2 S Psi^-1/2
// (two broadcast products) and multiplies it by Psi^1/2 B' (a GEMM, the step's d^2 k work); the rest is
// k x k and d x k in float64 on the host. A row's log-likelihood (faLogLikelihood) needs its
// centred values scaled by Psi^-1/2, their squared norm and their products with Psi^-1/2 W: a
// row-broadcast division, a reduction and a GEMM on the GPU.
import { InputError, KernelGraph, RNG_PURPOSES, type RunContext } from '../engine/index.js';
import { addBinary, addGemm } from '../engine/ops/index.js';
import { addToDiagonal, crossProduct, inverseOrRefuse, logDetSymmetric, times } from './linalg.js';
import { emStart } from './ppca_em.js';
import type { DeviceDataset } from './minibatch.js';
import { Owned } from './owned.js';
import { dataCovariance } from './pca.js';
import { centredProjections } from './ppca.js';

/** The noise variances' floor (scikit-learn's FactorAnalysis clips them the same): a constant value would otherwise have Psi = 0. */
export const FA_MIN_PSI = 1e-12;

export interface FactorAnalysis {
  width: number;
  /** b: the data's mean. */
  mean: Float64Array;
  /** W: width x k, row-major (the loadings; scikit-learn's components_ is its transpose). */
  loadings: Float64Array;
  /** Psi's diagonal: width noise variances. */
  noiseVariance: Float64Array;
}

export interface FaOptions {
  iterations: number;
  /** Stop when a step raises the log-likelihood by less than this (nats per row; default: run them all). */
  tolerance?: number;
  /** W's start: Philox (seed, faStart). */
  seed: number;
  onIteration?: (iteration: number, logLikelihood: number) => void;
}

/** The inverse of a k x k matrix of the model, or an InputError naming it. */
const inverse = (m: Float64Array, k: number, what: string) => inverseOrRefuse(m, k, `factor analysis: ${what}`);

/**
 * Fits factor analysis with `k` factors to every example of `data` by EM; returns the model and the mean
 * log-likelihood per training row before the first step and after each.
 *
 *   const { model, logLikelihoods } = await fitFactorAnalysis(ctx, train, 10, { iterations: 100, seed: 1 });
 */
export async function fitFactorAnalysis(ctx: RunContext, data: DeviceDataset, k: number, o: FaOptions): Promise<{ model: FactorAnalysis; logLikelihoods: number[] }> {
  const d = data.width;
  if (!(Number.isInteger(k) && k > 0 && k <= d)) throw new InputError(`factor analysis: components = ${k} must be an integer in [1, ${d}]`);
  if (!(Number.isInteger(o.iterations) && o.iterations >= 0)) throw new InputError(`factor analysis: iterations = ${o.iterations} must be a non-negative integer`);
  const owned = new Owned();
  try {
    const { mean, covariance } = await dataCovariance(ctx, data, owned);
    const s = new Float32Array(await covariance.read());
    const variance = Float64Array.from({ length: d }, (_, a) => s[a * d + a]);
    const spread = Math.sqrt(variance.reduce((t, v) => t + v, 0) / d);
    if (!(spread > 0)) throw new InputError('factor analysis: the data has no variance');
    let w: Float64Array = emStart(d, k, spread, o.seed, RNG_PURPOSES.faStart);
    let psi = variance.map((v) => Math.max(v, FA_MIN_PSI));
    // Each step works on the scaled covariance Psi^-1/2 S Psi^-1/2, whose entries are of order one
    // whatever the noise variances (float32 would lose a tiny one's digits against 1 / Psi).
    const rowScale = await owned.add(ctx.pool.tensor('fa Psi^-1/2 (rows)', 'f32', [d, 1]));
    const columnScale = await owned.add(ctx.pool.tensor('fa Psi^-1/2 (columns)', 'f32', [d]));
    const scaled = await owned.add(ctx.pool.tensor('fa scaled S', 'f32', [d, d]));
    const uGpu = await owned.add(ctx.pool.tensor('fa U G^-1', 'f32', [d, k]));
    const product = await owned.add(ctx.pool.tensor('fa scaled S U G^-1', 'f32', [d, k]));
    const graph = new KernelGraph('fa step');
    await owned.add(addBinary(graph, ctx, { op: 'mul', a: covariance, b: columnScale, out: scaled }));
    await owned.add(addBinary(graph, ctx, { op: 'mul', a: scaled, b: rowScale, out: scaled }));
    await owned.add(addGemm(graph, ctx, { a: scaled, b: uGpu, c: product, m: d, n: k, k: d }));
    const logLikelihoods: number[] = [];
    for (let iteration = 0; ; iteration++) {
      // U = Psi^-1/2 W, G = I + U'U, and Ut = U G^-1 (= Psi^1/2 B').
      const root = psi.map(Math.sqrt);
      const u = w.map((v, e) => v / root[Math.floor(e / k)]);
      const g = addToDiagonal(crossProduct(u, u, d, k), k, 1);
      const ut = times(u, inverse(g, k, "I + W' Psi^-1 W"), d, k, k);
      const inverseRoot = Float32Array.from(root, (r) => 1 / r);
      await rowScale.write(inverseRoot);
      await columnScale.write(inverseRoot);
      await uGpu.write(Float32Array.from(ut));
      await ctx.scheduler.run(graph);
      // y = Psi^-1/2 S Psi^-1/2 U G^-1 = Psi^-1/2 S B'; B S B' = Ut' y, B W = Ut' U.
      const y = Float64Array.from(new Float32Array(await product.read()));
      const bsb = crossProduct(ut, y, d, k);
      // tr(Psi^-1 S) - tr(B S B' G) (Woodbury).
      let explained = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) explained += bsb[i * k + j] * g[j * k + i];
      const trace = variance.reduce((t, v, a) => t + v / psi[a], 0);
      const ll = -0.5 * (d * Math.log(2 * Math.PI) + psi.reduce((t, v) => t + Math.log(v), 0) + logDetSymmetric(g, k) + trace - explained);
      logLikelihoods.push(ll);
      o.onIteration?.(iteration, ll);
      const gain = iteration > 0 ? ll - logLikelihoods[iteration - 1] : Infinity;
      if (iteration === o.iterations || (o.tolerance !== undefined && gain < o.tolerance)) break;
      // W' = S B' (I - B W + B S B')^-1 (the k x k matrix is E[z z'] averaged: symmetric positive definite), S B' = Psi^1/2 y.
      const sb = y.map((v, e) => v * root[Math.floor(e / k)]);
      const ezz = crossProduct(ut, u, d, k).map((v, e) => (e % (k + 1) === 0 ? 1 : 0) - v + bsb[e]);
      const next = times(sb, inverse(ezz, k, 'E[z z\']'), d, k, k);
      // Psi' = diag(S - W' B S) = S_aa - sum_i W'_ai (S B')_ai.
      psi = variance.map((v, a) => {
        let dot = 0;
        for (let i = 0; i < k; i++) dot += next[a * k + i] * sb[a * k + i];
        return Math.max(v - dot, FA_MIN_PSI);
      });
      w = next;
    }
    return { model: { width: d, mean: Float64Array.from(new Float32Array(await mean.read())), loadings: w, noiseVariance: psi }, logLikelihoods };
  } finally {
    owned.release();
  }
}

/**
 * The log-likelihood of every example of `data` under the model, in nats: per row, and their mean
 * (scikit-learn's FactorAnalysis.score). With y = Psi^-1/2 (x - b) and U = Psi^-1/2 W:
 *   log p(x) = -1/2 [ d log 2 pi + log|Psi| + log|G| + |y|^2 - (U'y)' G^-1 (U'y) ],  G = I + U'U.
 */
export async function faLogLikelihood(ctx: RunContext, model: FactorAnalysis, data: DeviceDataset): Promise<{ mean: number; perRow: Float64Array }> {
  const { width: d, noiseVariance: psi } = model;
  const k = model.loadings.length / d;
  if (data.width !== d) throw new InputError(`factor analysis: the model has ${d} values per example, the data ${data.width}`);
  const scale = psi.map((v) => Math.sqrt(v));
  const u = model.loadings.map((v, e) => v / scale[Math.floor(e / k)]);
  const g = addToDiagonal(crossProduct(u, u, d, k), k, 1);
  const gInverse = inverse(g, k, "I + W' Psi^-1 W");
  const constant = d * Math.log(2 * Math.PI) + psi.reduce((t, v) => t + Math.log(v), 0) + logDetSymmetric(g, k);
  const { norms: n2, projections: p } = await centredProjections(ctx, data, { name: 'fa', mean: model.mean, scale, basis: u, k });
  const perRow = Float64Array.from({ length: data.count }, (_, r) => {
    const row = p.subarray(r * k, (r + 1) * k);
    let quadratic = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) quadratic += row[i] * gInverse[i * k + j] * row[j];
    return -0.5 * (constant + n2[r] - quadratic);
  });
  return { mean: perRow.reduce((a, b) => a + b, 0) / data.count, perRow };
}
