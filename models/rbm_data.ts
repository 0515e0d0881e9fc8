// An RBM's training or test data on the GPU: images as bytes (a DeviceDataset, intensity b / 255) and,
// for Gaussian visible units, the per-pixel standardisation (x - mean) / std applied to each gathered
// batch. A batch is gathered by an index list, one per graph repetition, with no host round trip.
import { InputError, KernelGraph, type OpContext, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addGather, addReduce } from '../engine/ops/index.js';
import { DeviceDataset } from './minibatch.js';
import { building, Owned, type Releasable } from './owned.js';

/** Per-pixel mean and standard deviation (values b / 255) that Gaussian visible units see the data through. */
export interface Standardization {
  mean: ArrayLike<number>;
  std: ArrayLike<number>;
}

/** Below this a pixel's standard deviation counts as this (constant pixels of MNIST's border stay 0, not NaN). */
export const MIN_PIXEL_STD = 0.01;

/**
 * The mean and standard deviation of each of `width` pixels over `count` images of bytes (b / 255),
 * the deviation at least MIN_PIXEL_STD.
 *
 *   const s = pixelStandardization(images, 8000, 784);
 */
export function pixelStandardization(images: Uint8Array, count: number, width: number): Standardization {
  const mean = new Float64Array(width);
  const square = new Float64Array(width);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < width; i++) {
      const x = images[n * width + i] / 255;
      mean[i] += x / count;
      square[i] += (x * x) / count;
    }
  }
  const std = mean.map((m, i) => Math.max(MIN_PIXEL_STD, Math.sqrt(Math.max(0, square[i] - m * m))));
  return { mean, std };
}

/** The fraction of images in which each pixel is on (b / 255 summed), as the base rates of a visible layer. */
export function pixelMeans(images: Uint8Array, count: number, width: number): Float64Array {
  const mean = new Float64Array(width);
  for (let n = 0; n < count; n++) for (let i = 0; i < width; i++) mean[i] += images[n * width + i] / 255 / count;
  return mean;
}

/**
 * An RBM's data on the GPU: images as bytes (intensity b / 255) with their optional standardisation,
 * or f32 features (a deep belief net's layer above the first: the hidden units of the layer below).
 *
 *   const train = await RbmDataset.upload(ctx, { images, count: 8000, width: 784 }, 'mnist train');
 *   const above = await RbmDataset.features(ctx, hiddenProbabilities, 'layer 2 train');
 *   await train.addBatch(graph, ctx, { indices: order, x: batch, batchSize: 100 });
 */
export class RbmDataset implements Releasable {
  private constructor(
    private readonly owned: Owned,
    /** Bytes packed 4 per u32 word ('u8'), or f32 [count, width]. */
    private readonly source: Tensor,
    private readonly format: 'u8' | 'f32',
    readonly count: number,
    readonly width: number,
    /** 0 .. count - 1 (u32): the index list of a pass in order. */
    readonly inOrder: Tensor,
    /** [width] mean and 1 / std, when standardised. */
    private readonly shift: Tensor | null,
    private readonly scale: Tensor | null,
  ) {}

  static async upload(ctx: OpContext, d: { images: Uint8Array; count: number; width: number }, name = 'rbm data', standardization?: Standardization): Promise<RbmDataset> {
    if (standardization && (standardization.mean.length !== d.width || standardization.std.length !== d.width)) {
      throw new InputError(`${name}: standardisation of ${standardization.mean.length} means and ${standardization.std.length} deviations for ${d.width} pixels`);
    }
    return building(async (owned) => {
      const data = await owned.add(DeviceDataset.upload(ctx, { images: d.images, labels: new Uint8Array(d.count), count: d.count, width: d.width }, name));
      const vector = (label: string, values: ArrayLike<number>) => owned.add(ctx.pool.tensor(`${name} ${label}`, 'f32', [d.width], { data: Float32Array.from(values) }));
      const shift = standardization ? await vector('pixel mean', standardization.mean) : null;
      const scale = standardization ? await vector('pixel 1 / std', Array.from(standardization.std, (s) => 1 / s)) : null;
      return new RbmDataset(owned, data.images, 'u8', d.count, d.width, data.inOrder, shift, scale);
    });
  }

  /** A set of f32 rows already on the GPU (`x`: [count, width]), which the set owns from now on: released with it. */
  static async features(ctx: OpContext, x: Tensor, name = 'rbm features'): Promise<RbmDataset> {
    const [count, width] = x.shape;
    if (x.dtype !== 'f32' || x.shape.length !== 2) throw new InputError(`${name}: features must be f32 [count, width], got ${x.dtype} [${x.shape.join(', ')}]`);
    return building(async (owned) => {
      await owned.add(x);
      const inOrder = await owned.add(ctx.pool.tensor(`${name} rows in order`, 'u32', [count], { data: Uint32Array.from({ length: count }, (_, i) => i) }));
      return new RbmDataset(owned, x, 'f32', count, width, inOrder, null, null);
    });
  }

  /**
   * Adds the gather of batch (batch + repetition) % batches of `indices` into x (batchSize x width
   * f32), then its standardisation when the set has one.
   */
  addBatch(graph: KernelGraph, ctx: OpContext, o: { indices: Tensor; x: Tensor; batchSize: number; first?: number; batches?: number }): Promise<Releasable> {
    return building(async (owned) => {
      await owned.add(addGather(graph, ctx, { source: this.source, format: this.format, rows: this.count, width: this.width, indices: o.indices, output: o.x, batchSize: o.batchSize, first: o.first, batches: o.batches }));
      if (this.shift && this.scale) {
        await owned.add(addBinary(graph, ctx, { op: 'sub', a: o.x, b: this.shift, out: o.x }));
        await owned.add(addBinary(graph, ctx, { op: 'mul', a: o.x, b: this.scale, out: o.x }));
      }
      return owned;
    });
  }

  /** Every row as a batch holds it (standardised, if the set is): count x width f32. */
  async readRows(ctx: RunContext): Promise<Float32Array> {
    const owned = new Owned();
    try {
      const graph = new KernelGraph('rbm data rows');
      const x = await owned.add(ctx.pool.tensor('rbm data rows', 'f32', [this.count, this.width]));
      await owned.add(this.addBatch(graph, ctx, { indices: this.inOrder, x, batchSize: this.count }));
      await ctx.scheduler.run(graph);
      return new Float32Array(await x.read());
    } finally {
      owned.release();
    }
  }

  /** Each column's mean over the rows, as a batch holds them (standardised, if the set is): e.g. AIS's base rates. */
  async columnMeans(ctx: RunContext): Promise<Float64Array> {
    const owned = new Owned();
    try {
      const graph = new KernelGraph('rbm data column means');
      const x = await owned.add(ctx.pool.tensor('rbm data rows', 'f32', [this.count, this.width]));
      const means = await owned.add(ctx.pool.tensor('rbm data column means', 'f32', [this.width]));
      await owned.add(this.addBatch(graph, ctx, { indices: this.inOrder, x, batchSize: this.count }));
      await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'column', x, out: means }));
      await ctx.scheduler.run(graph);
      return Float64Array.from(new Float32Array(await means.read()));
    } finally {
      owned.release();
    }
  }

  release(): void {
    this.owned.release();
  }
}
