// The index and value of the smallest of each segment of scores, and optionally each segment's one-hot
// of it: k-means' assignment step (every row's nearest centre for every restart at once), with the
// one-hot matrix ready for the GEMM that sums each cluster's rows deterministically.
// Kernel: shaders/argmin.wgsl; reference: harness/reference/argmin.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkDistinct, checkElements, placeholder, type OpContext, type OpDispatch } from './common.js';

const WG = 64;

export interface SegmentArgminOptions {
  /** f32 rows x (segments x width), no NaN. */
  scores: Tensor;
  rows: number;
  segments: number;
  width: number;
  /** u32 rows x segments: each segment's index of its smallest value (the lowest on ties). */
  indices: Tensor;
  /** f32 rows x segments: that value. */
  minima: Tensor;
  /** f32 rows x (segments x width): 1 at each segment's index, 0 elsewhere. */
  oneHot?: Tensor;
}

/**
 * Adds, for each row and each of its `segments` runs of `width` scores (numbers, not NaN), the index
 * and the value of the smallest (the first of equals), and with `oneHot` the segment's one-hot.
 *
 *   await addSegmentArgmin(graph, ctx, { scores, rows: n, segments: restarts, width: k, indices: labels, minima, oneHot });
 */
export async function addSegmentArgmin(graph: KernelGraph, ctx: OpContext, o: SegmentArgminOptions): Promise<OpDispatch> {
  const name = 'segment argmin';
  checkDims(name, { rows: o.rows, segments: o.segments, width: o.width });
  const scores = checkElements(name, 'scores', o.scores, ['f32'], [o.rows, o.segments * o.width], 'rows x (segments x width)');
  const indices = checkElements(name, 'indices', o.indices, ['u32'], [o.rows, o.segments], 'rows x segments');
  const minima = checkElements(name, 'minima', o.minima, ['f32'], [o.rows, o.segments], 'rows x segments');
  const oneHot = o.oneHot ? checkElements(name, 'oneHot', o.oneHot, ['f32'], [o.rows, o.segments * o.width], 'rows x (segments x width)') : undefined;
  checkDistinct(name, 'outputs', { scores, indices, minima, ...(oneHot ? { oneHot } : {}) });
  if (o.rows * o.segments * o.width >= 2 ** 31) throw new InputError(`${name}: rows x segments x width = ${o.rows * o.segments * o.width} is over 2^31`);
  const kernel = cachedKernel(name, 'argmin.wgsl', 'main', { WG, ONE_HOT: +(oneHot !== undefined) });
  const unused = await placeholder(ctx.pool, 'write');
  const grid = linearGrid(ctx.gpu, o.rows * o.segments, WG);
  return addDispatch(graph, ctx, kernel, { rows: o.rows, segments: o.segments, width: o.width }, (params) => ({ params, scores, indices, minima, one_hot: oneHot ?? unused }), grid);
}
