// The 'lda-train' job and `harmonium lda train`: the JSON's numbers from the model (the bars'
// topic recovery, perplexity, top words, the model file), a text corpus from a file and a folder, and
// bad corpora refused (exit 2) naming the file and the line before any device opens.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { decodeSafetensors, encodeSafetensors } from '../engine/index.js';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec, toSpec } from '../harness/cli/schema.js';
import { fromBase64 } from '../harness/io/base64.js';
import { dpmmCommand, ldaTrainCommand } from '../harness/topics/command.js';
import { readCorpusFlags, readDocuments } from '../harness/topics/data_node.js';
import { DPMM_JOB, LDA_TRAIN_JOB, PLSA_JOB } from '../harness/topics/flags.js';
import { runDpmm, runLdaTrain, runPlsa } from '../harness/topics/job.js';
import { barsTopicsGrid } from '../harness/topics/pictures.js';
import { barsTopics, BARS_TOPICS } from '../harness/data/bars.js';
import { expectRefused } from './expect.js';
import { openTestGpu } from './gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'harmonium-lda-'));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const gpu = suite('lda train (GPU)');

gpu('lda-train on 300 bars documents: the bars recovered, perplexity near the bars\' own, the model file\'s counts', async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runLdaTrain(ctx, readSpec(LDA_TRAIN_JOB, { job: 'lda-train', bars_documents: 300, sweeps: 300, seed: 2, return_model: true }, 'lda-train')), { gpu });
  assert.equal([r.documents, r.held_out_documents, r.tokens, r.vocabulary], [240, 60, 24000, 25]);
  assert.ok((r.topic_recovery as number) < 0.3, `topic recovery ${r.topic_recovery}`);
  // A bar spreads over 5 words and a document mixes a few bars: perplexity between 5 and 25 (uniform).
  assert.ok((r.perplexity as number) > 5 && (r.perplexity as number) < 25, `perplexity ${r.perplexity}`);
  assert.is(Math.exp(-(r.held_out_log_likelihood_per_token as number)), r.perplexity);
  const file = decodeSafetensors(fromBase64(r.model_base64 as string), 'm');
  assert.equal([file.metadata.model, file.tensors.topic_word_counts.shape, JSON.parse(file.metadata.vocabulary).length], ['lda', [25, 10], 25]);
  assert.is(Array.from(file.tensors.topic_word_counts.data).reduce((a, b) => a + b, 0), 24000, 'every training token counted once');
  // A bar's top words: the five words of one row or one column of the grid.
  const words = (r.top_words as string[][]).map((w) => w.slice(0, 5));
  assert.ok(words.some((w) => new Set(w.map((x) => x.slice(0, 2))).size === 1 || new Set(w.map((x) => x.slice(2))).size === 1), JSON.stringify(words));
});

gpu('checkpoints: the curve ends at the run\'s perplexity, the bars\' topics kept at each, and the chain is the one a run without them draws', async () => {
  const gpu = await openTestGpu();
  const run = (extra: object) => withJobContext((ctx) => runLdaTrain(ctx, readSpec(LDA_TRAIN_JOB, { job: 'lda-train', bars_documents: 50, sweeps: 20, seed: 5, ...extra }, 'lda-train')), { gpu });
  const plain = await run({});
  const r = await run({ checkpoints: [20, 0, 5] });
  assert.equal([r.log_likelihood_per_token, r.perplexity], [plain.log_likelihood_per_token, plain.perplexity], 'the checkpoints do not disturb the chain');
  const curve = r.perplexity_curve as { sweeps: number[]; perplexity: number[] };
  assert.equal(curve.sweeps, [0, 5, 20]);
  assert.is(curve.perplexity[2], r.perplexity);
  assert.is(plain.perplexity_curve, undefined);
  const snapshots = r.topic_snapshots as { sweeps: number[]; topics: number[][] };
  assert.equal([snapshots.sweeps, snapshots.topics.map((t) => t.length)], [[0, 5, 20], [250, 250, 250]]);
  assert.equal((plain.topic_snapshots as { sweeps: number[] }).sweeps, [20], 'without checkpoints, the last sweep\'s topics');
  assert.equal(snapshots.topics[2], (plain.topic_snapshots as { topics: number[][] }).topics[0]);
});

