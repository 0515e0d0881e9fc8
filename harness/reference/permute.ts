// Plain TypeScript epoch permutation, the reference for shaders/permute.wgsl: the same keys, sorted by
// Array.prototype.sort under the same total order (the GPU's bitonic network must agree, since a total
// order has one sorted result): engine/philox.ts philoxPermutation under the permutation purpose.
import { philoxPermutation } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';

/** The permutation of 0 .. n - 1 for (seed, epoch): indices in ascending order of their Philox keys (x, y, index). */
export function permutationReference(n: number, seed: number, epoch: number): Uint32Array {
  return philoxPermutation(n, seed, RNG_PURPOSES.permutation, epoch);
}
