// Factor analysis (models/factor_analysis.ts): EM on the GPU against the same EM in float64 from the
// same start, its log-likelihood never falling and equal to its model's log-likelihood of the training
// rows, and a row's log-likelihood against the dense Gaussian N(x | b, W W' + Psi) in float64.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, RNG_PURPOSES, rngBits, uniform24 } from '../engine/index.js';
import { faLogLikelihood, fitFactorAnalysis, type FactorAnalysis } from '../models/factor_analysis.js';
import { invertSymmetric } from '../models/linalg.js';
import { DeviceDataset } from '../models/minibatch.js';
import { expectError } from './expect.js';
import { denseLogDensity } from './gaussian_ref.js';
import { withGpu } from './gpu.js';
import { randomWords } from './random.js';

/** Rows with two shared factors and a noise level per value (bytes). */
function factorRows(count: number, width: number, seed: number): Uint8Array {
  const w = randomWords(count * (width + 2), seed);
  return Uint8Array.from({ length: count * width }, (_, e) => {
    const [r, c] = [Math.floor(e / width), e % width];
    const [f, g] = [w[r * (width + 2)] % 100, w[r * (width + 2) + 1] % 100];
    return Math.round((c % 3) * 0.6 * f + (c % 2) * 0.5 * g + (w[r * (width + 2) + 2 + c] % (20 + 12 * c)));
  });
}

/** W W' + Psi, dense. */
function denseCovariance(m: FactorAnalysis): Float64Array {
  const [d, k] = [m.width, m.loadings.length / m.width];
  return Float64Array.from({ length: d * d }, (_, e) => {
    const [a, b] = [Math.floor(e / d), e % d];
    let v = a === b ? m.noiseVariance[a] : 0;
    for (let i = 0; i < k; i++) v += m.loadings[a * k + i] * m.loadings[b * k + i];
    return v;
  });
}

/** The same EM in float64 with dense matrices (Ghahramani & Hinton 1996), from the same Philox start. */
function referenceEm(x: Float64Array, count: number, d: number, k: number, steps: number, seed: number): FactorAnalysis {
  const mean = Float64Array.from({ length: d }, (_, a) => Array.from({ length: count }, (_, r) => x[r * d + a]).reduce((s, v) => s + v, 0) / count);
  const s = new Float64Array(d * d);
  for (let r = 0; r < count; r++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s[a * d + b] += ((x[r * d + a] - mean[a]) * (x[r * d + b] - mean[b])) / count;
  const spread = Math.sqrt(Array.from({ length: d }, (_, a) => s[a * d + a]).reduce((t, v) => t + v, 0) / d);
  let w = Float64Array.from({ length: d * k }, (_, e) => spread * (uniform24(rngBits(seed, RNG_PURPOSES.faStart, 0, e, 0)[0]) - 0.5));
  let psi = Float64Array.from({ length: d }, (_, a) => s[a * d + a]);
  for (let t = 0; t < steps; t++) {
    // beta = W' (W W' + Psi)^-1 (k x d), straight from the definition.
    const cInverse = invertSymmetric(denseCovariance({ width: d, mean, loadings: w, noiseVariance: psi }), d)!;
    const beta = Float64Array.from({ length: k * d }, (_, e) => {
      const [i, b] = [Math.floor(e / d), e % d];
      let v = 0;
      for (let a = 0; a < d; a++) v += w[a * k + i] * cInverse[a * d + b];
      return v;
    });
    const sBeta = Float64Array.from({ length: d * k }, (_, e) => {
      const [a, i] = [Math.floor(e / k), e % k];
      let v = 0;
      for (let b = 0; b < d; b++) v += s[a * d + b] * beta[i * d + b];
      return v;
    });
    const ezz = Float64Array.from({ length: k * k }, (_, e) => {
      const [i, j] = [Math.floor(e / k), e % k];
      let v = i === j ? 1 : 0;
      for (let a = 0; a < d; a++) v += -beta[i * d + a] * w[a * k + j] + beta[i * d + a] * sBeta[a * k + j];
      return v;
    });
    const ezzInverse = invertSymmetric(ezz, k)!;
    w = Float64Array.from({ length: d * k }, (_, e) => {
      const [a, j] = [Math.floor(e / k), e % k];
      let v = 0;
      for (let i = 0; i < k; i++) v += sBeta[a * k + i] * ezzInverse[i * k + j];
      return v;
    });
    psi = Float64Array.from({ length: d }, (_, a) => {
      let v = s[a * d + a];
      for (let i = 0; i < k; i++) v -= w[a * k + i] * sBeta[a * k + i];
      return v;
    });
  }
  return { width: d, mean, loadings: w, noiseVariance: psi };
}

const gpu = suite('factor analysis on the GPU');

gpu('fitFactorAnalysis: 5 steps equal the float64 EM from the same start; the log-likelihood never falls and is its model\'s', () =>
  withGpu(async (ctx) => {
    const [count, width, k] = [300, 8, 2];
    const images = factorRows(count, width, 31);
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
    try {
      const x = Float64Array.from(images, (b) => Math.fround(b / 255));
      const { model } = await fitFactorAnalysis(ctx, data, k, { iterations: 5, seed: 4 });
      const want = referenceEm(x, count, width, k, 5, 4);
      model.loadings.forEach((v, e) => assert.ok(Math.abs(v - want.loadings[e]) < 1e-4, `W[${e}]: ${v} vs ${want.loadings[e]}`));
      model.noiseVariance.forEach((v, a) => assert.ok(Math.abs(v - want.noiseVariance[a]) < 1e-4 * want.noiseVariance[a] + 1e-7, `psi[${a}]: ${v} vs ${want.noiseVariance[a]}`));
      const long = await fitFactorAnalysis(ctx, data, k, { iterations: 100, seed: 4 });
      const lls = long.logLikelihoods;
      lls.forEach((ll, i) => i === 0 || assert.ok(ll >= lls[i - 1] - 1e-6 * Math.abs(ll), `step ${i}: ${ll} after ${lls[i - 1]}`));
      assert.ok(lls[100] > lls[1] + 0.01, 'EM climbs');
      const own = await faLogLikelihood(ctx, long.model, data);
      assert.ok(Math.abs(own.mean - lls[100]) < 1e-4 * Math.abs(own.mean), `the model's ${own.mean} vs EM's account ${lls[100]}`);
      // Each row against the dense Gaussian.
      const cov = denseCovariance(long.model);
      for (const r of [0, 1, 150, 299]) {
        const dense = denseLogDensity(x.subarray(r * width, (r + 1) * width), long.model.mean, cov, width);
        assert.ok(Math.abs(own.perRow[r] - dense) < 1e-3 * (1 + Math.abs(dense)), `row ${r}: ${own.perRow[r]} vs ${dense}`);
      }
      await expectError(() => fitFactorAnalysis(ctx, data, 0, { iterations: 1, seed: 1 }), InputError, 'components = 0');
    } finally {
      data.release();
    }
  }),
);

gpu.run();
