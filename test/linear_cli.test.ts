// The linear feature's jobs and commands (harness/linear: pca, fa): the JSON's numbers from the model
// (the training examples' log-likelihood without --test, the ratios of the total variance, EM's
// account), the model files' tensors, and bad input (exit 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, InputError } from '../engine/index.js';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec } from '../harness/cli/schema.js';
import { fromBase64 } from '../harness/io/base64.js';
import { faCommand, gmmCommand, kmeansCommand, pcaCommand, sparseCodingCommand } from '../harness/linear/command.js';
import { FA_JOB, GMM_JOB, KMEANS_JOB, PCA_JOB, SPARSE_CODING_JOB } from '../harness/linear/flags.js';
import { runFa, runGmm, runKmeans, runPca, runSparseCoding } from '../harness/linear/job.js';
import { kmeansAssign } from '../models/kmeans.js';
import { labelledBytes } from '../harness/data/dataset.js';
import { loadData } from '../harness/data/source.js';
import { expectError, expectRefused } from './expect.js';
import { loadRows } from '../harness/linear/data.js';
import { DeviceDataset } from '../models/minibatch.js';
import { sparseCodes } from '../models/sparse_coding.js';
import { openTestGpu } from './gpu.js';

const gpu = suite('the pca job (GPU)');

gpu("pca on 600 digits: the training examples' log-likelihood without --test, ratios of the total, the model file's tensors", async () => {
  const gpu = await openTestGpu();
  const spec = (extra: Record<string, unknown>) => readSpec(PCA_JOB, { job: 'pca', components: 5, train_count: 600, test_count: 100, ...extra }, 'pca');
  const r = await withJobContext((ctx) => runPca(ctx, spec({ return_model: true })), { gpu });
  assert.is(r.log_likelihood, r.train_log_likelihood, 'no --test: the training data\'s');
  assert.ok((r.train_log_likelihood as number) > (r.test_log_likelihood as number), 'the fit is better on its own examples');
  const variance = r.explained_variance as number[];
  assert.equal(r.explained_variance_ratio, variance.map((v) => v / (r.total_variance as number)));
  // The total variance against the digits' own, n - 1 in the denominator, in float64.
  const split = await loadData('node', { data: 'mnist', 'train-count': 600, 'test-count': 100 });
  const x = Float64Array.from(labelledBytes(split.train).images, (b) => Math.fround(b / 255));
  let total = 0;
  for (let e = 0; e < 784; e++) {
    let [s, s2] = [0, 0];
    for (let row = 0; row < 600; row++) [s, s2] = [s + x[row * 784 + e], s2 + x[row * 784 + e] ** 2];
    total += (s2 - (s * s) / 600) / 599;
  }
  assert.ok(Math.abs((r.total_variance as number) - total) < 1e-5 * total, `total variance ${r.total_variance} vs ${total}`);
  assert.ok(variance.every((v, i) => i === 0 || v <= variance[i - 1]), 'descending');
  assert.ok((r.noise_variance as number) > 0 && (r.noise_variance as number) < variance[4]);
  const file = decodeSafetensors(fromBase64(r.model_base64 as string), 'm');
  assert.equal(file.metadata.model, 'pca');
  assert.equal(file.tensors.components.shape, [5, 784]);
  assert.equal(Array.from(file.tensors.explained_variance.data), variance);
  assert.equal(Array.from(file.tensors.noise_variance.data), [r.noise_variance]);
  await expectError(() => withJobContext((ctx) => runPca(ctx, spec({ components: 785 })), { gpu }), InputError, 'components = 785 must be an integer in [1, 784]');
  // EM: its account per step, the last its model's log-likelihood on the training digits.
  const em = await withJobContext((ctx) => runPca(ctx, spec({ method: 'em', iterations: 5 })), { gpu });
  const steps = em.em_log_likelihood as number[];
  assert.is(steps.length, 6);
  assert.ok(Math.abs(steps[5] - (em.train_log_likelihood as number)) < 1e-4 * Math.abs(steps[5]), `${steps[5]} vs ${em.train_log_likelihood}`);
  assert.is(r.em_log_likelihood, null);
});

