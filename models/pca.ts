// Principal component analysis, the linear baseline of the deep autoencoder (Hinton & Salakhutdinov
// 2006): the data's mean and covariance C = (X - m)'(X - m) / n (the rows centred, then one GEMM on the
// GPU over every example), then in float64 on the host the leading eigenvectors of C by subspace
// iteration (a block power method with Gram-Schmidt, k + 10 vectors) and a Rayleigh-Ritz step (the
// small projected matrix diagonalised by Jacobi rotations). Components as scikit-learn's PCA (the covariance's leading eigenvectors; sign
// fixed so that each one's largest |entry| is positive), the reconstruction of x is m + (x - m) V V'.
import { InputError, KernelGraph, RNG_PURPOSES, rngBits, uniform24, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addGemm, addReduce } from '../engine/ops/index.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { Owned } from './owned.js';

export interface Pca {
  width: number;
  /** The data's mean, width values. */
  mean: Float64Array;
  /** k x width, row-major: the leading eigenvectors of the covariance, the largest first. */
  components: Float64Array;
  /** k eigenvalues of the covariance (divided by n), the largest first. */
  variances: Float64Array;
  /** The covariance's trace (divided by n): the sum of all its eigenvalues, for the variance the components leave. */
  totalVariance: number;
  /** The examples it was fitted to. */
  count: number;
}

/**
 * The eigenvalues and eigenvectors of a symmetric n x n matrix (row-major, float64) by cyclic Jacobi
 * rotations until the off-diagonal part is below 1e-15 of the whole: values descending, vectors as the
 * rows of an n x n matrix. For small matrices (the Ritz step; references).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const norm = Math.sqrt(m.reduce((s, x) => s + x * x, 0)) || 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (Math.sqrt(off) < 1e-15 * norm) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // The rotation that zeroes m[p][q] (Golub & Van Loan, the symmetric Schur decomposition).
        const tau = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [mkp, mkq] = [m[k * n + p], m[k * n + q]];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const [mpk, mqk] = [m[p * n + k], m[q * n + k]];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const [vpk, vqk] = [v[p * n + k], v[q * n + k]];
          v[p * n + k] = c * vpk - s * vqk;
          v[q * n + k] = s * vpk + c * vqk;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  return { values: Float64Array.from(order, (i) => m[i * n + i]), vectors: Float64Array.from(order.flatMap((i) => Array.from(v.subarray(i * n, (i + 1) * n)))) };
}

/** Orthonormalises the p rows of `v` (p x n) in place by modified Gram-Schmidt. */
function orthonormalize(v: Float64Array, p: number, n: number): void {
  for (let i = 0; i < p; i++) {
    const row = v.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < i; j++) {
      const other = v.subarray(j * n, (j + 1) * n);
      let dot = 0;
      for (let k = 0; k < n; k++) dot += row[k] * other[k];
      for (let k = 0; k < n; k++) row[k] -= dot * other[k];
    }
    const length = Math.sqrt(row.reduce((s, x) => s + x * x, 0)) || 1;
    for (let k = 0; k < n; k++) row[k] /= length;
  }
}

/** rows x n times the symmetric n x n `c`: each row of `v` times c. */
function timesSymmetric(v: Float64Array, rows: number, c: Float64Array, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      const x = v[r * n + i];
      if (x === 0) continue;
      for (let j = 0; j < n; j++) out[r * n + j] += x * c[i * n + j];
    }
  }
  return out;
}

/**
 * The k leading eigenpairs of the symmetric n x n `c` (float64): subspace iteration on k + 10 vectors
 * (a Philox start from `seed`) until the Ritz values settle to 1e-12 relative (at most `iterations`),
 * then Rayleigh-Ritz. Each vector's sign makes its largest |entry| positive.
 */
export function leadingEigen(c: Float64Array, n: number, k: number, o: { seed?: number; iterations?: number } = {}): { values: Float64Array; vectors: Float64Array } {
  const p = Math.min(n, k + 10);
  let v: Float64Array = Float64Array.from({ length: p * n }, (_, e) => uniform24(rngBits(o.seed ?? 0, RNG_PURPOSES.pcaStart, 0, e, 0)[0]) - 0.5);
  orthonormalize(v, p, n);
  let previous: Float64Array = new Float64Array(p);
  let ritz: { values: Float64Array; vectors: Float64Array } = { values: new Float64Array(p), vectors: new Float64Array(p * p) };
  for (let it = 0; it < (o.iterations ?? 1000); it++) {
    const w = timesSymmetric(v, p, c, n);
    // The projected matrix V C V' (p x p) and its eigenpairs: the current Ritz values.
    const t = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) for (let e = 0; e < n; e++) t[i * p + j] += v[i * n + e] * w[j * n + e];
    ritz = symmetricEigen(t, p);
    const settled = ritz.values.slice(0, k).every((x, i) => Math.abs(x - previous[i]) <= 1e-12 * Math.max(Math.abs(ritz.values[0]), 1e-300));
    previous = ritz.values;
    if (settled && it > 0) break;
    orthonormalize(w, p, n);
    v = w;
  }
  // Ritz vectors: the eigenvectors of V C V' mapped back, V' u.
  const vectors = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    const row = vectors.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < p; j++) for (let e = 0; e < n; e++) row[e] += ritz.vectors[i * p + j] * v[j * n + e];
    fixSign(row);
  }
  return { values: ritz.values.slice(0, k), vectors };
}