gpu('--optimize-every: alpha and eta estimated at the stated sweeps, the last estimates the model\'s', async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runLdaTrain(ctx, readSpec(LDA_TRAIN_JOB, { job: 'lda-train', bars_documents: 100, sweeps: 70, optimize_every: 20, optimize_after: 30, alpha: 0.2, eta: 0.3, seed: 6, return_model: true }, 'lda-train')), { gpu });
  const estimates = r.prior_estimates as { sweeps: number[]; alpha: number[]; eta: number[] };
  assert.equal([estimates.sweeps, r.initial_alpha, r.initial_eta], [[40, 60], 0.2, 0.3]);
  assert.ok([...estimates.alpha, ...estimates.eta].every((x) => x > 0 && Number.isFinite(x)), JSON.stringify(estimates));
  assert.equal([r.alpha, r.eta], [estimates.alpha[1], estimates.eta[1]]);
  const metadata = decodeSafetensors(fromBase64(r.model_base64 as string), 'm').metadata;
  assert.equal([Number(metadata.alpha), Number(metadata.eta)], [r.alpha, r.eta]);
});

gpu('plsa on 100 bars documents: EM\'s account never falls and ends at the reported log-likelihood; perplexity; the model file\'s topics', async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runPlsa(ctx, readSpec(PLSA_JOB, { job: 'plsa', bars_documents: 100, iterations: 30, seed: 3, return_model: true }, 'plsa')), { gpu });
  const history = r.em_log_likelihood_per_token as number[];
  assert.is(history.length, 31);
  history.forEach((x, i) => i === 0 || assert.ok(x >= history[i - 1] - 1e-6, `step ${i}: ${x} after ${history[i - 1]}`));
  assert.ok(Math.abs(history[30] - (r.log_likelihood_per_token as number)) < 1e-5, `${history[30]} vs ${r.log_likelihood_per_token}`);
  assert.ok((r.perplexity as number) > 5 && (r.perplexity as number) < 30, `perplexity ${r.perplexity}`);
  assert.is(r.held_out_tokens_unseen, 0, 'every bars word is in the training documents');
  const topics = decodeSafetensors(fromBase64(r.model_base64 as string), 'm').tensors.topic_words;
  assert.equal(topics.shape, [10, 25]);
  for (let z = 0; z < 10; z++) assert.ok(Math.abs(Array.from(topics.data.subarray(z * 25, (z + 1) * 25)).reduce((a, b) => a + b, 0) - 1) < 1e-5, `topic ${z} sums to 1`);
});

gpu('a text file of documents: tokenized, split, fitted', async () => {
  const gpu = await openTestGpu();
  const lines = Array.from({ length: 30 }, (_, i) => (i % 2 ? 'apple banana cherry apple banana fruit fruit' : 'engine wheel brake engine wheel motor motor'));
  const path = file('docs.txt', lines.join('\n') + '\n');
  const spec = readSpec(LDA_TRAIN_JOB, toSpec('lda-train', LDA_TRAIN_JOB, { data: path, topics: 2, sweeps: 50, ...readCorpusFlags({ data: path }) }), 'lda-train');
  const r = await withJobContext((ctx) => runLdaTrain(ctx, spec), { gpu });
  assert.equal([r.documents, r.held_out_documents, r.vocabulary, r.topic_recovery], [24, 6, 8, null]);
  const tops = (r.top_words as string[][]).map((w) => new Set(w.slice(0, 4)));
  assert.ok(tops.some((t) => t.has('apple') && t.has('banana')) && tops.some((t) => t.has('engine') && t.has('wheel')), JSON.stringify(r.top_words));
});