gpu("fa on 300 digits: EM's account climbs and ends at the training digits' log-likelihood, the model file's W' and noise", async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runFa(ctx, readSpec(FA_JOB, { job: 'fa', components: 3, iterations: 20, tolerance: 0, train_count: 300, test_count: 100, return_model: true }, 'fa')), { gpu });
  const steps = r.em_log_likelihood as number[];
  assert.is(steps.length, 21);
  assert.is(r.iterations, 20);
  assert.ok(steps[20] > steps[1], 'EM climbs');
  assert.is(r.log_likelihood, r.train_log_likelihood);
  assert.ok(Math.abs(steps[20] - (r.train_log_likelihood as number)) < 1e-4 * Math.abs(steps[20]), `${steps[20]} vs ${r.train_log_likelihood}`);
  const file = decodeSafetensors(fromBase64(r.model_base64 as string), 'm');
  assert.equal([file.metadata.model, file.tensors.components.shape, file.tensors.noise_variance.shape], ['fa', [3, 784], [784]]);
  assert.equal(Array.from(file.tensors.noise_variance.data), r.noise_variance);
  assert.ok((r.noise_variance as number[]).every((v) => v >= 1e-12), 'at least the floor');
  // A tolerance no step can meet stops after the first.
  const early = await withJobContext((ctx) => runFa(ctx, readSpec(FA_JOB, { job: 'fa', components: 3, iterations: 20, tolerance: 1e9, train_count: 300, test_count: 100 }, 'fa')), { gpu });
  assert.equal([early.iterations, (early.em_log_likelihood as number[]).length], [1, 2]);
});

gpu("kmeans on 300 digits: the best restart's inertia, the labels asked for, the held-out inertia against the centres in the file", async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runKmeans(ctx, readSpec(KMEANS_JOB, { job: 'kmeans', clusters: 4, restarts: 3, iterations: 30, labels: true, train_count: 300, test_count: 100, return_model: true }, 'kmeans')), { gpu });
  const inertias = r.inertias as number[];
  assert.is(inertias.length, 3);
  assert.is(r.best_restart, inertias.indexOf(Math.min(...inertias)));
  assert.is(r.inertia, r.train_inertia, 'no --test: the training examples\'');
  assert.is((r.labels as number[]).length, 300);
  const centres = decodeSafetensors(fromBase64(r.model_base64 as string), 'm').tensors.centres;
  assert.equal(centres.shape, [4, 784]);
  const split = await loadData('node', { data: 'mnist', 'train-count': 300, 'test-count': 100 });
  const rows = (d: typeof split.test) => Float64Array.from(labelledBytes(d).images, (b) => Math.fround(b / 255));
  assert.is(r.test_inertia, kmeansAssign(rows(split.test), 100, centres.data, 4, 784).inertia);
  assert.equal(Array.from(kmeansAssign(rows(split.train), 300, centres.data, 4, 784).labels), r.labels, 'the labels are the centres\' own assignment');
});

gpu("gmm on 300 digits: BIC from the reported log-likelihood, EM's account never falling, the model file's weights", async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runGmm(ctx, readSpec(GMM_JOB, { job: 'gmm', components: 3, covariance: 'spherical', iterations: 10, train_count: 300, test_count: 100, return_model: true }, 'gmm')), { gpu });
  const p = r.parameters as number;
  assert.is(p, 3 * 784 + 3 + 2);
  assert.is(r.bic, -2 * 300 * (r.log_likelihood as number) + p * Math.log(300));
  const steps = r.em_log_likelihood as number[];
  steps.forEach((ll, i) => i === 0 || assert.ok(ll >= steps[i - 1] - 1e-5 * Math.abs(ll), `step ${i}: ${ll} after ${steps[i - 1]}`));
  const file = decodeSafetensors(fromBase64(r.model_base64 as string), 'm');
  assert.equal(Array.from(file.tensors.weights.data), r.weights);
  assert.ok(Math.abs((r.weights as number[]).reduce((a, b) => a + b, 0) - 1) < 1e-9, 'weights sum to 1');
  // Full covariances on blobs: the model file's K x d x d covariances, their diagonals the variances.
  const full = await withJobContext((ctx) => runGmm(ctx, readSpec(GMM_JOB, { job: 'gmm', data: 'blobs', blob_samples: 120, blob_features: 3, blob_std: 0.3, components: 3, covariance: 'full', labels: true, samples: 4, return_model: true }, 'gmm')), { gpu });
  assert.equal([(full.labels as number[]).length, (full.samples as number[][]).length, (full.samples as number[][])[0].length, (full.sample_components as number[]).length], [96, 4, 3, 4]);
  // Tight blobs (std 0.3): the labels are the planted clusters (training row i in cluster i mod 3), up to naming.
  const labels = full.labels as number[];
  labels.forEach((l, i) => assert.is(l, labels[i % 3], `row ${i}`));
  const tensors = decodeSafetensors(fromBase64(full.model_base64 as string), 'm').tensors;
  assert.equal([tensors.covariances.shape, full.parameters], [[3, 3, 3], 3 * 3 + 3 * 6 + 2]);
  for (let c = 0; c < 3; c++) for (let e = 0; e < 3; e++) assert.is(tensors.covariances.data[(c * 3 + e) * 3 + e], tensors.variances.data[c * 3 + e]);
});

