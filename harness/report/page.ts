// The report page's script (bundled as an IIFE and inlined into results/report.html with its data):
// draws every chart with uPlot and fills the tables. Each chart's container gets data-rendered="true"
// once uPlot has drawn it, and body[data-charts] counts them, so a test can check that all rendered.
import uPlot from 'uplot';
import type { ReportData, StudyPoint } from './data.js';
import type { JsonObject } from '../io/json.js';
import { modeLabel } from '../gemm/modes.js';

declare global {
  interface Window {
    REPORT_DATA: ReportData;
  }
}

const data = window.REPORT_DATA;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
let expected = 0;
let rendered = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function section(title: string, note?: string): HTMLElement {
  const s = el('section');
  s.append(el('h2', {}, title));
  if (note) s.append(el('p', { class: 'note' }, note));
  document.getElementById('content')!.append(s);
  return s;
}

interface Line {
  label: string;
  values: (number | null)[];
  points?: boolean;
  dash?: boolean;
}

/** One chart: shared x values, one line (or point set) per series. */
function chart(parent: HTMLElement, title: string, xLabel: string, yLabel: string, x: number[], lines: Line[], opts: { logX?: boolean; logY?: boolean } = {}): void {
  const box = el('div', { class: 'chart', 'data-title': title });
  parent.append(box);
  expected++;
  document.body.dataset.chartsExpected = String(expected);
  const series: uPlot.Series[] = [{ label: xLabel }];
  lines.forEach((l, i) => {
    const colour = COLOURS[i % COLOURS.length];
    series.push({
      label: l.label,
      stroke: colour,
      width: l.points ? 1 : 2,
      dash: l.dash ? [6, 4] : undefined,
      points: l.points ? { show: true, size: 7, fill: colour } : { show: false },
      spanGaps: true,
    });
  });
  const options: uPlot.Options = {
    title,
    width: 620,
    height: 340,
    series,
    scales: { x: { time: false, distr: opts.logX ? 3 : 1 }, y: { distr: opts.logY ? 3 : 1 } },
    axes: [{ label: xLabel }, { label: yLabel, size: 70 }],
    hooks: {
      draw: [
        () => {
          if (box.dataset.rendered) return;
          box.dataset.rendered = 'true';
          rendered++;
          document.body.dataset.charts = String(rendered);
        },
      ],
    },
  };
  new uPlot(options, [x, ...lines.map((l) => l.values)] as uPlot.AlignedData, box);
}

