// The linear models' data (harness/linear/data.ts, data_node.ts, harness/data/blobs.ts): blobs drawn
// as stated, a file's rows as they are (not intensities), --project as the training rows' PCA, the
// .npy the command sends, and bad files refused (exit 2) before any device opens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, InputError, normal2, rngBits, RNG_PURPOSES, uniform24 } from '../engine/index.js';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec, toSpec } from '../harness/cli/schema.js';
import { makeBlobs } from '../harness/data/blobs.js';
import { encodeNpyF32, parseNpy } from '../harness/data/npy.js';
import { fromBase64 } from '../harness/io/base64.js';
import { kmeansCommand, pcaCommand } from '../harness/linear/command.js';
import { patches } from '../harness/linear/data.js';
import { readRowsFlags } from '../harness/linear/data_node.js';
import { KMEANS_JOB, PCA_JOB } from '../harness/linear/flags.js';
import { runKmeans, runPca } from '../harness/linear/job.js';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu } from './gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'harmonium-linear-data-'));
const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

const host = suite('linear data on the host');

host('blobs: centres uniform in the box, example i in cluster i mod K, centre plus std times Box-Muller normals', () => {
  const { values, labels, centres } = makeBlobs({ samples: 7, centers: 3, features: 3, std: 0.5, seed: 4 });
  assert.equal(Array.from(labels), [0, 1, 2, 0, 1, 2, 0]);
  assert.is(centres[4], -10 + 20 * uniform24(rngBits(4, RNG_PURPOSES.blobs, 0, 4, 0)[0]));
  // Example 5, value 2: cluster 2, the first normal of pair 1 (values 2 and 3).
  const bits = rngBits(4, RNG_PURPOSES.blobs, 6, 1, 0);
  assert.is(values[5 * 3 + 2], Math.fround(centres[2 * 3 + 2] + 0.5 * normal2(bits[0], bits[1])[0]));
});

host('encodeNpyF32: numpy\'s header (a multiple of 64 bytes), read back by parseNpy', () => {
  const bytes = encodeNpyF32(Float32Array.of(1.5, -2, 3, 4e-8, 5, 6), [3, 2]);
  assert.is((bytes.length - 24) % 64, 0);
  const back = parseNpy(bytes, 'x.npy');
  assert.equal([back.dtype, back.shape, Array.from(back.data)], ['f32', [3, 2], Array.from(Float32Array.of(1.5, -2, 3, 4e-8, 5, 6))]);
  assert.is(parseNpy(encodeNpyF32(Float32Array.of(7, 8), [2]), 'v.npy').shape[0], 2);
});

host('a CSV of rows: the values as they are, an image stack flattened, labels after a comma', () => {
  const spec = readRowsFlags({ data: `${file('rows.csv', 'a,b\n10,-2.5\n300,4\n')},${file('labels.csv', '1\n0\n')}` });
  assert.equal(Array.from(parseNpy(fromBase64(spec['data-rows']!), 'r').data), [10, -2.5, 300, 4]);
  assert.equal(Array.from(parseNpy(fromBase64(spec['data-labels']!), 'l').data), [1, 0]);
  const stack = readRowsFlags({ data: file('stack.npy', encodeNpyF32(new Float32Array(12), [2, 2, 3])) });
  assert.equal(parseNpy(fromBase64(stack['data-rows']!), 's').shape, [2, 6]);
});

host('patches: the non-overlapping P x P squares of each row, blank ones dropped, the row\'s label kept', () => {
  // Two 4 x 4 images: the first all ones but its top-left 2 x 2 square; the second blank.
  const values = Float32Array.from({ length: 32 }, (_, i) => (i < 16 && !(i % 4 < 2 && i < 8) ? i : 0));
  const cut = patches({ values, labels: Uint8Array.of(7, 3), count: 2, width: 16 }, 2);
  assert.equal([cut.count, cut.width, Array.from(cut.labels)], [3, 4, [7, 7, 7]]);
  assert.equal(Array.from(cut.values), [2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
  assert.throws(() => patches({ values: new Float32Array(10), labels: new Uint8Array(2), count: 2, width: 5 }, 2), /5 values, not a square image/);
  assert.throws(() => patches({ values: new Float32Array(32), labels: new Uint8Array(2), count: 2, width: 16 }, 5), /--patch 5: larger than the 4 x 4 images/);
});

const cli = suite('linear data: bad files (exit 2)');

cli('NaN, a ragged CSV, a vector, labels that do not fit: refused naming the file', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ kmeans: kmeansCommand }, args, message);
  await refused(['kmeans', '--data', file('nan.npy', encodeNpyF32(Float32Array.of(1, 2, NaN, 4), [2, 2]))], /nan.npy: row 2, value 1 is NaN/);
  await refused(['kmeans', '--data', file('ragged.csv', '1,2\n3\n')], /ragged.csv: line 2: 1 fields, expected 2/);
  await refused(['kmeans', '--data', file('vector.npy', encodeNpyF32(Float32Array.of(1, 2), [2]))], /vector.npy: shape 2; expected count x values/);
  await refused(['kmeans', '--data', `${file('two.csv', '1,2\n3,4\n')},${file('three.csv', '0\n1\n2\n')}`], /2 rows but 3 labels/);
  await refused(['kmeans', '--data', `${file('two2.csv', '1,2\n3,4\n')},${file('half.csv', '0\n1.5\n')}`], /half.csv: label 1.5 at index 1/);
  await refused(['kmeans', '--data', 'blobs', '--blob-std', '-1'], /--blob-std/);
  await refused(['kmeans', '--project', '0'], /--project/);
  await expectRefused({ pca: pcaCommand }, ['pca', '--data', 'x.csv,'], /expected FILE or FILE,LABELS/);
});

