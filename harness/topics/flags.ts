// The topic models' parameters, declared once: `harmonium lda train` parses them and the 'lda-train'
// job reads its spec with them (in Node or in a page).
import { seed } from '../cli/flags.js';
import { choice, integer, integers, number, pick, text } from '../cli/schema.js';
import { CORPUS_DEFAULTS } from '../data/corpus.js';
import { TRAIN_JOB_FLAGS } from '../train/flags.js';
import { LINEAR_DATA_FLAGS } from '../linear/data.js';

/** The built-in corpus of known topics. */
export const BARS = 'bars';

/** What a corpus is: the bars, or a file or folder of text, and how its vocabulary is made. */
export const CORPUS_FLAGS = {
  data: text({
    value: 'bars|federalist|FILE|DIR',
    default: BARS,
    help: "bars (Griffiths & Steyvers' 25-word corpus of 10 known topics), federalist (the 85 Federalist Papers, cut into documents of at least 150 words), a text file of one document per line, or a folder of .txt files (a document each); every fifth document is held out",
  }),
  'bars-documents': integer({ min: 5, default: 500, help: 'with --data bars: documents (theta ~ Dirichlet(1) each)' }),
  'bars-length': integer({ min: 2, default: 100, help: 'with --data bars: tokens per document' }),
  'min-count': integer({ min: 1, default: CORPUS_DEFAULTS.minCount, help: 'words seen fewer times are left out of the vocabulary' }),
  'max-vocabulary': integer({ min: 1, default: CORPUS_DEFAULTS.maxVocabulary, help: 'the vocabulary keeps at most this many words, the most frequent' }),
  'corpus-text': text({ hidden: true, help: "the --data file's or folder's documents as the command read them, one per line" }),
  'vocabulary-words': text({ hidden: true, help: "the --vocabulary file's words as the command read them, one per line" }),
} as const;

/** The command's flag for a fixed vocabulary (the job gets the words: vocabulary-words). */
export const VOCABULARY_FLAG = text({ value: 'FILE', help: 'a word list (one word per line) as the vocabulary instead of the most frequent words: at most --max-vocabulary words, each two or more letters a-z and not a stop word; other words in the text are dropped' });

/** What defines an LDA fit by collapsed Gibbs sampling. */
export const LDA_TRAIN_FLAGS = {
  topics: integer({ value: 'K', min: 1, max: 4096, default: 10, help: 'topics (K)' }),
  alpha: number({ value: 'X', min: 0, default: 1, help: "the documents' symmetric Dirichlet prior over topics (> 0; the bars are drawn with 1)" }),
  eta: number({ value: 'X', min: 0, default: 0.1, help: "the topics' symmetric Dirichlet prior over words (> 0)" }),
  sweeps: integer({ min: 1, default: 500, help: 'Gibbs sweeps over every training token' }),
  'optimize-every': integer({ value: 'N', min: 0, default: 0, help: "estimate alpha and eta every N sweeps from the current counts (Minka's fixed point for a symmetric Dirichlet); 0 keeps them as given" }),
  'optimize-after': integer({ value: 'B', min: 0, default: 100, help: 'with --optimize-every: the first estimate at a multiple of N from this sweep on (early counts are far from the posterior and pull the estimates off)' }),
  checkpoints: integers({ min: 0, help: "sweeps after which the held-out perplexity is measured (perplexity_curve; 0 is the start), on the bars also the topics (topic_snapshots, with the last sweep's)" }),
  seed,
} as const;

export const LDA_TRAIN_JOB = { ...LDA_TRAIN_FLAGS, ...CORPUS_FLAGS, ...pick(TRAIN_JOB_FLAGS, ['return-model']) } as const;

/** What defines a pLSA fit by EM. */
export const PLSA_FLAGS = {
  topics: LDA_TRAIN_FLAGS.topics,
  iterations: integer({ min: 1, default: 100, help: 'EM steps' }),
  seed,
} as const;

export const PLSA_JOB = { ...PLSA_FLAGS, ...CORPUS_FLAGS, ...pick(TRAIN_JOB_FLAGS, ['return-model']) } as const;

/** What defines a Dirichlet-process mixture of Gaussians and its blocked Gibbs sampler. */
export const DPMM_FLAGS = {
  method: choice(['blocked', 'collapsed'], { default: 'blocked', help: "blocked: the blocked Gibbs sampler, every point's cluster drawn at once on the GPU; collapsed: Neal's algorithm 3 on the host (exact, one point at a time, float64)" }),
  'start-sweeps': integer({ min: 1, default: 1, help: 'with blocked: sweeps of the collapsed sampler it starts from (they open the clusters; more of them for data in many dimensions)' }),
  alpha: number({ value: 'X', min: 0, default: 1, help: "the Chinese restaurant process's concentration (> 0): a new cluster's weight" }),
  sigma: number({ value: 'X', min: 0, default: 1, help: "the points' standard deviation within a cluster (known, > 0)" }),
  tau0: number({ value: 'X', min: 0, default: 10, help: "the standard deviation of a cluster's mean about the data's mean (> 0)" }),
  truncation: integer({ value: 'T', min: 2, max: 1024, default: 30, help: 'with blocked: sticks of the truncated stick-breaking prior, the most clusters a sweep can hold' }),
  sweeps: integer({ min: 2, default: 300, help: 'sweeps of the sampler (after the blocked sampler\'s --start-sweeps)' }),
  'burn-in': integer({ min: 0, default: 100, help: 'sweeps left out of the posterior averages' }),
  planted: integer({ value: 'K', min: 1, max: 256, help: 'with --data blobs: the clusters planted (sets --blob-centers)' }),
  seed,
} as const;

export const DPMM_JOB = { ...DPMM_FLAGS, ...LINEAR_DATA_FLAGS } as const;
