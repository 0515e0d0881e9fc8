// MNIST as an RBM sees it, the same in Node and in a page: our split of the MNIST cache (harness/mlp
// loadMnistSplit), binarised for Bernoulli visible units (once, with a fixed Philox stream, so that
// every run and every evaluation sees the same bits), or standardised per pixel for Gaussian ones.
import { pixelMeans, pixelStandardization, type Standardization } from '../../models/rbm_data.js';
import type { RbmVisibleType } from '../../models/rbm.js';
import { toF32, type LabelledDataset } from '../data/index.js';
import { loadMnistSplit } from '../data/mnist_split.js';
import type { RBM_BINARIZE } from './flags.js';

export type RbmBinarize = (typeof RBM_BINARIZE)[number];

/** Images as the RBM datasets take them: count x width bytes (b / 255). */
export interface RbmImages {
  images: Uint8Array;
  count: number;
  width: number;
}

export interface RbmData {
  train: RbmImages;
  test: RbmImages;
  /** Gaussian units: the training split's per-pixel standardisation. */
  standardization?: Standardization;
  /** Each visible unit's mean over the training split, as the units see the data (the AIS base rates). */
  means: Float64Array;
  /** Image rows and columns (28 x 28). */
  rows: number;
  cols: number;
}

/** The Philox seed of the sampled binarisation, fixed for every run; the training split uses step 0, the test split step 1. */
export const BINARIZE_SEED = 0;

/** A split's images as bytes, binarised (0 or 255) for Bernoulli units. */
function imagesOf(d: LabelledDataset, visible: RbmVisibleType, binarize: RbmBinarize, step: number): RbmImages {
  const width = d.rows * d.cols;
  if (visible === 'gaussian') return { images: d.images as Uint8Array, count: d.count, width };
  const bits = toF32(d, binarize === 'threshold' ? 'threshold' : { seed: BINARIZE_SEED, step });
  // A plain loop: TypedArray.from with a map function is many times slower on millions of pixels.
  const images = new Uint8Array(bits.length);
  for (let e = 0; e < bits.length; e++) images[e] = bits[e] ? 255 : 0;
  return { images, count: d.count, width };
}

/** The whole splits as each kind of visible unit sees them, made once per process (binarising 10,000 digits takes seconds). */
const splits = new Map<string, Promise<{ train: RbmImages; test: RbmImages; rows: number; cols: number }>>();

function wholeSplits(runtime: 'node' | 'browser', visible: RbmVisibleType, binarize: RbmBinarize) {
  const key = `${runtime} ${visible} ${visible === 'gaussian' ? '' : binarize}`;
  let made = splits.get(key);
  if (!made) {
    made = loadMnistSplit(runtime).then((s) => ({ train: imagesOf(s.train, visible, binarize, 0), test: imagesOf(s.test, visible, binarize, 1), rows: s.train.rows, cols: s.train.cols }));
    // A failure (a missing cache) is not remembered.
    made.catch(() => splits.delete(key));
    splits.set(key, made);
  }
  return made;
}

/** The training and test images of a split as the units see them, with the means and the standardisation. */
function asSeen(whole: { train: RbmImages; test: RbmImages; rows: number; cols: number }, o: { visible: RbmVisibleType; trainCount?: number; testCount?: number; standardization?: Standardization }): RbmData {
  const cut = (x: RbmImages, n: number | undefined): RbmImages => {
    const count = Math.min(n ?? x.count, x.count);
    return { images: x.images.subarray(0, count * x.width), count, width: x.width };
  };
  const train = cut(whole.train, o.trainCount);
  const test = cut(whole.test, o.testCount);
  const standardization = o.visible === 'gaussian' ? o.standardization ?? pixelStandardization(train.images, train.count, train.width) : undefined;
  // Standardised units have mean 0 over the training split by construction (up to the file's rounding).
  const means = standardization ? new Float64Array(train.width) : pixelMeans(train.images, train.count, train.width);
  return { train, test, standardization, means, rows: whole.rows, cols: whole.cols };
}

/**
 * MNIST's split as a run sees it: the first `trainCount` / `testCount` digits of each part (all by
 * default), binarised once per process for Bernoulli units.
 *
 *   const data = await loadRbmData(ctx.gpu.adapter.runtime, { visible: 'bernoulli', binarize: 'sample' });
 */
export async function loadRbmData(runtime: 'node' | 'browser', o: { visible: RbmVisibleType; binarize: RbmBinarize; trainCount?: number; testCount?: number; standardization?: Standardization }): Promise<RbmData> {
  return asSeen(await wholeSplits(runtime, o.visible, o.binarize), o);
}

/**
 * A run's examples (--data and --test, already cut to their counts) as the units see them. Each
 * pixel's draw is keyed by its index, so a prefix of a split holds the same bits as the whole.
 *
 *   const data = rbmData(split, { visible: 'bernoulli', binarize: 'sample' });
 */
export function rbmData(split: { train: LabelledDataset; test: LabelledDataset }, o: { visible: RbmVisibleType; binarize: RbmBinarize; standardization?: Standardization }): RbmData {
  const whole = { train: imagesOf(split.train, o.visible, o.binarize, 0), test: imagesOf(split.test, o.visible, o.binarize, 1), rows: split.train.rows, cols: split.train.cols };
  return asSeen(whole, o);
}

/** Hinton's initial visible biases: log(p / (1 - p)) of each unit's mean, p kept within [0.001, 0.999]; zeros for Gaussian units. */
export function initialVisibleBiases(visible: RbmVisibleType, means: ArrayLike<number>): Float64Array {
  if (visible === 'gaussian') return new Float64Array(means.length);
  return Float64Array.from(means, (m) => {
    const p = Math.min(0.999, Math.max(0.001, m));
    return Math.log(p / (1 - p));
  });
}
