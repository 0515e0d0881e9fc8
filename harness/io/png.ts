// PNG files: grey images, and colour rasters (harness/io/raster.ts) and plots drawn on them.
import { PNG } from 'pngjs';
import { writeFileAtomic } from './files.js';
import { plotRaster, type PlotOptions, type PlotSeries, type Raster, type Rgb } from './raster.js';

/** A raster's PNG bytes. */
export function rasterPng(raster: Raster): Uint8Array {
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data.set(raster.data);
  return PNG.sync.write(png);
}

/**
 * A plot of series in a box with ticks and tick labels (no titles: say in the caption what the axes
 * are), `vertical` lines dashed at given x, written as a PNG file.
 */
export function writePlot(path: string, series: readonly PlotSeries[], o: PlotOptions): void {
  writeFileAtomic(path, rasterPng(plotRaster(series, o)));
}

/**
 * Curves over a shared x from 0 (sweeps, steps) as a PNG plot, the axes spanning the data: x from 0 to
 * its last value, y from the lowest to the highest value, ticks at the ends and the middle (y ticks to
 * `precision` significant digits).
 */
export function writeCurvesPlot(path: string, x: readonly number[], curves: ReadonlyArray<{ y: readonly number[]; colour: Rgb }>, precision = 3): void {
  const all = curves.flatMap((c) => c.y);
  const [low, high] = [Math.min(...all), Math.max(...all)];
  const [last, top] = [Math.max(1, x[x.length - 1]), high > low ? high : low + 1];
  writePlot(
    path,
    curves.map((c) => ({ x, y: c.y, colour: c.colour })),
    { xRange: [0, last], yRange: [low, top], ticks: { x: [0, Math.round(last / 2), last], y: [low, (low + top) / 2, top].map((v) => Number(v.toPrecision(precision))) } },
  );
}

/** Writes a grey image (one byte per pixel, row-major), scaled up by `scale` for small lattices. */
export function writeGreyPng(path: string, pixels: Uint8Array, width: number, height: number, scale = 1): void {
  const png = new PNG({ width: width * scale, height: height * scale });
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const v = pixels[Math.floor(y / scale) * width + Math.floor(x / scale)];
      const o = 4 * (y * width * scale + x);
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
  writeFileAtomic(path, PNG.sync.write(png));
}
