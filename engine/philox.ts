// Philox4x32-10 on the host, word for word what shaders/rng.wgsl computes (same counter and key layout):
// the reference the kernels are tested against, and the generator for host-side draws (initial
// parameters, data binarisation) that must match the GPU's streams in Node and in the browser.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32 (exact: BigInt-free, through 16-bit halves). */
export function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t = a1 * b0 + ((a0 * b0) >>> 16); // < 2^32, exact in float64
  const w1 = (t & 0xffff) + a0 * b1; //      < 2^32
  return (a1 * b1 + Math.floor(t / 65536) + Math.floor(w1 / 65536)) >>> 0;
}

/** Philox4x32-10: four u32 words from counter (c0..c3) and key (k0, k1). */
export function philox4x32(counter: readonly number[], key: readonly number[]): Uint32Array {
  let [c0, c1, c2, c3] = counter.map((x) => x >>> 0);
  let [k0, k1] = key.map((x) => x >>> 0);
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return Uint32Array.of(c0, c1, c2, c3);
}

/** The stream of (seed, purpose) at (step, element, call), as rng_bits in rng.wgsl. */
export function rngBits(seed: number, purpose: number, step: number, element: number, call: number): Uint32Array {
  return philox4x32([step, element, call, 0], [seed, purpose]);
}

/**
 * A permutation of 0 .. n - 1 keyed by (seed, purpose, step): each index's 64-bit key is words x and y
 * of counter (step, i, 0, 0), the indices in ascending order of (x, y, index). The GPU's epoch
 * permutation (shaders/permute.wgsl, purpose `permutation`) sorts the same keys.
 */
export function philoxPermutation(n: number, seed: number, purpose: number, step: number): Uint32Array {
  const keys = Array.from({ length: n }, (_, i) => {
    const bits = rngBits(seed, purpose, step, i, 0);
    return { hi: bits[0], lo: bits[1], index: i };
  });
  keys.sort((a, b) => a.hi - b.hi || a.lo - b.lo || a.index - b.index);
  return Uint32Array.from(keys, (k) => k.index);
}

/** Uniform in [0, 1) from 24 bits, as rng_uniform. */
export const uniform24 = (bits: number) => (bits >>> 8) / 16777216;

/**
 * The engine's Bernoulli(p) rule, as rng_bernoulli in rng.wgsl: 1 when the word's top 24 bits are
 * below floor(p * 2^24), p taken as f32 (p <= 0 or NaN never, p >= 1 always).
 */
export function bernoulli24(bits: number, p: number): 0 | 1 {
  const f = Math.fround(p);
  return f > 0 && bits >>> 8 < Math.floor(Math.min(f, 1) * 16777216) ? 1 : 0;
}

/** Two standard normals (Box-Muller), as rng_normal2, in float64. */
export function normal2(b0: number, b1: number): [number, number] {
  const radius = Math.sqrt(-2 * Math.log(((b0 >>> 8) + 1) / 16777216));
  const angle = Math.PI * (2 * uniform24(b1) - 1);
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

/**
 * `count` standard normals in float64 from the stream of (seed, purpose) at `step`: values e and e + 1
 * from the Box-Muller pair of element first + e / 2 (a host draw of a row of normals).
 *
 *   normals(seed, RNG_PURPOSES.blobs, 1 + i, features);
 */
export function normals(seed: number, purpose: number, step: number, count: number, first = 0): Float64Array {
  const out = new Float64Array(count);
  for (let e = 0; e < count; e += 2) {
    const bits = rngBits(seed, purpose, step, first + e / 2, 0);
    const [a, b] = normal2(bits[0], bits[1]);
    out[e] = a;
    if (e + 1 < count) out[e + 1] = b;
  }
  return out;
}
