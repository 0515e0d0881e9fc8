// Probabilistic PCA (models/ppca.ts): a row's log-likelihood by the eigen-decomposition against the
// dense Gaussian N(x | b, W W' + s2 I) in float64; the closed form's noise variance (the mean of the
// discarded eigenvalues, n - 1 in the denominator as scikit-learn's); and the GPU's mean log-likelihood
// of a fit against scikit-learn's definition computed in float64 from the data.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { DeviceDataset } from '../models/minibatch.js';
import { fitPca, symmetricEigen, type Pca } from '../models/pca.js';
import { ppcaFromPca, ppcaLogLikelihood, ppcaRowLogLikelihood, type Ppca } from '../models/ppca.js';
import { fitPpcaEm } from '../models/ppca_em.js';
import { expectError } from './expect.js';
import { denseLogDensity } from './gaussian_ref.js';
import { withGpu } from './gpu.js';
import { randomF32, randomWords, twoSourceBytes } from './random.js';

/** W W' + s2 I of a model, dense: V' diag(l - s2) V + s2 I. */
function denseCovariance(m: Ppca): Float64Array {
  const [d, k] = [m.width, m.explainedVariance.length];
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++) cov[a * d + a] = m.noiseVariance;
  for (let i = 0; i < k; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += (m.explainedVariance[i] - m.noiseVariance) * m.components[i * d + a] * m.components[i * d + b];
  return cov;
}

const host = suite('ppca on the host');

host("a row's log-likelihood by the eigen-decomposition equals the dense Gaussian's (k < d and k = d)", () => {
  const d = 6;
  const r = randomF32(d * d, 4);
  const basis = symmetricEigen(Float64Array.from({ length: d * d }, (_, e) => r[e] + r[(e % d) * d + Math.floor(e / d)]), d).vectors;
  const x = Float64Array.from(randomF32(d, 5), (v) => 2 * v);
  const mean = Float64Array.from(randomF32(d, 6));
  for (const k of [2, d]) {
    const model: Ppca = { width: d, mean, components: basis.slice(0, k * d), explainedVariance: Float64Array.from({ length: k }, (_, i) => 3 / (i + 1)), noiseVariance: k < d ? 0.2 : 0 };
    const centred = x.map((v, a) => v - mean[a]);
    const projections = Array.from({ length: k }, (_, i) => centred.reduce((s, v, a) => s + v * basis[i * d + a], 0));
    const got = ppcaRowLogLikelihood(model, centred.reduce((s, v) => s + v * v, 0), projections);
    const want = denseLogDensity(x, mean, k < d ? denseCovariance(model) : denseCovariance({ ...model, noiseVariance: 0 }), d);
    assert.ok(Math.abs(got - want) < 1e-10 * Math.abs(want), `k = ${k}: ${got} vs ${want}`);
  }
});

host('ppcaFromPca: eigenvalues rescaled to n - 1, the noise the mean of the rest of min(n, d) of them', () => {
  const pca = (count: number, width: number): Pca => ({ width, mean: new Float64Array(width), components: new Float64Array(2 * width), variances: Float64Array.of(4, 2), totalVariance: 9, count });
  const wide = ppcaFromPca(pca(10, 6));
  assert.equal(Array.from(wide.explainedVariance), [4 * (10 / 9), 2 * (10 / 9)]);
  assert.ok(Math.abs(wide.noiseVariance - ((9 - 6) * (10 / 9)) / 4) < 1e-12, `${wide.noiseVariance}`);
  // Fewer examples than values: min(n, d) - k = 3 - 2 eigenvalues left.
  assert.ok(Math.abs(ppcaFromPca(pca(3, 6)).noiseVariance - (9 - 6) * 1.5) < 1e-12);
  assert.is(ppcaFromPca(pca(2, 6)).noiseVariance, 0, 'none left');
  // The exact maximum (denominator n) averages all d - k: those past the rank are 0.
  assert.ok(Math.abs(ppcaFromPca(pca(3, 6), { denominator: 'n' }).noiseVariance - (9 - 6) / 4) < 1e-12);
});

const gpu = suite('ppca on the GPU');

