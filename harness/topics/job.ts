// The topics feature's jobs, plain JSON in and out, the same in Node and in a page:
// - 'lda-train': LDA by collapsed Gibbs sampling on the GPU (models/lda.ts) over --data's training
//   documents, then what the counts say: the training tokens' log-likelihood, the held-out perplexity by
//   document completion, each topic's top words and, on the bars, how far the topics lie from the true
//   ones; the model file (the topic-word counts and the vocabulary) on request;
// - 'plsa': pLSA by EM on the GPU (models/plsa.ts), the same report without priors (held-out perplexity
//   by fold-in EM);
// - 'dpmm': a Dirichlet-process mixture of Gaussians by the blocked Gibbs sampler, the points' clusters
//   drawn on the GPU (models/dpmm_gpu.ts), over --data's rows (harness/linear/data.ts).
import { encodeSafetensors, InputError } from '../../engine/index.js';
import { collapsedMixture, mixtureLogLikelihood, nealAlgorithm3 } from '../../models/dpmm.js';
import { blockedGibbsGpu } from '../../models/dpmm_gpu.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { estimateLdaPriors, LdaSampler } from '../../models/lda.js';
import { bagOfWords, PlsaEm, plsaStart } from '../../models/plsa.js';
import { documentCompletion, documentTopics, logLikelihoodPerToken, plsaCompletion, topicRecovery, topicWords, topWords } from '../../models/topics.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { barsTopics, BARS_TOPICS } from '../data/bars.js';
import { toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { loadCorpus } from './data.js';
import { BARS, DPMM_JOB, LDA_TRAIN_JOB, PLSA_JOB } from './flags.js';
import { loadRows } from '../linear/data.js';

/** Top words reported per topic. */
export const TOP_WORDS = 10;
/** Sweeps between progress reports. */
const CHUNK = 10;

/** A spec's checkpoints, sorted, each once; an InputError past the last sweep. */
export function ldaCheckpoints(checkpoints: readonly number[] | undefined, sweeps: number): number[] {
  const sorted = [...new Set(checkpoints ?? [])].sort((a, b) => a - b);
  const past = sorted.find((s) => s > sweeps);
  if (past !== undefined) throw new InputError(`--checkpoints ${past}: past the last of --sweeps ${sweeps}`);
  return sorted;
}

export async function runLdaTrain(ctx: JobContext, p: Values<typeof LDA_TRAIN_JOB>): Promise<JsonObject> {
  const started = performance.now();
  const checkpoints = ldaCheckpoints(p.checkpoints, p.sweeps);
  const { train, test, dropped, note } = await loadCorpus(p, p.seed, ctx.gpu.adapter.runtime);
  const [k, v] = [p.topics, train.vocabulary.length];
  const documents = train.offsets.length - 1;
  const bars = p.data === BARS;
  const lda = await LdaSampler.create(ctx, train, { topics: k, alpha: p.alpha, eta: p.eta, seed: p.seed });
  try {
    const curve = { sweeps: [] as number[], perplexity: [] as number[] };
    const snapshots = { sweeps: [] as number[], topics: [] as number[][] };
    const priors = { sweeps: [] as number[], alpha: [] as number[], eta: [] as number[] };
    const every = p['optimize-every'];
    // Every N sweeps from the burn-in on (as MALLET's --optimize-interval and --optimize-burn-in), before the last sweep.
    const optimizeAt = new Set(every > 0 ? Array.from({ length: Math.ceil(p.sweeps / every) - 1 }, (_, i) => (i + 1) * every).filter((s) => s >= p['optimize-after']) : []);
    const stops = [...new Set([...checkpoints, ...optimizeAt, p.sweeps])].sort((a, b) => a - b);
    let samplingMs = 0;
    /** On the bars, the topics after `stop` sweeps. */
    const snapshot = (stop: number, phi: Float64Array) => {
      if (!bars) return;
      snapshots.sweeps.push(stop);
      snapshots.topics.push(Array.from(phi));
    };
    /** A checkpoint: the held-out perplexity (and the bars' topics) under the priors the sweeps so far used. */
    const keep = (stop: number, phi: Float64Array, perplexity: number) => {
      curve.sweeps.push(stop);
      curve.perplexity.push(perplexity);
      snapshot(stop, phi);
    };
    for (const stop of stops) {
      // Sweeps to the next stop in chunks (progress between them), timed apart from the stops' work.
      const sampling = performance.now();
      while (lda.sweeps < stop) {
        await lda.sweep(Math.min(CHUNK, stop - lda.sweeps));
        ctx.onProgress?.(lda.sweeps, p.sweeps);
      }
      samplingMs += performance.now() - sampling;
      // The last sweep's counts are read once, below.
      if (stop === p.sweeps) break;
      const counts = await lda.read();
      const { alpha, eta } = lda.options;
      if (checkpoints.includes(stop)) {
        const phi = topicWords(counts.nwk, counts.nk, v, k, eta);
        keep(stop, phi, documentCompletion(phi, v, k, test, alpha, p.seed).perplexity);
      }
      if (optimizeAt.has(stop)) {
        const next = estimateLdaPriors(counts, k, v, { alpha, eta });
        await lda.setPriors(next.alpha, next.eta);
        priors.sweeps.push(stop);
        priors.alpha.push(next.alpha);
        priors.eta.push(next.eta);
      }
    }
    const { alpha, eta } = lda.options;
    const counts = await lda.read();
    const phi = topicWords(counts.nwk, counts.nk, v, k, eta);
    const theta = documentTopics(counts.ndk, documents, k, alpha);
    const completion = documentCompletion(phi, v, k, test, alpha, p.seed);
    // The last sweep: a checkpoint when asked for; on the bars its topics always.
    if (checkpoints.includes(p.sweeps)) keep(p.sweeps, phi, completion.perplexity);
    else snapshot(p.sweeps, phi);
    const recovery = bars && k >= BARS_TOPICS ? topicRecovery(barsTopics(), phi, BARS_TOPICS, k, v).distance : null;
    const file = () =>
      encodeSafetensors(
        { topic_word_counts: { dtype: 'F64', shape: [v, k], data: Float64Array.from(counts.nwk) } },
        { model: 'lda', topics: String(k), alpha: String(alpha), eta: String(eta), sweeps: String(p.sweeps), vocabulary: JSON.stringify(train.vocabulary), corpus: note },
      );
    return {
      topics: k,
      alpha,
      eta,
      ...(every > 0 ? { initial_alpha: p.alpha, initial_eta: p.eta, prior_estimates: priors } : {}),
      sweeps: p.sweeps,
      vocabulary: v,
      documents,
      tokens: train.words.length,
      held_out_documents: test.offsets.length - 1,
      held_out_tokens_scored: completion.scored,
      dropped_documents: dropped,
      log_likelihood_per_token: logLikelihoodPerToken(train, theta, phi, v, k),
      perplexity: completion.perplexity,
      held_out_log_likelihood_per_token: completion.logLikelihoodPerToken,
      topic_recovery: recovery,
      top_words: topWords(phi, train.vocabulary, k, Math.min(TOP_WORDS, v)),
      ...(checkpoints.length > 0 ? { perplexity_curve: curve } : {}),
      ...(bars ? { topic_snapshots: snapshots } : {}),
      tokens_per_s: (train.words.length * p.sweeps) / (samplingMs / 1000),
      seed: p.seed,
      wall_ms: performance.now() - started,
      adapter: { ...ctx.gpu.adapter },
      ...(p['return-model'] ? { model_base64: toBase64(file(), 'the model file') } : {}),
    };
  } finally {
    lda.release();
  }
}

export async function runPlsa(ctx: JobContext, p: Values<typeof PLSA_JOB>): Promise<JsonObject> {
  const started = performance.now();
  const { train, test, dropped, note } = await loadCorpus(p, p.seed, ctx.gpu.adapter.runtime);
  const [k, v] = [p.topics, train.vocabulary.length];
  const bag = bagOfWords(train, v);
  const em = await PlsaEm.create(ctx, bag, k, plsaStart(bag, k, p.seed));
  try {
    const tokens = train.words.length;
    // The log-likelihood per token before each step (a step reports the parameters it starts from), then the last parameters'.
    const history: number[] = [];
    for (let step = 0; step < p.iterations; step++) {
      history.push((await em.step()) / tokens);
      ctx.onProgress?.(step + 1, p.iterations);
    }
    const { theta, beta } = await em.read();
    const last = logLikelihoodPerToken(train, Float64Array.from(theta), Float64Array.from(beta), v, k);
    const completion = plsaCompletion(beta, v, k, test);
    const recovery = p.data === BARS && k >= BARS_TOPICS ? topicRecovery(barsTopics(), beta, BARS_TOPICS, k, v).distance : null;
    const file = () => encodeSafetensors({ topic_words: { dtype: 'F64', shape: [k, v], data: Float64Array.from(beta) } }, { model: 'plsa', topics: String(k), iterations: String(p.iterations), vocabulary: JSON.stringify(train.vocabulary), corpus: note });
    return {
      topics: k,
      iterations: p.iterations,
      vocabulary: v,
      documents: train.offsets.length - 1,
      tokens,
      held_out_documents: test.offsets.length - 1,
      held_out_tokens_scored: completion.scored,
      held_out_tokens_unseen: completion.unseen,
      dropped_documents: dropped,
      log_likelihood_per_token: last,
      em_log_likelihood_per_token: [...history, last],
      perplexity: completion.perplexity,
      held_out_log_likelihood_per_token: completion.logLikelihoodPerToken,
      topic_recovery: recovery,
      top_words: topWords(Float64Array.from(beta), train.vocabulary, k, Math.min(TOP_WORDS, v)),
      seed: p.seed,
      wall_ms: performance.now() - started,
      adapter: { ...ctx.gpu.adapter },
      ...(p['return-model'] ? { model_base64: toBase64(file(), 'the model file') } : {}),
    };
  } finally {
    em.release();
  }
}

export async function runDpmm(ctx: JobContext, p: Values<typeof DPMM_JOB>): Promise<JsonObject> {
  const started = performance.now();
  if (p['burn-in'] >= p.sweeps) throw new InputError(`--burn-in ${p['burn-in']}: must be below --sweeps ${p.sweeps}`);
  const { train, test, note } = await loadRows(ctx, { ...p, ...(p.planted === undefined ? {} : { 'blob-centers': p.planted }) });
  const d = train.width;
  // The prior's mean: the training points' mean.
  const m0 = Array.from({ length: d }, (_, e) => {
    let s = 0;
    for (let i = 0; i < train.count; i++) s += train.values[i * d + e];
    return s / train.count;
  });
  const prior = { alpha: p.alpha, sigma: p.sigma, m0, tau0: p.tau0 };
  const progress = (s: number) => ctx.onProgress?.(s, p.sweeps);
  const set = p.method === 'blocked' ? await DeviceDataset.uploadRows(ctx, train, 'dpmm rows') : null;
  try {
    let run: { clusters: number[]; logLikelihood: number };
    if (set) run = await blockedGibbsGpu(ctx, set, train, prior, p.truncation, p.sweeps, p.seed, { startSweeps: p['start-sweeps'], onSweep: progress });
    else {
      const { clusters, labels } = nealAlgorithm3(train, prior, p.sweeps, p.seed, progress);
      const mixture = collapsedMixture(train, labels, prior);
      run = { clusters, logLikelihood: mixtureLogLikelihood(train, mixture.logPi, mixture.means, p.sigma) };
    }
    const kept = run.clusters.slice(p['burn-in']);
    const histogram: Record<string, number> = {};
    for (const k of kept) histogram[k] = (histogram[k] ?? 0) + 1 / kept.length;
    return {
      width: d,
      train_count: train.count,
      test_count: test.count,
      alpha: p.alpha,
      sigma: p.sigma,
      tau0: p.tau0,
      method: p.method,
      ...(p.method === 'blocked' ? { truncation: p.truncation, start_sweeps: p['start-sweeps'] } : {}),
      sweeps: p.sweeps,
      burn_in: p['burn-in'],
      ...(p.data === 'blobs' ? { planted: p.planted ?? p['blob-centers'] } : {}),
      clusters: kept.reduce((a, b) => a + b, 0) / kept.length,
      cluster_histogram: histogram,
      clusters_per_sweep: run.clusters,
      log_likelihood: run.logLikelihood,
      seed: p.seed,
      data: note,
      wall_ms: performance.now() - started,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    set?.release();
  }
}

export const ldaTrainJob = defineJob(LDA_TRAIN_JOB, runLdaTrain);
export const dpmmJob = defineJob(DPMM_JOB, runDpmm);
export const plsaJob = defineJob(PLSA_JOB, runPlsa);
