// Gaussian mixtures (models/gmm.ts): a model's per-row log-likelihood against the float64 mixture
// density; EM on the GPU against the same EM in float64 from the same k-means start (spherical,
// diagonal and full), its log-likelihood never falling; the spherical model's one variance per
// component; a full covariance that cannot be factored refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { fitGmm, gmmLogLikelihood, gmmParameters, type Gmm, type GmmCovariance } from '../models/gmm.js';
import { fitKmeans } from '../models/kmeans.js';
import { gmmEmStepReference, gmmFromResponsibilities, gmmLogDensity } from '../harness/reference/clustering.js';
import { DeviceDataset } from '../models/minibatch.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { randomWords } from './random.js';

/** Three overlapping clusters of 60 rows in 5 bytes, each with its own spread. */
function clusters(seed: number): { images: Uint8Array; count: number; width: number } {
  const [count, width] = [180, 5];
  const w = randomWords(count * width, seed);
  const images = Uint8Array.from({ length: count * width }, (_, i) => {
    const [c, e] = [Math.floor(i / width / 60), i % width];
    return 60 + 50 * c + ((e * 37 * c) % 40) + (w[i] % (20 + 25 * c)) - (10 + 12 * c);
  });
  return { images, count, width };
}

/** EM in float64 from k-means' hard labels: the first M-step from them, then `steps` E and M steps. */
function referenceEm(rows: Float64Array, count: number, d: number, k: number, labels: Uint32Array, steps: number, covariance: GmmCovariance): Gmm {
  const hard = Float64Array.from({ length: count * k }, (_, e) => (labels[Math.floor(e / k)] === e % k ? 1 : 0));
  let model = gmmFromResponsibilities(rows, count, d, hard, k, covariance, 1e-6);
  for (let t = 0; t < steps; t++) model = gmmEmStepReference(rows, count, model, 1e-6).next;
  return model;
}

const gpu = suite('Gaussian mixtures on the GPU');

for (const covariance of ['diag', 'spherical', 'full'] as const) {
  gpu(`fitGmm (${covariance}): 5 EM steps equal float64 EM from the same k-means start; the log-likelihood never falls; rows' log-likelihoods against the mixture density`, () =>
    withGpu(async (ctx) => {
      const { images, count, width } = clusters(41);
      const k = 3;
      const rows = Float64Array.from(images, (b) => Math.fround(b / 255));
      const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
      try {
        const fit = await fitGmm(ctx, data, rows, { components: k, covariance, iterations: 5, tolerance: 0, seed: 3 });
        const start = await fitKmeans(ctx, data, rows, { clusters: k, restarts: 1, iterations: 300, seed: 3 });
        const want = referenceEm(rows, count, width, k, start.labels, 5, covariance);
        fit.model.means.forEach((v, e) => assert.ok(Math.abs(v - want.means[e]) < 1e-4, `mean ${e}: ${v} vs ${want.means[e]}`));
        fit.model.variances.forEach((v, e) => assert.ok(Math.abs(v - want.variances[e]) < 1e-3 * want.variances[e], `variance ${e}: ${v} vs ${want.variances[e]}`));
        // Off the diagonal, against the scale of the diagonal.
        fit.model.covariances?.forEach((v, e) => assert.ok(Math.abs(v - want.covariances![e]) < 1e-3 * want.variances[Math.floor(e / width)], `covariance ${e}: ${v} vs ${want.covariances![e]}`));
        fit.model.weights.forEach((v, c) => assert.ok(Math.abs(v - want.weights[c]) < 1e-4, `weight ${c}`));
        fit.logLikelihoods.forEach((ll, i) => i === 0 || assert.ok(ll >= fit.logLikelihoods[i - 1] - 1e-5 * Math.abs(ll), `step ${i}: ${ll} after ${fit.logLikelihoods[i - 1]}`));
        if (covariance === 'spherical') for (let c = 0; c < k; c++) assert.ok(fit.model.variances.subarray(c * width, (c + 1) * width).every((v) => v === fit.model.variances[c * width]), 'one variance per component');
        const got = await gmmLogLikelihood(ctx, fit.model, data);
        for (const r of [0, 50, 120, 179]) {
          const exact = gmmLogDensity(fit.model, rows.subarray(r * width, (r + 1) * width));
          assert.ok(Math.abs(got.perRow[r] - exact) < 1e-3 * (1 + Math.abs(exact)), `row ${r}: ${got.perRow[r]} vs ${exact}`);
        }
        assert.is(gmmParameters(fit.model), { diag: 3 * 5 * 2 + 2, spherical: 3 * 5 + 3 + 2, full: 3 * 5 + 3 * 15 + 2 }[covariance]);
        await expectError(() => fitGmm(ctx, data, rows, { components: k, covariance: 'tied' as GmmCovariance, seed: 1 }), InputError, "covariance 'tied'");
      } finally {
        data.release();
      }
    }),
  );
}

gpu('fitGmm (full): rows on a line leave a covariance that cannot be factored without reg_covar, refused naming the component', () =>
  withGpu(async (ctx) => {
    // Two values per row, the second always twice the first: every covariance is singular.
    const count = 40;
    const images = Uint8Array.from({ length: 2 * count }, (_, i) => (i % 2 ? 2 : 1) * (10 + ((Math.floor(i / 2) * 7) % 50)));
    const rows = Float64Array.from(images, (b) => Math.fround(b / 255));
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width: 2 });
    try {
      await expectError(() => fitGmm(ctx, data, rows, { components: 2, covariance: 'full', regCovar: 0, seed: 1 }), InputError, "covariance is not positive definite", '--reg-covar');
      const fit = await fitGmm(ctx, data, rows, { components: 2, covariance: 'full', seed: 1, iterations: 3 });
      assert.ok(Number.isFinite(fit.logLikelihoods[2]), 'reg_covar makes it positive definite');
    } finally {
      data.release();
    }
  }),
);

gpu.run();
