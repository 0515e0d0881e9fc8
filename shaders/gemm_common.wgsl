// What every f32 GEMM variant shares: the parameter block and the fused activations.
// C = act(alpha * op(A) * op(B) + beta * C + bias), op = identity or transpose (override switches).
// Storage is row-major: A is M x K (K x M when transposed), B is K x N (N x K when transposed).

struct GemmParams {
  m: u32,
  n: u32,
  k: u32,
  alpha: f32,
  beta: f32,
  // Bernoulli epilogue only: Philox key word 0 and the counter's step and call (gemm_f32.wgsl).
  seed: u32,
  step: u32,
  call: u32,
  // Bernoulli epilogue only: the number in the whole product of this dispatch's first element. The
  // host splits a product too large for one binding into blocks of rows (m is the block's rows, the
  // matrices are views at its first row) and passes row0 * N here, so the draws do not depend on it.
  first_element: u32,
}

// Activation codes (engine/ops/gemm.ts ACTIVATIONS): 0 identity, 1 sigmoid, 2 tanh, 3 ReLU, 4 hard tanh.
// Written with select() so that NaN passes through every one of them (WGSL leaves max/min/clamp of
// NaN to the implementation).
fn gemm_activate(x: f32, kind: u32) -> f32 {
  switch kind {
    case 1u: { return 1.0 / (1.0 + exp(-x)); }
    // tanh(15) rounds to 1 in f32; past it some tanh implementations compute inf / inf.
    case 2u: { return select(tanh(x), sign(x), abs(x) > 15.0); }
    case 3u: { return select(x, 0.0, x < 0.0); }
    case 4u: { return select(select(x, -1.0, x < -1.0), 1.0, x > 1.0); }
    default: { return x; }
  }
}
