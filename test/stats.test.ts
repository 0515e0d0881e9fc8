// The error bars every Ising result carries: binning and jackknife against series with known answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binnedMean, jackknife, mean } from '../models/stats.js';
import { normal2, rngBits } from '../engine/philox.js';

/** AR(1) series x_t = rho x_{t-1} + e_t with standard normal e (Philox, seeded). */
function ar1(n: number, rho: number, seed: number): Float64Array {
  const xs = new Float64Array(n);
  let x = 0;
  for (let i = 0; i < n; i += 2) {
    const bits = rngBits(seed, 0, 0, i / 2, 0);
    const [e0, e1] = normal2(bits[0], bits[1]);
    x = rho * x + e0;
    xs[i] = x;
    x = rho * x + e1;
    if (i + 1 < n) xs[i + 1] = x;
  }
  return xs;
}

test('binning recovers the AR(1) standard error and autocorrelation time (within 30%)', () => {
  const n = 2 ** 18, rho = 0.8;
  // tau_int = (1 + rho) / (2 (1 - rho)) = 4.5; var x = 1 / (1 - rho^2); error = sqrt(2 tau var / n).
  const tau = (1 + rho) / (2 * (1 - rho));
  const error = Math.sqrt((2 * tau) / (1 - rho * rho) / n);
  const b = binnedMean(ar1(n, rho, 7));
  assert.ok(Math.abs(b.error / error - 1) < 0.3, `error ${b.error} vs ${error}`);
  assert.ok(Math.abs(b.tau / tau - 1) < 0.3, `tau ${b.tau} vs ${tau}`);
  assert.ok(Math.abs(b.mean) < 4 * error, `mean ${b.mean}`);
});

test('binning of uncorrelated samples gives tau = 1/2 and the naive error (within 30%)', () => {
  const n = 2 ** 16;
  const b = binnedMean(ar1(n, 0, 11));
  assert.ok(Math.abs(b.tau - 0.5) < 0.15, `tau ${b.tau}`);
  assert.ok(Math.abs(b.error / Math.sqrt(1 / n) - 1) < 0.3, `error ${b.error}`);
});

test('the jackknife of a linear estimator is the standard error of the block means', () => {
  const xs = ar1(3200, 0.5, 3);
  const blocks = 32, size = 100;
  const blockMeans = Array.from({ length: blocks }, (_, b) => mean(xs.subarray(b * size, (b + 1) * size)));
  const mu = mean(blockMeans);
  const se = Math.sqrt(blockMeans.reduce((s, m) => s + (m - mu) ** 2, 0) / (blocks - 1) / blocks);
  const jk = jackknife([xs], ([m]) => m, blocks);
  assert.ok(Math.abs(jk.value - mean(xs)) < 1e-12);
  assert.ok(Math.abs(jk.error / se - 1) < 1e-9, `jackknife ${jk.error} vs ${se}`);
});
test.run();
