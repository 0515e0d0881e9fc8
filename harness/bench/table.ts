import type { JsonObject } from '../io/json.js';

/** The first line of a benchmark's table: what ran, on which adapter, through which backend. */
export function benchTitle(name: string, adapter: Record<string, string>, backend: string): string {
  return `bench ${name} on ${adapter.description} (${adapter.vendor}/${adapter.architecture}, ${backend})`;
}

/** The line that says which tfjs ran as the peer, or why none did (a result's `tfjs` field). */
export function tfjsLine(tfjs: JsonObject): string {
  return `tfjs: ${tfjs.available ? `tfjs-core ${String(tfjs.version)} on tfjs-backend-webgpu, on the same device` : String(tfjs.reason)}`;
}

/** Cells: a FLOP count as 1.234e9, a fraction as a percentage, a ratio as 1.23x (blank when absent). */
export const exponentCell = (x: number): string => x.toExponential(3).replace('e+', 'e');
export const percentCell = (fraction: number): string => `${(100 * fraction).toFixed(1)}%`;
export const ratioCell = (ratio: unknown): string => (typeof ratio === 'number' ? `${ratio.toFixed(2)}x` : '');

/** Formats rows as an aligned text table (numbers right-aligned), one line per row. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

/** A benchmark result's parts as its table reads them (BenchRun.result's shape). */
export interface BenchParts {
  rows: JsonObject[];
  limits: Record<string, number>;
  adapter: Record<string, string>;
  params: Record<string, number>;
  tfjs: JsonObject;
}

export const benchParts = (result: JsonObject): BenchParts => ({
  rows: result.rows as JsonObject[],
  limits: result.limits as Record<string, number>,
  adapter: result.adapter as Record<string, string>,
  params: result.params as Record<string, number>,
  tfjs: (result.tfjs ?? {}) as JsonObject,
});

/**
 * The table of a training-epoch benchmark against tfjs (bench mlp, bench vae): a row per
 * implementation and network, then what ran and how FLOPs count in the header lines.
 */
export function epochBenchTable(name: string, result: JsonObject, backend: string, o: { network(layers: number[]): string; header(params: Record<string, number>, limits: Record<string, number>): string[] }): string {
  const { rows, limits, adapter, params, tfjs } = benchParts(result);
  const table = formatTable(
    ['impl', 'network', 'examples/epoch', 'median ms', 'examples/s', 'FLOP/example', 'GFLOP/s', 'of FMA peak', 'harmonium/tfjs'],
    rows.map((r) => [
      r.impl as string,
      o.network(r.layers as number[]),
      r.examples_per_epoch as number,
      r.median_ms as number,
      r.examples_per_s as number,
      exponentCell(r.flops_per_example as number),
      r.gflops as number,
      percentCell(r.fraction_of_fma_peak as number),
      ratioCell(r.ours_over_tfjs),
    ]),
  );
  return [benchTitle(name, adapter, backend), ...o.header(params, limits), tfjsLine(tfjs), table].join('\n');
}
