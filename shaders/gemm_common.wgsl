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

#include "math.wgsl"

// Activation codes (engine/ops/gemm.ts ACTIVATIONS): 0 identity, 1 sigmoid, 2 tanh, 3 ReLU, 4 hard tanh.
// The same functions as the element-wise kernels (math.wgsl), so that a layer's fused forward and its
// backward (engine/ops/elementwise.ts) agree; NaN passes through every one of them.
fn gemm_activate(x: f32, kind: u32) -> f32 {
  switch kind {
    case 1u: { return sigmoid(x); }
    case 2u: { return tanh_stable(x); }
    case 3u: { return relu(x); }
    case 4u: { return clamp_nan(x, -1.0, 1.0); }
    default: { return x; }
  }
}
