// The GEMM feature's report section: the matrix-product benchmark by shape, both timing modes.
import type { JsonObject } from '../io/json.js';
import { chart, section, table, type Line } from '../report/charts.js';
import { modeLabel } from './modes.js';

export function gemmBenchSection(result: JsonObject, title: string): void {
  const rows = (result.rows as JsonObject[]) ?? [];
  const adapter = result.adapter as Record<string, string>;
  const limits = (result.limits ?? {}) as Record<string, number>;
  // Results recorded before the two modes timed ours without a readback and tfjs per call with one.
  const withModes = rows.some((r) => typeof r.mode === 'string');
  const sec = section(
    title,
    `${adapter?.description ?? ''} (${String(result.backend ?? '')}). GFLOP/s = 2·M·N·K / median time per product; XNOR in G binary ops/s on the same scale. ` +
      (withModes
        ? 'Batched (solid): N products on the same inputs, then one readback (time / N; v3 and tfjs use the same N at a shape, listed in the table); ' +
          'per call (dashed): one product, then a readback. f32/tfjs compares the batched rows.'
        : 'Recorded before like-for-like modes: our kernels timed as N dispatches without a readback, tfjs as tf.matMul + data() per call.'),
  );
  // One x position per shape; XNOR always computes A * B^T, so its op differs from the f32 row's.
  const shapes = [...new Set(rows.map((r) => String(r.shape)))];
  // One series per kernel (v1/v2/v3 apart) and mode; results recorded before modes existed have none.
  const seriesOf = (r: JsonObject) => {
    const kernel = r.variant && r.kernel === 'gemm_f32' ? `${String(r.kernel)} ${String(r.variant).split(' ')[0]}` : String(r.kernel);
    const mode = modeLabel(r.mode);
    return mode ? `${kernel} (${mode})` : kernel;
  };
  const series = [...new Set(rows.map(seriesOf))];
  const rate = (r: JsonObject) => (typeof r.gflops === 'number' ? r.gflops : typeof r.gbinops === 'number' ? r.gbinops : null);
  const lines: Line[] = series.map((k) => ({
    label: k,
    points: true,
    dash: rows.some((r) => seriesOf(r) === k && r.mode === 'per_call'),
    values: shapes.map((s) => {
      const r = rows.find((q) => String(q.shape) === s && seriesOf(q) === k && !q.skipped);
      return r ? rate(r) : null;
    }),
  }));
  const opOf = (s: string) => String(rows.find((r) => String(r.shape) === s && r.kernel === 'gemm_f32')?.op ?? '');
  // N of the batched rows at a shape (v3's, which tfjs shares).
  const batchOf = (s: string) => rows.find((r) => String(r.shape) === s && r.kernel === 'gemm_f32' && r.variant === 'v3' && r.mode === 'batched')?.products_per_rep;
  const tfjsRatio = (s: string, mode: string, key: string) => rows.find((r) => String(r.shape) === s && r.kernel === 'tfjs_matmul' && r.mode === mode && !r.skipped)?.[key];
  if (limits.fma_gflops) lines.push({ label: 'measured f32 FMA peak (GFLOP/s)', values: shapes.map(() => limits.fma_gflops), dash: true });
  if (limits.xnor_peak_gbinops) lines.push({ label: 'measured xor+popcount peak (Gbinop/s)', values: shapes.map(() => limits.xnor_peak_gbinops), dash: true });
  chart(sec, 'Matrix products by shape (x: shape index, see table)', 'shape #', 'G(binary) op/s', shapes.map((_, i) => i), lines, { logY: true });
  const cell = (x: unknown) => (typeof x === 'number' ? x : '—');
  const rates = (s: string, i: number) => [`${s} ${opOf(s)}`, ...series.map((_, j) => cell(lines[j].values[i]))];
  if (!withModes) table(sec, ['#', 'shape', ...series], shapes.map((s, i) => [i, ...rates(s, i)]));
  else {
    table(
      sec,
      ['#', 'shape', ...series, 'N (batched)', 'f32/tfjs (batched)', 'f32/tfjs (per call)'],
      shapes.map((s, i) => [
        i,
        ...rates(s, i),
        cell(batchOf(s)),
        cell(tfjsRatio(s, 'batched', 'f32_over_tfjs')),
        cell(tfjsRatio(s, 'per_call', 'f32_over_tfjs_per_call')),
      ]),
    );
  }
}

