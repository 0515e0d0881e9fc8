// Element-wise maps over f32 tensors: unary ops, binary ops whose second operand may be broadcast,
// the backward pass of every unary op, and a unary op fused with its derivative. The op codes are
// overrides set from the tables in engine/ops/elementwise.ts (UNARY_OPS, BINARY_OPS); the formulas
// are those of shaders/math.wgsl. Reference: harness/reference/elementwise.ts.
#include "math.wgsl"
#include "grid.wgsl"

struct MapParams {
  n: u32,      // elements of a and of out
  cols: u32,   // a's last dimension: a row vector b repeats every cols elements, a column vector advances once per row
  alpha: f32,  // scale, affine, axpy
  beta: f32,   // affine
  lo: f32,     // clamp
  hi: f32,
}

@group(0) @binding(0) var<uniform> params: MapParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
// map_with_derivative only: d out / d a, element by element.
@group(0) @binding(4) var<storage, read_write> derivative: array<f32>;

override WG: u32 = 256;
override KIND: u32 = 0;   // map: 0 unary, out = f(a); 1 binary, out = g(a, b); 2 backward, out = a * f'(b)
override OP: u32 = 0;     // the unary (KIND 0 and 2) or binary (KIND 1) op's code
override B_MODE: u32 = 0; // how b is read: 0 element by element, 1 row vector, 2 column vector, 3 scalar, 4 not at all
// In place: a buffer may not be bound read-only and writable in one dispatch, so an operand that is
// also the output is read through `out` (the host binds a placeholder in its own place).
override A_IN_OUT: bool = false;
override B_IN_OUT: bool = false;
override FROM_Y: bool = false;  // map_with_derivative: the op's f' takes y = f(x) (else x)

fn load_a(i: u32) -> f32 {
  if (A_IN_OUT) { return out[i]; }
  return a[i];
}

fn load_b(i: u32) -> f32 {
  switch B_MODE {
    case 0u: {
      if (B_IN_OUT) { return out[i]; }
      return b[i];
    }
    case 1u: { return b[i % params.cols]; }
    case 2u: { return b[i / params.cols]; }
    case 3u: { return b[0]; }
    default: { return 0.0; }
  }
}

// Unary codes: 0 copy, 1 neg, 2 abs, 3 sign, 4 exp, 5 log, 6 sigmoid, 7 softplus, 8 tanh, 9 relu,
// 10 hardtanh, 11 scale, 12 affine, 13 clamp, 14 square, 15 binarize, 16 shrink (soft thresholding).
fn unary(x: f32) -> f32 {
  switch OP {
    case 1u: { return -x; }
    case 2u: { return abs_bits(x); }
    case 3u: { return sign_nan(x); }
    case 4u: { return exp_ieee(x); }
    case 5u: { return log_ieee(x); }
    case 6u: { return sigmoid(x); }
    case 7u: { return softplus(x); }
    case 8u: { return tanh_stable(x); }
    case 9u: { return relu(x); }
    case 10u: { return clamp_nan(x, -1.0, 1.0); }
    case 11u: { return params.alpha * x; }
    case 12u: { return params.alpha * x + params.beta; }
    case 13u: { return clamp_nan(x, params.lo, params.hi); }
    case 14u: { return x * x; }
    case 15u: { return select(-1.0, 1.0, x >= 0.0); }
    case 16u: { return x - clamp_nan(x, -params.alpha, params.alpha); }
    default: { return x; }
  }
}

// f' of the unary op, from v = x or v = y = f(x) as UNARY_OPS[op].derivativeFrom says (sigmoid,
// tanh and exp from y; the constant ones from neither).
fn unary_derivative(v: f32) -> f32 {
  switch OP {
    case 1u: { return -1.0; }
    case 2u: { return sign_nan(v); }
    case 3u: { return 0.0; }
    case 4u: { return v; }
    case 5u: { return div_ieee(1.0, v); }
    case 6u: { return v * (1.0 - v); }
    case 7u: { return sigmoid(v); }
    case 8u: { return 1.0 - v * v; }
    case 9u: { return select(0.0, 1.0, v > 0.0); }
    case 10u: { return select(0.0, 1.0, abs_bits(v) <= 1.0); }
    case 11u, 12u: { return params.alpha; }
    case 13u: { return select(0.0, 1.0, v >= params.lo && v <= params.hi); }
    case 14u: { return 2.0 * v; }
    case 15u: { return 0.0; }
    case 16u: { return select(0.0, 1.0, abs_bits(v) > params.alpha); }
    default: { return 1.0; }
  }
}

// Binary codes: 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 6 axpy (alpha a + b).
fn binary(x: f32, y: f32) -> f32 {
  switch OP {
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return div_ieee(x, y); }
    case 4u: { return max_nan(x, y); }
    case 5u: { return min_nan(x, y); }
    case 6u: { return params.alpha * x + y; }
    default: { return x + y; }
  }
}

// map: one invocation per element i of out, out[i] = f(a[i]), g(a[i], b[..]) or a[i] * f'(b[i])
// (the backward pass: a = dy, b = x or y). The host dispatches linearGrid(n, WG) workgroups.
@compute @workgroup_size(WG)
fn map(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.n) { return; }
  let x = load_a(i);
  switch KIND {
    case 1u: { out[i] = binary(x, load_b(i)); }
    case 2u: { out[i] = x * unary_derivative(load_b(i)); }
    default: { out[i] = unary(x); }
  }
}

// map_with_derivative: one invocation per element, y = f(x) into out and f'(x) into derivative
// (for a layer's backward pass: dx = dy * derivative). The host dispatches linearGrid(n, WG).
@compute @workgroup_size(WG)
fn map_with_derivative(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.n) { return; }
  let x = load_a(i);
  let y = unary(x);
  out[i] = y;
  derivative[i] = unary_derivative(select(x, y, FROM_Y));
}
