// A binary layer's activations from its sums by a threshold per column (batch normalisation and the
// sign folded into one comparison: BinaryNet's inference), written as f32 +-1 or packed 32 per word
// for the next XNOR product. Kernel: shaders/threshold.wgsl; reference: harness/reference/threshold.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkDistinct, checkElements, placeholder, type OpContext, type OpDispatch } from './common.js';
import { packedWords } from './pack.js';

const WG = 64;

export interface ThresholdOptions {
  /** rows x cols sums, f32 or i32 (integers below 2^24 in magnitude compare exactly). */
  sums: Tensor;
  rows: number;
  cols: number;
  /** f32 [cols]: t per column (+-Infinity for a constant activation). */
  thresholds: Tensor;
  /** f32 [cols]: >= 0 for +1 where s >= t, < 0 for +1 where s <= t. */
  directions: Tensor;
  /** u32 rows x ceil(cols / 32) (packed), or f32 rows x cols (+-1). */
  output: Tensor;
}

/**
 * Adds out = +1 where the column's comparison holds (s >= t, or s <= t for a negative direction),
 * else -1; packed along the columns when the output is u32 or bits.
 *
 *   await addThreshold(graph, ctx, { sums, rows: 100, cols: 4096, thresholds, directions, output: nextBits });
 */
export async function addThreshold(graph: KernelGraph, ctx: OpContext, o: ThresholdOptions): Promise<OpDispatch> {
  const name = 'threshold';
  checkDims(name, { rows: o.rows, cols: o.cols });
  const sums = checkElements(name, 'sums', o.sums, ['f32', 'i32'], [o.rows, o.cols], 'rows x cols');
  const thresholds = checkElements(name, 'thresholds', o.thresholds, ['f32'], [o.cols], 'cols');
  const directions = checkElements(name, 'directions', o.directions, ['f32'], [o.cols], 'cols');
  const packed = o.output?.dtype === 'u32' || o.output?.dtype === 'bits';
  const words = packedWords(o.cols);
  const output = packed
    ? checkElements(name, 'output', o.output, ['u32', 'bits'], [o.rows, words], 'rows x ceil(cols / 32) words')
    : checkElements(name, 'output', o.output, ['f32'], [o.rows, o.cols], 'rows x cols');
  checkDistinct(name, 'output', { sums, thresholds, directions, output });
  if (o.rows * Math.max(o.cols, words) >= 2 ** 31) throw new InputError(`${name}: rows x cols = ${o.rows * o.cols} is over 2^31`);
  const kernel = cachedKernel(name, 'threshold.wgsl', 'main', { WG, PACKED: +packed, INT_SUMS: +(sums.dtype === 'i32') });
  const unused = await placeholder(ctx.pool, 'write');
  const fields = { rows: o.rows, cols: o.cols, words };
  const grid = linearGrid(ctx.gpu, packed ? o.rows * words : o.rows * o.cols, WG);
  return addDispatch(graph, ctx, kernel, fields, (params) => ({ params, sums, thresholds, directions, bits: packed ? output : unused, values: packed ? unused : output }), grid);
}