gpu('--vocabulary: the word list is the vocabulary, in its order, other words dropped', async () => {
  const gpu = await openTestGpu();
  const path = file('fixed.txt', Array.from({ length: 10 }, (_, i) => (i % 2 ? 'apple banana cherry kiwi' : 'engine wheel brake kiwi')).join('\n'));
  const words = file('words.txt', 'wheel\napple\nengine\nbanana\n');
  const flags = { data: path, vocabulary: words };
  const spec = readSpec(LDA_TRAIN_JOB, toSpec('lda-train', LDA_TRAIN_JOB, { data: path, topics: 2, sweeps: 5, ...readCorpusFlags(flags) }), 'lda-train');
  const r = await withJobContext((ctx) => runLdaTrain(ctx, { ...spec, 'return-model': true }), { gpu });
  assert.equal([r.vocabulary, r.tokens], [4, 16], 'kiwi, cherry and brake dropped: 2 words in each of 8 training documents');
  assert.equal(JSON.parse(decodeSafetensors(fromBase64(r.model_base64 as string), 'm').metadata.vocabulary), ['wheel', 'apple', 'engine', 'banana']);
});

gpu('lda eval on the training run\'s own held-out bars gives its perplexity; lda topics its top words; a foreign model file exits 2', async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runLdaTrain(ctx, readSpec(LDA_TRAIN_JOB, { job: 'lda-train', bars_documents: 50, sweeps: 30, seed: 4, return_model: true }, 'lda-train')), { gpu });
  const path = file('model.safetensors', fromBase64(r.model_base64 as string));
  const cli = (args: string[]) => spawnSync(process.execPath, ['dist/cli.js', 'lda', ...args], { encoding: 'utf8', timeout: 60_000 });
  const evaluated = cli(['eval', '--model', path, '--bars-documents', '50', '--seed', '4', '--json']);
  assert.is(evaluated.status, 0, evaluated.stderr);
  const e = JSON.parse(evaluated.stdout);
  assert.equal([e.perplexity, e.tokens_scored], [r.perplexity, r.held_out_tokens_scored]);
  const topics = cli(['topics', '--model', path, '--json']);
  assert.equal(JSON.parse(topics.stdout).top_words, r.top_words);
  const foreign = cli(['topics', '--model', file('not-lda.safetensors', encodeSafetensors({ x: { dtype: 'F64', shape: [1], data: Float64Array.of(1) } }, { model: 'gmm' })), '--json']);
  assert.equal([foreign.status, /not an LDA model file/.test(foreign.stderr)], [2, true], foreign.stderr);
});

gpu('dpmm on 3 tight planted blobs: the posterior holds about 3 clusters; its histogram and sweeps add up', async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runDpmm(ctx, readSpec(DPMM_JOB, { job: 'dpmm', data: 'blobs', planted: 3, blob_samples: 150, blob_std: 0.5, sigma: 0.5, sweeps: 120, burn_in: 40, seed: 2 }, 'dpmm')), { gpu });
  assert.equal([r.planted, r.train_count, (r.clusters_per_sweep as number[]).length], [3, 120, 120]);
  assert.ok(Math.abs((r.clusters as number) - 3) < 1, `posterior mean clusters ${r.clusters}`);
  const histogram = r.cluster_histogram as Record<string, number>;
  assert.ok(Math.abs(Object.values(histogram).reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(Number.isFinite(r.log_likelihood as number));
  const collapsed = await withJobContext((ctx) => runDpmm(ctx, readSpec(DPMM_JOB, { job: 'dpmm', data: 'blobs', planted: 3, blob_samples: 150, blob_std: 0.5, sigma: 0.5, sweeps: 60, burn_in: 20, seed: 2, method: 'collapsed' }, 'dpmm')), { gpu });
  assert.equal([collapsed.method, collapsed.truncation, (collapsed.clusters_per_sweep as number[]).length], ['collapsed', undefined, 60]);
  assert.ok(Math.abs((collapsed.clusters as number) - 3) < 1, `collapsed: posterior mean clusters ${collapsed.clusters}`);
  // Both log-likelihoods are the training points' under a mixture of the same data: within a few hundredths of a nat.
  assert.ok(Math.abs((collapsed.log_likelihood as number) - (r.log_likelihood as number)) < 0.1, `${collapsed.log_likelihood} vs ${r.log_likelihood}`);
});

