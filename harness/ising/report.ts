// The Ising feature's report sections: the study across Tc with the exact curves, and the sweep benchmark.
import type { JsonObject } from '../io/json.js';
import type { ReportData, StudyPoint } from '../report/data.js';
import { chart, el, section, table, type Line } from '../report/charts.js';

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

export function studySection(s: ReportData['study']): void {
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

export function isingBenchSection(result: JsonObject, title: string): void {
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

