// f32 GEMM v3: register tiling with vec4 loads and fused epilogues (variant list: gemm_f32_v1.wgsl).
//   C = act(alpha * op(A) * op(B) + beta * C + bias), and optionally samples = Bernoulli(C).
// Each invocation keeps a TM x TN block of C in registers (TM, TN in {4, 8}) as named vec4
// accumulators: SwiftShader and most GPU compilers keep a function-scope array in memory when it is
// indexed in a loop, so the tile is unrolled by hand and the 8-row/8-column halves are switched by
// the TM and TN overrides (constant after pipeline creation, so the dead half compiles away).
#include "gemm_common.wgsl"
#include "rng.wgsl"
#include "register_tile.wgsl"

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: GemmParams;
// a and a4 (b and b4) are two views of the same tensor: scalar loads anywhere, vec4 loads where
// VEC_A (VEC_B) says the rows are 16-byte aligned. Without VEC_*, the host binds a placeholder to a4.
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> a4: array<vec4f>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> b4: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;
// Length M (BIAS = 1) or N (BIAS = 2); a placeholder when BIAS = 0.
@group(0) @binding(6) var<storage, read> bias: array<f32>;
// 0.0 / 1.0 per element of C when BERNOULLI; a placeholder otherwise.
@group(0) @binding(7) var<storage, read_write> samples: array<f32>;
// The repetition index of the graph run (engine/kernel.ts ITERATION_BINDING): fresh samples per step.
@group(0) @binding(8) var<uniform> iteration: Iteration;

override WG_X: u32 = 8;      // invocations along N
override WG_Y: u32 = 8;      // invocations along M
override TM: u32 = 8;        // rows of C per invocation: 4 or 8
override TN: u32 = 8;        // columns of C per invocation: 4 or 8
override TRANS_A: bool = false;
override TRANS_B: bool = false;
// vec4 loads: VEC_A when op(A)'s contiguous axis has a multiple of 4 elements (K, or M if TRANS_A);
// VEC_B likewise (N, or K if TRANS_B).
override VEC_A: bool = false;
override VEC_B: bool = false;
override BIAS: u32 = 0;        // 0 none, 1 per row, 2 per column
override ACTIVATION: u32 = 0;  // gemm_common.wgsl gemm_activate
override BERNOULLI: bool = false;

// op(A)[r0 + i, kb + t] as column i, component t. Rows and k are clamped into the matrix: rows past
// M feed outputs that are never stored, and k past K is zeroed by mask_k.
fn a_quad(r0: u32, r: vec4u, kb: u32) -> mat4x4f {
  let m = params.m;
  let k = params.k;
  let t = clamped4(kb, k - 1u);
  if (!TRANS_A) {
    if (VEC_A) {
      let w = k / 4u;
      let q = kb / 4u;
      return mat4x4f(a4[r.x * w + q], a4[r.y * w + q], a4[r.z * w + q], a4[r.w * w + q]);
    }
    return mat4x4f(
      vec4f(a[r.x * k + t.x], a[r.x * k + t.y], a[r.x * k + t.z], a[r.x * k + t.w]),
      vec4f(a[r.y * k + t.x], a[r.y * k + t.y], a[r.y * k + t.z], a[r.y * k + t.w]),
      vec4f(a[r.z * k + t.x], a[r.z * k + t.y], a[r.z * k + t.z], a[r.z * k + t.w]),
      vec4f(a[r.w * k + t.x], a[r.w * k + t.y], a[r.w * k + t.z], a[r.w * k + t.w]));
  }
  // Stored K x M: a row of storage holds four of our rows for one k.
  if (VEC_A) {
    let w = m / 4u;
    let q = min(r0, m - 4u) / 4u;
    return transpose(mat4x4f(a4[t.x * w + q], a4[t.y * w + q], a4[t.z * w + q], a4[t.w * w + q]));
  }
  return transpose(mat4x4f(
    vec4f(a[t.x * m + r.x], a[t.x * m + r.y], a[t.x * m + r.z], a[t.x * m + r.w]),
    vec4f(a[t.y * m + r.x], a[t.y * m + r.y], a[t.y * m + r.z], a[t.y * m + r.w]),
    vec4f(a[t.z * m + r.x], a[t.z * m + r.y], a[t.z * m + r.z], a[t.z * m + r.w]),
    vec4f(a[t.w * m + r.x], a[t.w * m + r.y], a[t.w * m + r.z], a[t.w * m + r.w])));
}

