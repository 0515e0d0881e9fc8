// Plain TypeScript binary codes, the reference for shaders/codes.wgsl (integers: bit for bit).

/** The rows x bits output at repetition `iteration`: row r holds the bits of first + iteration * rows + r (u32), least significant first. */
export function binaryCodesReference(rows: number, bits: number, first = 0, iteration = 0): Float32Array {
  const out = new Float32Array(rows * bits);
  for (let r = 0; r < rows; r++) {
    // 1. The number of this row, wrapping as a u32 does.
    const number = (first + iteration * rows + r) >>> 0;
    // 2. Its bits, least significant in column 0.
    for (let j = 0; j < bits; j++) out[r * bits + j] = Math.floor(number / 2 ** j) % 2;
  }
  return out;
}
