// Deterministic test data, so that a failure reproduces: the suites' one source of arbitrary inputs.

/** n f32 in [-scale, scale) from seed (mulberry32). */
export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = scale * (2 * (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) - 1);
  }
  return out;
}

/** n u32 words from seed (xorshift32; seed 0 counts as 1). */
export function randomWords(n: number, seed: number): Uint32Array {
  let s = seed >>> 0 || 1;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s;
  }
  return out;
}

/** n values of +-1 as f32, from the low bits of randomWords. */
export const pm1 = (n: number, seed: number) => Float32Array.from(randomWords(n, seed), (w) => (w & 1 ? 1 : -1));

/** A symmetric n x n integer matrix with entries of one parity in [-max, max] (Hebbian-like: the sum of `p` outer products). */
export function hebbian(n: number, p: number, seed: number): Float32Array {
  const xi = pm1(p * n, seed);
  const j = new Float32Array(n * n);
  for (let mu = 0; mu < p; mu++) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) j[a * n + b] += xi[mu * n + a] * xi[mu * n + b];
  return j;
}

/** Correlated bytes, count x width: each value mixes one of two shared sources (by its half of the row) and noise of its own (the PCA tests' data). */
export function twoSourceBytes(count: number, width: number, seed: number): Uint8Array {
  const w = randomWords(count * (width + 2), seed);
  return Uint8Array.from({ length: count * width }, (_, e) => {
    const [r, c] = [Math.floor(e / width), e % width];
    const shared = c < width / 2 ? w[r * (width + 2)] : w[r * (width + 2) + 1];
    return ((shared % 200) + (w[r * (width + 2) + 2 + c] % 56)) & 0xff;
  });
}