const gpu = suite('linear data on the GPU');

gpu('k-means on blobs finds the planted clusters; a file of the same rows gives the same inertia', async () => {
  const gpu = await openTestGpu();
  const blobs = { data: 'blobs', blob_samples: 200, blob_centers: 4, blob_features: 3, blob_std: 0.5, seed: 3 };
  const r = await withJobContext((ctx) => runKmeans(ctx, readSpec(KMEANS_JOB, { job: 'kmeans', clusters: 4, restarts: 2, labels: true, ...blobs }, 'kmeans')), { gpu });
  // The split keeps 40 per cluster for training, round-robin: training row i is in cluster i mod 4.
  const labels = r.labels as number[];
  assert.is(labels.length, 160);
  const found = [0, 1, 2, 3].map((c) => labels[c]);
  assert.is(new Set(found).size, 4, 'four clusters found');
  labels.forEach((l, i) => assert.is(l, found[i % 4], `row ${i}`));
  // The same rows from a file (all of them training: --test the same file) against the job's own draw.
  const { values } = makeBlobs({ samples: 200, centers: 4, features: 3, std: 0.5, seed: 3 });
  const path = file('blobs.npy', encodeNpyF32(values, [200, 3]));
  const fromFile = await withJobContext((ctx) => runKmeans(ctx, readSpec(KMEANS_JOB, toSpec('kmeans', KMEANS_JOB, { clusters: 4, restarts: 2, data: path, test: path, ...readRowsFlags({ data: path, test: path }) }), 'kmeans')), { gpu });
  assert.is(fromFile.train_count, 200);
  assert.ok(Math.abs((fromFile.inertia as number) - 200 * 3 * 0.25) < 0.2 * 200 * 3 * 0.25, `inertia ${fromFile.inertia} near n d std^2 = 150`);
});

gpu('--project past the width, a --test file of another width, blank patches: refused naming the flag', async () => {
  const gpu = await openTestGpu();
  const kmeans = (values: Record<string, unknown>) => withJobContext((ctx) => runKmeans(ctx, readSpec(KMEANS_JOB, toSpec('kmeans', KMEANS_JOB, { clusters: 2, ...values, ...readRowsFlags(values) }), 'kmeans')), { gpu });
  const rows = file('rows3.csv', '1,2,3\n4,5,6\n7,8,9\n1,1,1\n');
  await expectError(() => kmeans({ data: rows, project: 4 }), InputError, '--project 4: the data have only 3 values per example');
  await expectError(() => kmeans({ data: rows, test: file('rows2.csv', '1,2\n3,4\n') }), InputError, '2 values per row', 'has 3');
  await expectError(() => kmeans({ data: file('blank.csv', '0,0,0,0\n0,0,0,0\n0,0,0,0\n'), patch: 2 }), InputError, '--patch 2: every patch');
});

gpu("--project: the PCA of the projected rows keeps the leading variances; the model's mean is zero", async () => {
  const gpu = await openTestGpu();
  const spec = (extra: Record<string, unknown>) => readSpec(PCA_JOB, { job: 'pca', components: 3, train_count: 300, test_count: 50, ...extra }, 'pca');
  const raw = await withJobContext((ctx) => runPca(ctx, spec({})), { gpu });
  const projected = await withJobContext((ctx) => runPca(ctx, spec({ project: 8, return_model: true })), { gpu });
  assert.equal([projected.width, projected.projected], [8, 8]);
  const [a, b] = [raw.explained_variance as number[], projected.explained_variance as number[]];
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-4 * v, `component ${i}: ${v} vs ${b[i]}`));
  const mean = decodeSafetensors(fromBase64(projected.model_base64 as string), 'm').tensors.mean.data;
  assert.ok(Array.from(mean).every((m) => Math.abs(m) < 1e-4), 'projections of the training rows are centred');
});

host.run();
cli.run();
gpu.run();
