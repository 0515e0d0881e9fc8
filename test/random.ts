// Deterministic test data, so that a failure reproduces.

/** n values uniform in [-scale, scale) from mulberry32 seeded with `seed`. */
export function random(n: number, seed: number, scale = 1): Float32Array {
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
