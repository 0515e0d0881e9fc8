// harmonium plsa, lda train: topics of --data (the bars corpus, a text file, a folder of .txt files) by
// EM or by collapsed Gibbs sampling on the GPU in Node or in headless Chrome, the model file
// (safetensors) on disk; lda eval, lda topics: a saved model's perplexity and top words (no GPU);
// harmonium dpmm: a Dirichlet-process mixture's posterior number of clusters.
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { runWithProgress } from '../cli/run.js';
import { integer, pick, text, toSpec, type Schema, type Values } from '../cli/schema.js';
import { readModelFile } from '../io/model_file.js';
import { documentCompletion, topicWords, topWords } from '../../models/topics.js';
import { loadCorpus } from './data.js';
import { TOP_WORDS } from './job.js';
import { readLdaModel } from './model.js';
import type { JsonObject } from '../io/json.js';
import { commandOutputs, type Pictures } from '../cli/outputs.js';
import { InputError } from '../../engine/errors.js';
import { writeCurvesPlot, writeGreyPng } from '../io/png.js';
import { barsTopicsGrid } from './pictures.js';
import { readCorpusFlags } from './data_node.js';
import { BARS, CORPUS_FLAGS, VOCABULARY_FLAG, DPMM_FLAGS, DPMM_JOB, LDA_TRAIN_FLAGS, LDA_TRAIN_JOB, PLSA_FLAGS, PLSA_JOB } from './flags.js';
import { LINEAR_DATA_FLAGS } from '../linear/data.js';
import { readRowsFlags } from '../linear/data_node.js';

/** A topic command's flags: its model's, the corpus's, the model file, where to run. */
const commandFlags = <S extends Schema>(flags: S, out: string) =>
  ({
    ...flags,
    ...pick(CORPUS_FLAGS, ['data', 'bars-documents', 'bars-length', 'min-count', 'max-vocabulary']),
    vocabulary: VOCABULARY_FLAG,
    out: text({ help: `the model file (safetensors): ${out}` }),
    backend,
    adapter,
    json,
  }) as const;

type RunValues = { data?: string; 'min-count'?: number; 'max-vocabulary'?: number; vocabulary?: string; out?: string; json: boolean; backend: Values<{ backend: typeof backend }>['backend']; adapter: Values<{ adapter: typeof adapter }>['adapter'] };

/** The shared run: --out and the pictures' paths checked first, the corpus read, the job, the files written, the result as JSON or as `lines` and the top words. */
async function runTopics(name: string, job: string, schema: Schema, values: RunValues, lines: (r: JsonObject) => string[], pictures: Pictures = []): Promise<void> {
  const outputs = commandOutputs(values.out, pictures);
  const spec = toSpec(job, schema, { ...values, ...readCorpusFlags(values), 'return-model': outputs.needModel });
  const { model_base64: model, ...r } = await runWithProgress(name, spec, values);
  const files = outputs.write(model, r);
  if (values.json) return void process.stdout.write(`${JSON.stringify(r)}\n`);
  const curve = r.perplexity_curve as { sweeps: number[]; perplexity: number[] } | undefined;
  const all = [
    ...lines(r),
    ...(curve ? [`  perplexity curve  ${curve.sweeps.map((s, i) => `${s}: ${curve.perplexity[i].toFixed(2)}`).join(', ')} (after sweeps)`] : []),
    `  perplexity        ${(r.perplexity as number).toFixed(2)} on ${String(r.held_out_documents)} held-out documents (document completion)`,
    ...(r.topic_recovery === null ? [] : [`  topic recovery    ${(r.topic_recovery as number).toFixed(4)} (mean L1 to the true bars)`]),
    ...(r.top_words as string[][]).map((words, i) => `  topic ${String(i).padStart(3)}  ${words.join(' ')}`),
    ...files,
  ];
  process.stdout.write(`${all.join('\n')}\n`);
}

const LDA_TRAIN_COMMAND_FLAGS = {
  ...commandFlags(LDA_TRAIN_FLAGS, 'topic_word_counts (vocabulary x topics), the vocabulary in its metadata'),
  png: text({ value: 'FILE', help: "with --data bars: the topics as 5 x 5 images (white the word most probable), a row per --checkpoints sweep and the last row the end's" }),
  curve: text({ value: 'FILE', help: 'the held-out perplexity after each --checkpoints sweep, as a PNG plot' }),
  scale: integer({ min: 1, max: 16, default: 8, help: 'pixels per word in --png' }),
} as const;

