// The RBM section of the report page (data from harness/rbm/report_section.ts): learning curves of
// CD-1, CD-3 and PCD-1 per epoch (test reconstruction error, free-energy gap, AIS test
// log-likelihood with +-2 standard-error bands) and each run's filters and fantasy particles.
import type { JsonObject } from '../io/json.js';
import { imageGrid } from '../io/image_grid.js';
import { fromBase64 } from '../io/base64.js';
import { chart, el, section, table, type Line } from '../report/charts.js';

/** A grey image grid (bytes 0-255, base64) on a canvas, scaled up `zoom` times. */
export function greyCanvas(bytesBase64: string, o: { count: number; height: number; width: number; columns?: number }, zoom = 2): HTMLCanvasElement {
  const values = Float32Array.from(fromBase64(bytesBase64), (b) => b / 255);
  const grid = imageGrid(values, o);
  const canvas = el('canvas', { width: String(grid.width), height: String(grid.height) });
  canvas.style.width = `${grid.width * zoom}px`;
  canvas.style.imageRendering = 'pixelated';
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(grid.width, grid.height);
  grid.pixels.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
  ctx.putImageData(image, 0, 0);
  return canvas;
}

export function rbmSection(data: JsonObject): void {
  const settings = data.settings as Record<string, number>;
  const runs = data.runs as JsonObject[];
  const sec = section(
    `RBM on binarised MNIST: CD-1, CD-3 and PCD-1 (784-${settings.hidden})`,
    `${settings.epochs} epochs, batch ${settings.batch}, lr 0.05, momentum 0.5 then 0.9, weight decay 2e-4, seed ${settings.seed}; PCD with ${settings.chains} persistent chains. ` +
      `Test log-likelihood = -mean test free energy - log Z, log Z by AIS after each epoch (${settings['curve-ais-runs']} runs x ${settings['curve-ais-betas']} transitions); ` +
      'dashed: +-2 standard errors of log Z. Free-energy gap = test minus training mean free energy (overfitting when it grows).',
  );
  const grid = el('div', { class: 'grid' });
  sec.append(grid);
  const epochs = Array.from({ length: settings.epochs }, (_, e) => e + 1);
  const history = (r: JsonObject) => r.history as Record<string, number>[];
  const curve = (r: JsonObject) => r.ais_curve as Record<string, number>[];
  const perEpoch = (key: string): Line[] => runs.map((r) => ({ label: String(r.label), points: true, values: epochs.map((e) => history(r)[e - 1]?.[key] ?? null) }));
  chart(grid, 'Test reconstruction error', 'epoch', 'squared error per digit', epochs, perEpoch('test_reconstruction_error'));
  chart(grid, 'Free-energy gap (test - train)', 'epoch', 'nats', epochs, perEpoch('free_energy_gap'));
  const logLik: Line[] = runs.flatMap((r) => {
    const at = (e: number, sign: number) => {
      const p = curve(r)[e - 1];
      return p ? p.test_avg_log_prob + sign * 2 * p.log_z_stderr : null;
    };
    return [
      { label: String(r.label), points: true, values: epochs.map((e) => at(e, 0)) },
      { label: `${String(r.label)} - 2 s.e.`, dash: true, values: epochs.map((e) => at(e, -1)) },
      { label: `${String(r.label)} + 2 s.e.`, dash: true, values: epochs.map((e) => at(e, 1)) },
    ];
  });
  chart(grid, 'AIS test log-likelihood', 'epoch', 'nats per digit', epochs, logLik);
  table(
    sec,
    ['rule', 'test log-lik.', '± (s.e. of log Z)', 'train log-lik.', 'log Z', 'recon. error', 'F gap', 'examples/s'],
    runs.map((r) => {
      const p = curve(r).at(-1) ?? {};
      return [String(r.label), p.test_avg_log_prob ?? NaN, p.log_z_stderr ?? NaN, p.train_avg_log_prob ?? NaN, p.log_z ?? NaN, r.reconstruction_error as number, r.free_energy_gap as number, r.examples_per_s as number];
    }),
  );
  const images = el('div', { class: 'snapshots' });
  for (const r of runs) {
    const shape = { height: r.image_rows as number, width: r.image_cols as number };
    for (const [what, key, count] of [['filters', 'filters_base64', r.filters_count], [`fantasy particles (${String(r.samples_steps)} Gibbs steps)`, 'samples_base64', r.samples_count]] as const) {
      const fig = el('figure');
      fig.append(greyCanvas(r[key] as string, { count: count as number, ...shape }), el('figcaption', {}, `${String(r.label)}: ${what}`));
      images.append(fig);
    }
  }
  sec.append(el('h3', {}, 'Filters (white: positive weights) and fantasy particles'), images);
}
