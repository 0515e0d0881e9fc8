// A dataset's images as f32 for upload to the GPU: intensities in [0, 1], or binarised to 0 / 1 by
// threshold or by a Bernoulli draw from Philox. Browser-safe.
import { checkU32 } from '../../engine/checks.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';
import { bernoulliSample } from '../reference/gemm.js';
import type { LabelledDataset } from './dataset.js';

/** The Philox stream of a sampled binarisation: key (seed, RNG_PURPOSES.binarize), counter (step, e / 4, call). */
export interface BernoulliStream {
  seed: number;
  /** Counter word 0 (default 0): a fresh binarisation per epoch, say. */
  step?: number;
  /** Counter word 2 (default 0). */
  call?: number;
}

/** 'threshold': 1 when intensity > 0.5; a BernoulliStream: 1 with probability = intensity. */
export type Binarise = 'threshold' | BernoulliStream;

/**
 * The images as count * rows * cols f32 values: intensities in [0, 1] (u8 pixels / 255, rounded to
 * f32), or 0 / 1 with `binarise`.
 *
 * Both binarisations start from those f32 intensities p, the values a GPU kernel would read after
 * upload. 'threshold' gives 1 when p > 0.5 (u8 pixels 128..255). Sampling decides pixel e
 * (e = image * rows * cols + row * cols + col, the image counted within `d`) by word e % 4 of
 *   rngBits(seed, RNG_PURPOSES.binarize, step, floor(e / 4), call)
 * with the rule the GEMM epilogue decides element e of its output by (harness/reference/gemm.ts
 * bernoulliSample, there under RNG_PURPOSES.bernoulli): the pixel is 1 when (word >>> 8) < floor(p * 2^24), which p * 2^24 being exact in
 * f32 makes `(word >> 8u) < u32(p * 16777216.0)` in WGSL, bit for bit.
 *
 *   const x = toF32(train);                                // intensities
 *   const xt = toF32(train, 'threshold');                  // fixed binary images
 *   const xs = toF32(train, { seed: 7, step: epoch });     // fresh binary images each epoch
 */
export function toF32(d: LabelledDataset, binarise?: Binarise): Float32Array {
  const out = new Float32Array(d.count * d.rows * d.cols);
  if (d.images instanceof Uint8Array) for (let e = 0; e < out.length; e++) out[e] = d.images[e] / 255;
  else out.set(d.images.subarray(0, out.length));
  if (binarise === 'threshold') {
    for (let e = 0; e < out.length; e++) out[e] = out[e] > 0.5 ? 1 : 0;
  } else if (binarise !== undefined) {
    const { seed, step = 0, call = 0 } = binarise;
    checkU32('toF32', 'binarise.seed', seed);
    checkU32('toF32', 'binarise.step', step);
    checkU32('toF32', 'binarise.call', call);
    for (let e = 0; e < out.length; e++) out[e] = bernoulliSample(out[e], seed, step, call, e, RNG_PURPOSES.binarize);
  }
  return out;
}
