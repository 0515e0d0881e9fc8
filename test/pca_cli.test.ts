// The pca feature's job and command (harness/pca): the JSON's numbers from the model (the training
// examples' log-likelihood without --test, the ratios of the total variance), the model file's
// tensors, and bad input (exit 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, InputError } from '../engine/index.js';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec } from '../harness/cli/schema.js';
import { fromBase64 } from '../harness/io/base64.js';
import { pcaCommand } from '../harness/pca/command.js';
import { PCA_JOB } from '../harness/pca/flags.js';
import { runPca } from '../harness/pca/job.js';
import { expectError, expectRefused } from './expect.js';
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

const cli = suite('pca CLI');

cli('bad flags: exit 2 and a message naming the flag, before any device is opened', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ pca: pcaCommand }, args, message);
  await refused(['pca', '--components', '0'], /--components/);
  await refused(['pca', '--data', '/nonexistent.npy'], /nonexistent.npy: cannot read/);
  await refused(['pca', '--out', '/tmp'], /--out \/tmp: is a directory/);
});

gpu.run();
cli.run();
