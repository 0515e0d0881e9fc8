// Plain TypeScript bit planes of integer matrices, the reference for shaders/xnor_planes.wgsl (which
// states the code and the layout): the planes, and the product they give, in integers.
import type { PlaneCode } from '../../engine/ops/xnor_planes.js';
import { packedWords } from './xnor.js';

/** The planes of a rows x cols integer matrix: planes x rows x ceil(cols / 32) words. */
export function encodePlanes(values: ArrayLike<number>, rows: number, cols: number, code: PlaneCode): Uint32Array {
  const words = packedWords(cols);
  const out = new Uint32Array(code.planes * rows * words);
  const even = code.planes > code.bits;
  const top = 2 ** code.bits - 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // 1. Even entries are coded as v + 1 (the extra plane, all -1, takes the 1 back).
      const v = values[r * cols + c] + (even ? 1 : 0);
      // 2. v = sum_p 2^p (2 b_p - 1) with b_p the bits of (v + 2^L - 1) / 2.
      const code2 = (v + top) / 2;
      for (let p = 0; p < code.bits; p++) {
        if (Math.floor(code2 / 2 ** p) % 2 === 1) out[(p * rows + r) * words + (c >> 5)] |= 1 << (c & 31);
      }
    }
  }
  return out;
}

/** The integer matrix the planes code (the inverse of encodePlanes): rows x cols. */
export function decodePlanes(planes: Uint32Array, rows: number, cols: number, code: PlaneCode): Float64Array {
  const words = packedWords(cols);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let v = 0;
      for (let p = 0; p < code.planes; p++) {
        const bit = (planes[(p * rows + r) * words + (c >> 5)] >>> (c & 31)) & 1;
        v += (p < code.bits ? 2 ** p : 1) * (bit ? 1 : -1);
      }
      out[r * cols + c] = v;
    }
  }
  return out;
}

/** A B^T for m x k A (+-1 values) and n x k integer B, in float64 (exact for integers below 2^53). */
export function integerProduct(a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += a[r * k + i] * b[j * k + i];
      out[r * n + j] = sum;
    }
  }
  return out;
}
