// A labelled dataset on the GPU and the minibatches read from it: images as bytes packed 4 per u32
// word (a quarter of f32's memory), labels as u32, and per graph repetition one gather of a batch of
// rows by an index list (an epoch's Philox permutation, or the rows in order). Nothing comes back to
// the host between batches.
import { InputError, type KernelGraph, type OpContext, type Tensor } from '../engine/index.js';
import { addGather } from '../engine/ops/index.js';
import { building, Owned, type Releasable } from './owned.js';

/** Images of `width` bytes (intensity b / 255) with one class label each, on the host. */
export interface LabelledBytes {
  /** count * width bytes, image after image. */
  images: Uint8Array;
  /** count labels. */
  labels: ArrayLike<number>;
  count: number;
  width: number;
}

/**
 * A dataset held in device tensors.
 *
 *   const train = await DeviceDataset.upload(ctx, { images, labels, count: 8000, width: 784 }, 'train');
 *   ...
 *   train.release();
 */
export class DeviceDataset implements Releasable {
  private constructor(
    private readonly owned: Owned,
    /** ceil(count * width / 4) u32 words: the image bytes, row-major, packed 4 per word. */
    readonly images: Tensor,
    /** count u32. */
    readonly labels: Tensor,
    /** 0, 1, .., count - 1 (u32): the index list of a pass over the rows in order. */
    readonly inOrder: Tensor,
    readonly count: number,
    readonly width: number,
  ) {}

  static async upload(ctx: OpContext, d: LabelledBytes, name = 'dataset'): Promise<DeviceDataset> {
    const { count, width } = d;
    if (!(Number.isInteger(count) && count > 0 && Number.isInteger(width) && width > 0)) throw new InputError(`${name}: count = ${count} and width = ${width} must be positive integers`);
    if (d.images.length !== count * width) throw new InputError(`${name}: ${d.images.length} image bytes, but count x width = ${count} x ${width} = ${count * width}`);
    if (d.labels.length !== count) throw new InputError(`${name}: ${d.labels.length} labels for ${count} images`);
    return building(async (owned) => {
      // Whole words: the last one padded with zero bytes.
      const words = Math.ceil((count * width) / 4);
      const bytes = new Uint8Array(4 * words);
      bytes.set(d.images);
      const images = await owned.add(ctx.pool.tensor(`${name} images (bytes)`, 'u32', [words], { data: bytes }));
      const labels = await owned.add(ctx.pool.tensor(`${name} labels`, 'u32', [count], { data: Uint32Array.from(d.labels) }));
      const inOrder = await owned.add(ctx.pool.tensor(`${name} rows in order`, 'u32', [count], { data: Uint32Array.from({ length: count }, (_, i) => i) }));
      return new DeviceDataset(owned, images, labels, inOrder, count, width);
    });
  }

  release(): void {
    this.owned.release();
  }
}

export interface BatchGather {
  data: DeviceDataset;
  /** u32 row numbers: an epoch's permutation (addPermutation) or data.inOrder. */
  indices: Tensor;
  /** batchSize x width f32: the images, b / 255 (or byteValues[b]). */
  x: Tensor;
  /** batchSize u32; absent for a model that reads only the images (no gather of labels then). */
  labels?: Tensor;
  batchSize: number;
  /** The entry of indices that batch 0 starts at (default 0). */
  first?: number;
  /** Batches before the batch index wraps (default: the full batches of indices from first). */
  batches?: number;
  /** What each byte value reads as (256 numbers; default b / 255). */
  byteValues?: ArrayLike<number>;
}

/** Bytes as the integers they are (byteValues of addBatchGather): BinaryNet's inputs 0..255. */
export const BYTE_INTEGERS: Float32Array = Float32Array.from({ length: 256 }, (_, b) => b);

/**
 * Adds the gathers of one minibatch per graph repetition: at iteration t, batch (t mod batches)
 * of `indices`, its images as f32 and, when `labels` is given, its labels.
 *
 *   await addPermutation(graph, ctx, { output: order, n: data.count, seed, epoch: 0, epochLength: batches });
 *   await addBatchGather(graph, ctx, { data, indices: order, x, labels, batchSize: 100 });
 */
export function addBatchGather(graph: KernelGraph, ctx: OpContext, o: BatchGather): Promise<Releasable> {
  const { data, indices, batchSize, first, batches } = o;
  const rows = { rows: data.count, indices, batchSize, first, batches };
  return building(async (owned) => {
    await owned.add(addGather(graph, ctx, { ...rows, source: data.images, format: 'u8', width: data.width, output: o.x, byteValues: o.byteValues }));
    if (o.labels) await owned.add(addGather(graph, ctx, { ...rows, source: data.labels, format: 'u32', width: 1, output: o.labels }));
    return owned;
  });
}

/** A part of an in-order pass over a dataset: `batches` batches of `rows` examples from example `first`. */
export interface BatchPart {
  rows: number;
  batches: number;
  first: number;
}

/**
 * The batches of an in-order pass over `count` examples (an evaluation's): full batches of `batch`
 * rows in one part, the rest in a second. `what` names the caller in the error for a bad batch.
 *
 *   batchParts(2000, 300, 'mlp evaluation');   // [{ rows: 300, batches: 6, first: 0 }, { rows: 200, batches: 1, first: 1800 }]
 */
export function batchParts(count: number, batch: number, what: string): BatchPart[] {
  if (!(Number.isInteger(batch) && batch > 0)) throw new InputError(`${what}: batch must be a positive integer, got ${batch}`);
  const rows = Math.min(batch, count);
  const full = Math.floor(count / rows);
  const rest = count - full * rows;
  return [{ rows, batches: full, first: 0 }, ...(rest > 0 ? [{ rows: rest, batches: 1, first: full * rows }] : [])];
}