export const ldaTrainCommand = defineCommand({
  name: 'lda train',
  summary: 'latent Dirichlet allocation by collapsed Gibbs sampling on the GPU: topics, held-out perplexity, top words',
  flags: LDA_TRAIN_COMMAND_FLAGS,
  details: `Fits --topics topics to the training documents (four of every five) by --sweeps sweeps of
collapsed Gibbs sampling on the GPU (Griffiths & Steyvers 2004): each document's tokens drawn in order by
one invocation from p(z = k) ∝ (n_dk + alpha) (n_wk + eta) / (n_k + V eta) with its own counts exact
and the word counts of the sweep's start (Newman et al.'s distributed scheme, a document per
processor), the word counts recounted between sweeps with integer atomics: the same seed gives the same
topics in Node and in Chrome. Text is lowercased to runs of letters, stop words dropped, the vocabulary
the --max-vocabulary most frequent words seen --min-count times. log_likelihood_per_token is the
training tokens' mean log sum_k theta_dk phi_kw; perplexity is the held-out documents' by document
completion (theta from the first half of each by Gibbs sampling with the topics fixed, the second half
scored); topic_recovery (bars, K >= 10) the mean L1 distance between each true bar and the learned topic
matched to it by the Hungarian method. --checkpoints 0,10,50 measures the held-out perplexity after
those sweeps as well (perplexity_curve { sweeps, perplexity }; --curve plots it); on the bars the
topics at each checkpoint and at the end are kept (topic_snapshots { sweeps, topics: K x 25 each };
--png draws them as the classic figure). --optimize-every N re-estimates alpha and eta every N sweeps
from --optimize-after on, by Minka's fixed point for a symmetric Dirichlet on the current counts (the
documents' topic counts, the topics' word counts), as MALLET's --optimize-interval does; alpha and eta
then report the last estimates (the model file's), initial_alpha and initial_eta the given ones, and
prior_estimates { sweeps, alpha, eta } each estimate. tokens_per_s counts the sweeps only. With --json
one object: topics, alpha, eta, initial_alpha, initial_eta and prior_estimates (with --optimize-every),
sweeps, vocabulary, documents, tokens, held_out_documents, held_out_tokens_scored, dropped_documents,
log_likelihood_per_token, perplexity, held_out_log_likelihood_per_token, topic_recovery, top_words,
perplexity_curve, topic_snapshots, tokens_per_s, seed, wall_ms, adapter, backend.`,
  run: (values) => {
    if (values.png !== undefined && values.data !== BARS) throw new InputError(`--png draws topics as 5 x 5 images: only with --data bars, not --data ${values.data}`);
    if (values.curve !== undefined && (values.checkpoints ?? []).length < 2) throw new InputError('--curve plots the perplexity at the --checkpoints sweeps: give at least two');
    return runTopics(
      'lda train',
      'lda-train',
      LDA_TRAIN_JOB,
      values,
      (r) => [
        `LDA, ${String(r.topics)} topics over ${String(r.vocabulary)} words: ${String(r.tokens)} training tokens in ${String(r.documents)} documents, ${String(r.sweeps)} sweeps (${((r.tokens_per_s as number) / 1e6).toFixed(2)} M tokens/s)`,
        `  log-likelihood    ${(r.log_likelihood_per_token as number).toFixed(4)} nats per training token`,
      ],
      [
        { flag: '--png', path: values.png, draw: (path, _model, r) => writeBarsTopics(path, r, values.scale) },
        { flag: '--curve', path: values.curve, draw: (path, _model, r) => writePerplexityCurve(path, r.perplexity_curve as { sweeps: number[]; perplexity: number[] }) },
      ],
    );
  },
});

const PLSA_COMMAND_FLAGS = commandFlags(PLSA_FLAGS, 'topic_words (topics x vocabulary: p(w | z)), the vocabulary in its metadata');

