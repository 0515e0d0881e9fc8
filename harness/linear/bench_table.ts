// The bench-cluster result as a table (one row per implementation, task and K, the arithmetic in the
// header) and as the one object of `bench cluster --json` (the first size's numbers).
import type { Benchmark } from '../bench/definition.js';
import { benchParts, benchTitle, exponentCell, formatTable, percentCell, ratioCell } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_CLUSTER_JOB } from './bench.js';

export function clusterBenchTable(result: JsonObject, backend: string): string {
  const { rows, limits, adapter, params } = benchParts(result);
  const table = formatTable(
    ['impl', 'task', 'K', 'rows x values', 'units', 'median ms', 'steps/s', 'FLOP/step', 'GFLOP/s', 'of FMA peak', 'harmonium/typescript', 'batch/single'],
    rows.map((r) => [
      r.impl as string,
      r.what as string,
      r.clusters as number,
      `${r.rows} x ${r.width}`,
      r.what !== 'Lloyd step' ? '' : r.impl === 'harmonium' && (r.restarts as number) > 1 ? `${r.restarts} restarts` : '1 restart',
      r.median_ms as number,
      r.steps_per_s as number,
      exponentCell(r.flops_per_step as number),
      r.gflops as number,
      percentCell(r.fraction_of_fma_peak as number),
      ratioCell(r.harmonium_over_typescript),
      ratioCell(r.batch_over_single),
    ]),
  );
  return [
    benchTitle('cluster', adapter, backend),
    `MNIST-PCA-${params.project}: ${params.train_count} training digits projected onto their first ${params.project} principal components; k-means: ${params.restarts} restarts stepped at once, ${params.steps} Lloyd steps per repetition (steps/s counts restart-steps); mixtures: ${params.steps} EM steps per repetition, reg_covar ${params.reg_covar}; f32 FMA peak measured in this run ${limits.fma_gflops.toFixed(2)} GFLOP/s`,
    'FLOP/step: Lloyd 4 n K d (the scores and sums GEMMs); EM diag 8 n K d (four GEMMs); EM full 4 n K d^2 + 2 n K d (whitening and second moments; the 0/1 GEMMs that broadcast are not counted)',
    'batch/single: restart-steps per second with all restarts in one GEMM, against the same steps of one restart at a time on the same adapter',
    'typescript: harness/reference/clustering.ts (float64, one thread), one step of one restart timed the same way; there is no tfjs peer (tfjs has no k-means or mixtures)',
    table,
  ].join('\n');
}

/** The first K's numbers. */
export function clusterBenchSummary(result: JsonObject): JsonObject {
  const rows = result.rows as JsonObject[];
  // The batched k-means row is the first harmonium Lloyd row (the one-restart row follows it).
  const find = (impl: string, what: string) => rows.find((r) => r.impl === impl && r.what === what);
  const pick = (what: string) => ({ steps_per_s: find('harmonium', what)?.steps_per_s ?? null, reference_steps_per_s: find('typescript', what)?.steps_per_s ?? null, fraction_of_fma_peak: find('harmonium', what)?.fraction_of_fma_peak ?? null });
  return {
    clusters: rows[0]?.clusters ?? null,
    kmeans_restart_steps: pick('Lloyd step'),
    kmeans_batch_over_single: find('harmonium', 'Lloyd step')?.batch_over_single ?? null,
    em_diag: pick('EM step (diag)'),
    em_full: pick('EM step (full)'),
    fma_peak_gflops: (result.limits as JsonObject).fma_gflops,
    adapter: result.adapter,
  };
}

export const clusterBenchmark: Benchmark = {
  name: 'cluster',
  job: 'bench-cluster',
  summary: "k-means' Lloyd steps (10 restarts at once) and mixtures' EM steps (diag, full) on MNIST-PCA-50 for K clusters, beside the TypeScript reference",
  sizes: BENCH_CLUSTER_JOB.sizes.default ?? [],
  table: clusterBenchTable,
  summaryOf: clusterBenchSummary,
};
