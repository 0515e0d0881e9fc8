// npm start's report: a quick study in headless Chrome writes results/report.html; opened in Chrome,
// every chart must have rendered (uPlot drew it and its canvas is not blank) with no console errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChrome } from '../harness/backends/chrome.js';

const report = suite('study report (GPU, headless Chrome)');
const out = mkdtempSync(join(tmpdir(), 'harmonium-report-'));

const study = (args: string[]) => spawnSync(process.execPath, ['dist/cli.js', 'study', '--quick', '--out', out, ...args], { encoding: 'utf8', timeout: 300_000 });

report('study --quick writes report.html, report.json and study.json', () => {
  const r = study([]);
  assert.is(r.status, 0, r.stderr);
  const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.is(data.study.points.length, 6, 'two sizes x three temperatures');
  assert.ok(data.benchmarks['bench-ising'], 'Ising benchmark measured in the same run');
  for (const p of data.study.points) assert.ok(p.energy_per_site < 0 && p.energy_err > 0, JSON.stringify(p));
  // The deep models' section: a DBN's samples of each class (10 rows), reconstructions beside PCA's (3 rows), 2-D codes of the 50 test digits, hashing curves.
  const deep = data.sections.deep;
  assert.is(deep.dbn.samples.height, 10 * 29 + 1, 'ten rows of samples');
  assert.is(deep.autoencoders.pretrained.images.height, 3 * 29 + 1, 'digits, the autoencoder\'s and PCA\'s reconstructions');
  assert.equal([deep.codes_2d.labels.length, deep.codes_2d.autoencoder.length], [50, 100]);
  assert.ok(['autoencoder', 'pca', 'lsh'].every((m) => deep.hashing.curves[m].precision.length > 0), 'three hashing curves');
  // The RG section's 2-D stacks: both couplings, each hidden layer's locality and fields, generated configurations (10 of 8 x 8, 8 to a row).
  const lattices = data.sections.rg.lattices as Array<{ coupling: number; layers: unknown[]; fields: unknown[]; generated: { picture: { height: number } } }>;
  assert.equal(lattices.map((l) => [l.coupling, l.layers.length, l.fields.length, l.generated.picture.height]), [[0.408, 2, 2, 19], [0.2, 2, 2, 19]]);
  // The linear section: five fits on the projected digits, each with both scores; six 28 x 28 atoms in one row; both curves from h = 0.
  const linear = data.sections.linear;
  assert.equal(linear.fits.map((f: { score: string }) => f.score), ['log_likelihood', 'log_likelihood', 'inertia', 'log_likelihood', 'log_likelihood']);
  assert.ok(linear.fits.every((f: { train: number; test: number }) => Number.isFinite(f.train) && Number.isFinite(f.test)), JSON.stringify(linear.fits));
  assert.equal([linear.sparse.picture.width, linear.sparse.picture.height, linear.sparse.curves.ista.length, linear.sparse.curves.fista.length], [6 * 29 + 1, 29 + 1, 6, 6]);
  // The VAE section's imputations: 10% and 50% observed and the bottom half missing, each with its curve from mean imputation and its picture (4 rows of 10 digits).
  const imputations = data.sections.vae.imputations as Array<{ observed_fraction: number; missing_mse_per_step: { steps: number[] }; picture: { height: number } }>;
  assert.equal(imputations.map((r) => [Math.round(10 * r.observed_fraction) / 10, r.missing_mse_per_step.steps, r.picture.height]), [[0.1, [0, 3], 4 * 29 + 1], [0.5, [0, 3], 4 * 29 + 1], [0.5, [0, 3], 4 * 29 + 1]]);
  // The VAE trained by the IWAE bound beside the one trained by the ELBO, both evaluated by both bounds.
  const byIwae = data.sections.vae.iwae_trained;
  assert.equal([byIwae.train_k, byIwae.history.length, Number.isFinite(byIwae.iwae_log_px) && Number.isFinite(byIwae.elbo)], [5, 2, true]);
  // The SBN section: wake-sleep and NVIL, each with its per-epoch history and its final estimate.
  const sbn = data.sections.sbn.runs as Array<{ method: string; history: unknown[]; log_px: number }>;
  assert.equal(sbn.map((r) => [r.method, r.history.length, r.log_px < 0]), [['wake-sleep', 2, true], ['nvil', 2, true]]);
  // The GAN section: one ring run per loss (its history, 500 sample points), the MNIST run's 8 x 8 grid of digits and its judge's histogram.
  const gan = data.sections.gan;
  assert.equal(gan.ring.map((r: { loss: string; history: unknown[]; samples: number[] }) => [r.loss, r.history.length, r.samples.length]), ['minimax', 'ns', 'ls', 'wgan', 'wgan-gp', 'hinge'].map((l) => [l, 2, 1000]));
  assert.equal(gan.ring.find((r: { loss: string }) => r.loss === 'ns').snapshots.map((s: { epoch: number }) => s.epoch), [1, 2], 'the ns run across training');
  assert.equal([gan.mnist.samples.width, gan.mnist.class_histogram.length, gan.mnist.snapshots.length], [8 * 29 + 1, 10, 1]);
  // The topics section: the bars' 10 topics after sweeps 0, 1, 2, 5, 10 (a row each of 5 x 5 images), both curves, the Federalist Papers' top words, the DP mixture's sweeps.
  const topics = data.sections.topics;
  assert.equal([topics.bars.snapshot_sweeps, topics.bars.picture.width, topics.bars.picture.height], [[0, 1, 2, 5, 10], 10 * 6 + 1, 5 * 6 + 1]);
  assert.equal([topics.bars.curve.sweeps, topics.federalist.curve.sweeps, topics.federalist.top_words.length], [[0, 1, 2, 5, 10], [0, 1, 2, 3, 4], 4]);
  assert.ok([topics.bars, topics.bars_plsa, topics.federalist, topics.federalist_plsa].every((f: { perplexity: number }) => f.perplexity > 1), 'perplexities');
  assert.is(topics.dpmm.clusters_per_sweep.length, 10);
});

report('every chart in the report rendered, without console errors', async () => {
  // The report is a self-contained file: serve its folder on loopback and open it.
  const session = await startChrome(out);
  try {
    const { page, errors } = await session.open('report.html');
    await page.waitForFunction('document.body.dataset.ready === "true"', { timeout: 30_000 });
    const state = await page.evaluate(() => {
      const charts = [...document.querySelectorAll<HTMLElement>('.chart')];
      const nonBlank = charts.map((c) => {
        const canvas = c.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < pixels.length; i += 4 * 97) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
        return colours.size;
      });
      return { expected: Number(document.body.dataset.chartsExpected), rendered: Number(document.body.dataset.charts), nonBlank, titles: charts.map((c) => c.dataset.title) };
    });
    assert.ok(state.expected >= 4, `charts expected: ${state.expected}`);
    assert.is(state.rendered, state.expected, `rendered ${state.rendered} of ${state.expected}: ${state.titles.join(', ')}`);
    state.nonBlank.forEach((colours, i) => assert.ok(colours > 3, `chart '${state.titles[i]}' looks blank (${colours} colours)`));
    assert.equal(errors, []);
  } finally {
    await session.close();
  }
});

report('--resume reuses the saved points', () => {
  const r = study(['--resume', '--no-bench', '--no-sections']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /resuming, 6 points already in/);
});
report.run();