function table(parent: HTMLElement, headers: string[], rows: (string | number)[][]): void {
  const t = el('table');
  const head = el('tr');
  headers.forEach((h) => head.append(el('th', {}, h)));
  t.append(head);
  for (const r of rows) {
    const tr = el('tr');
    r.forEach((c) => tr.append(el('td', {}, typeof c === 'number' ? fmt(c) : c)));
    t.append(tr);
  }
  parent.append(t);
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

/** Merges points of several sizes onto one sorted x axis (null where a size has no point). */
function bySize(points: StudyPoint[], sizes: number[], value: (p: StudyPoint) => number) {
  const xs = [...new Set(points.map((p) => p.temperature))].sort((a, b) => a - b);
  const lines = sizes.map((L) => ({
    label: `L = ${L}`,
    points: true,
    values: xs.map((T) => {
      const p = points.find((q) => q.size === L && q.temperature === T);
      return p ? value(p) : null;
    }),
  }));
  return { xs, lines };
}

function studySection(): void {
  const s = data.study;
  const sec = section(
    `Ising study: ${s.algorithm}, L = ${s.sizes.join(' and ')}`,
    `${s.burn_in} burn-in + ${s.sweeps} measured sweeps per point, seed ${s.seed}; error bars from binning are in the table. ` +
      `Solid lines: exact infinite-lattice values (Onsager energy, Yang magnetization). Tc = ${s.tc.toFixed(5)}.`,
  );
  const grid = el('div', { class: 'grid' });
  sec.append(grid);
  // The exact curve is drawn on a fine grid; measured points are merged onto it.
  const merge = (value: (p: StudyPoint) => number, exact: number[] | null, exactLabel: string) => {
    const { xs, lines } = bySize(s.points, s.sizes, value);
    const all = [...new Set([...xs, ...(exact ? s.exact.temperature : [])])].sort((a, b) => a - b);
    const out: Line[] = lines.map((l) => ({ ...l, values: all.map((T) => (xs.includes(T) ? l.values[xs.indexOf(T)] : null)) }));
    if (exact) out.push({ label: exactLabel, values: all.map((T) => (s.exact.temperature.includes(T) ? exact[s.exact.temperature.indexOf(T)] : null)) });
    return { all, out };
  };
  const e = merge((p) => p.energy_per_site, s.exact.energy, 'Onsager (L = inf)');
  chart(grid, 'Energy per site', 'T', 'e', e.all, e.out);
  const m = merge((p) => p.magnetization_abs, s.exact.magnetization, 'Yang (L = inf)');
  chart(grid, 'Magnetization |m|', 'T', '|m|', m.all, m.out);
  const b = merge((p) => p.binder, null, '');
  b.out.push({ label: 'U* = 0.6107 (L = inf, at Tc)', values: b.all.map(() => 0.6107), dash: true });
  chart(grid, 'Binder cumulant U = 1 - <m^4> / 3<m^2>^2', 'T', 'U', b.all, b.out);
  table(
    sec,
    ['L', 'T', 'e', '± e', 'exact e', '|m|', '± |m|', 'Yang M', 'U', '± U', 'tau_E (sweeps)', 'flips/ns'],
    s.points.map((p) => {
      const i = s.exact.temperature.indexOf(p.temperature);
      return [p.size, p.temperature, p.energy_per_site, p.energy_err, i >= 0 ? s.exact.energy[i] : NaN, p.magnetization_abs, p.magnetization_abs_err, i >= 0 ? s.exact.magnetization[i] : NaN, p.binder, p.binder_err, p.energy_tau, p.flips_per_ns];
    }),
  );
  if (s.snapshots.length) {
    const row = el('div', { class: 'snapshots' });
    for (const snap of s.snapshots) {
      const fig = el('figure');
      const canvas = el('canvas', { width: String(snap.size), height: String(snap.size) });
      const ctx = canvas.getContext('2d')!;
      const img = ctx.createImageData(snap.size, snap.size);
      const bytes = Uint8Array.from(atob(snap.sites_base64), (c) => c.charCodeAt(0));
      bytes.forEach((v, i) => {
        img.data.set(v ? [245, 245, 240, 255] : [30, 40, 70, 255], 4 * i);
      });
      ctx.putImageData(img, 0, 0);
      fig.append(canvas, el('figcaption', {}, `L = ${snap.size}, T = ${snap.temperature}`));
      row.append(fig);
    }
    sec.append(el('h3', {}, 'Final lattices (light = +1)'), row);
  }
}

function isingBenchSection(result: JsonObject, title: string): void {
  const rows = result.rows as JsonObject[];
  const limits = result.limits as Record<string, number>;
  const adapter = result.adapter as Record<string, string>;
  const sec = section(
    title,
    `${adapter.description} (${String(result.backend ?? '')}). Adapter limits measured in the same run: copy ${limits.copy_gbps.toFixed(2)} GB/s, ` +
      `FMA ${limits.fma_gflops.toFixed(2)} GFLOP/s. flips/ns = L² × sweeps / median time.`,
  );
  const sizes = [...new Set(rows.map((r) => r.size as number))].sort((a, b) => a - b);
  const algorithms = [...new Set(rows.map((r) => r.algorithm as string))];
  const value = (a: string, L: number, key: string) => (rows.find((r) => r.algorithm === a && r.size === L)?.[key] as number) ?? null;
  chart(sec, 'Ising sweep speed', 'L', 'flips/ns', sizes, algorithms.map((a) => ({ label: a, values: sizes.map((L) => value(a, L, 'flips_per_ns')), points: true })), { logX: true, logY: true });
  table(
    sec,
    ['algorithm', 'L', 'flips/ns', 'x TS reference', 'B/flip', 'of copy BW'],
    rows.map((r) => [r.algorithm as string, r.size as number, r.flips_per_ns as number, r.over_reference as number, r.bytes_per_flip as number, `${(100 * (r.bandwidth_fraction as number)).toFixed(2)}%`]),
  );
}

function gemmBenchSection(result: JsonObject, title: string): void {
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

function render(): void {
  document.title = data.title;
  document.getElementById('title')!.textContent = data.title;
  const a = data.adapter as Record<string, string>;
  document.getElementById('meta')!.textContent = `${data.date} · ${data.backend} backend · adapter: ${a.description} (${a.vendor}/${a.architecture})`;
  studySection();
  if (data.benchmarks['bench-ising']) isingBenchSection(data.benchmarks['bench-ising'], 'Benchmark: Ising sweeps (this run)');
  if (data.benchmarks['bench-gemm']) gemmBenchSection(data.benchmarks['bench-gemm'], 'Benchmark: matrix-product kernels (this run)');
  for (const [file, result] of Object.entries(data.recorded)) {
    if (result.name === 'ising') isingBenchSection(result, `Recorded: ${file}`);
    else if (result.name === 'gemm') gemmBenchSection(result, `Recorded: ${file}`);
  }
  document.body.dataset.ready = 'true';
}

render();
