// Minibatch gather: rows of a dataset picked by an index list (an epoch's permutation), one batch per
// graph repetition. Kernel: shaders/gather.wgsl (which states the layouts). Reference:
// harness/reference/gather.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkDistinct, checkElements, checkWorkgroupSize, type OpContext, type OpDispatch } from './common.js';

/**
 * How the source stores a row and the output takes it: f32 or u32 words (copied as bits), u8 bytes
 * packed 4 per u32 word into f32 values, or 'bytes': u8 bytes into bytes (packed the same way).
 */
export type GatherFormat = 'f32' | 'u32' | 'u8' | 'bytes';

export interface GatherOptions {
  /**
   * rows x width: an f32 or u32 tensor of [rows, width] (or [rows * width]), or for format 'u8' a u32
   * tensor of ceil(rows * width / 4) words holding the bytes row-major (a Uint8Array uploaded as is).
   */
  source: Tensor;
  /** Default: the source's dtype ('u8' must be said). */
  format?: GatherFormat;
  rows: number;
  width: number;
  /** u32 row numbers, e.g. addPermutation's output; a row number >= rows gives a poisoned output row. */
  indices: Tensor;
  /** batchSize x width: f32 for f32 and u8 sources, u32 for u32 ones; 'bytes': u32 of ceil(batchSize x width / 4) words. */
  output: Tensor;
  batchSize: number;
  /** The entry of indices that batch 0 starts at (default 0). */
  first?: number;
  /** The batch gathered at iteration 0 (default 0); the graph's repetition index adds to it. */
  batch?: number;
  /**
   * Batches per epoch (default: the full batches in indices from first, floor((count - first) /
   * batchSize), so a last partial batch is dropped); the batch index wraps around modulo it.
   */
  batches?: number;
  /**
   * Entries of indices between the starts of consecutive batches (default batchSize): a step that
   * gathers n batches of its own, each from its own `first`, gives them all stride n x batchSize and
   * the same `batches` (required with a stride: a default from `first` would wrap them apart).
   */
  stride?: number;
  /** Format 'u8': the f32 value of each byte (256 numbers; default byte / 255, correctly rounded). */
  byteValues?: ArrayLike<number>;
  /** Invocations per workgroup (default 64); the result does not depend on it. */
  workgroupSize?: number;
}

const FORMATS: Readonly<Record<GatherFormat, { code: number; poison: number }>> = {
  f32: { code: 0, poison: 0x7fc00000 },
  u32: { code: 0, poison: 0xffffffff },
  u8: { code: 1, poison: 0x7fc00000 },
  bytes: { code: 2, poison: 0xff },
};

/** The f32 value of each byte by default: byte / 255 rounded once (f32(b) * f32(1 / 255) would miss 126 of them). */
export const UNIT_BYTE_VALUES: Float32Array = Float32Array.from({ length: 256 }, (_, b) => b / 255);

const DEFAULT_WG = 64;

/**
 * Adds a minibatch gather: output[r, :] = source[indices[first + b * batchSize + r], :] with
 * b = (batch + iteration) % batches, so a graph repeated `batches` times gathers each batch of an
 * epoch once, in order. Sources: f32 -> f32 and u32 -> u32 (copied bit for bit), u8 -> f32 through
 * byteValues (default byte / 255). The last partial batch is dropped unless `batches` says
 * otherwise; gather it apart with `first` and a smaller batchSize. Errors name 'gather'.
 *
 *   // MNIST as bytes (47 MB), one epoch of 468 batches of 128 in one submit:
 *   const pixels = await pool.tensor('pixels', 'u32', [60000 * 784 / 4], { data: bytes });
 *   await addPermutation(graph, ctx, { output: order, n: 60000, seed: 1, epoch: 0, epochLength: 468 });
 *   const op = await addGather(graph, ctx, { source: pixels, format: 'u8', rows: 60000, width: 784, indices: order, output: x, batchSize: 128 });
 *   await scheduler.run(graph, { repeat: 468 });
 */
