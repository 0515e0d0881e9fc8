// Dirichlet-process mixtures (models/dpmm.ts): the Gamma variates behind the sticks (mean and variance),
// and the blocked Gibbs sampler's distribution of the number of clusters against Neal's algorithm 3
// (exact, collapsed) on small data.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { blockedGibbs, blockedStart, collapsedMixture, gamma, nealAlgorithm3 } from '../models/dpmm.js';
import { expectError } from './expect.js';
import { blockedGibbsGpu } from '../models/dpmm_gpu.js';
import { DeviceDataset } from '../models/minibatch.js';
import { withGpu } from './gpu.js';

/** The share of the sweeps after `burn` (every `thin`-th) with each number of clusters. */
function histogram(clusters: number[], burn: number, thin: number): Map<number, number> {
  const h = new Map<number, number>();
  const kept = clusters.slice(burn).filter((_, i) => i % thin === 0);
  for (const k of kept) h.set(k, (h.get(k) ?? 0) + 1 / kept.length);
  return h;
}

/** The total variation distance between two distributions over the number of clusters. */
const totalVariation = (a: Map<number, number>, b: Map<number, number>) => 0.5 * [...new Set([...a.keys(), ...b.keys()])].reduce((sum, k) => sum + Math.abs((a.get(k) ?? 0) - (b.get(k) ?? 0)), 0);

const host = suite('Dirichlet-process mixtures (no GPU)');

host('gamma: 20,000 variates of shape 0.5, 3 and 40 with mean and variance the shape, within 5 standard errors', () => {
  for (const shape of [0.5, 3, 40]) {
    const xs = Array.from({ length: 20000 }, (_, i) => gamma(shape, 5, 0, i));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    assert.ok(Math.abs(mean - shape) < 5 * Math.sqrt(shape / xs.length), `shape ${shape}: mean ${mean}`);
    // The variance of the sample variance of a Gamma(k): (2 k^2 + 6 k) / n roughly (fourth moment).
    assert.ok(Math.abs(variance - shape) < 5 * Math.sqrt((2 * shape * shape + 6 * shape) / xs.length), `shape ${shape}: variance ${variance}`);
  }
});

host("the number of clusters: the blocked Gibbs sampler (truncation 20) against Neal's algorithm 3 on 12 points in three groups", () => {
  const values = Float64Array.of(-5.2, -4.6, -5.1, -4.9, 0.3, -0.4, 0.1, 0.5, 4.8, 5.3, 5.1, 4.7);
  const x = { values, count: 12, width: 1 };
  const prior = { alpha: 1, sigma: 1, m0: [0], tau0: 5 };
  const [sweeps, burn, thin] = [12000, 500, 4];
  const neal = histogram(nealAlgorithm3(x, prior, sweeps, 1).clusters, burn, thin);
  const blocked = histogram(blockedGibbs(x, prior, 20, sweeps, 2).clusters, burn, thin);
  // Measured: P(K = 3, 4, 5, 6) = 0.419, 0.386, 0.149, 0.037 (Neal) and 0.422, 0.374, 0.161, 0.037 (blocked): TV 0.015.
  assert.ok([...neal.keys()].every((k) => k >= 3) && neal.get(3)! > neal.get(4)!, `the three groups always apart, three clusters the mode: ${JSON.stringify([...neal.entries()])}`);
  assert.ok(totalVariation(neal, blocked) < 0.05, `total variation ${totalVariation(neal, blocked)}`);
  // The test can tell a wrong prior: alpha 3 moves the distribution well past the bound.
  const wrong = histogram(blockedGibbs(x, { ...prior, alpha: 3 }, 20, sweeps, 2).clusters, burn, thin);
  assert.ok(totalVariation(neal, wrong) > 0.1, `alpha 3 against alpha 1: total variation ${totalVariation(neal, wrong)}`);
});

host('the blocked sampler after 5 collapsed sweeps: still Neal\'s distribution; a start with more clusters than sticks refused', async () => {
  const values = Float64Array.of(-5.2, -4.6, -5.1, -4.9, 0.3, -0.4, 0.1, 0.5, 4.8, 5.3, 5.1, 4.7);
  const x = { values, count: 12, width: 1 };
  const prior = { alpha: 1, sigma: 1, m0: [0], tau0: 5 };
  const neal = histogram(nealAlgorithm3(x, prior, 12000, 1).clusters, 500, 4);
  const started = histogram(blockedGibbs(x, prior, 20, 12000, 2, 5).clusters, 500, 4);
  assert.ok(totalVariation(neal, started) < 0.05, `total variation ${totalVariation(neal, started)}`);
  const spread = { values: Float64Array.from({ length: 12 }, (_, i) => 10 * i), count: 12, width: 1 };
  await expectError(() => blockedStart(spread, { ...prior, sigma: 0.1, tau0: 100 }, 3, 1, 2), InputError, 'more than the truncation\'s 3 sticks');
});

host('collapsedMixture: each occupied cluster weighted by its share, its mean the posterior mean', () => {
  const x = { values: Float64Array.of(1, 3, 10), count: 3, width: 1 };
  const prior = { alpha: 1, sigma: 1, m0: [0], tau0: 2 };
  const { logPi, means } = collapsedMixture(x, Uint32Array.of(0, 0, 2), prior);
  // Cluster 1 is empty and left out. Posterior means: (sum / sigma^2) / (n / sigma^2 + 1 / tau0^2).
  assert.equal(Array.from(logPi), [Math.log(2 / 3), Math.log(1 / 3)]);
  assert.ok(Math.abs(means[0][0] - 4 / 2.25) < 1e-12 && Math.abs(means[1][0] - 10 / 1.25) < 1e-12, JSON.stringify(means));
});

host.run();

const gpu = suite('Dirichlet-process mixtures on the GPU');

gpu("the blocked sampler with its assignments on the GPU: the number of clusters against Neal's algorithm 3 (total variation < 0.05)", () =>
  withGpu(async (ctx) => {
    const values = Float32Array.of(-5.2, -4.6, -5.1, -4.9, 0.3, -0.4, 0.1, 0.5, 4.8, 5.3, 5.1, 4.7);
    const x = { values, count: 12, width: 1 };
    const prior = { alpha: 1, sigma: 1, m0: [0], tau0: 5 };
    const data = await DeviceDataset.uploadRows(ctx, { values, count: 12, width: 1 });
    try {
      const [sweeps, burn, thin] = [3000, 200, 2];
      const run = await blockedGibbsGpu(ctx, data, x, prior, 20, sweeps, 3);
      const gpuK = histogram(run.clusters, burn, thin);
      const neal = histogram(nealAlgorithm3(x, prior, 12000, 1).clusters, burn, thin);
      const tv = totalVariation(gpuK, neal);
      assert.ok(tv < 0.05, `total variation ${tv}: ${JSON.stringify([...gpuK.entries()])} vs ${JSON.stringify([...neal.entries()])}`);
      assert.ok(Number.isFinite(run.logLikelihood) && run.logLikelihood < 0, `log-likelihood ${run.logLikelihood}`);
    } finally {
      data.release();
    }
  }),
);

gpu.run();
