// The bench-hopfield result as a table (one row per path and size, the arithmetic in the header)
// and as the one object of `bench hopfield --json` (the first size's numbers).
import type { Benchmark } from '../bench/definition.js';
import { benchParts, benchTitle, formatTable } from '../bench/table.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_HOPFIELD_JOB } from './bench.js';

export function hopfieldBenchTable(result: JsonObject, backend: string): string {
  const { rows, adapter, params } = benchParts(result);
  const table = formatTable(
    ['path', 'N', 'patterns', 'probes', 'steps/rep', 'median ms', 'unit updates/s', 'xnor/f32'],
    rows.map((r) => [
      r.path as string,
      r.units as number,
      r.patterns as number,
      r.probes as number,
      r.steps_per_rep as number,
      r.median_ms as number,
      (r.unit_updates_per_s as number).toExponential(3).replace('e+', 'e'),
      typeof r.xnor_over_f32 === 'number' ? `${r.xnor_over_f32.toFixed(2)}x` : '',
    ]),
  );
  return [
    benchTitle('hopfield', adapter, backend),
    `synchronous recall of ${params.probes} probes (${params.noise} of each pattern's units flipped), Hebbian couplings of round(${params.load} N) random patterns; both paths checked to give identical states first`,
    'xnor: states packed to bits, XNOR-popcount against the integer couplings N W as bit planes; f32: an f32 GEMM with N W; unit updates/s = probes x N x steps / median time (steps in one submit)',
    table,
  ].join('\n');
}

/** The first size's numbers (the default: N = 4,096, 1,024 probes). */
export function hopfieldBenchSummary(result: JsonObject): JsonObject {
  const rows = result.rows as JsonObject[];
  const xnor = rows.find((r) => r.path === 'xnor');
  const f32 = rows.find((r) => r.path === 'f32' && r.units === xnor?.units);
  return {
    units: xnor?.units ?? null,
    probes: xnor?.probes ?? null,
    xnor_unit_updates_per_s: xnor?.unit_updates_per_s ?? null,
    f32_unit_updates_per_s: f32?.unit_updates_per_s ?? null,
    xnor_over_f32: xnor?.xnor_over_f32 ?? null,
    identical_states: (result.checks as JsonObject[]).every((c) => c.identical_states === true),
    adapter: result.adapter,
  };
}

export const hopfieldBenchmark: Benchmark = {
  job: 'bench-hopfield',
  summary: 'synchronous Hopfield recall of 1,024 probes at N units in unit updates/s, XNOR-popcount fields on bit-packed states against the f32 GEMM',
  sizes: BENCH_HOPFIELD_JOB.sizes.default ?? [],
  table: hopfieldBenchTable,
  summaryOf: hopfieldBenchSummary,
};
