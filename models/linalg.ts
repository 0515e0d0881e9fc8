// Small dense linear algebra on the host, in float64: what a model needs once per run (the
// projection rule's Gram inverse) or per EM step on k x k and d x k matrices (PPCA, factor analysis),
// never per example.
import { InputError } from '../engine/errors.js';
import { symmetricEigen } from './pca.js';

/**
 * The Cholesky factor L (lower triangular, A = L L') of a symmetric positive-definite n x n matrix
 * (row-major), or null when it is not positive definite (to within a relative 1e-10 of its largest diagonal).
 */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(a[i * n + i]));
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] ** 2;
    if (!(d > 1e-10 * largest)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** L^-1 of a lower-triangular n x n matrix (row-major), by forward substitution column by column. */
export function lowerInverse(l: Float64Array, n: number): Float64Array {
  const li = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    for (let i = c; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= l[i * n + k] * li[k * n + c];
      li[i * n + c] = s / l[i * n + i];
    }
  }
  return li;
}

/**
 * The inverse of a symmetric positive-definite n x n matrix (row-major) by Cholesky factorisation,
 * or null when it is not positive definite (as cholesky).
 *
 *   invertSymmetric(Float64Array.of(4, 2, 2, 3), 2);   // [0.375, -0.25, -0.25, 0.5]
 */
export function invertSymmetric(a: Float64Array, n: number): Float64Array | null {
  const l = cholesky(a, n);
  if (!l) return null;
  const li = lowerInverse(l, n);
  // A^-1 = L^-T L^-1.
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i] * li[k * n + j];
      inv[i * n + j] = inv[j * n + i] = s;
    }
  }
  return inv;
}

/** C = A B for a x b and b x c row-major float64 matrices. */
export function times(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, inner: number, cols: number): Float64Array {
  const c = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let t = 0; t < inner; t++) {
    const x = a[i * inner + t];
    if (x !== 0) for (let j = 0; j < cols; j++) c[i * cols + j] += x * b[t * cols + j];
  }
  return c;
}

/** Row r of a row-major matrix of `width` columns held in any array-like (a typed array, or numbers). */
export function rowOf(values: ArrayLike<number>, r: number, width: number): number[] {
  return Array.prototype.slice.call(values, r * width, (r + 1) * width) as number[];
}

/** Adds `value` to the diagonal of the k x k matrix m, in place; returns m (W'W + s2 I, I + U'U). */
export function addToDiagonal(m: Float64Array, k: number, value: number): Float64Array {
  for (let i = 0; i < k; i++) m[i * k + i] += value;
  return m;
}

/** A' B for d x k matrices: k x k. */
export function crossProduct(a: ArrayLike<number>, b: ArrayLike<number>, d: number, k: number): Float64Array {
  const c = new Float64Array(k * k);
  for (let e = 0; e < d; e++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) c[i * k + j] += a[e * k + i] * b[e * k + j];
  return c;
}

/** The inverse of a symmetric positive-definite k x k matrix, or an InputError saying `where` which one is not. */
export function inverseOrRefuse(m: Float64Array, k: number, where: string): Float64Array {
  const inv = invertSymmetric(m, k);
  if (!inv) throw new InputError(`${where} is not positive definite`);
  return inv;
}

/** log det of a symmetric positive-definite k x k matrix, from its eigenvalues. */
export function logDetSymmetric(m: Float64Array, k: number): number {
  return symmetricEigen(m, k).values.reduce((s, v) => s + Math.log(v), 0);
}
