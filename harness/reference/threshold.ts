// A binary layer's activations from its sums and per-column thresholds (engine/ops/threshold.ts), and
// the packing of +-1 values 32 per word as the kernel writes them.

/** +1 where s >= t (direction >= 0) or s <= t (direction < 0), else -1; sums rows x cols. */
export function thresholdReference(sums: ArrayLike<number>, rows: number, cols: number, thresholds: ArrayLike<number>, directions: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = sums[r * cols + c];
      const fires = directions[c] >= 0 ? s >= thresholds[c] : s <= thresholds[c];
      out[r * cols + c] = fires ? 1 : -1;
    }
  }
  return out;
}

/** +-1 values (rows x cols) packed along the columns, 32 per u32, column c at bit c % 32, +1 as 1. */
export function packSignsReference(values: ArrayLike<number>, rows: number, cols: number): Uint32Array {
  const words = Math.ceil(cols / 32);
  const out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (values[r * cols + c] >= 0) out[r * words + (c >> 5)] |= 1 << (c & 31);
  return out;
}
