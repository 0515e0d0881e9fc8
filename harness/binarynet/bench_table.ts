// The bench-binarynet result as a table (one row per implementation and network, the arithmetic in
// the header) and as the one object of `bench binarynet --json` (the first size's numbers).
import type { Benchmark } from '../bench/definition.js';
import { benchParts, benchTitle, exponentCell, formatTable, percentCell, ratioCell, tfjsLine } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_BINARYNET_JOB } from './bench.js';

export function binaryNetBenchTable(result: JsonObject, backend: string): string {
  const { rows, limits, adapter, params, tfjs } = benchParts(result);
  const table = formatTable(
    ['impl', 'what', 'network', 'images', 'median ms', 'images/s', 'ops/image', 'Gops/s', 'of f32 FMA peak', 'of popcount peak', 'packed over tfjs'],
    rows.map((r) => [
      r.impl as string,
      r.path as string,
      (r.layers as number[]).join('-'),
      r.examples as number,
      r.median_ms as number,
      r.images_per_s as number,
      exponentCell(r.ops_per_image as number),
      r.gflops as number,
      percentCell(r.fraction_of_fma_peak as number),
      typeof r.fraction_of_popcount_peak === 'number' ? percentCell(r.fraction_of_popcount_peak) : '',
      ratioCell(r.ours_over_tfjs),
    ]),
  );
  return [
    benchTitle('binarynet', adapter, backend),
    `inference of a folded BinaryNet (random values) over ${params.examples} MNIST digits in batches of ${params.rows}, the last batch's scores read back; measured in this run: f32 FMA peak ${limits.fma_gflops.toFixed(2)} GFLOP/s, xor+popcount ${limits.popcount_gops.toFixed(2)} Gop/s (32 connections each)`,
    'ops/image = 2 x the multiply-adds of the products; packed: XNOR-popcount on bits (the bytes by their 8 bit planes); float: the same +-1 network by f32 GEMMs; tfjs: tf.matMul, tf.greaterEqual, tf.where, batch norm',
    `both harmonium paths give bit-identical scores (checked before timing); training: one epoch (batch ${params.train_batch}) of BinaryNet (the paper's recipe) and of the float MLP of the same widths (relu, Adam), ops/image counted as for bench mlp`,
    tfjsLine(tfjs),
    table,
  ].join('\n');
}

/** The first network's numbers (the default: 784-4096-4096-4096-10). */
export function binaryNetBenchSummary(result: JsonObject): JsonObject {
  const rows = result.rows as JsonObject[];
  const layers = rows[0]?.layers;
  const rate = (impl: string, path: string) => (rows.find((r) => r.impl === impl && r.path === path && String(r.layers) === String(layers))?.images_per_s as number | undefined) ?? null;
  const [packed, float, tfjs] = [rate('harmonium', 'packed'), rate('harmonium', 'float'), rate('tfjs', 'float')];
  const [binaryTrain, mlpTrain] = [rate('harmonium', 'binarynet train'), rate('harmonium', 'mlp train')];
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  return {
    layers: layers ?? null,
    packed_images_per_s: packed,
    float_images_per_s: float,
    tfjs_images_per_s: tfjs,
    packed_over_float: ratio(packed, float),
    packed_over_tfjs: ratio(packed, tfjs),
    train_images_per_s: binaryTrain,
    mlp_train_images_per_s: mlpTrain,
    fma_peak_gflops: (result.limits as JsonObject).fma_gflops,
    adapter: result.adapter,
  };
}

export const binaryNetBenchmark: Benchmark = {
  job: 'bench-binarynet',
  summary: 'BinaryNet inference (784-H-H-H-10) in images/s: packed XNOR-popcount vs the same network in f32, beside tfjs-backend-webgpu on the same device',
  sizes: BENCH_BINARYNET_JOB.sizes.default ?? [],
  table: binaryNetBenchTable,
  summaryOf: binaryNetBenchSummary,
};