const cli = suite('lda train: bad corpora (exit 2)');

cli('a binary file, an empty line, stop words only, a folder without .txt files, bad flags: refused naming the problem', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ train: ldaTrainCommand }, args, message);
  await refused(['train', '--data', file('binary.txt', Uint8Array.of(80, 75, 3, 4, 0, 0))], /binary.txt: a NUL byte at offset 4/);
  await refused(['train', '--data', file('blank.txt', 'apple pear apple\n\npear apple\n')], /blank.txt: line 2: empty/);
  await refused(['train', '--data', file('stop.txt', 'the and of\nthe a an\n')], /an empty vocabulary/);
  mkdirSync(join(dir, 'empty-folder'));
  await refused(['train', '--data', join(dir, 'empty-folder')], /a folder with no .txt files/);
  await refused(['train', '--data', '/nonexistent/corpus.txt'], /cannot read/);
  await refused(['train', '--data', file('few.txt', 'apple pear\npear apple\n')], /2 documents: too few to hold out one in 5/);
  await refused(['train', '--topics', '0'], /--topics/);
  await expectRefused({ dpmm: dpmmCommand }, ['dpmm', '--truncation', '1'], /--truncation/);
  await expectRefused({ dpmm: dpmmCommand }, ['dpmm', '--data', 'blobs', '--sweeps', '10', '--burn-in', '10'], /--burn-in 10: must be below --sweeps 10/);
  await refused(['train', '--out', '/tmp'], /--out \/tmp: is a directory/);
  const docs = file('ten.txt', 'apple pear plum\n'.repeat(10));
  await refused(['train', '--data', docs, '--max-vocabulary', '2', '--vocabulary', file('three.txt', 'apple\npear\nplum\n')], /three.txt: 3 words, more than the vocabulary cap of 2/);
  await refused(['train', '--vocabulary', file('two.txt', 'apple\npear\n')], /--vocabulary: only for a text corpus/);
  await refused(['train', '--data', docs, '--vocabulary', file('odd.txt', 'apple\nPear!\n')], /odd.txt: line 2: "Pear!" is not a word/);
});

cli('--png only on the bars, --curve only with two checkpoints or more, a checkpoint past the sweeps: refused', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ train: ldaTrainCommand }, args, message);
  await refused(['train', '--data', file('words.txt', 'apple pear\n'.repeat(10)), '--png', join(dir, 't.png')], /--png draws topics as 5 x 5 images: only with --data bars/);
  await refused(['train', '--curve', join(dir, 'c.png'), '--checkpoints', '5'], /--curve plots the perplexity at the --checkpoints sweeps: give at least two/);
  await refused(['train', '--sweeps', '10', '--checkpoints', '5,11'], /--checkpoints 11: past the last of --sweeps 10/);
});

cli('barsTopicsGrid: a row of 5 x 5 images per snapshot, each topic white at its most probable words', () => {
  const truth = Array.from(barsTopics());
  const grid = barsTopicsGrid([truth, truth.map((p) => p / 2)], BARS_TOPICS);
  assert.equal([grid.width, grid.height], [10 * 6 + 1, 2 * 6 + 1]);
  // Topic 0 is the first row of the grid (words 0..4), topic 5 the first column (words 0, 5, ...).
  const pixel = (row: number, topic: number, y: number, x: number) => grid.pixels[(1 + row * 6 + y) * grid.width + 1 + topic * 6 + x];
  assert.equal([pixel(0, 0, 0, 3), pixel(0, 0, 1, 3), pixel(1, 5, 4, 0), pixel(1, 5, 4, 1)], [255, 0, 255, 0]);
});

cli('a folder of .txt files: a document each, in name order, its lines joined', () => {
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  writeFileSync(join(folder, 'b.txt'), 'second\ndocument here');
  writeFileSync(join(folder, 'a.txt'), 'first document');
  writeFileSync(join(folder, 'notes.md'), 'ignored');
  assert.equal(readDocuments(folder).documents, ['first document', 'second document here']);
});

gpu.run();
cli.run();