export async function addGather(graph: KernelGraph, ctx: OpContext, o: GatherOptions): Promise<OpDispatch> {
  const name = 'gather';
  checkDims(name, { rows: o.rows, width: o.width, batchSize: o.batchSize });
  const format = o.format ?? (o.source?.dtype as GatherFormat);
  if (!Object.hasOwn(FORMATS, format)) throw new InputError(`${name}: format must be f32, u32, u8 or bytes, not '${String(format)}'`);
  const { rows, width, batchSize } = o;
  const bytes = format === 'u8' || format === 'bytes';
  const source = bytes
    ? checkElements(name, 'source', o.source, ['u32'], [Math.ceil((rows * width) / 4)], `rows x width = ${rows} x ${width} bytes, 4 per u32 word`)
    : checkElements(name, 'source', o.source, [format], [rows, width], 'rows x width');
  const output =
    format === 'bytes'
      ? checkElements(name, 'output', o.output, ['u32'], [Math.ceil((batchSize * width) / 4)], `batchSize x width = ${batchSize} x ${width} bytes, 4 per u32 word`)
      : checkElements(name, 'output', o.output, [format === 'u32' ? 'u32' : 'f32'], [batchSize, width], 'batchSize x width');
  const indices = checkElements(name, 'indices', o.indices, ['u32'], o.indices?.shape ?? []);
  checkDistinct(name, 'output', { output, source, indices });

  const count = indices.shape.reduce((a, b) => a * b, 1);
  const first = o.first ?? 0;
  if (!Number.isInteger(first) || first < 0) throw new InputError(`${name}: first = ${String(first)} must be a non-negative integer`);
  const stride = o.stride ?? batchSize;
  if (!Number.isInteger(stride) || stride < batchSize) throw new InputError(`${name}: stride = ${String(stride)} must be an integer >= batchSize = ${batchSize}`);
  if (stride !== batchSize && o.batches === undefined) throw new InputError(`${name}: with stride = ${stride} give batches, the same for every gather of a step`);
  const batches = o.batches ?? Math.floor((count - first) / batchSize);
  const batch = o.batch ?? 0;
  // The last batch's entries end at first + (batches - 1) stride + batchSize.
  const needed = first + (Math.max(batches, 1) - 1) * stride + batchSize;
  if (!Number.isInteger(batches) || batches < 1 || needed > count) {
    throw new InputError(`${name}: ${batches} batches of batchSize = ${batchSize}${stride === batchSize ? '' : ` (stride ${stride})`} from first = ${first} need ${needed} indices; operand indices has shape [${indices.shape.join(', ')}]`);
  }
  if (!Number.isInteger(batch) || batch < 0 || batch >= batches) throw new InputError(`${name}: batch = ${String(batch)} must be an integer in [0, batches = ${batches})`);

  const values = o.byteValues ?? UNIT_BYTE_VALUES;
  if (values.length !== 256) throw new InputError(`${name}: byteValues must hold 256 numbers, one per byte; got ${values.length}`);
  if (o.byteValues !== undefined && format !== 'u8') throw new InputError(`${name}: byteValues are for format 'u8', not '${format}'`);

  const wg = checkWorkgroupSize(ctx, name, o.workgroupSize ?? DEFAULT_WG);
  const kernel = cachedKernel(name, 'gather.wgsl', 'main', { WG: wg, FORMAT: FORMATS[format].code, POISON: FORMATS[format].poison });
  const fields = { values, rows, width, batch_size: batchSize, first, batch, batches, stride };
  const workgroups = linearGrid(ctx.gpu, format === 'bytes' ? Math.ceil((batchSize * width) / 4) : batchSize * width, kernel.override('WG'));
  return addDispatch(graph, ctx, kernel, fields, (params) => ({ params, source, indices, output }), workgroups);
}