// op(B)[kb + t, c0 + j] as column t, component j, clamped like a_quad.
fn b_quad(kb: u32, c0: u32, j: vec4u) -> mat4x4f {
  let n = params.n;
  let k = params.k;
  let t = clamped4(kb, k - 1u);
  if (!TRANS_B) {
    if (VEC_B) {
      let w = n / 4u;
      let q = min(c0, n - 4u) / 4u;
      return mat4x4f(b4[t.x * w + q], b4[t.y * w + q], b4[t.z * w + q], b4[t.w * w + q]);
    }
    return mat4x4f(
      vec4f(b[t.x * n + j.x], b[t.x * n + j.y], b[t.x * n + j.z], b[t.x * n + j.w]),
      vec4f(b[t.y * n + j.x], b[t.y * n + j.y], b[t.y * n + j.z], b[t.y * n + j.w]),
      vec4f(b[t.z * n + j.x], b[t.z * n + j.y], b[t.z * n + j.z], b[t.z * n + j.w]),
      vec4f(b[t.w * n + j.x], b[t.w * n + j.y], b[t.w * n + j.z], b[t.w * n + j.w]));
  }
  // Stored N x K: a row of storage holds four k for one of our columns.
  if (VEC_B) {
    let w = k / 4u;
    let q = kb / 4u;
    return transpose(mat4x4f(b4[j.x * w + q], b4[j.y * w + q], b4[j.z * w + q], b4[j.w * w + q]));
  }
  return transpose(mat4x4f(
    vec4f(b[j.x * k + t.x], b[j.x * k + t.y], b[j.x * k + t.z], b[j.x * k + t.w]),
    vec4f(b[j.y * k + t.x], b[j.y * k + t.y], b[j.y * k + t.z], b[j.y * k + t.w]),
    vec4f(b[j.z * k + t.x], b[j.z * k + t.y], b[j.z * k + t.z], b[j.z * k + t.w]),
    vec4f(b[j.w * k + t.x], b[j.w * k + t.y], b[j.w * k + t.z], b[j.w * k + t.w])));
}

// The last k block when K % 4 != 0: zero both factors past K (select, not a product with 0, so that
// an Inf read through the clamp cannot turn into NaN).
fn mask_a(x: mat4x4f, keep: vec4<bool>) -> mat4x4f {
  let z = vec4f(0.0);
  return mat4x4f(select(z, x[0], keep), select(z, x[1], keep), select(z, x[2], keep), select(z, x[3], keep));
}
fn mask_b(x: mat4x4f, keep: vec4<bool>) -> mat4x4f {
  let z = vec4f(0.0);
  return mat4x4f(select(z, x[0], keep.x), select(z, x[1], keep.y), select(z, x[2], keep.z), select(z, x[3], keep.w));
}

// The epilogue for C[r, c0 .. c0 + 3] (columns past N skipped):
//   v = act(alpha * acc + beta * C + bias); C = v; samples = (v > u) with u uniform.
// BLAS convention: beta = 0 means C is not read, so NaN or garbage in C does not propagate.
// The Bernoulli draw for element g = first_element + r * N + col of the whole product uses word g % 4 of
//   rng_bits(seed, PURPOSE_BERNOULLI, step + iteration.index, g / 4, call)
// so that it depends on the element alone, never on TM, TN, the workgroup size or the host's split
// into blocks of rows (first_element = row0 * N of the block; 0 when unsplit). The sample is
// rng_bernoulli(word, p) (rng.wgsl): (word >> 8) < u32(p * 2^24), exactly "24-bit uniform < p" in
// integers, which harness/reference/gemm.ts repeats with p computed in float64.
fn store_quad(r: u32, c0: u32, acc: vec4f) {
  let n = params.n;
  if (r >= params.m || c0 >= n) { return; }
  let step = params.step + iteration.index;
  var bits = vec4u();
  for (var j = 0u; j < 4u; j++) {
    let col = c0 + j;
    if (col >= n) { break; }
    let e = r * n + col;
    var v = params.alpha * acc[j];
    if (params.beta != 0.0) { v += params.beta * c[e]; }
    if (BIAS == 1u) { v += bias[r]; }
    if (BIAS == 2u) { v += bias[col]; }
    v = gemm_activate(v, ACTIVATION);
    c[e] = v;
    if (BERNOULLI) {
      // One Philox call serves four consecutive elements; a new one starts at g % 4 == 0.
      let g = params.first_element + e;
      if (j == 0u || (g & 3u) == 0u) { bits = rng_bits(params.seed, PURPOSE_BERNOULLI, step, g >> 2u, params.call); }
      samples[e] = select(0.0, 1.0, rng_bernoulli(bits[g & 3u], v));  // NaN p samples 0
    }
  }
}