/**
 * The mean and covariance (X - m)'(X - m) / n of every example of `data` (as gathered: bytes
 * b / 255, or real rows) on the GPU: one gather of all rows, a column mean, the rows centred, one GEMM. The tensors
 * are `owned`'s.
 */
export async function dataCovariance(ctx: RunContext, data: DeviceDataset, owned: Owned): Promise<{ mean: Tensor; covariance: Tensor }> {
  const n = data.width;
  const graph = new KernelGraph('pca covariance');
  const x = await owned.add(ctx.pool.tensor('pca rows', 'f32', [data.count, n]));
  const mean = await owned.add(ctx.pool.tensor('pca mean', 'f32', [n]));
  const covariance = await owned.add(ctx.pool.tensor('pca covariance', 'f32', [n, n]));
  await owned.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x, batchSize: data.count }));
  await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'column', x, out: mean }));
  // Centred first, so that the covariance is not a difference of two large terms.
  await owned.add(addBinary(graph, ctx, { op: 'sub', a: x, b: mean, out: x }));
  await owned.add(addGemm(graph, ctx, { a: x, b: x, c: covariance, m: n, n, k: data.count, transA: true, alpha: 1 / data.count }));
  await ctx.scheduler.run(graph);
  return { mean, covariance };
}

/** Flips a vector's sign so that its largest |entry| is positive (the components' sign rule). */
export function fixSign(row: Float64Array): void {
  const largest = row.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
  if (largest < 0) for (let e = 0; e < row.length; e++) row[e] = -row[e];
}

/**
 * Fits PCA with `k` components to every example of `data` (as the models see it: bytes b / 255, or real rows):
 * the mean and covariance on the GPU (dataCovariance), the eigenvectors in float64.
 *
 *   const pca = await fitPca(ctx, train, 30);
 */
export async function fitPca(ctx: RunContext, data: DeviceDataset, k: number, o: { seed?: number } = {}): Promise<Pca> {
  const n = data.width;
  if (!(Number.isInteger(k) && k > 0 && k <= n)) throw new InputError(`pca: components = ${k} must be an integer in [1, ${n}]`);
  const owned = new Owned();
  try {
    const gpu = await dataCovariance(ctx, data, owned);
    const m = Float64Array.from(new Float32Array(await gpu.mean.read()));
    const covariance = Float64Array.from(new Float32Array(await gpu.covariance.read()));
    const { values, vectors } = leadingEigen(covariance, n, k, o);
    let totalVariance = 0;
    for (let i = 0; i < n; i++) totalVariance += covariance[i * n + i];
    return { width: n, mean: m, components: vectors, variances: values, totalVariance, count: data.count };
  } finally {
    owned.release();
  }
}

/** The projections (x - m) V' of `count` rows (row-major, width values each): count x k, float64. */
export function pcaProject(pca: Pca, rows: ArrayLike<number>, count: number): Float64Array {
  const { width: n, mean, components } = pca;
  const k = components.length / n;
  const out = new Float64Array(count * k);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < k; i++) {
      let dot = 0;
      for (let e = 0; e < n; e++) dot += components[i * n + e] * (rows[r * n + e] - mean[e]);
      out[r * k + i] = dot;
    }
  }
  return out;
}

/** The reconstructions x_hat = m + (x - m) V V' of `count` rows: count x width, float64. */
export function pcaReconstruct(pca: Pca, rows: ArrayLike<number>, count: number): Float64Array {
  const { width: n, mean, components } = pca;
  const k = components.length / n;
  const projections = pcaProject(pca, rows, count);
  const out = new Float64Array(count * n);
  for (let r = 0; r < count; r++) {
    for (let e = 0; e < n; e++) {
      let x = mean[e];
      for (let i = 0; i < k; i++) x += projections[r * k + i] * components[i * n + e];
      out[r * n + e] = x;
    }
  }
  return out;
}

/** The mean over `count` rows (row-major, width values each) of sum over the pixels of (x_hat - x)^2, x_hat = m + (x - m) V V'. */
export function pcaSquaredError(pca: Pca, rows: ArrayLike<number>, count: number): number {
  const { width: n, mean, components } = pca;
  const k = components.length / n;
  let total = 0;
  const centred = new Float64Array(n);
  for (let r = 0; r < count; r++) {
    for (let e = 0; e < n; e++) centred[e] = rows[r * n + e] - mean[e];
    // |x - m|^2 - |V (x - m)|^2: the part of the centred row outside the components' span.
    let outside = centred.reduce((s, x) => s + x * x, 0);
    for (let i = 0; i < k; i++) {
      let dot = 0;
      for (let e = 0; e < n; e++) dot += components[i * n + e] * centred[e];
      outside -= dot * dot;
    }
    total += Math.max(0, outside);
  }
  return total / count;
}
