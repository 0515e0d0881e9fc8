// harmonium lda train: topics of --data (the bars corpus, a text file, a folder of .txt files) by
// collapsed Gibbs sampling on the GPU in Node or in headless Chrome; the model file (safetensors) on disk.
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json } from '../cli/flags.js';
import { runWithProgress } from '../cli/run.js';
import { pick, text, toSpec } from '../cli/schema.js';
import { fromBase64 } from '../io/base64.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import { readCorpusFlags } from './data_node.js';
import { CORPUS_FLAGS, LDA_TRAIN_FLAGS, LDA_TRAIN_JOB } from './flags.js';

const LDA_TRAIN_COMMAND_FLAGS = {
  ...LDA_TRAIN_FLAGS,
  ...pick(CORPUS_FLAGS, ['data', 'bars-documents', 'bars-length', 'min-count', 'max-vocabulary']),
  out: text({ help: 'the model file (safetensors): topic_word_counts (vocabulary x topics), the vocabulary in its metadata' }),
  backend,
  adapter,
  json,
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
matched to it by the Hungarian method. With --json one object: topics, alpha, eta, sweeps, vocabulary,
documents, tokens, held_out_documents, held_out_tokens_scored, dropped_documents,
log_likelihood_per_token, perplexity, held_out_log_likelihood_per_token, topic_recovery, top_words,
tokens_per_s, seed, wall_ms, adapter, backend.`,
  run: async (values) => {
    if (values.out) checkWritable('--out', values.out);
    const spec = toSpec('lda-train', LDA_TRAIN_JOB, { ...values, ...readCorpusFlags(values), 'return-model': values.out !== undefined });
    const { model_base64: model, ...r } = await runWithProgress('lda train', spec, values);
    if (values.out) writeFileAtomic(values.out, fromBase64(model as string));
    if (values.json) return void process.stdout.write(`${JSON.stringify(r)}\n`);
    const lines = [
      `LDA, ${String(r.topics)} topics over ${String(r.vocabulary)} words: ${String(r.tokens)} training tokens in ${String(r.documents)} documents, ${String(r.sweeps)} sweeps (${((r.tokens_per_s as number) / 1e6).toFixed(2)} M tokens/s)`,
      `  log-likelihood    ${(r.log_likelihood_per_token as number).toFixed(4)} nats per training token`,
      `  perplexity        ${(r.perplexity as number).toFixed(2)} on ${String(r.held_out_documents)} held-out documents (document completion)`,
      ...(r.topic_recovery === null ? [] : [`  topic recovery    ${(r.topic_recovery as number).toFixed(4)} (mean L1 to the true bars)`]),
      ...(r.top_words as string[][]).map((words, i) => `  topic ${String(i).padStart(3)}  ${words.join(' ')}`),
      ...(values.out ? [`  model             ${values.out}`] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [ldaTrainCommand];
