// What an RBM looks like as pictures: its filters (each hidden unit's weights to the visible units,
// as an image) and its visible vectors (samples, reconstructions) as intensities in [0, 1]. Browser-safe.
import type { Standardization } from '../../models/rbm_data.js';

/**
 * The weights into hidden units 0 .. count - 1 (columns of W, visible x hidden; or with `layout`
 * 'unit-major' rows of hidden x visible, as receptive fields come), each as an image in [0, 1] scaled
 * by its own largest |w|: 0.5 is a zero weight, white positive, black negative.
 *
 *   const filters = filterImages(weights, 784, 500, 100);
 */
export function filterImages(weights: ArrayLike<number>, visible: number, hidden: number, count = hidden, layout: 'visible-major' | 'unit-major' = 'visible-major'): Float32Array {
  const n = Math.min(count, hidden);
  const at = layout === 'unit-major' ? (i: number, j: number) => weights[j * visible + i] : (i: number, j: number) => weights[i * hidden + j];
  const out = new Float32Array(n * visible);
  for (let j = 0; j < n; j++) {
    let scale = 0;
    for (let i = 0; i < visible; i++) scale = Math.max(scale, Math.abs(at(i, j)));
    for (let i = 0; i < visible; i++) out[j * visible + i] = 0.5 + (scale > 0 ? at(i, j) / (2 * scale) : 0);
  }
  return out;
}

/** Visible vectors as pixel intensities: Bernoulli means as they are; Gaussian ones mapped back through x = mean + std v. */
export function visibleImages(values: ArrayLike<number>, visible: number, standardization?: Standardization): Float32Array {
  if (!standardization) return Float32Array.from(values);
  const { mean, std } = standardization;
  return Float32Array.from(values, (v, e) => mean[e % visible] + std[e % visible] * v);
}

/** The side of a square image of `visible` pixels (28 for MNIST), or null. */
export function squareSide(visible: number): number | null {
  const side = Math.round(Math.sqrt(visible));
  return side * side === visible ? side : null;
}

/** Intensities in [0, 1] as grey bytes (clamped), e.g. to send images back from a page as base64. */
export function greyBytes(values: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(values, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
}
