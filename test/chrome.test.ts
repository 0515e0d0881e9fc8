// Node and headless Chrome run the same runJob: the same seed must give bit-identical lattices, and the
// same models (RBM, VAE, autoencoder) from a training run, the same k-means centres.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runJob } from '../harness/backends/jobs.js';
import { runJobInChrome, startChrome, BrowserJobError, type ChromeSession } from '../harness/backends/chrome.js';
import type { JsonObject } from '../harness/io/json.js';
import { openTestGpu } from './gpu.js';
import { check } from './ops_util.js';

const chrome = suite('Node = headless Chrome (GPU, both backends)');
let session: ChromeSession;

chrome.before(async () => {
  session = await startChrome();
});
chrome.after(async () => {
  await session?.close();
});

const cases: JsonObject[] = [
  { job: 'ising', size: 32, temperature: 2.3, sweeps: 20, burn_in: 5, algorithm: 'heatbath', seed: 99, start: 'hot', return_sites: true },
  { job: 'ising', size: 32, temperature: 1.9, field: 0.2, sweeps: 20, burn_in: 5, algorithm: 'metropolis', seed: 98, start: 'hot', return_sites: true },
  { job: 'ising', size: 128, temperature: 2.2, sweeps: 20, burn_in: 5, algorithm: 'multispin', seed: 97, start: 'hot', return_sites: true },
];

for (const spec of cases) {
  chrome(`${spec.algorithm} L=${spec.size}: identical lattice and observables`, async () => {
    const gpu = await openTestGpu();
    const node = await runJob(spec, { gpu });
    const browser = (await runJobInChrome(spec, { session })) as JsonObject;
    assert.is((browser.adapter as JsonObject).runtime, 'browser');
    assert.is(browser.sites_base64, node.sites_base64, 'final lattice');
    for (const key of ['energy_per_site', 'magnetization_abs', 'm2', 'm4', 'binder', 'energy_err']) assert.is(browser[key], node[key], key);
  });
}

chrome('an error inside the page comes back typed, with its exit status', async () => {
  try {
    await runJobInChrome({ job: 'ising', size: 96, temperature: 2, sweeps: 1, algorithm: 'multispin' }, { session });
    assert.unreachable('ran');
  } catch (e) {
    assert.instance(e, BrowserJobError);
    assert.is((e as BrowserJobError).exitCode, 2);
    assert.match((e as Error).message, /multiple of 64/);
  }
});

chrome('the page checks a job spec with the same flag declarations as the CLI', async () => {
  const cases: [JsonObject, RegExp][] = [
    [{ job: 'ising', size: 'big', temperature: 2 }, /job 'ising': 'size' must be a finite number, got 'big'/],
    [{ job: 'ising', size: 64 }, /job 'ising': 'temperature' is required/],
    [{ job: 'ising', size: 64, temperature: 2, sweep: 5 }, /job 'ising': unknown parameter 'sweep'/],
    [{ job: 'ising', size: 64, temperature: 2, algorithm: 'wolff' }, /job 'ising': 'algorithm' must be one of heatbath, metropolis, multispin; got 'wolff'/],
  ];
  for (const [spec, message] of cases) {
    try {
      await runJobInChrome(spec, { session });
      assert.unreachable(`ran ${JSON.stringify(spec)}`);
    } catch (e) {
      assert.instance(e, BrowserJobError);
      assert.is((e as BrowserJobError).exitCode, 2);
      assert.match((e as Error).message, message);
    }
  }
});

// The models' training jobs, one after another on the session's one runner page (after the errors
// above): Node and Chrome from the same seed. Floats agree within a tolerance in general; both runs here
// use the same SwiftShader build, and there the model files (parameters, optimiser state, per-step
// losses) agree byte for byte.
const trainings: Array<[string, JsonObject, string]> = [
  ['rbm-train, PCD-1 with 20 chains', { job: 'rbm-train', hidden: 12, epochs: 1, batch: 50, pcd: true, chains: 20, train_count: 200, test_count: 50, seed: 5, return_model: true }, 'train_reconstruction_error'],
  ['vae-train, a gaussian latent', { job: 'vae-train', hidden: [16], latent: 3, epochs: 1, batch: 50, train_count: 200, test_count: 50, seed: 6, return_model: true }, 'test_elbo'],
  ['kmeans, 3 restarts at once', { job: 'kmeans', clusters: 4, restarts: 3, iterations: 20, train_count: 200, test_count: 50, seed: 7, return_model: true }, 'inertias'],
  ['gmm, full covariances on blobs', { job: 'gmm', data: 'blobs', blob_samples: 150, blob_features: 3, components: 3, covariance: 'full', iterations: 5, seed: 8, return_model: true }, 'em_log_likelihood'],
  ['fa, EM on digits projected to 12 values', { job: 'fa', project: 12, components: 3, iterations: 5, train_count: 200, test_count: 50, seed: 9, return_model: true }, 'em_log_likelihood'],
  ['dpmm, blocked Gibbs on blobs', { job: 'dpmm', data: 'blobs', planted: 3, blob_samples: 60, sweeps: 10, burn_in: 2, seed: 13 }, 'clusters_per_sweep'],
  ['plsa, EM on the bars', { job: 'plsa', bars_documents: 50, iterations: 10, seed: 12, return_model: true }, 'em_log_likelihood_per_token'],
  ['lda-train, collapsed Gibbs on the bars', { job: 'lda-train', bars_documents: 50, sweeps: 20, seed: 11, return_model: true }, 'log_likelihood_per_token'],
  ['lda-train on the Federalist Papers (the page fetches them)', { job: 'lda-train', data: 'federalist', max_vocabulary: 300, topics: 4, sweeps: 2, seed: 14, return_model: true }, 'log_likelihood_per_token'],
  ['sbn-train, NVIL (its running averages in the model file too)', { job: 'sbn-train', hidden: [12], method: 'nvil', epochs: 1, batch: 50, train_count: 200, test_count: 50, eval_k: 2, seed: 15, return_model: true }, 'train_elbo'],
  ['gan-train, wgan-gp on the ring (the double backward in a page)', { job: 'gan-train', loss: 'wgan-gp', generator: [8], discriminator: [8], ring_samples: 320, batch: 32, epochs: 1, eval_samples: 100, seed: 16, return_model: true }, 'd_loss'],
  ['sparse-coding, 7 x 7 patches', { job: 'sparse-coding', patch: 7, components: 5, alpha: 0.2, iterations: 2, code_iterations: 10, train_count: 20, test_count: 10, seed: 10, return_model: true }, 'learning_objective'],
];
for (const [what, spec, metric] of trainings) {
  chrome(`${what}: the same model in Node and in Chrome (byte for byte on SwiftShader)`, async () => {
    const gpu = await openTestGpu();
    const node = await runJob(spec, { gpu });
    const page = (await runJobInChrome(spec, { session })) as JsonObject;
    assert.is((page.adapter as JsonObject).runtime, 'browser');
    const values = (r: JsonObject) => [r[metric]].flat() as number[];
    assert.ok(values(node).length > 0 && values(node).every(Number.isFinite), `${metric}: ${JSON.stringify(node[metric])}`);
    check(`${metric}, chrome vs node`, values(page), values(node), { atol: 0, rtol: 1e-5 });
    if ([node, page].every((r) => String((r.adapter as JsonObject).description).includes('SwiftShader'))) {
      assert.is(page.model_base64, node.model_base64, 'model files, byte for byte');
    }
  });
}
chrome.run();
