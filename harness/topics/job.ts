// The 'lda-train' job: LDA by collapsed Gibbs sampling on the GPU (models/lda.ts) over --data's
// training documents, then what the counts say: the training tokens' log-likelihood, the held-out
// perplexity by document completion, the top words of each topic and, on the bars, how far the topics
// lie from the true ones; the model file (the topic-word counts and the vocabulary) on request. Plain
// JSON in and out, the same in Node and in a page.
import { encodeSafetensors } from '../../engine/index.js';
import { LdaSampler } from '../../models/lda.js';
import { documentCompletion, documentTopics, logLikelihoodPerToken, topicRecovery, topicWords, topWords } from '../../models/topics.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { barsTopics, BARS_TOPICS } from '../data/bars.js';
import { toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { loadCorpus } from './data.js';
import { BARS, LDA_TRAIN_JOB } from './flags.js';

/** Top words reported per topic. */
export const TOP_WORDS = 10;
/** Sweeps between progress reports. */
const CHUNK = 10;

export async function runLdaTrain(ctx: JobContext, p: Values<typeof LDA_TRAIN_JOB>): Promise<JsonObject> {
  const started = performance.now();
  const { train, test, dropped, note } = loadCorpus(p, p.seed);
  const [k, v] = [p.topics, train.vocabulary.length];
  const lda = await LdaSampler.create(ctx, train, { topics: k, alpha: p.alpha, eta: p.eta, seed: p.seed });
  try {
    const sampling = performance.now();
    for (let done = 0; done < p.sweeps; done += CHUNK) {
      await lda.sweep(Math.min(CHUNK, p.sweeps - done));
      ctx.onProgress?.(lda.sweeps, p.sweeps);
    }
    const samplingMs = performance.now() - sampling;
    const counts = await lda.read();
    const documents = train.offsets.length - 1;
    const phi = topicWords(counts.nwk, counts.nk, v, k, p.eta);
    const theta = documentTopics(counts.ndk, documents, k, p.alpha);
    const completion = documentCompletion(phi, v, k, test, p.alpha, p.seed);
    const recovery = p.data === BARS && k >= BARS_TOPICS ? topicRecovery(barsTopics(), phi, BARS_TOPICS, k, v).distance : null;
    const file = () =>
      encodeSafetensors(
        { topic_word_counts: { dtype: 'F64', shape: [v, k], data: Float64Array.from(counts.nwk) } },
        { model: 'lda', topics: String(k), alpha: String(p.alpha), eta: String(p.eta), sweeps: String(p.sweeps), vocabulary: JSON.stringify(train.vocabulary), corpus: note },
      );
    return {
      topics: k,
      alpha: p.alpha,
      eta: p.eta,
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

export const ldaTrainJob = defineJob(LDA_TRAIN_JOB, runLdaTrain);
