// Synthetic Gaussian blobs, the clustering test set researchers reach for first (as scikit-learn's
// make_blobs, with our own stated draws): `centers` centres uniform in [-10, 10]^features, example i in
// cluster i mod centers (so every prefix is balanced), its values the centre plus `std` times standard
// normals. Draws: Philox (seed, blobs): step 0 the centres (element c * features + e), step 1 + i
// example i (element e / 2, the two normals of one Box-Muller pair). Browser-safe.
import { InputError } from '../../engine/errors.js';
import { normals, rngBits, uniform24 } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';

export interface BlobsOptions {
  samples: number;
  centers: number;
  features: number;
  /** The clusters' standard deviation (scikit-learn's cluster_std). */
  std: number;
  seed: number;
}

/** The box the centres are drawn in (scikit-learn's center_box). */
export const BLOB_BOX = [-10, 10] as const;

/**
 * The blobs' values (samples x features, float32), their planted clusters as labels, and the centres.
 *
 *   const { values, labels } = makeBlobs({ samples: 300, centers: 3, features: 2, std: 1, seed: 1 });
 */
export function makeBlobs(o: BlobsOptions): { values: Float32Array; labels: Uint8Array; centres: Float64Array } {
  const { samples, centers, features, std, seed } = o;
  if (!(Number.isInteger(samples) && samples >= 1)) throw new InputError(`blobs: samples = ${samples} must be a positive integer`);
  if (!(Number.isInteger(centers) && centers >= 1 && centers <= 256)) throw new InputError(`blobs: centers = ${centers} must be an integer in [1, 256]`);
  if (!(Number.isInteger(features) && features >= 1)) throw new InputError(`blobs: features = ${features} must be a positive integer`);
  if (!(Number.isFinite(std) && std >= 0)) throw new InputError(`blobs: std = ${std} must be a finite number >= 0`);
  const [low, high] = BLOB_BOX;
  const centres = Float64Array.from({ length: centers * features }, (_, e) => low + (high - low) * uniform24(rngBits(seed, RNG_PURPOSES.blobs, 0, e, 0)[0]));
  const values = new Float32Array(samples * features);
  const labels = Uint8Array.from({ length: samples }, (_, i) => i % centers);
  for (let i = 0; i < samples; i++) {
    const z = normals(seed, RNG_PURPOSES.blobs, 1 + i, features);
    for (let e = 0; e < features; e++) values[i * features + e] = centres[labels[i] * features + e] + std * z[e];
  }
  return { values, labels, centres };
}
