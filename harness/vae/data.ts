// MNIST for the VAE and autoencoder jobs, the same bytes in Node and in a page: the MLP's split
// (8,000 training and 2,000 test digits, harness/mlp/data.ts). The VAE trains on intensities,
// binarised afresh at every step on the GPU (dynamic binarisation), and is evaluated on test digits
// binarised once by a fixed Philox stream, so that every run and every model sees the same binary
// test digits and its log-likelihoods (nats) are comparable. The autoencoders use intensities.
import { toF32, type LabelledDataset } from '../data/index.js';
import type { LabelledBytes } from '../../models/minibatch.js';
import { loadMnistSplit } from '../mlp/data.js';

/** The Philox seed of the test digits' one binarisation (harness/data toF32, purpose binarize). */
export const TEST_BINARIZATION_SEED = 2016;

export const VAE_DATASET = `mnist-10k split per class 0.8 (harness/data splitPerClass); test digits binarised with seed ${TEST_BINARIZATION_SEED}`;

export interface VaeMnist {
  /** Intensities (bytes). */
  train: LabelledBytes;
  /** Intensities (bytes). */
  test: LabelledBytes;
  /** The test digits binarised once: bytes 0 and 255. */
  testBinary: LabelledBytes;
}

/** A dataset's bytes as the device dataset takes them. */
export const bytesOf = (d: LabelledDataset): LabelledBytes => ({ images: d.images as Uint8Array, labels: d.labels, count: d.count, width: d.rows * d.cols });

/**
 *   const { train, testBinary } = await loadVaeMnist(ctx.gpu.adapter.runtime, { trainCount: 2000 });
 */
export async function loadVaeMnist(runtime: 'node' | 'browser', o: { trainCount?: number; testCount?: number } = {}): Promise<VaeMnist> {
  const { train, test } = await loadMnistSplit(runtime, o);
  const binary = toF32(test, { seed: TEST_BINARIZATION_SEED });
  const testBinary = { ...bytesOf(test), images: Uint8Array.from(binary, (v) => 255 * v) };
  return { train: bytesOf(train), test: bytesOf(test), testBinary };
}