gpu("ppcaLogLikelihood: the mean over the rows against scikit-learn's PCA.score in float64 (eigenvalues with n - 1, the dense covariance)", () =>
  withGpu(async (ctx) => {
    const [count, width, k] = [300, 12, 3];
    const images = twoSourceBytes(count, width, 11);
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
    try {
      const pca = await fitPca(ctx, data, k);
      const model = ppcaFromPca(pca);
      const got = await ppcaLogLikelihood(ctx, model, data);
      // scikit-learn's definition from the data in float64: the covariance with n - 1, its eigenvalues, the noise their mean past k.
      const x = Float64Array.from(images, (b) => Math.fround(b / 255));
      const mean = Float64Array.from({ length: width }, (_, c) => Array.from({ length: count }, (_, r) => x[r * width + c]).reduce((a, b) => a + b, 0) / count);
      const cov = new Float64Array(width * width);
      for (let r = 0; r < count; r++) for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) cov[a * width + b] += ((x[r * width + a] - mean[a]) * (x[r * width + b] - mean[b])) / (count - 1);
      const exact = symmetricEigen(cov, width);
      const noise = exact.values.slice(k).reduce((a, b) => a + b, 0) / (width - k);
      assert.ok(Math.abs(model.noiseVariance - noise) < 1e-5 * noise, `noise variance ${model.noiseVariance} vs ${noise}`);
      assert.ok(Math.abs(pca.totalVariance - (exact.values.reduce((a, b) => a + b, 0) * (count - 1)) / count) < 1e-6, 'the trace');
      const reference: Ppca = { width, mean, components: exact.vectors.slice(0, k * width), explainedVariance: exact.values.slice(0, k), noiseVariance: noise };
      const dense = denseCovariance(reference);
      const rows = Array.from({ length: count }, (_, r) => denseLogDensity(x.subarray(r * width, (r + 1) * width), mean, dense, width));
      const want = rows.reduce((a, b) => a + b, 0) / count;
      assert.ok(Math.abs(got.mean - want) < 1e-4 * Math.abs(want), `mean log-likelihood ${got.mean} vs ${want}`);
      rows.forEach((v, r) => assert.ok(Math.abs(got.perRow[r] - v) < 1e-3 * (1 + Math.abs(v)), `row ${r}: ${got.perRow[r]} vs ${v}`));
      await expectError(() => ppcaLogLikelihood(ctx, { ...model, noiseVariance: 0 }, data), InputError, 'the density is degenerate');
    } finally {
      data.release();
    }
  }),
);

host.run();
gpu.run();

const em = suite('ppca by EM on the GPU');

em("fitPpcaEm: the log-likelihood never falls, and EM reaches the closed form's maximum (denominator n) and its parameters", () =>
  withGpu(async (ctx) => {
    const [count, width, k] = [400, 10, 2];
    // Two strong directions and isotropic noise.
    const w = randomWords(count * (width + 2), 21);
    const images = Uint8Array.from({ length: count * width }, (_, e) => {
      const [r, c] = [Math.floor(e / width), e % width];
      const a = w[r * (width + 2)] % 120;
      const b = w[r * (width + 2) + 1] % 80;
      return (c < 4 ? a : c < 7 ? b : 40) + (w[r * (width + 2) + 2 + c] % 60);
    });
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
    try {
      const { model, logLikelihoods } = await fitPpcaEm(ctx, data, k, { iterations: 300, seed: 5 });
      logLikelihoods.forEach((ll, i) => i === 0 || assert.ok(ll >= logLikelihoods[i - 1] - 1e-6 * Math.abs(ll), `step ${i}: ${ll} after ${logLikelihoods[i - 1]}`));
      const closed = ppcaFromPca(await fitPca(ctx, data, k), { denominator: 'n' });
      const [emLl, closedLl] = [(await ppcaLogLikelihood(ctx, model, data)).mean, (await ppcaLogLikelihood(ctx, closed, data)).mean];
      assert.ok(Math.abs(emLl - closedLl) < 1e-4 * Math.abs(closedLl), `EM ${emLl} vs closed form ${closedLl}`);
      assert.ok(Math.abs(logLikelihoods[logLikelihoods.length - 1] - closedLl) < 1e-4 * Math.abs(closedLl), `EM's own account ${logLikelihoods[logLikelihoods.length - 1]} vs ${closedLl}`);
      assert.ok(Math.abs(model.noiseVariance - closed.noiseVariance) < 1e-3 * closed.noiseVariance, `noise ${model.noiseVariance} vs ${closed.noiseVariance}`);
      model.explainedVariance.forEach((v, i) => assert.ok(Math.abs(v - closed.explainedVariance[i]) < 1e-3 * v, `eigenvalue ${i}: ${v} vs ${closed.explainedVariance[i]}`));
      await expectError(() => fitPpcaEm(ctx, data, width, { iterations: 1, seed: 1 }), InputError, `components = ${width} must be an integer in [1, ${width - 1}]`);
    } finally {
      data.release();
    }
  }),
);

em.run();
