// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw 2011, "Parallel random
// numbers: as easy as 1, 2, 3"). A stream is keyed by (seed, purpose); the counter is
// (step, element, call, 0). The same four inputs give the same 128 bits in any kernel layout,
// workgroup size or backend, so no kernel keeps RNG state in memory. The purposes (PURPOSE_*) come
// from the registry in engine/rng_purposes.ts. Reference: engine/philox.ts.

#include "rng_purposes.wgsl"

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// High 32 bits of a 32x32-bit product. WGSL has no widening multiply; this is Hacker's Delight's
// mulhu: 4 multiplies, 4 adds and 6 shifts or masks (the multiplier is a constant).
fn philox_mulhi(a: u32, m: u32) -> u32 {
  let a0 = a & 0xFFFFu;
  let a1 = a >> 16u;
  let m0 = m & 0xFFFFu;
  let m1 = m >> 16u;
  let t = a1 * m0 + ((a0 * m0) >> 16u);
  let w1 = (t & 0xFFFFu) + a0 * m1;
  return a1 * m1 + (t >> 16u) + (w1 >> 16u);
}

fn philox_round(c: vec4u, k: vec2u) -> vec4u {
  let hi0 = philox_mulhi(c.x, PHILOX_M0);
  let hi1 = philox_mulhi(c.z, PHILOX_M1);
  return vec4u(hi1 ^ c.y ^ k.x, c.z * PHILOX_M1, hi0 ^ c.w ^ k.y, c.x * PHILOX_M0);
}

// Philox4x32-10 of counter `c` under key `k`: 128 random bits.
fn philox4x32(counter: vec4u, key: vec2u) -> vec4u {
  var c = counter;
  var k = key;
  for (var i = 0u; i < 9u; i++) {
    c = philox_round(c, k);
    k += vec2u(PHILOX_W0, PHILOX_W1);
  }
  return philox_round(c, k);
}

// The stream of (seed, purpose) at (step, element, call).
fn rng_bits(seed: u32, purpose: u32, step: u32, element: u32, call: u32) -> vec4u {
  return philox4x32(vec4u(step, element, call, 0u), vec2u(seed, purpose));
}

// Uniform in [0, 1) with 24 random bits: exactly representable, never 1.
fn rng_uniform(bits: u32) -> f32 {
  return f32(bits >> 8u) * (1.0 / 16777216.0);
}

// Uniform in (0, 1]: safe under log().
fn rng_uniform_open0(bits: u32) -> f32 {
  return f32((bits >> 8u) + 1u) * (1.0 / 16777216.0);
}

// Two independent standard normals from two random words (Box-Muller). The angle lies in [-pi, pi),
// where WGSL bounds cos and sin to an absolute error of 2^-11.
fn rng_normal2(b0: u32, b1: u32) -> vec2f {
  let radius = sqrt(-2.0 * log(rng_uniform_open0(b0)));
  let angle = 3.141592653589793 * (2.0 * rng_uniform(b1) - 1.0);
  return radius * vec2f(cos(angle), sin(angle));
}

// Four standard normals from one Philox call: every one of its 128 bits is used.
fn rng_normal4(bits: vec4u) -> vec4f {
  return vec4f(rng_normal2(bits.x, bits.y), rng_normal2(bits.z, bits.w));
}

// Bernoulli(p) from one random word, the engine's one rule (the GEMM epilogue, the samplers, dropout):
// true when the word's top 24 bits, as an integer, are below u32(p * 2^24). p * 2^24 is exact in f32,
// so this is exactly "24-bit uniform < p" in integers: p <= 0 or NaN never, p >= 1 always, and
// P(true) = floor(p * 2^24) / 2^24. Reference: engine/philox.ts bernoulli24.
fn rng_bernoulli(bits: u32, p: f32) -> bool {
  let threshold = select(0u, u32(min(p, 1.0) * 16777216.0), p > 0.0);
  return (bits >> 8u) < threshold;
}
