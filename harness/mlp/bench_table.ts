// The bench-mlp result as a table (one row per implementation and network, the arithmetic in the
// header) and as the one object of `bench mlp --json` (the first size's numbers).
import type { Benchmark } from '../bench/definition.js';
import { epochBenchTable } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_MLP_JOB } from './bench.js';

export function mlpBenchTable(result: JsonObject, backend: string): string {
  return epochBenchTable('mlp', result, backend, {
    network: (layers) => layers.join('-'),
    header: (params, limits) => [
      `one training epoch: relu, Adam lr ${params.lr}, batch ${params.batch}, ${params.train_count} MNIST digits; f32 FMA peak measured in this run ${limits.fma_gflops.toFixed(2)} GFLOP/s`,
      'FLOP/example = 2 x (forward + weight-gradient products of every layer + input-gradient products of all but the first); GFLOP/s = FLOP/example x examples/s',
      'harmonium: permutation, gathers, forward, loss, backward and Adam on the GPU, one readback per epoch; tfjs: tf.gather of each batch, optimizer.minimize, the losses read once per epoch',
    ],
  });
}

/** The first network's numbers (the default: 784-512-512-10). */
export function mlpBenchSummary(result: JsonObject): JsonObject {
  const rows = result.rows as JsonObject[];
  const ours = rows.find((r) => r.impl === 'harmonium');
  const theirs = rows.find((r) => r.impl === 'tfjs' && String(r.layers) === String(ours?.layers));
  return {
    layers: ours?.layers ?? null,
    examples_per_s: ours?.examples_per_s ?? null,
    tfjs_examples_per_s: theirs?.examples_per_s ?? null,
    over_tfjs: theirs?.ours_over_tfjs ?? null,
    gflops: ours?.gflops ?? null,
    fma_peak_gflops: (result.limits as JsonObject).fma_gflops,
    fraction_of_fma_peak: ours?.fraction_of_fma_peak ?? null,
    adapter: result.adapter,
  };
}

export const mlpBenchmark: Benchmark = {
  job: 'bench-mlp',
  summary: 'one MLP training epoch (784-H-H-10, Adam, batch 100) in examples/s, beside the same model in tfjs-backend-webgpu on the same device',
  sizes: BENCH_MLP_JOB.sizes.default ?? [],
  table: mlpBenchTable,
  summaryOf: mlpBenchSummary,
};
