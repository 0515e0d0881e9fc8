// Plain TypeScript epoch permutation, the reference for shaders/permute.wgsl: the same keys, sorted by
// Array.prototype.sort under the same total order (the GPU's bitonic network must agree, since a total
// order has one sorted result).
import { rngBits } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';

/** The permutation of 0 .. n - 1 for (seed, epoch): indices in ascending order of (x, y, index). */
export function permutationReference(n: number, seed: number, epoch: number): Uint32Array {
  // 1. Each index's 64-bit key: words x and y of Philox counter (epoch, i, 0, 0) under key (seed, permutation).
  const keys = Array.from({ length: n }, (_, i) => {
    const bits = rngBits(seed, RNG_PURPOSES.permutation, epoch, i, 0);
    return { hi: bits[0], lo: bits[1], index: i };
  });
  // 2. Ascending by key, ties by index.
  keys.sort((a, b) => a.hi - b.hi || a.lo - b.lo || a.index - b.index);
  // 3. The order of the indices is the permutation.
  return Uint32Array.from(keys, (k) => k.index);
}
