// Plain TypeScript bit packing, XNOR GEMM and the 8-bit case, in integers: the reference for
// shaders/pack_bits.wgsl, xnor_gemm.wgsl and xnor_u8.wgsl (the layouts are stated in pack_bits.wgsl).

/** u32 words per packed row of `cols` values. */
export const packedWords = (cols: number) => Math.ceil(cols / 32);

/** Bit 1 (+1) for x >= 0: +0 and -0 give +1, NaN gives -1. */
export const signBit = (x: number) => (x >= 0 ? 1 : 0);

/** Packs a rows x cols matrix of values by sign along cols; padding bits stay 0. */
export function packBits(x: ArrayLike<number>, rows: number, cols: number): Uint32Array {
  const words = packedWords(cols);
  const out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Column c goes to word c / 32 of its row, at bit c % 32.
      if (signBit(x[r * cols + c])) out[r * words + (c >> 5)] |= 1 << (c & 31);
    }
  }
  return out;
}

/** ±1.0 from packed bits (bit 1 -> +1). */
export function unpackBits(bits: Uint32Array, rows: number, cols: number): Float32Array {
  const words = packedWords(cols);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = (bits[r * words + (c >> 5)] >>> (c & 31)) & 1 ? 1 : -1;
  }
  return out;
}

/** Set bits of a u32. */
export function popcount(x: number): number {
  let v = x >>> 0;
  let n = 0;
  while (v) {
    v &= v - 1;
    n++;
  }
  return n;
}

/**
 * C[r, j] = sum over k of A[r, k] * B[j, k] for ±1 A (M x K) and B (N x K), both packed along K:
 * each agreeing bit adds 1 and each disagreeing bit subtracts 1, so dot = K - 2 * (disagreements),
 * counted over the real K bits only.
 */
export function xnorGemm(a: Uint32Array, b: Uint32Array, m: number, n: number, k: number): Int32Array {
  const words = packedWords(k);
  const out = new Int32Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let disagree = 0;
      for (let w = 0; w < words; w++) {
        // Bits of this word that belong to K (the last word may be partial).
        const real = Math.min(32, k - 32 * w);
        const mask = real === 32 ? 0xffffffff : (1 << real) - 1;
        disagree += popcount((a[r * words + w] ^ b[j * words + w]) & mask);
      }
      out[r * n + j] = k - 2 * disagree;
    }
  }
  return out;
}

/** The u8 value at (r, k) of a row-major rows x cols byte matrix held 4 per u32 (little-endian). */
export const byteAt = (x: Uint32Array, e: number) => (x[e >> 2] >>> (8 * (e & 3))) & 0xff;

/** The 8 bit planes of a rows x cols u8 matrix: index (r * words + w) * 8 + b, bit i = bit b of x[r, 32 w + i]. */
export function packBitPlanes(x: Uint32Array, rows: number, cols: number): Uint32Array {
  const words = packedWords(cols);
  const out = new Uint32Array(rows * words * 8);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const value = byteAt(x, r * cols + c);
      for (let b = 0; b < 8; b++) {
        if ((value >> b) & 1) out[(r * words + (c >> 5)) * 8 + b] |= 1 << (c & 31);
      }
    }
  }
  return out;
}

/** C[r, j] = sum over k of x[r, k] * w[j, k] for u8 x and ±1 w, plainly (no bit tricks). */
export function u8Gemm(x: Uint32Array, w: Uint32Array, m: number, n: number, k: number): Int32Array {
  const words = packedWords(k);
  const out = new Int32Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let c = 0; c < k; c++) {
        // The weight's sign from its bit; the input byte as an integer.
        const sign = (w[j * words + (c >> 5)] >>> (c & 31)) & 1 ? 1 : -1;
        sum += sign * byteAt(x, r * k + c);
      }
      out[r * n + j] = sum;
    }
  }
  return out;
}

/**
 * The same sum the GPU way: per bit plane b, popcount(P_b & W) - popcount(P_b & ~W), scaled by 2^b.
 * Tests check it against u8Gemm, so that the identity the kernel relies on is checked on its own.
 */
export function u8GemmByPlanes(planes: Uint32Array, w: Uint32Array, m: number, n: number, k: number): Int32Array {
  const words = packedWords(k);
  const out = new Int32Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let v = 0; v < words; v++) {
        const weights = w[j * words + v];
        for (let b = 0; b < 8; b++) {
          const plane = planes[(r * words + v) * 8 + b];
          // Bits set in the plane where w = +1 add 2^b, where w = -1 subtract 2^b (plane padding is 0).
          sum += (popcount(plane & weights) - popcount(plane & ~weights)) * 2 ** b;
        }
      }
      out[r * n + j] = sum;
    }
  }
  return out;
}
