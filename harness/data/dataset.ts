// The labelled image dataset every loader produces (MNIST, an IDX pair, .npy or CSV files), the
// pairing of an image array with a label array, and the per-class train/test split. Browser-safe.
import { InputError } from '../../engine/errors.js';
import type { LabelledBytes } from '../../models/minibatch.js';
import { shapeText, type NumericArray } from './arrays.js';

/**
 * `count` images of `rows` x `cols` with one class label each.
 *
 *   const pixels = toF32(mnistTrain);       // count * rows * cols values in [0, 1] for upload
 *   const firstLabel = mnistTrain.labels[0];
 */
export interface LabelledDataset {
  /** count * rows * cols values, image after image, each row-major. u8: intensity v / 255; f32: in [0, 1]. */
  images: Uint8Array | Float32Array;
  /** count class labels in 0..255. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** A dataset's examples as the device dataset takes them: bytes (f32 intensities in [0, 1] rounded to v * 255). */
export function labelledBytes(d: LabelledDataset): LabelledBytes {
  const images = d.images instanceof Uint8Array ? d.images : Uint8Array.from(d.images, (x) => Math.round(255 * x));
  return { images, labels: d.labels, count: d.count, width: d.rows * d.cols };
}

/** A model file's width against the data's: an InputError naming both when they differ ('inputs', or an RBM's 'visible units'). */
export function checkModelWidth(model: number, data: number, what = 'inputs'): void {
  if (model !== data) throw new InputError(`the model has ${model} ${what}; the data has ${data} values per example`);
}

/** The classes of a dataset: one more than its largest label. */
export const classCount = (d: LabelledDataset): number => d.labels.reduce((a, b) => Math.max(a, b), 0) + 1;

export interface PairOptions {
  /** Image values are divided by this and must then lie in [0, 1]. Default 255 for u8 images (kept as u8), else 1. */
  scale?: number;
  /** [rows, cols] of one image when the image array is 2-D (count x features). Default [1, features]. */
  imageShape?: [number, number];
}

/**
 * Pairs an image array (count x rows x cols, count x rows x cols x 1, or count x features) with a
 * label array (count, or count x 1) from any reader, checking that the counts match and that the
 * labels are integers in 0..255.
 *
 *   const train = datasetFromArrays(readArrayFile('train-images-idx3-ubyte'), readArrayFile('train-labels-idx1-ubyte'));
 *   const csv = splitLabelColumn(readArrayFile('mnist_train.csv'), 0);
 *   const fromCsv = datasetFromArrays(csv.images, csv.labels, { scale: 255, imageShape: [28, 28] });
 */
export function datasetFromArrays(images: NumericArray, labels: NumericArray, options: PairOptions = {}): LabelledDataset {
  const { count, rows, cols } = imageGeometry(images, options.imageShape);
  const labelCount = labels.shape[0];
  if (labels.shape.length === 0 || labels.shape.length > 2 || (labels.shape.length === 2 && labels.shape[1] !== 1)) {
    throw new InputError(`${labels.source}: labels must have shape [count] or [count, 1], found ${shapeText(labels.shape)}`);
  }
  if (labelCount !== count) throw new InputError(`${images.source} holds ${count} images but ${labels.source} holds ${labelCount} labels`);
  return { images: scaledImages(images, options.scale), labels: labelBytes(labels), count, rows, cols };
}

/**
 * Splits a matrix whose column `column` holds the labels (as in the common mnist_train.csv, label
 * first) into an image array (count x the other columns) and a label array, for datasetFromArrays.
 */
export function splitLabelColumn(matrix: NumericArray, column = 0): { images: NumericArray; labels: NumericArray } {
  const [count, width] = matrix.shape;
  if (matrix.shape.length !== 2 || !(column >= 0 && column < width && Number.isInteger(column))) {
    throw new InputError(`${matrix.source}: cannot take label column ${column} from an array of shape ${shapeText(matrix.shape)}`);
  }
  const labels = new Float64Array(count);
  const images = new Float64Array(count * (width - 1));
  for (let i = 0; i < count; i++) {
    const row = matrix.data.subarray(i * width, (i + 1) * width);
    labels[i] = row[column];
    images.set(row.subarray(0, column), i * (width - 1));
    images.set(row.subarray(column + 1), i * (width - 1) + column);
  }
  const source = matrix.source;
  return {
    images: { source, dtype: 'f64', shape: [count, width - 1], data: images },
    labels: { source: `${source} (column ${column})`, dtype: 'f64', shape: [count], data: labels },
  };
}

/** Images start .. end - 1 (no copy: the arrays are views of `d`'s). */
export function sliceDataset(d: LabelledDataset, start: number, end: number): LabelledDataset {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= d.count)) {
    throw new InputError(`sliceDataset: [${start}, ${end}) is not a range of the ${d.count} images`);
  }
  const pixels = d.rows * d.cols;
  return { ...d, images: d.images.subarray(start * pixels, end * pixels), labels: d.labels.subarray(start, end), count: end - start };
}

