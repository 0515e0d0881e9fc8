// The bench-vae result as a table (one row per implementation and network, the arithmetic in the
// header) and as the one object of `bench vae --json` (the first size's numbers, as bench mlp's).
import type { Benchmark } from '../bench/definition.js';
import { benchTitle, exponentCell, formatTable, percentCell, ratioCell, tfjsLine } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { mlpBenchSummary } from '../mlp/bench_table.js';
import { BENCH_VAE_JOB, vaeNetworkName } from './bench.js';

export function vaeBenchTable(result: JsonObject, backend: string): string {
  const rows = result.rows as JsonObject[];
  const limits = result.limits as Record<string, number>;
  const adapter = result.adapter as Record<string, string>;
  const params = result.params as Record<string, number>;
  const tfjs = result.tfjs as JsonObject;
  const table = formatTable(
    ['impl', 'network', 'examples/epoch', 'median ms', 'examples/s', 'FLOP/example', 'GFLOP/s', 'of FMA peak', 'harmonium/tfjs'],
    rows.map((r) => [
      r.impl as string,
      vaeNetworkName(r.layers as number[]),
      r.examples_per_epoch as number,
      r.median_ms as number,
      r.examples_per_s as number,
      exponentCell(r.flops_per_example as number),
      r.gflops as number,
      percentCell(r.fraction_of_fma_peak as number),
      ratioCell(r.ours_over_tfjs),
    ]),
  );
  return [
    benchTitle('vae', adapter, backend),
    `one training epoch: relu, gaussian latent, -ELBO with one draw, Adam lr ${params.lr}, batch ${params.batch}, ${params.train_count} MNIST digits (intensities); f32 FMA peak measured in this run ${limits.fma_gflops.toFixed(2)} GFLOP/s`,
    'FLOP/example = 2 x (forward + weight-gradient products of the five layers + input-gradient products of all but the first); GFLOP/s = FLOP/example x examples/s',
    'harmonium: permutation, gathers, forward, draw, losses, backward and Adam on the GPU, one readback per epoch; tfjs: tf.gather of each batch, tf.randomNormal, optimizer.minimize, the losses read once per epoch',
    tfjsLine(tfjs),
    table,
  ].join('\n');
}

export const vaeBenchmark: Benchmark = {
  job: 'bench-vae',
  summary: 'one VAE training epoch (784-H-(20)-H-784, Adam, batch 100) in examples/s, beside the same model in tfjs-backend-webgpu on the same device',
  sizes: BENCH_VAE_JOB.sizes.default ?? [],
  table: vaeBenchTable,
  // The first network's numbers, as bench mlp's (its rows carry the same fields).
  summaryOf: mlpBenchSummary,
};