struct Acc {
  c0: vec4f, c1: vec4f, c2: vec4f, c3: vec4f, c4: vec4f, c5: vec4f, c6: vec4f, c7: vec4f,
  d0: vec4f, d1: vec4f, d2: vec4f, d3: vec4f, d4: vec4f, d5: vec4f, d6: vec4f, d7: vec4f,
}

fn accumulate(acc: ptr<function, Acc>, a0: mat4x4f, a1: mat4x4f, b0: mat4x4f, b1: mat4x4f) {
  (*acc).c0 += b0 * a0[0]; (*acc).c1 += b0 * a0[1]; (*acc).c2 += b0 * a0[2]; (*acc).c3 += b0 * a0[3];
  if (TN == 8u) { (*acc).d0 += b1 * a0[0]; (*acc).d1 += b1 * a0[1]; (*acc).d2 += b1 * a0[2]; (*acc).d3 += b1 * a0[3]; }
  if (TM == 8u) {
    (*acc).c4 += b0 * a1[0]; (*acc).c5 += b0 * a1[1]; (*acc).c6 += b0 * a1[2]; (*acc).c7 += b0 * a1[3];
    if (TN == 8u) { (*acc).d4 += b1 * a1[0]; (*acc).d5 += b1 * a1[1]; (*acc).d6 += b1 * a1[2]; (*acc).d7 += b1 * a1[3]; }
  }
}

// One invocation computes C[row .. row + TM, col .. col + TN] with row = gid.y * TM, col = gid.x * TN,
// stepping k four at a time (the last step masked when K % 4 != 0).
// The host dispatches [ceil(N / (TN * WG_X)), ceil(M / (TM * WG_Y))] workgroups.
@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let tile = tile_of(gid, params.m, params.n);
  if (tile.row >= params.m || tile.col >= params.n) { return; }
  let k = params.k;
  var acc: Acc;
  var a1 = mat4x4f();
  var b1 = mat4x4f();
  let k_full = k & ~3u;
  for (var kb = 0u; kb < k_full; kb += 4u) {
    let a0 = a_quad(tile.row, tile.rows_lo, kb);
    if (TM == 8u) { a1 = a_quad(tile.row + 4u, tile.rows_hi, kb); }
    let b0 = b_quad(kb, tile.col, tile.cols_lo);
    if (TN == 8u) { b1 = b_quad(kb, tile.col + 4u, tile.cols_hi); }
    accumulate(&acc, a0, a1, b0, b1);
  }
  finish_tile(&acc, tile, k_full);
}

// The last k quad when K % 4 != 0 (masked), then the stores: the end of main and main_subgroup.
fn finish_tile(acc: ptr<function, Acc>, tile: Tile, k_full: u32) {
  let k = params.k;
  if (k_full < k) {
    let keep = vec4u(k_full) + IOTA < vec4u(k);
    var a1 = mat4x4f();
    var b1 = mat4x4f();
    let a0 = mask_a(a_quad(tile.row, tile.rows_lo, k_full), keep);
    if (TM == 8u) { a1 = mask_a(a_quad(tile.row + 4u, tile.rows_hi, k_full), keep); }
    let b0 = mask_b(b_quad(k_full, tile.col, tile.cols_lo), keep);
    if (TN == 8u) { b1 = mask_b(b_quad(k_full, tile.col + 4u, tile.cols_hi), keep); }
    accumulate(acc, a0, a1, b0, b1);
  }
  store_tile(tile.row, tile.col, *acc);
}
