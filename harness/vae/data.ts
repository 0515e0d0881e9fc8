// MNIST for the VAE and autoencoder jobs, the same bytes in Node and in a page: the MLP's split
// (8,000 training and 2,000 test digits, harness/mlp/data.ts). The VAE trains on intensities,
// binarised afresh at every step on the GPU (dynamic binarisation), and is evaluated on test digits
// binarised once by a fixed Philox stream, so that every run and every model sees the same binary
// test digits and its log-likelihoods (nats) are comparable. The autoencoders use intensities.
import type { RunContext } from '../../engine/index.js';
import { checkModelWidth, labelledBytes } from '../data/dataset.js';
import { toF32, type LabelledDataset } from '../data/index.js';
import { DeviceDataset, type LabelledBytes } from '../../models/minibatch.js';
import type { Owned } from '../../models/owned.js';
import { loadMnistSplit } from '../data/mnist_split.js';
import { loadData, type DataParams } from '../data/source.js';

/** The Philox seed of the test digits' one binarisation (harness/data toF32, purpose binarize). */
export const TEST_BINARIZATION_SEED = 2016;

/** What model files add to the data's description. */
export const VAE_DATA_NOTE = `; test digits binarised with seed ${TEST_BINARIZATION_SEED}`;

export interface VaeMnist {
  /** Intensities (bytes). */
  train: LabelledBytes;
  /** Intensities (bytes). */
  test: LabelledBytes;
  /** The test digits binarised once: bytes 0 and 255. */
  testBinary: LabelledBytes;
  /** Image rows and columns of an example (28 x 28), for pictures. */
  rows: number;
  cols: number;
}

/**
 * A split as the VAE sees it: intensities, and the test examples binarised once.
 *
 *   const { train, testBinary } = vaeData(await loadData(ctx.gpu.adapter.runtime, p));
 */
export function vaeData(split: { train: LabelledDataset; test: LabelledDataset }): VaeMnist {
  const binary = toF32(split.test, { seed: TEST_BINARIZATION_SEED });
  const testBinary = { ...labelledBytes(split.test), images: Uint8Array.from(binary, (v) => 255 * v) };
  return { train: labelledBytes(split.train), test: labelledBytes(split.test), testBinary, rows: split.train.rows, cols: split.train.cols };
}

/**
 *   const { train, testBinary } = await loadVaeMnist(ctx.gpu.adapter.runtime, { trainCount: 2000 });
 */
export async function loadVaeMnist(runtime: 'node' | 'browser', o: { trainCount?: number; testCount?: number } = {}): Promise<VaeMnist> {
  return vaeData(await loadMnistSplit(runtime, o));
}

/**
 * The binarised test digits of `data` (vaeData's: the same for every model that reports nats), checked
 * against a model's `inputs` and uploaded into `owned`: what an evaluation job of a VAE or an SBN reads.
 */
export async function uploadBinaryTestDigits(ctx: RunContext, data: DataParams, inputs: number, owned: Owned): Promise<{ test: DeviceDataset; digits: LabelledBytes }> {
  const { testBinary } = vaeData(await loadData(ctx.gpu.adapter.runtime, data));
  checkModelWidth(inputs, testBinary.width);
  return { test: await owned.add(DeviceDataset.upload(ctx, testBinary, 'mnist test (binarised)')), digits: testBinary };
}
