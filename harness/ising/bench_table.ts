// The bench-ising result as a table, and the benchmark's definition for the `bench` command.
import type { JsonObject } from '../io/json.js';
import type { Benchmark } from '../bench/definition.js';
import { BENCH_ISING_JOB } from './bench.js';
import { benchParts, benchTitle, formatTable } from '../bench/table.js';

/** The bench-ising result as a table: one row per algorithm and size, the arithmetic in the header. */
export function isingBenchTable(result: JsonObject, backend: string): string {
  const { rows, limits, adapter } = benchParts(result);
  const table = formatTable(
    ['algorithm', 'L', 'sweeps/rep', 'median ms', 'flips/ns', 'TS ref flips/ns', 'x TS ref', 'B/flip', 'of copy BW'],
    rows.map((r) => [
      r.algorithm as string,
      r.size as number,
      r.sweeps_per_rep as number,
      r.median_ms as number,
      r.flips_per_ns as number,
      r.reference_flips_per_ns as number,
      r.over_reference as number,
      r.bytes_per_flip as number,
      `${(100 * (r.bandwidth_fraction as number)).toFixed(2)}%`,
    ]),
  );
  const byKey = new Map(rows.map((r) => [`${r.algorithm}:${r.size}`, r.flips_per_ns as number]));
  const speedups = [...new Set(rows.map((r) => r.size as number))]
    .map((L) => `L=${L}: multispin / heatbath = ${((byKey.get(`multispin:${L}`) ?? NaN) / (byKey.get(`heatbath:${L}`) ?? NaN)).toFixed(2)}x`)
    .join(', ');
  return [
    benchTitle('ising', adapter, backend),
    `adapter limits measured in this run: copy ${limits.copy_gbps.toFixed(2)} GB/s (read + write), f32 FMA ${limits.fma_gflops.toFixed(2)} GFLOP/s, xor+popcount ${limits.popcount_gops.toFixed(2)} Gop/s`,
    'flips/ns = L^2 * sweeps / median time; of copy BW = B/flip * flips/ns / copy GB/s; TS ref = single-thread reference at L=' +
      String((result.params as JsonObject).reference_size),
    table,
    speedups,
  ].join('\n');
}

export const isingBenchmark: Benchmark = {
  job: 'bench-ising',
  summary: 'flips/ns of each algorithm at each lattice side, beside the TypeScript reference and the copy bandwidth',
  sizes: BENCH_ISING_JOB.sizes.default ?? [],
  table: isingBenchTable,
  summaryOf: (r) => r,
  study: (scale) => (scale === 'full' ? { job: 'bench-ising', sizes: [256, 1024], reps: 3, target_ms: 200, reference_size: 256 } : { job: 'bench-ising', sizes: [64, 256], reps: 3, target_ms: 50, reference_size: 64 }),
};
