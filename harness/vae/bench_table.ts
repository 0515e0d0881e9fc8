// The bench-vae result as a table (one row per implementation and network, the arithmetic in the
// header) and as the one object of `bench vae --json` (the first size's numbers, as bench mlp's).
import type { Benchmark } from '../bench/definition.js';
import { epochBenchTable } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { mlpBenchSummary } from '../mlp/bench_table.js';
import { BENCH_VAE_JOB, vaeNetworkName } from './bench.js';

export function vaeBenchTable(result: JsonObject, backend: string): string {
  return epochBenchTable('vae', result, backend, {
    network: vaeNetworkName,
    header: (params, limits) => [
      `one training epoch: relu, gaussian latent, -ELBO with one draw, Adam lr ${params.lr}, batch ${params.batch}, ${params.train_count} MNIST digits (intensities); f32 FMA peak measured in this run ${limits.fma_gflops.toFixed(2)} GFLOP/s`,
      'FLOP/example = 2 x (forward + weight-gradient products of the five layers + input-gradient products of all but the first); GFLOP/s = FLOP/example x examples/s',
      'harmonium: permutation, gathers, forward, draw, losses, backward and Adam on the GPU, one readback per epoch; tfjs: tf.gather of each batch, tf.randomNormal, optimizer.minimize, the losses read once per epoch',
    ],
  });
}

export const vaeBenchmark: Benchmark = {
  job: 'bench-vae',
  summary: 'one VAE training epoch (784-H-(20)-H-784, Adam, batch 100) in examples/s, beside the same model in tfjs-backend-webgpu on the same device',
  sizes: BENCH_VAE_JOB.sizes.default ?? [],
  table: vaeBenchTable,
  // The first network's numbers, as bench mlp's (its rows carry the same fields).
  summaryOf: mlpBenchSummary,
};
