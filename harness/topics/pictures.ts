// The bars' topics as pictures (the classic figure of Griffiths & Steyvers 2004): each topic's 25 word
// probabilities as a 5 x 5 image, white the topic's most probable word, a row of K images per snapshot
// of the sampler. For PNG files (lda train --png) and the report's page alike. Browser-safe.
import { BARS_SIDE } from '../data/bars.js';
import { imageGrid } from '../io/image_grid.js';

/** Snapshots of the topics (each K x 25 probabilities, row-major) as one grey grid, a row per snapshot. */
export function barsTopicsGrid(snapshots: readonly (readonly number[])[], topics: number): { pixels: Uint8Array; width: number; height: number } {
  const words = BARS_SIDE * BARS_SIDE;
  const images = new Float64Array(snapshots.length * topics * words);
  snapshots.forEach((phi, s) => {
    for (let k = 0; k < topics; k++) {
      const row = phi.slice(k * words, (k + 1) * words);
      const top = Math.max(...row);
      row.forEach((p, w) => (images[(s * topics + k) * words + w] = top > 0 ? p / top : 0));
    }
  });
  return imageGrid(images, { count: snapshots.length * topics, height: BARS_SIDE, width: BARS_SIDE, columns: topics, background: 96 });
}
