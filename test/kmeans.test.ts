// k-means (models/kmeans.ts): on separated blobs the planted clusters found; the GPU's Lloyd steps
// against the same steps in float64 from the same k-means++ seeding (labels equal, inertia to 1e-6);
// the same seed, the same bits; the seeding's centres are rows, one per blob; bad options refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { moveCentres, fitKmeans, kmeansAssign, kmeansPlusPlus } from '../models/kmeans.js';
import { DeviceDataset } from '../models/minibatch.js';
import { lloydStepReference } from '../harness/reference/clustering.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { randomWords } from './random.js';

/** `blobs` clusters of `each` rows in `width` bytes: centre bytes far apart, noise within +-12. */
function blobs(blobs: number, each: number, width: number, seed: number): { images: Uint8Array; planted: number[] } {
  const w = randomWords(blobs * width + blobs * each * width, seed);
  const centre = (b: number, e: number) => 30 + (w[b * width + e] % 4) * 60;
  const images = Uint8Array.from({ length: blobs * each * width }, (_, i) => {
    const [row, e] = [Math.floor(i / width), i % width];
    return centre(Math.floor(row / each), e) + (w[blobs * width + i] % 25) - 12;
  });
  return { images, planted: Array.from({ length: blobs * each }, (_, r) => Math.floor(r / each)) };
}

/** Lloyd in float64 from given centres: assign, then means (an empty cluster keeps its centre), until no label changes. */
function lloydReference(rows: Float64Array, count: number, width: number, start: Float64Array, clusters: number, iterations: number) {
  const centres = Float64Array.from(start);
  let labels: Uint32Array | null = null;
  for (let t = 0; t < iterations; t++) {
    const step = lloydStepReference(rows, count, width, centres, clusters);
    if (labels && step.labels.every((l, i) => l === labels![i])) break;
    labels = step.labels;
    moveCentres(centres, step.sums, step.counts, width, 0, clusters);
  }
  return { centres, ...kmeansAssign(rows, count, centres, clusters, width) };
}

const host = suite('k-means++ seeding (no GPU)');

host('k-means++ on 4 separated blobs: every centre a row, one in each blob; the same seed, the same centres', () => {
  const [k, each, width] = [4, 30, 6];
  const { images, planted } = blobs(k, each, width, 3);
  const rows = Float64Array.from(images, (b) => b / 255);
  const centres = kmeansPlusPlus(rows, k * each, width, k, 9, 0);
  const rowOf = (c: number) => Array.from({ length: k * each }, (_, r) => r).find((r) => Array.from({ length: width }, (_, e) => e).every((e) => rows[r * width + e] === centres[c * width + e]));
  const found = Array.from({ length: k }, (_, c) => rowOf(c));
  assert.ok(found.every((r) => r !== undefined), 'centres are rows');
  assert.equal(new Set(found.map((r) => planted[r!])).size, k, 'one centre per blob');
  assert.equal(Array.from(kmeansPlusPlus(rows, k * each, width, k, 9, 0)), Array.from(centres));
  assert.not.equal(Array.from(kmeansPlusPlus(rows, k * each, width, k, 9, 1)), Array.from(centres), 'another restart, other draws');
});

const gpu = suite('k-means on the GPU');

gpu('fitKmeans: the planted blobs found; each restart equals float64 Lloyd from its seeding; the same seed, the same bits', () =>
  withGpu(async (ctx) => {
    const [k, each, width, restarts] = [5, 40, 8, 3];
    const { images, planted } = blobs(k, each, width, 11);
    const count = k * each;
    const rows = Float64Array.from(images, (b) => Math.fround(b / 255));
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
    try {
      const fit = await fitKmeans(ctx, data, rows, { clusters: k, restarts, iterations: 50, seed: 2 });
      // The planted clusters: each blob one label, the labels all different.
      const labelOf = Array.from({ length: k }, (_, b) => new Set(Array.from({ length: each }, (_, i) => fit.labels[b * each + i])));
      assert.ok(labelOf.every((s) => s.size === 1), 'each blob one label');
      assert.equal(new Set(labelOf.map((s) => [...s][0])).size, k, 'different labels');
      assert.equal(planted.length, fit.labels.length);
      for (let r = 0; r < restarts; r++) {
        const want = lloydReference(rows, count, width, kmeansPlusPlus(rows, count, width, k, 2, r), k, 50);
        assert.ok(Math.abs(fit.inertias[r] - want.inertia) < 1e-4 * want.inertia, `restart ${r}: inertia ${fit.inertias[r]} vs ${want.inertia}`);
        if (r === fit.best) {
          assert.equal(Array.from(fit.labels), Array.from(want.labels), 'the best restart\'s labels');
          assert.ok(Math.abs(fit.inertia - want.inertia) < 1e-9 * want.inertia, `best inertia ${fit.inertia} vs ${want.inertia}`);
          fit.centres.forEach((v, e) => assert.ok(Math.abs(v - want.centres[e]) < 1e-6, `centre value ${e}`));
        }
      }
      assert.is(fit.best, fit.inertias.indexOf(Math.min(...fit.inertias)), 'the restart kept has the lowest inertia');
      const again = await fitKmeans(ctx, data, rows, { clusters: k, restarts, iterations: 50, seed: 2 });
      assert.equal([Array.from(again.centres), again.inertias], [Array.from(fit.centres), fit.inertias], 'the same seed, the same bits');
      await expectError(() => fitKmeans(ctx, data, rows, { clusters: 0, restarts, iterations: 5, seed: 1 }), InputError, 'clusters = 0');
      await expectError(() => fitKmeans(ctx, data, rows, { clusters: k, restarts: 0, iterations: 5, seed: 1 }), InputError, 'restarts = 0');
    } finally {
      data.release();
    }
  }),
);

host.run();
gpu.run();
