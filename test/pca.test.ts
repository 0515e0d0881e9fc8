// PCA (models/pca.ts): the Jacobi eigensolver by its definition (A v = lambda v, orthonormal, sorted),
// subspace iteration against a matrix of known spectrum, and fitPca on the GPU against the float64
// covariance and its full eigendecomposition, with the identity that PCA's mean squared reconstruction
// error on its own data is the sum of the covariance's other eigenvalues.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { DeviceDataset } from '../models/minibatch.js';
import { fitPca, leadingEigen, pcaReconstruct, pcaSquaredError, symmetricEigen } from '../models/pca.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { randomF32, twoSourceBytes } from './random.js';

/** A random symmetric n x n matrix. */
function randomSymmetric(n: number, seed: number): Float64Array {
  const r = randomF32(n * n, seed);
  return Float64Array.from({ length: n * n }, (_, e) => (r[e] + r[(e % n) * n + Math.floor(e / n)]) / 2);
}

const maxAbs = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** P = V'V for the k rows of v (k x n): the projector onto their span (sign-free comparison). */
function projector(v: ArrayLike<number>, k: number, n: number): Float64Array {
  const p = new Float64Array(n * n);
  for (let i = 0; i < k; i++) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) p[a * n + b] += v[i * n + a] * v[i * n + b];
  return p;
}

const host = suite('pca eigensolvers (no GPU)');

host('Jacobi: A v = lambda v, orthonormal vectors, values descending', () => {
  const n = 9;
  const a = randomSymmetric(n, 3);
  const { values, vectors } = symmetricEigen(a, n);
  for (let i = 0; i < n; i++) {
    const v = vectors.subarray(i * n, (i + 1) * n);
    const residual = Array.from({ length: n }, (_, r) => v.reduce((s, x, c) => s + a[r * n + c] * x, 0) - values[i] * v[r]);
    assert.ok(maxAbs(residual) < 1e-12, `pair ${i}: residual ${maxAbs(residual)}`);
    for (let j = 0; j < n; j++) {
      const dot = v.reduce((s, x, e) => s + x * vectors[j * n + e], 0);
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12);
    }
    if (i > 0) assert.ok(values[i] <= values[i - 1]);
  }
});

host('subspace iteration: the leading eigenpairs of a matrix of known spectrum', () => {
  const n = 60;
  // Q from the eigenvectors of a random matrix; A = Q' diag(lambda) Q with lambda_i = 0.8^i.
  const q = symmetricEigen(randomSymmetric(n, 5), n).vectors;
  const lambda = Float64Array.from({ length: n }, (_, i) => 0.8 ** i);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) a[r * n + c] += lambda[i] * q[i * n + r] * q[i * n + c];
  const k = 6;
  const got = leadingEigen(a, n, k, { seed: 1 });
  for (let i = 0; i < k; i++) assert.ok(Math.abs(got.values[i] - lambda[i]) < 1e-10, `value ${i}: ${got.values[i]} vs ${lambda[i]}`);
  const diff = projector(got.vectors, k, n).map((x, e) => x - projector(q, k, n)[e]);
  assert.ok(maxAbs(diff) < 1e-6, `projectors differ by ${maxAbs(diff)}`);
  for (let i = 0; i < k; i++) {
    const row = got.vectors.subarray(i * n, (i + 1) * n);
    assert.ok(row.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0) > 0, 'largest entry positive (the sign rule)');
  }
});

const gpu = suite('pca on the GPU');

gpu('fitPca: the covariance against float64, its components against the full eigendecomposition, the error = the other eigenvalues', () =>
  withGpu(async (ctx) => {
    const [count, width, k] = [300, 16, 4];
    const images = twoSourceBytes(count, width, 9);
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
    const pca = await fitPca(ctx, data, k);
    // float64 on the host: the mean, the covariance (divided by n), its eigendecomposition.
    const x = Float64Array.from(images, (b) => Math.fround(b / 255));
    const mean = Float64Array.from({ length: width }, (_, c) => Array.from({ length: count }, (_, r) => x[r * width + c]).reduce((a, b) => a + b, 0) / count);
    const cov = new Float64Array(width * width);
    for (let r = 0; r < count; r++) for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) cov[a * width + b] += ((x[r * width + a] - mean[a]) * (x[r * width + b] - mean[b])) / count;
    assert.ok(maxAbs(pca.mean.map((m, i) => m - mean[i])) < 1e-6, 'mean');
    const exact = symmetricEigen(cov, width);
    for (let i = 0; i < k; i++) assert.ok(Math.abs(pca.variances[i] - exact.values[i]) < 1e-5 * exact.values[0], `variance ${i}: ${pca.variances[i]} vs ${exact.values[i]}`);
    const diff = projector(pca.components, k, width).map((v, e) => v - projector(exact.vectors, k, width)[e]);
    assert.ok(maxAbs(diff) < 1e-3, `projectors differ by ${maxAbs(diff)}`);
    const rest = exact.values.slice(k).reduce((a, b) => a + b, 0);
    const error = pcaSquaredError(pca, x, count);
    assert.ok(Math.abs(error - rest) < 1e-4 * exact.values.reduce((a, b) => a + b, 0), `error ${error} vs the other eigenvalues' sum ${rest}`);
    // The reconstructions m + (x - m) V V' give the same error pixel by pixel.
    const xHat = pcaReconstruct(pca, x, count);
    const direct = xHat.reduce((t, v, e) => t + (v - x[e]) ** 2, 0) / count;
    assert.ok(Math.abs(direct - error) < 1e-9 * (1 + error), `reconstructions' error ${direct} vs ${error}`);
    await expectError(() => fitPca(ctx, data, 0), InputError, 'components = 0');
    data.release();
  }),
);

host.run();
gpu.run();
