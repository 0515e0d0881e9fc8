// The segmented argmin (engine/ops/argmin.ts) in plain TypeScript: each segment of `width` scores'
// index of its smallest (the first of equals) and that value.

export function segmentArgminReference(scores: ArrayLike<number>, rows: number, segments: number, width: number): { indices: Uint32Array; minima: Float64Array } {
  const indices = new Uint32Array(rows * segments);
  const minima = new Float64Array(rows * segments);
  for (let i = 0; i < rows * segments; i++) {
    let [best, at] = [scores[i * width], 0];
    for (let j = 1; j < width; j++) {
      const v = scores[i * width + j];
      if (v < best) [best, at] = [v, j];
    }
    [indices[i], minima[i]] = [at, best];
  }
  return { indices, minima };
}
