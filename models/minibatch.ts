// A labelled dataset on the GPU and the minibatches read from it: images as bytes packed 4 per u32
// word (a quarter of f32's memory) or, for real-valued rows (the linear models' data), as f32; labels as u32, and per graph repetition one gather of a batch of
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

/** Real-valued rows (any floats, not intensities) with optional class labels, on the host. */
export interface RealRows {
  /** count * width values, row after row. */
  values: Float32Array;
  /** count labels (absent: class 0). */
  labels?: ArrayLike<number>;
  count: number;
  width: number;
}

/** How a device dataset holds its values: bytes (b / 255 when gathered) or float32 as they are. */
export type DatasetFormat = 'u8' | 'f32';

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
    /** format u8: ceil(count * width / 4) u32 words, the image bytes row-major, packed 4 per word; f32: count x width values. */
    readonly images: Tensor,
    /** count u32. */
    readonly labels: Tensor,
    /** 0, 1, .., count - 1 (u32): the index list of a pass over the rows in order. */
    readonly inOrder: Tensor,
    readonly count: number,
    readonly width: number,
    readonly format: DatasetFormat = 'u8',
  ) {}

  static async upload(ctx: OpContext, d: LabelledBytes, name = 'dataset'): Promise<DeviceDataset> {
    checkShape(name, d.images.length, d.labels.length, d.count, d.width);
    // Whole words: the last one padded with zero bytes.
    const bytes = new Uint8Array(4 * Math.ceil((d.count * d.width) / 4));
    bytes.set(d.images);
    return DeviceDataset.build(ctx, name, d.count, d.width, 'u8', d.labels, (owned) => owned.add(ctx.pool.tensor(`${name} images (bytes)`, 'u32', [bytes.length / 4], { data: bytes })));
  }

  /** Real-valued rows as float32 on the device (gathered as they are). */
  static async uploadRows(ctx: OpContext, d: RealRows, name = 'dataset'): Promise<DeviceDataset> {
    const labels = d.labels ?? new Uint32Array(d.count);
    checkShape(name, d.values.length, labels.length, d.count, d.width);
    return DeviceDataset.build(ctx, name, d.count, d.width, 'f32', labels, (owned) => owned.add(ctx.pool.tensor(`${name} rows`, 'f32', [d.count, d.width], { data: d.values })));
  }

  private static build(ctx: OpContext, name: string, count: number, width: number, format: DatasetFormat, labelValues: ArrayLike<number>, values: (owned: Owned) => Promise<Tensor>): Promise<DeviceDataset> {
    return building(async (owned) => {
      const images = await values(owned);
      const labels = await owned.add(ctx.pool.tensor(`${name} labels`, 'u32', [count], { data: Uint32Array.from(labelValues) }));
      const inOrder = await owned.add(ctx.pool.tensor(`${name} rows in order`, 'u32', [count], { data: Uint32Array.from({ length: count }, (_, i) => i) }));
      return new DeviceDataset(owned, images, labels, inOrder, count, width, format);
    });
  }

  release(): void {
    this.owned.release();
  }
}

/** A dataset's counts against its arrays' lengths: an InputError naming `name` when they disagree. */
function checkShape(name: string, values: number, labels: number, count: number, width: number): void {
  if (!(Number.isInteger(count) && count > 0 && Number.isInteger(width) && width > 0)) throw new InputError(`${name}: count = ${count} and width = ${width} must be positive integers`);
  if (values !== count * width) throw new InputError(`${name}: ${values} values, but count x width = ${count} x ${width} = ${count * width}`);
  if (labels !== count) throw new InputError(`${name}: ${labels} labels for ${count} examples`);
}

export interface BatchGather {
  data: DeviceDataset;
  /** u32 row numbers: an epoch's permutation (addPermutation) or data.inOrder. */
  indices: Tensor;
  /** batchSize x width f32: the images, b / 255 (or byteValues[b]); a real-valued dataset's rows as they are. */
  x: Tensor;
  /** batchSize u32; absent for a model that reads only the images (no gather of labels then). */
  labels?: Tensor;
  batchSize: number;
  /** The entry of indices that batch 0 starts at (default 0). */
  first?: number;
  /** Batches before the batch index wraps (default: the full batches of indices from first). */
  batches?: number;
  /** Entries of indices between batches' starts (default batchSize; engine/ops/gather.ts). */
  stride?: number;
  /** What each byte value reads as (256 numbers; default b / 255). */
  byteValues?: ArrayLike<number>;
}

/**
 * u32 [count x times]: each row number 0 .. count - 1 repeated `times` times in a row, the indices of a
 * gather that gives each example one row per draw (importance sampling, the IWAE bound).
 */
export function repeatedRows(ctx: OpContext, label: string, count: number, times: number): Promise<Tensor> {
  return ctx.pool.tensor(label, 'u32', [count * times], { data: Uint32Array.from({ length: count * times }, (_, i) => Math.floor(i / times)) });
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
  const { data, indices, batchSize, first, batches, stride } = o;
  const rows = { rows: data.count, indices, batchSize, first, batches, stride };
  return building(async (owned) => {
    await owned.add(addGather(graph, ctx, { ...rows, source: data.images, format: data.format, width: data.width, output: o.x, byteValues: o.byteValues }));
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
