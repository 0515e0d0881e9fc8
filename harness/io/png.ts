// PNG files: grey images, and colour rasters (harness/io/raster.ts) and plots drawn on them.
import { PNG } from 'pngjs';
import { writeFileAtomic } from './files.js';
import { plotRaster, type PlotOptions, type PlotSeries, type Raster } from './raster.js';

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