export const plsaCommand = defineCommand({
  name: 'plsa',
  summary: 'probabilistic latent semantic analysis by EM on the GPU: topics, held-out perplexity, top words',
  flags: PLSA_COMMAND_FLAGS,
  details: `Fits p(w | d) = sum_z p(z | d) p(w | z) (Hofmann 1999) to the training documents (four of every
five) by --iterations EM steps on the GPU from a Philox start: the E-step's p(z | d, w) ∝ p(z | d) p(w | z)
recomputed per entry of the sparse bag of words, the M-step's soft counts summed by an invocation per
document and one per word (no atomics). --data and the vocabulary as in lda train. log_likelihood_per_token
is the training tokens' (EM never lowers it: em_log_likelihood_per_token per step); perplexity is the
held-out documents' by document completion, p(z | d) folded in on the first half of each by EM with the
topics fixed and the second half scored (a word no training document holds has probability 0 under
pLSA: its tokens are left out, held_out_tokens_unseen); topic_recovery as in lda train. With --json one
object: topics, iterations, vocabulary, documents, tokens, held_out_documents, held_out_tokens_scored,
held_out_tokens_unseen, dropped_documents, log_likelihood_per_token, em_log_likelihood_per_token,
perplexity, held_out_log_likelihood_per_token, topic_recovery, top_words, seed, wall_ms, adapter, backend.`,
  run: (values) =>
    runTopics('plsa', 'plsa', PLSA_JOB, values, (r) => [
      `pLSA, ${String(r.topics)} topics over ${String(r.vocabulary)} words: ${String(r.tokens)} training tokens in ${String(r.documents)} documents, ${String(r.iterations)} EM steps`,
      `  log-likelihood    ${(r.log_likelihood_per_token as number).toFixed(4)} nats per training token`,
    ]),
});

/** The bars' topics at each snapshot as a PNG grid (harness/topics/pictures.ts). */
function writeBarsTopics(path: string, r: JsonObject, scale: number): void {
  const grid = barsTopicsGrid((r.topic_snapshots as { topics: number[][] }).topics, r.topics as number);
  writeGreyPng(path, grid.pixels, grid.width, grid.height, scale);
}

/** The held-out perplexity against sweeps as a PNG plot (x: sweeps, y: perplexity). */
function writePerplexityCurve(path: string, curve: { sweeps: number[]; perplexity: number[] }): void {
  writeCurvesPlot(path, curve.sweeps, [{ y: curve.perplexity, colour: [40, 90, 200] }], 4);
}

const model = text({ value: 'FILE', required: true, help: 'a model file of lda train --out' });

export const ldaTopicsCommand = defineCommand({
  name: 'lda topics',
  summary: "an LDA model's topics: each one's most probable words; no GPU",
  flags: { model, count: integer({ min: 1, default: TOP_WORDS, help: 'words per topic' }), json },
  details: "phi_kw = (n_wk + eta) / (n_k + V eta) from the model's counts, the --count most probable words of each topic. With --json one object: topics, vocabulary, top_words (a list of words per topic), topic_tokens (each topic's share of the training tokens).",
  run: async (values) => {
    const m = readModelFile('--model', values.model, readLdaModel).config;
    const v = m.vocabulary.length;
    const phi = topicWords(m.nwk, m.nk, v, m.topics, m.eta);
    const tokens = m.nk.reduce((a, b) => a + b, 0);
    const r = { topics: m.topics, vocabulary: v, top_words: topWords(phi, m.vocabulary, m.topics, Math.min(values.count, v)), topic_tokens: Array.from(m.nk, (n) => n / tokens) };
    process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${r.top_words.map((w, k) => `topic ${String(k).padStart(3)} (${(100 * r.topic_tokens[k]).toFixed(1)}%)  ${w.join(' ')}`).join('\n')}\n`);
  },
});

export const ldaEvalCommand = defineCommand({
  name: 'lda eval',
  summary: "an LDA model's held-out perplexity on --data by document completion; no GPU",
  flags: { model, ...pick(CORPUS_FLAGS, ['data', 'bars-documents', 'bars-length']), seed, json },
  details: `Tokenizes --data with the model's vocabulary (other words dropped) and scores its held-out
documents (every fifth, as lda train holds them out) by document completion: each document's first
half estimates its topic proportions by Gibbs sampling with the model's topics fixed (50 sweeps,
Philox --seed), its second half is scored; --data bars draws the bars from --seed, so the training run's
seed gives its own held-out documents. With --json one object: topics, vocabulary, documents,
tokens_scored, dropped_documents, perplexity, log_likelihood_per_token (the scored tokens' mean log p).`,
  run: async (values) => {
    const m = readModelFile('--model', values.model, readLdaModel).config;
    const text = readCorpusFlags(values, m.vocabulary)['corpus-text'];
    const { test, dropped } = await loadCorpus({ ...values, 'min-count': 1, 'max-vocabulary': m.vocabulary.length, 'corpus-text': text }, values.seed, 'node', m.vocabulary);
    const v = m.vocabulary.length;
    const completion = documentCompletion(topicWords(m.nwk, m.nk, v, m.topics, m.eta), v, m.topics, test, m.alpha, values.seed);
    const r = { topics: m.topics, vocabulary: v, documents: test.offsets.length - 1, tokens_scored: completion.scored, dropped_documents: dropped, perplexity: completion.perplexity, log_likelihood_per_token: completion.logLikelihoodPerToken };
    process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `perplexity ${r.perplexity.toFixed(3)} (${r.log_likelihood_per_token.toFixed(4)} nats per token) on ${r.documents} held-out documents, ${r.tokens_scored} tokens scored\n`);
  },
});

