// The bench-lda result as a table (one row per implementation, corpus and K) and as the one object of
// `bench lda --json` (the first K's numbers on each corpus).
import type { Benchmark } from '../bench/definition.js';
import { benchParts, benchTitle, exponentCell, formatTable, percentCell, ratioCell } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_LDA_JOB } from './bench.js';

export function ldaBenchTable(result: JsonObject, backend: string): string {
  const { rows, limits, adapter, params } = benchParts(result);
  const table = formatTable(
    ['impl', 'corpus', 'K', 'documents', 'tokens', 'words', 'median ms', 'tokens/s', 'FLOP/token', 'GFLOP/s', 'of FMA peak', 'harmonium/typescript'],
    rows.map((r) => [
      r.impl as string,
      r.corpus as string,
      r.topics as number,
      r.documents as number,
      r.tokens as number,
      r.vocabulary as number,
      r.median_ms as number,
      r.tokens_per_s as number,
      exponentCell(r.flops_per_token as number),
      r.gflops as number,
      percentCell(r.fraction_of_fma_peak as number),
      ratioCell(r.harmonium_over_typescript),
    ]),
  );
  return [
    benchTitle('lda', adapter, backend),
    `Collapsed Gibbs sampling for LDA, alpha ${params.alpha}, eta ${params.eta}: bars, ${params.bars_documents} documents of ${params.bars_length} tokens over 25 words; federalist, the 85 Federalist Papers cut into documents of at least 150 words, the ${params.max_vocabulary} most frequent words seen ${params.min_count} times; ${params.sweeps} sweeps per repetition on the GPU; f32 FMA peak measured in this run ${limits.fma_gflops.toFixed(2)} GFLOP/s`,
    'harmonium: a document per invocation, its counts exact, the word counts those of the sweep\'s start (Newman et al.), recounted by integer atomics; typescript: harness/reference/lda.ts, the exact serial sampler (float64, one thread), one sweep per repetition',
    'FLOP/token: 5 K (each topic\'s weight (n_dk + alpha)(n_wk + eta) / (n_k + V eta) and the running sum); the sampler waits on memory more than on arithmetic',
    table,
  ].join('\n');
}

/** The first K's numbers on each corpus. */
export function ldaBenchSummary(result: JsonObject): JsonObject {
  const rows = result.rows as JsonObject[];
  const k = rows[0]?.topics ?? null;
  const find = (impl: string, corpus: string) => rows.find((r) => r.impl === impl && r.corpus === corpus && r.topics === k);
  const pick = (corpus: string) => ({ tokens_per_s: find('harmonium', corpus)?.tokens_per_s ?? null, reference_tokens_per_s: find('typescript', corpus)?.tokens_per_s ?? null, tokens: find('harmonium', corpus)?.tokens ?? null });
  return { topics: k, bars: pick('bars'), federalist: pick('federalist'), adapter: result.adapter };
}

export const ldaBenchmark: Benchmark = {
  name: 'lda',
  job: 'bench-lda',
  summary: 'collapsed Gibbs sampling for LDA in tokens/s on the scaled bars and the Federalist Papers for K topics, beside the serial TypeScript sampler',
  sizes: BENCH_LDA_JOB.sizes.default ?? [],
  table: ldaBenchTable,
  summaryOf: ldaBenchSummary,
};
