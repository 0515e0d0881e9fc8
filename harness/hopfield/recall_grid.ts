// A recall step by step as one grey picture (the PNG of `hopfield recall`, the report and the demo):
// a row per pattern, the stored pattern first, then the state after 0, 1, .. steps; +1 dark. Browser-safe.
import { imageGrid } from '../io/image_grid.js';

/**
 * `stored` holds the patterns (count x units +-1), `history[t]` the states after t steps (same layout).
 *
 *   const grid = recallGrid(result.stored, result.history, 25, 5);
 *   writeGreyPng('recall.png', grid.pixels, grid.width, grid.height, 12);
 */
export function recallGrid(stored: ArrayLike<number>, history: ReadonlyArray<ArrayLike<number>>, units: number, width: number): { pixels: Uint8Array; width: number; height: number } {
  const count = stored.length / units;
  const columns = 1 + history.length;
  const images = new Float32Array(count * columns * units);
  for (let k = 0; k < count; k++) {
    for (let c = 0; c < columns; c++) {
      const source = c === 0 ? stored : history[c - 1];
      for (let i = 0; i < units; i++) images[(k * columns + c) * units + i] = source[k * units + i] > 0 ? 0 : 1;
    }
  }
  return imageGrid(images, { count: count * columns, height: units / width, width, columns, pad: 1, background: 170 });
}

/**
 * Paints a grey grid onto a canvas at one canvas pixel per grid pixel, shown `scale` times larger
 * with sharp edges (pages only).
 */
export function paintGrey(canvas: HTMLCanvasElement, grid: { pixels: Uint8Array; width: number; height: number }, scale: number): void {
  canvas.width = grid.width;
  canvas.height = grid.height;
  canvas.style.width = `${grid.width * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  const g = canvas.getContext('2d')!;
  const image = g.createImageData(grid.width, grid.height);
  grid.pixels.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
  g.putImageData(image, 0, 0);
}