const DPMM_COMMAND_FLAGS = {
  ...DPMM_FLAGS,
  ...pick(LINEAR_DATA_FLAGS, ['data', 'test', 'project', 'blob-samples', 'blob-centers', 'blob-features', 'blob-std']),
  backend,
  adapter,
  json,
} as const;

export const dpmmCommand = defineCommand({
  name: 'dpmm',
  summary: 'a Dirichlet-process mixture of Gaussians by blocked Gibbs sampling on the GPU (or Neal\'s collapsed sampler): how many clusters the data hold',
  flags: DPMM_COMMAND_FLAGS,
  details: `Samples the posterior of a Dirichlet-process mixture of Gaussians (the Chinese restaurant
process's prior over partitions, concentration --alpha; each cluster's mean ~ N(the data's mean, tau0^2 I),
its points ~ N(mean, sigma^2 I) with --sigma known) over the training examples. --method blocked (the
default) runs --sweeps sweeps of the blocked Gibbs sampler with --truncation sticks (Ishwaran & James
2001): the sticks and means on the host, every point's cluster drawn at once on the GPU (one GEMM of
logits, a Gumbel-max draw per row), from --start-sweeps sweeps of the collapsed sampler (they open the
clusters; from a single cluster a diffuse prior's new means rarely land near any point). --method
collapsed runs Neal's (2000) algorithm 3 on the host instead: exact, the means integrated out, one point
at a time in float64 (the reference the blocked sampler's distribution of the number of clusters is
tested against). --data as in kmeans (blobs, a file of rows, mnist with --project); --planted K plants
K blobs. clusters is the posterior mean number of occupied clusters after --burn-in sweeps;
log_likelihood the training points' mean log p(x) under the last sweep's mixture (collapsed: the
clusters weighted by their shares, each mean its posterior mean). With --json one object: width,
train_count, test_count, alpha, sigma, tau0, method, truncation and start_sweeps (blocked), sweeps,
burn_in, planted (blobs), clusters, cluster_histogram, clusters_per_sweep, log_likelihood, seed, data,
wall_ms, adapter, backend.`,
  run: async (values) => {
    const spec = toSpec('dpmm', DPMM_JOB, { ...values, ...readRowsFlags(values) });
    const r = await runWithProgress('dpmm', spec, values);
    if (values.json) return void process.stdout.write(`${JSON.stringify(r)}\n`);
    const histogram = Object.entries(r.cluster_histogram as Record<string, number>).map(([k, p]) => `${k}: ${(100 * p).toFixed(1)}%`);
    process.stdout.write(
      [
        `Dirichlet-process mixture of ${String(r.train_count)} points in ${String(r.width)} values${r.planted === undefined ? '' : ` (${String(r.planted)} planted)`}, ${String(r.sweeps)} sweeps`,
        `  clusters          ${(r.clusters as number).toFixed(2)} on average after ${String(r.burn_in)} sweeps (${histogram.join(', ')})`,
        `  log-likelihood    ${(r.log_likelihood as number).toFixed(4)} nats per point`,
      ].join('\n') + '\n',
    );
  },
});

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [plsaCommand, ldaTrainCommand, ldaEvalCommand, ldaTopicsCommand, dpmmCommand];
