// The autoencoder's PNG pictures: 2-D codes of the test digits coloured by class (the autoencoder's
// beside PCA-2's, as in Hinton & Salakhutdinov 2006's figure), and semantic hashing's
// precision-recall curves (the autoencoder's codes, PCA signs, LSH).
import { toBase64 } from '../io/base64.js';
import { imageGrid } from '../io/image_grid.js';
import { plotRaster, sideBySide, type PlotSeries, type Raster, type Rgb } from '../io/raster.js';
import type { JsonObject } from '../io/json.js';

/**
 * Rows of `count` digits each (values in [0, 1], clipped), one row per array (the test digits, then
 * what a model makes of them), as a grey picture: width, height, columns, pixels_base64.
 */
export function digitRows(rows: ReadonlyArray<ArrayLike<number>>, count: number, shape: { rows: number; cols: number }): JsonObject {
  const size = shape.rows * shape.cols;
  const all = new Float32Array(rows.length * count * size);
  rows.forEach((row, i) => {
    for (let e = 0; e < count * size; e++) all[i * count * size + e] = Math.min(1, Math.max(0, row[e]));
  });
  const grid = imageGrid(all, { count: rows.length * count, height: shape.rows, width: shape.cols, columns: count });
  return { width: grid.width, height: grid.height, columns: count, pixels_base64: toBase64(grid.pixels) };
}

/** One colour per class 0..9 (tableau-10), the legend a caption gives. */
export const CLASS_COLOURS: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** The colours of the hashing curves: the autoencoder, PCA signs, LSH. */
export const METHOD_COLOURS: Readonly<Record<'autoencoder' | 'pca' | 'lsh', Rgb>> = { autoencoder: [214, 39, 40], pca: [31, 119, 180], lsh: [127, 127, 127] };

/** Ticks over [low, high]: `count` evenly spaced values. */
const ticks = (low: number, high: number, count = 5) => Array.from({ length: count }, (_, i) => low + ((high - low) * i) / (count - 1));

/** A range with 5% margins around every value. */
function range(values: readonly number[]): [number, number] {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const pad = (high - low) * 0.05 || 1;
  return [low - pad, high + pad];
}

/** One panel: points (x, y) pairs of `xy`, coloured by label. */
function scatter(xy: readonly number[], labels: readonly number[]) {
  const series: PlotSeries[] = CLASS_COLOURS.map((colour, c) => {
    const rows = labels.flatMap((l, r) => (l === c ? [r] : []));
    return { x: rows.map((r) => xy[2 * r]), y: rows.map((r) => xy[2 * r + 1]), colour, points: true, lines: false };
  });
  const [xRange, yRange] = [range(xy.filter((_, e) => e % 2 === 0)), range(xy.filter((_, e) => e % 2 === 1))];
  return plotRaster(series, { xRange, yRange, ticks: { x: ticks(...xRange), y: ticks(...yRange) }, dot: 1, width: 520, height: 480 });
}

/**
 * The test digits' 2-D codes (ae eval's codes_2d: autoencoder, pca, labels) as two panels, the
 * autoencoder's on the left, coloured by class (CLASS_COLOURS).
 */
export function codesPicture(codes: JsonObject): Raster {
  const labels = codes.labels as number[];
  return sideBySide([scatter(codes.autoencoder as number[], labels), scatter(codes.pca as number[], labels)]);
}

/** ae hash's curves (precision against recall by Hamming radius) of the three methods (METHOD_COLOURS). */
export function precisionRecallPicture(curves: JsonObject): Raster {
  const series = (Object.keys(METHOD_COLOURS) as Array<keyof typeof METHOD_COLOURS>).map((method): PlotSeries => {
    const c = curves[method] as { precision: Array<number | null>; recall: Array<number | null> };
    const points = c.recall.flatMap((r, i) => (r === null || c.precision[i] === null ? [] : [[r, c.precision[i] as number]]));
    return { x: points.map((p) => p[0]), y: points.map((p) => p[1]), colour: METHOD_COLOURS[method], points: true };
  });
  return plotRaster(series, { xRange: [0, 1], yRange: [0, 1], ticks: { x: ticks(0, 1, 6), y: ticks(0, 1, 6) } });
}
