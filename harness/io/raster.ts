// Colour pictures: an RGB raster with lines, dots and a 3x5 digit font, and a minimal plot of lines
// and points on it (a capacity curve, a tour) with tick marks. Pure (no Node): the report page draws
// rasters on a canvas, the CLI writes them as PNG (harness/io/png.ts). Grey image grids: image_grid.ts.

export type Rgb = readonly [number, number, number];

/** An RGB canvas in memory (RGBA bytes, as a canvas's ImageData holds them). */
export class Raster {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    this.data = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) this.data.set([...background, 255], 4 * p);
  }

  set(x: number, y: number, c: Rgb): void {
    const [px, py] = [Math.round(x), Math.round(y)];
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    this.data.set(c, 4 * (py * this.width + px));
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let dy = 0; dy < h; dy++) for (let dx = 0; dx < w; dx++) this.set(x + dx, y + dy, c);
  }

  /** A line by steps of at most half a pixel, `width` pixels thick; `dash` > 0 leaves gaps. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1, dash = 0): void {
    const steps = Math.max(1, Math.ceil(2 * Math.hypot(x1 - x0, y1 - y0)));
    for (let s = 0; s <= steps; s++) {
      if (dash > 0 && Math.floor(s / (2 * dash)) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * s) / steps, y = y0 + ((y1 - y0) * s) / steps;
      this.rect(x - (width - 1) / 2, y - (width - 1) / 2, width, width, c);
    }
  }

  dot(x: number, y: number, radius: number, c: Rgb): void {
    for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) if (dx * dx + dy * dy <= radius * radius) this.set(x + dx, y + dy, c);
  }

  /** Digits, '.', '-' in a 3x5 font scaled by `scale`, left-aligned at (x, y) (top). */
  text(x: number, y: number, s: string, c: Rgb, scale = 2): void {
    [...s].forEach((ch, k) => {
      const glyph = FONT[ch];
      if (!glyph) return;
      glyph.forEach((row, r) => [...row].forEach((bit, col) => bit === '1' && this.rect(x + (4 * k + col) * scale, y + r * scale, scale, scale, c)));
    });
  }
}

const FONT: Readonly<Record<string, readonly string[]>> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '.': ['000', '000', '000', '000', '010'],
  '-': ['000', '000', '111', '000', '000'],
};

const INK: Rgb = [27, 34, 51];

export interface PlotSeries {
  x: readonly number[];
  y: readonly number[];
  colour: Rgb;
  points?: boolean;
  /** Join the points with lines (default true); `closed` also joins the last to the first. */
  lines?: boolean;
  closed?: boolean;
}

export interface PlotOptions {
  xRange: [number, number];
  yRange: [number, number];
  ticks?: { x: number[]; y: number[] };
  vertical?: number[];
  width?: number;
  height?: number;
  /** Dots' radius with `points` (default 3). */
  dot?: number;
}

/** Rasters side by side, top-aligned, on white: a figure of panels. */
export function sideBySide(panels: readonly Raster[]): Raster {
  const out = new Raster(panels.reduce((w, r) => w + r.width, 0), Math.max(...panels.map((r) => r.height)));
  let left = 0;
  for (const r of panels) {
    for (let y = 0; y < r.height; y++) out.data.set(r.data.subarray(4 * y * r.width, 4 * (y + 1) * r.width), 4 * (y * out.width + left));
    left += r.width;
  }
  return out;
}

/** The plot of writePlot, as a raster. */
export function plotRaster(series: readonly PlotSeries[], o: PlotOptions): Raster {
  const width = o.width ?? 640, height = o.height ?? 420;
  const left = 60, right = 20, top = 20, bottom = 40;
  const raster = new Raster(width, height);
  const [x0, x1] = o.xRange, [y0, y1] = o.yRange;
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * (width - left - right);
  const py = (y: number) => height - bottom - ((y - y0) / (y1 - y0)) * (height - top - bottom);
  const grey: Rgb = [150, 150, 150];
  raster.line(px(x0), py(y0), px(x1), py(y0), INK);
  raster.line(px(x0), py(y0), px(x0), py(y1), INK);
  const label = (v: number) => String(Number(v.toPrecision(3)));
  for (const t of o.ticks?.x ?? []) {
    raster.line(px(t), py(y0), px(t), py(y0) + 5, INK);
    // Centred under the tick (a glyph is 3 of 4 columns at scale 2): the last one stays inside the right margin.
    raster.text(px(t) - (4 * label(t).length - 1), py(y0) + 10, label(t), INK);
  }
  for (const t of o.ticks?.y ?? []) {
    raster.line(px(x0) - 5, py(t), px(x0), py(t), INK);
    raster.text(8, py(t) - 5, label(t), INK);
  }
  for (const v of o.vertical ?? []) raster.line(px(v), py(y0), px(v), py(y1), grey, 1, 4);
  for (const s of series) {
    const n = s.x.length;
    if (s.lines ?? true) for (let k = 0; k + 1 < n + (s.closed ? 1 : 0); k++) raster.line(px(s.x[k]), py(s.y[k]), px(s.x[(k + 1) % n]), py(s.y[(k + 1) % n]), s.colour, 2);
    if (s.points) for (let k = 0; k < n; k++) raster.dot(px(s.x[k]), py(s.y[k]), o.dot ?? 3, s.colour);
  }
  return raster;
}