/**
 * Within each class, in the dataset's order, the first round(n * trainFraction) images are training
 * and the rest test. Both sets interleave the classes round-robin (the first image of each class in
 * ascending label order, then the second of each, ..., skipping a class once it runs out), so any
 * prefix of a set is nearly class-balanced. Deterministic: no randomness.
 *
 *   const { train, test } = splitPerClass(loadMnist()); // 8,000 and 2,000 digits
 */
export function splitPerClass(d: LabelledDataset, trainFraction = 0.8): { train: LabelledDataset; test: LabelledDataset } {
  if (!(trainFraction > 0 && trainFraction < 1)) throw new InputError(`splitPerClass: trainFraction ${trainFraction} must lie in (0, 1)`);
  // The image indices of each class, in the dataset's order, classes by ascending label.
  const byClass: number[][] = Array.from({ length: 256 }, () => []);
  d.labels.forEach((label, i) => byClass[label].push(i));
  const parts = byClass.filter((members) => members.length > 0).map((members) => {
    const cut = Math.round(members.length * trainFraction);
    return { train: members.slice(0, cut), test: members.slice(cut) };
  });
  return {
    train: gather(d, roundRobin(parts.map((p) => p.train))),
    test: gather(d, roundRobin(parts.map((p) => p.test))),
  };
}

/** lists[0][0], lists[1][0], ..., lists[0][1], lists[1][1], ...; a list that runs out is skipped. */
function roundRobin(lists: number[][]): number[] {
  const out: number[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let r = 0; r < longest; r++) for (const list of lists) if (r < list.length) out.push(list[r]);
  return out;
}

/** A new dataset of the images at `indices`, in that order. */
function gather(d: LabelledDataset, indices: number[]): LabelledDataset {
  const pixels = d.rows * d.cols;
  const images = d.images instanceof Uint8Array ? new Uint8Array(indices.length * pixels) : new Float32Array(indices.length * pixels);
  indices.forEach((from, to) => images.set(d.images.subarray(from * pixels, (from + 1) * pixels), to * pixels));
  return { images, labels: Uint8Array.from(indices, (i) => d.labels[i]), count: indices.length, rows: d.rows, cols: d.cols };
}

/** count, rows and cols of an image array (see datasetFromArrays for the accepted shapes). */
function imageGeometry(images: NumericArray, imageShape?: [number, number]): { count: number; rows: number; cols: number } {
  const s = images.shape;
  if (s.length === 3 || (s.length === 4 && s[3] === 1)) {
    if (imageShape && (imageShape[0] !== s[1] || imageShape[1] !== s[2])) {
      throw new InputError(`${images.source}: imageShape ${shapeText(imageShape)} does not match the images' ${shapeText(s.slice(1))}`);
    }
    return { count: s[0], rows: s[1], cols: s[2] };
  }
  if (s.length !== 2) {
    throw new InputError(`${images.source}: images must have shape [count, rows, cols], [count, rows, cols, 1] or [count, features]; found ${shapeText(s)}`);
  }
  const [rows, cols] = imageShape ?? [1, s[1]];
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0 && rows * cols === s[1])) {
    throw new InputError(`${images.source}: imageShape ${rows} x ${cols} does not hold the ${s[1]} features per image`);
  }
  return { count: s[0], rows, cols };
}

/** u8 images with scale 255 as they are; anything else divided by `scale` into f32, which must land in [0, 1]. */
function scaledImages(images: NumericArray, scale = images.dtype === 'u8' ? 255 : 1): Uint8Array | Float32Array {
  if (!(scale > 0 && Number.isFinite(scale))) throw new InputError(`${images.source}: scale ${scale} must be a positive number`);
  if (images.dtype === 'u8' && scale === 255) return images.data as Uint8Array;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < images.data.length; i++) {
    const v = images.data[i];
    if (Number.isNaN(v)) throw new InputError(`${images.source}: value at index ${i} is NaN`);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (min / scale < 0 || max / scale > 1) {
    const fix = scale === 1 ? ' (pass scale, e.g. 255 for 0..255 pixels)' : '';
    throw new InputError(`${images.source}: values range from ${min} to ${max}; divided by ${scale} they must lie in [0, 1]${fix}`);
  }
  const out = new Float32Array(images.data.length);
  for (let i = 0; i < out.length; i++) out[i] = images.data[i] / scale;
  return out;
}

/** Labels as bytes: each must be an integer in 0..255 (an InputError naming the file and index otherwise). */
export function labelBytes(labels: NumericArray): Uint8Array {
  const out = new Uint8Array(labels.data.length);
  for (let i = 0; i < out.length; i++) {
    const label = labels.data[i];
    if (!(Number.isInteger(label) && label >= 0 && label <= 255)) {
      throw new InputError(`${labels.source}: label ${label} at index ${i} is not an integer in 0..255`);
    }
    out[i] = label;
  }
  return out;
}
