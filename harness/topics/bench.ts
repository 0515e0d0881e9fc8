// The 'bench-lda' job (`bench lda`): collapsed Gibbs sampling for LDA in tokens sampled per second, on
// the GPU (models/lda.ts: a document per invocation, the word counts of the sweep's start) beside the
// exact serial sampler in single-thread TypeScript (harness/reference/lda.ts ldaSweepSerial) on the
// same corpus in the same run, for K topics (the sizes, 10 and 50 by default), on two corpora: the
// bars scaled up (2,000 documents of 100 tokens by default) and the Federalist Papers (every document,
// none held out). Before timing, the GPU's start and first sweep are checked against the float32
// reference of its scheme (ldaStart, ldaSweepParallel) token for token, the counts against the
// assignments.
import { HarmoniumError } from '../../engine/index.js';
import { LdaSampler } from '../../models/lda.js';
import type { JobContext } from '../backends/context.js';
import { reps, sizes } from '../bench/flags.js';
import { benchJobWithoutPeer, type BenchRun, type Workload } from '../bench/flow.js';
import { timeHost, timeRuns } from '../bench/timing.js';
import { integer, withDefault } from '../cli/schema.js';
import { barsCorpus } from '../data/bars.js';
import { buildCorpus, CORPUS_DEFAULTS, type Corpus } from '../data/corpus.js';
import { FEDERALIST, federalistDocuments } from '../data/federalist.js';
import { ldaCounts, ldaStart, ldaSweepParallel, ldaSweepSerial, type LdaCounts } from '../reference/lda.js';
import { BARS } from './flags.js';

export const BENCH_LDA_JOB = {
  sizes: withDefault(sizes, [10, 50]),
  reps,
  sweeps: integer({ hidden: true, min: 1, default: 5, help: 'sweeps per timed repetition' }),
  'bars-documents': integer({ hidden: true, min: 5, default: 2000, help: 'documents of the scaled bars corpus (100 tokens each)' }),
} as const;

const SEED = 1;
/** The priors of the timed runs (the cost per token does not depend on them). */
const PRIORS = { alpha: 0.1, eta: 0.01 } as const;
/** The share of tokens whose draw may differ from the float32 reference (WGSL's division is within 2.5 ulp). */
const DIFFERING_TOKENS = 1e-3;

/** The FLOPs counted per token: one pass over the K topics' weights, (n_dk + alpha)(n_wk + eta) / (n_k + V eta) and the running sum: 5 each. */
export const ldaFlopsPerToken = (topics: number) => 5 * topics;

/** The GPU's assignments against the reference's: at most DIFFERING_TOKENS of them differ, and the counts are those of the assignments. */
export async function checkAgainst(what: string, corpus: Corpus, lda: LdaSampler, want: LdaCounts): Promise<number> {
  const got = await lda.read();
  const differ = got.z.reduce((n, z, i) => n + (z === want.z[i] ? 0 : 1), 0);
  if (differ > DIFFERING_TOKENS * got.z.length) throw new HarmoniumError(`bench lda: ${what}: ${differ} of ${got.z.length} tokens drew another topic than the float32 reference; not timing it`);
  const counts = ldaCounts(corpus, want.topics, got.z);
  const same = (a: Uint32Array, b: Uint32Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!(same(got.ndk, counts.ndk) && same(got.nwk, counts.nwk) && same(got.nk, counts.nk))) throw new HarmoniumError(`bench lda: ${what}: the counts are not those of the assignments; not timing it`);
  return differ;
}

/** One corpus and K: the GPU sampler checked, then timed, then the serial reference timed the same way. */
async function benchCorpus(ctx: JobContext, bench: BenchRun, name: string, corpus: Corpus, k: number, sweeps: number): Promise<void> {
  const tokens = corpus.words.length;
  const w: Workload = {
    label: `${name} K=${k}`,
    fields: { corpus: name, topics: k, documents: corpus.offsets.length - 1, tokens, vocabulary: corpus.vocabulary.length },
    units: tokens * sweeps,
    flopsPerUnit: ldaFlopsPerToken(k),
    unit: 'tokens',
    keys: { rate: 'tokens_per_s', flops: 'flops_per_token' },
  };
  const lda = await LdaSampler.create(ctx, corpus, { topics: k, ...PRIORS, seed: SEED });
  try {
    const validate = async () => {
      const want = ldaStart(corpus, k, SEED);
      const start = await checkAgainst('the start', corpus, lda, want);
      ldaSweepParallel(corpus, want, PRIORS.alpha, PRIORS.eta, SEED, 0);
      await lda.sweep(1);
      bench.checks.push({ task: 'start and sweep 0 against the float32 reference', corpus: name, topics: k, tokens, differing_at_start: start, differing_after_sweep: await checkAgainst('sweep 0', corpus, lda, want) });
    };
    await bench.time('harmonium', w, () => lda.sweep(sweeps), { validate });
    const ours = bench.rows[bench.rows.length - 1];
    // The exact serial sampler from the start, one sweep per timed run.
    const state = ldaStart(corpus, k, SEED);
    let sweep = 0;
    const t = await timeRuns(async () => timeHost(() => ldaSweepSerial(corpus, state, PRIORS.alpha, PRIORS.eta, SEED, sweep++)), { reps: bench.reps, warmup: 1 });
    const reference = bench.row('typescript', { ...w, units: tokens }, t);
    ours.harmonium_over_typescript = (ours.tokens_per_s as number) / (reference.tokens_per_s as number);
  } finally {
    lda.release();
  }
}

export const benchLdaJob = benchJobWithoutPeer('lda', BENCH_LDA_JOB, async (ctx, p, bench) => {
  const bars = barsCorpus({ documents: p['bars-documents'], length: 100, seed: SEED }).corpus;
  const federalist = buildCorpus(await federalistDocuments(ctx.gpu.adapter.runtime), CORPUS_DEFAULTS).corpus;
  for (const k of p.sizes) {
    await benchCorpus(ctx, bench, BARS, bars, k, p.sweeps);
    await benchCorpus(ctx, bench, FEDERALIST, federalist, k, p.sweeps);
  }
  return { sizes: p.sizes as number[], reps: p.reps, sweeps: p.sweeps, bars_documents: p['bars-documents'], bars_length: 100, ...PRIORS, min_count: CORPUS_DEFAULTS.minCount, max_vocabulary: CORPUS_DEFAULTS.maxVocabulary, seed: SEED };
});
