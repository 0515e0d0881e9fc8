// Plain TypeScript minibatch gather, the reference for shaders/gather.wgsl, on raw 32-bit words so that
// tests compare bit for bit.
import { UNIT_BYTE_VALUES, type GatherFormat } from '../../engine/ops/gather.js';

export interface GatherReference {
  format: GatherFormat;
  rows: number;
  width: number;
  batchSize: number;
  first?: number;
  batch?: number;
  /** Batches per epoch; default the full batches of indices from first. */
  batches?: number;
  /** Entries between batches' starts; default batchSize (with another, give batches). */
  stride?: number;
  byteValues?: ArrayLike<number>;
}

/**
 * The output words of the gather at graph iteration `iteration`. `source` holds words (f32 bits or
 * u32) for formats f32 and u32, or the rows x width bytes for u8 and bytes.
 */
export function gatherReference(source: Uint32Array | Uint8Array, indices: ArrayLike<number>, o: GatherReference, iteration = 0): Uint32Array {
  const { rows, width, batchSize } = o;
  const first = o.first ?? 0;
  const stride = o.stride ?? batchSize;
  const batches = o.batches ?? Math.floor((indices.length - first) / batchSize);
  const values = new Float32Array(o.byteValues ?? UNIT_BYTE_VALUES);
  const valueBits = new Uint32Array(values.buffer);
  const poison = o.format === 'u32' ? 0xffffffff : o.format === 'bytes' ? 0xff : 0x7fc00000;
  const out = new Uint32Array(batchSize * width);
  // 1. The batch of this iteration, wrapping around after `batches`.
  const b = ((o.batch ?? 0) + iteration) % batches;
  for (let r = 0; r < batchSize; r++) {
    // 2. The source row of output row r; an index past the source poisons the row.
    const row = indices[first + b * stride + r];
    for (let c = 0; c < width; c++) {
      if (row >= rows) out[r * width + c] = poison;
      // 3. Copy the word, or map the byte through the value table.
      else out[r * width + c] = o.format === 'u8' ? valueBits[source[row * width + c]] : source[row * width + c];
    }
  }
  // 4. Format bytes: the bytes packed 4 per word, one stream over the batch.
  if (o.format === 'bytes') {
    const packed = new Uint8Array(4 * Math.ceil(out.length / 4));
    packed.set(out);
    return new Uint32Array(packed.buffer);
  }
  return out;
}
