// The report page's building blocks: sections, uPlot charts and tables. Each chart's container gets
// data-rendered="true" once uPlot has drawn it, and body[data-charts] counts them, so a test can check
// that all rendered. Each feature draws its own sections with these (harness/<feature>/report.ts).
import uPlot from 'uplot';
import type { JsonObject } from '../io/json.js';
import type { Raster } from '../io/raster.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
let expected = 0;
let rendered = 0;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function section(title: string, note?: string): HTMLElement {
  const s = el('section');
  s.append(el('h2', {}, title));
  if (note) s.append(el('p', { class: 'note' }, note));
  document.getElementById('content')!.append(s);
  return s;
}

export interface Line {
  label: string;
  values: (number | null)[];
  points?: boolean;
  dash?: boolean;
}

/** One chart: shared x values, one line (or point set) per series. */
export function chart(parent: HTMLElement, title: string, xLabel: string, yLabel: string, x: number[], lines: Line[], opts: { logX?: boolean; logY?: boolean; yRange?: [number, number] } = {}): void {
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
    // A fixed y range for counts and shares (flat series, zeros of a short run, still show).
    scales: { x: { time: false, distr: opts.logX ? 3 : 1 }, y: { distr: opts.logY ? 3 : 1, ...(opts.yRange ? { range: opts.yRange } : {}) } },
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

/** A canvas of RGBA bytes shown `scale` times its size, pixels kept sharp. */
function pixelCanvas(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray, scale: number): HTMLCanvasElement {
  const canvas = el('canvas', { width: String(width), height: String(height), style: `width: ${scale * width}px; image-rendering: pixelated; border: 1px solid #ccc` });
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** A grey picture (pixels_base64, width, height: a vae-images job's, digitRows') as a canvas. */
function greyCanvas(image: JsonObject, scale: number): HTMLCanvasElement {
  const bytes = Uint8Array.from(atob(image.pixels_base64 as string), (c) => c.charCodeAt(0));
  const rgba = new Uint8Array(4 * bytes.length);
  bytes.forEach((v, i) => rgba.set([v, v, v, 255], 4 * i));
  return pixelCanvas(image.width as number, image.height as number, rgba, scale);
}

/** A grey picture with its caption. */
export function figure(parent: HTMLElement, image: JsonObject, caption: string, scale = 2): void {
  const fig = el('figure');
  fig.append(greyCanvas(image, scale), el('figcaption', {}, caption));
  parent.append(fig);
}

/** A colour raster (harness/io/raster.ts: a plot, a scatter of codes) with its caption. */
export function rasterFigure(parent: HTMLElement, raster: Raster, caption: string): void {
  const fig = el('figure');
  fig.append(pixelCanvas(raster.width, raster.height, raster.data, 1), el('figcaption', {}, caption));
  parent.append(fig);
}

export function table(parent: HTMLElement, headers: string[], rows: (string | number)[][]): void {
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

export const fmt = (x: number) => (Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

