// The bench-rbm result as a table (one row per implementation and task, the arithmetic in the
// header) and as the one object of `bench rbm --json` (the first size's numbers).
import type { Benchmark } from '../bench/definition.js';
import { benchParts, benchTitle, exponentCell, formatTable, percentCell, ratioCell, tfjsLine } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_RBM_JOB } from './bench.js';

export function rbmBenchTable(result: JsonObject, backend: string): string {
  const { rows, limits, adapter, params, tfjs } = benchParts(result);
  const table = formatTable(
    ['impl', 'task', 'model', 'units', 'median ms', 'per s', 'FLOP/unit', 'GFLOP/s', 'of FMA peak', 'harmonium/tfjs'],
    rows.map((r) => [
      r.impl as string,
      r.what as string,
      `${r.visible}-${r.hidden}`,
      `${r.units} ${r.unit}`,
      r.median_ms as number,
      r.per_s as number,
      exponentCell(r.flops_per_unit as number),
      r.gflops as number,
      percentCell(r.fraction_of_fma_peak as number),
      ratioCell(r.ours_over_tfjs),
    ]),
  );
  return [
    benchTitle('rbm', adapter, backend),
    `Bernoulli RBM, batch ${params.batch}, lr ${params.lr}, momentum ${params.momentum}, weight decay ${params.weight_decay}, ${params.train_count} binarised MNIST digits; f32 FMA peak measured in this run ${limits.fma_gflops.toFixed(2)} GFLOP/s`,
    'FLOP/example = 2 V H per product with W: CD-1 has 5 (p(h|v0), the visible draw, p(h|v1), two statistics), PCD-1 3 + 4 x chains / batch; AIS 2 per transition and run',
    'harmonium: permutation, gathers, fused GEMM draws, statistics and SGD on the GPU, one readback per epoch; tfjs: tf.gather of each batch, matMul/sigmoid/randomUniform/less, assign, the errors read once per epoch',
    `typescript: harness/rbm/reference.ts cdStepReference (float64, one thread), timed on ${rows.find((r) => String(r.impl).startsWith('typescript'))?.units ?? '?'} examples`,
    tfjsLine(tfjs),
    table,
  ].join('\n');
}

/** The first model's numbers (the default: 784-500). */
export function rbmBenchSummary(result: JsonObject): JsonObject {
  const rows = result.rows as JsonObject[];
  const find = (impl: string, what: string) => rows.find((r) => String(r.impl).startsWith(impl) && String(r.what).startsWith(what));
  const ours = find('harmonium', 'CD-1');
  const theirs = find('tfjs', 'CD-1');
  return {
    hidden: ours?.hidden ?? null,
    cd1_examples_per_s: ours?.per_s ?? null,
    tfjs_cd1_examples_per_s: theirs?.per_s ?? null,
    over_tfjs: theirs?.ours_over_tfjs ?? null,
    reference_examples_per_s: find('typescript', 'CD-1')?.per_s ?? null,
    fraction_of_fma_peak: ours?.fraction_of_fma_peak ?? null,
    pcd1_examples_per_s: find('harmonium', 'PCD-1')?.per_s ?? null,
    ais_transitions_runs_per_s: find('harmonium', 'AIS')?.per_s ?? null,
    fma_peak_gflops: (result.limits as JsonObject).fma_gflops,
    adapter: result.adapter,
  };
}

export const rbmBenchmark: Benchmark = {
  job: 'bench-rbm',
  summary: 'one CD-1 epoch of a 784-H RBM (batch 100) in examples/s beside tfjs-backend-webgpu and the TypeScript reference; PCD-1 and AIS throughput',
  sizes: BENCH_RBM_JOB.sizes.default ?? [],
  table: rbmBenchTable,
  summaryOf: rbmBenchSummary,
};