gpu("sparse-coding on digits' 7 x 7 patches: objective and sparsity per set, the curves, atoms within the unit ball, the held-out objective against the atoms in the file", async () => {
  const gpu = await openTestGpu();
  const spec = readSpec(SPARSE_CODING_JOB, { job: 'sparse-coding', patch: 7, components: 6, alpha: 0.2, iterations: 3, code_iterations: 20, train_count: 20, test_count: 10, return_model: true }, 'sparse-coding');
  const r = await withJobContext((ctx) => runSparseCoding(ctx, spec), { gpu });
  assert.equal([r.width, r.objective, r.sparsity], [49, r.train_objective, r.train_sparsity]);
  assert.ok((r.test_sparsity as number) > 0 && (r.test_sparsity as number) < 1, `sparsity ${r.test_sparsity}`);
  const curves = r.curves as { ista: number[]; fista: number[] };
  assert.equal([curves.ista.length, curves.fista.length], [21, 21]);
  assert.is(curves.ista[0], curves.fista[0], 'both start from h = 0');
  assert.ok(Math.abs(curves.fista[20] - (r.test_objective as number)) < 1e-4 * (r.test_objective as number), `FISTA's curve ends at the held-out objective: ${curves.fista[20]} vs ${r.test_objective}`);
  assert.is((r.learning_objective as number[]).length, 3);
  const atoms = decodeSafetensors(fromBase64(r.model_base64 as string), 'm').tensors.components;
  assert.equal(atoms.shape, [6, 49]);
  for (let i = 0; i < 6; i++) assert.ok(Math.hypot(...atoms.data.subarray(i * 49, (i + 1) * 49)) <= 1 + 1e-9, `atom ${i}`);
  await withJobContext(async (ctx) => {
    const split = await loadRows(ctx, { ...spec, data: 'mnist' } as never);
    const test = await DeviceDataset.uploadRows(ctx, split.test, 'test');
    try {
      const codes = await sparseCodes(ctx, Float64Array.from(atoms.data), 6, test, { alpha: 0.2, iterations: 20, method: 'fista' });
      assert.equal([codes.objective, codes.sparsity], [r.test_objective, r.test_sparsity]);
    } finally {
      test.release();
    }
  }, { gpu });
});

const cli = suite('pca, fa, sparse-coding, kmeans and gmm CLI');

cli('bad flags: exit 2 and a message naming the flag, before any device is opened', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ pca: pcaCommand }, args, message);
  await refused(['pca', '--components', '0'], /--components/);
  await refused(['pca', '--data', '/nonexistent.npy'], /nonexistent.npy: cannot read/);
  await refused(['pca', '--out', '/tmp'], /--out \/tmp: is a directory/);
  await refused(['pca', '--method', 'svd'], /--method/);
  const fa = (args: string[], message: RegExp) => expectRefused({ fa: faCommand }, args, message);
  await fa(['fa', '--components', '0'], /--components/);
  await fa(['fa', '--tolerance', '-1'], /--tolerance/);
  await fa(['fa', '--iterations', '0'], /--iterations/);
  const km = (args: string[], message: RegExp) => expectRefused({ kmeans: kmeansCommand }, args, message);
  await km(['kmeans', '--clusters', '0'], /--clusters/);
  await km(['kmeans', '--restarts', '0'], /--restarts/);
  const gmm = (args: string[], message: RegExp) => expectRefused({ gmm: gmmCommand }, args, message);
  await gmm(['gmm', '--covariance', 'tied'], /--covariance/);
  await gmm(['gmm', '--components', '0'], /--components/);
  await gmm(['gmm', '--reg-covar', '-1'], /--reg-covar/);
  const sc = (args: string[], message: RegExp) => expectRefused({ 'sparse-coding': sparseCodingCommand }, args, message);
  await sc(['sparse-coding', '--alpha', '-1'], /--alpha/);
  await sc(['sparse-coding', '--method', 'lars'], /--method/);
  await sc(['sparse-coding', '--png', '/tmp'], /--png \/tmp: is a directory/);
  await sc(['sparse-coding', '--patch', '0'], /--patch/);
});

gpu.run();
cli.run();
