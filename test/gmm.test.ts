// Gaussian mixtures (models/gmm.ts): a model's per-row log-likelihood against the float64 mixture
// density; EM on the GPU against the same EM in float64 from the same k-means start (spherical,
// diagonal and full), its log-likelihood never falling; the spherical model's one variance per
// component; a full covariance that cannot be factored refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { fitGmm, gmmLogLikelihood, gmmParameters, gmmResponsibilities, sampleGmm, type Gmm, type GmmCovariance } from '../models/gmm.js';
import { fitKmeans } from '../models/kmeans.js';
import { gmmComponentTerm, gmmEmStepReference, gmmFromResponsibilities, gmmLogDensity } from '../harness/reference/clustering.js';
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

gpu('gmmResponsibilities (full): p(k | x) of every row against float64, each label the most probable component', () =>
  withGpu(async (ctx) => {
    const { images, count, width } = clusters(43);
    const rows = Float64Array.from(images, (b) => Math.fround(b / 255));
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
    try {
      const { model } = await fitGmm(ctx, data, rows, { components: 3, covariance: 'full', iterations: 3, seed: 2 });
      const { responsibilities, labels } = await gmmResponsibilities(ctx, model, data);
      for (let r = 0; r < count; r++) {
        const x = rows.subarray(r * width, (r + 1) * width);
        const lse = gmmLogDensity(model, x);
        const want = [0, 1, 2].map((c) => Math.exp(gmmComponentTerm(model, c, x) - lse));
        want.forEach((p, c) => assert.ok(Math.abs(responsibilities[r * 3 + c] - p) < 1e-4, `row ${r}, component ${c}: ${responsibilities[r * 3 + c]} vs ${p}`));
        assert.is(labels[r], want.indexOf(Math.max(...want)), `row ${r}'s label`);
      }
    } finally {
      data.release();
    }
  }),
);

gpu.run();

const host = suite('sampling a mixture (no GPU)');

host('sampleGmm: 20,000 draws of a full and a diagonal mixture; component counts by chi-square (p = 0.001), means and covariances within 5 standard errors; the same seed, the same draws', () => {
  const full: Gmm = {
    width: 2,
    covariance: 'full',
    weights: Float64Array.of(0.3, 0.7),
    means: Float64Array.of(-2, 1, 3, 0),
    variances: Float64Array.of(1, 2, 0.5, 0.25),
    covariances: Float64Array.of(1, 0.8, 0.8, 2, 0.5, -0.2, -0.2, 0.25),
  };
  const diag: Gmm = { ...full, covariance: 'diag', covariances: undefined };
  const n = 20000;
  for (const model of [full, diag]) {
    const { samples, components } = sampleGmm(model, n, 9);
    const counts = [0, 1].map((c) => components.filter((v) => v === c).length);
    const chi2 = counts.reduce((s, o, c) => s + (o - n * model.weights[c]) ** 2 / (n * model.weights[c]), 0);
    assert.ok(chi2 < 10.83, `component counts ${counts}: chi-square ${chi2}`);
    for (let c = 0; c < 2; c++) {
      const own = Array.from({ length: n }, (_, r) => r).filter((r) => components[r] === c);
      const cov = (e: number, f: number) => (model.covariance === 'full' ? model.covariances![c * 4 + e * 2 + f] : e === f ? model.variances[c * 2 + e] : 0);
      const mean = [0, 1].map((e) => own.reduce((s, r) => s + samples[r * 2 + e], 0) / own.length);
      mean.forEach((m, e) => assert.ok(Math.abs(m - model.means[c * 2 + e]) < 5 * Math.sqrt(cov(e, e) / own.length), `${model.covariance} component ${c} mean ${e}: ${m}`));
      for (const [e, f] of [[0, 0], [0, 1], [1, 1]]) {
        const got = own.reduce((s, r) => s + (samples[r * 2 + e] - mean[e]) * (samples[r * 2 + f] - mean[f]), 0) / (own.length - 1);
        const se = Math.sqrt((cov(e, e) * cov(f, f) + cov(e, f) ** 2) / own.length);
        assert.ok(Math.abs(got - cov(e, f)) < 5 * se, `${model.covariance} component ${c} covariance ${e}${f}: ${got} vs ${cov(e, f)}`);
      }
    }
    assert.equal(Array.from(sampleGmm(model, 5, 9).samples), Array.from(samples.subarray(0, 10)), 'a prefix of the same draws');
  }
});

host('a covariance that is not positive definite, a variance of 0: refused naming the component, not NaN', async () => {
  const bad: Gmm = { width: 2, covariance: 'full', weights: Float64Array.of(1), means: Float64Array.of(0, 0), variances: Float64Array.of(1, 1), covariances: Float64Array.of(1, 1, 1, 1) };
  await expectError(() => sampleGmm(bad, 3, 1), InputError, "component 0's covariance is not positive definite");
  // A variance of 0 (a constant value with --reg-covar 0) is caught before any device work.
  const flat: Gmm = { width: 2, covariance: 'diag', weights: Float64Array.of(1), means: Float64Array.of(0, 0), variances: Float64Array.of(1, 0) };
  await expectError(() => gmmLogLikelihood({} as never, flat, { width: 2, count: 1 } as never), InputError, "component 0's variance of value 1 is 0");
});

host.run();
