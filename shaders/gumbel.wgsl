// Standard Gumbel variates from one random word, shared by the Gumbel sampler and Gumbel-max
// categorical draws (shaders/sample.wgsl) and the Gumbel-softmax (shaders/gumbel_softmax.wgsl), so
// that all three turn the same word into the same variate. Reference: harness/reference/sample.ts gumbelVariate.

// -log(u) for u = (2 (bits >> 9) + 1) / 2^24, in (0, 1), exact in f32 and symmetric about 1/2.
// Near u = 1, where log's absolute error (2^-21 on [0.5, 2]) would swamp the result, the series
// -log(1 - d) = d + d^2/2 + ... + d^5/5 with d = 1 - u (exact) is within d * 2^-27 of it.
fn exponential(bits: u32) -> f32 {
  let u = f32(((bits >> 9u) << 1u) | 1u) * (1.0 / 16777216.0);
  let d = 1.0 - u;
  if (d < 0.03125) {
    return d * (1.0 + d * (0.5 + d * (0.33333334 + d * (0.25 + d * 0.2))));
  }
  return -log(u);
}

// A standard Gumbel variate, -log(-log(u)): in [-2.8, 16.6] for the u of `exponential`.
fn gumbel(bits: u32) -> f32 {
  return -log(exponential(bits));
}
