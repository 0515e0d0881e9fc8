// XNOR-popcount GEMM of ±1 matrices (engine/ops/xnor.ts; reference: harness/reference/xnor.ts):
//   C[r, j] = sum over k of A[r, k] * B[j, k] = K - 2 * popcount(A[r] XOR B[j])
// exact in integers. A is M x K and B is N x K (B^T: the natural layout of weights), both packed
// along K as in pack_bits.wgsl; C is M x N i32, or f32 scaled by alpha (OUT_F32).
// Register tiled like gemm_f32.wgsl: TM x TN outputs per invocation as named vec4 accumulators,
// four words of K per step, vec4 loads when words % 4 == 0.

#include "register_tile.wgsl"

struct XnorParams {
  m: u32,
  n: u32,
  k: u32,
  words: u32,  // ceil(K / 32)
  alpha: f32,  // OUT_F32 only
}

// Four vectors: four rows' words, or (transposed) one word of four columns each.
struct Words4 {
  v0: vec4u,
  v1: vec4u,
  v2: vec4u,
  v3: vec4u,
}

struct Acc {
  c0: vec4u, c1: vec4u, c2: vec4u, c3: vec4u, c4: vec4u, c5: vec4u, c6: vec4u, c7: vec4u,
  d0: vec4u, d1: vec4u, d2: vec4u, d3: vec4u, d4: vec4u, d5: vec4u, d6: vec4u, d7: vec4u,
}

@group(0) @binding(0) var<uniform> params: XnorParams;
// a and a4 (b and b4) view the same tensor; without VEC the host binds a placeholder to a4 and b4.
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> a4: array<vec4u>;
@group(0) @binding(3) var<storage, read> b: array<u32>;
@group(0) @binding(4) var<storage, read> b4: array<vec4u>;
@group(0) @binding(5) var<storage, read_write> c: array<i32>;

override WG_X: u32 = 8;   // invocations along N
override WG_Y: u32 = 8;   // invocations along M
override TM: u32 = 8;     // rows per invocation: 4 or 8
override TN: u32 = 8;     // columns per invocation: 4 or 8
override VEC: bool = false;      // words % 4 == 0: rows start 16-byte aligned
override OUT_F32: bool = false;  // C holds f32 alpha * dot (else i32 dot)


// Words w .. w + 3 of A's rows rr (rows clamped by the caller, words clamped here and masked later).
fn load_a(rr: vec4u, w: u32) -> Words4 {
  let words = params.words;
  if (VEC) {
    let q = w / 4u;
    let s = words / 4u;
    return Words4(a4[rr.x * s + q], a4[rr.y * s + q], a4[rr.z * s + q], a4[rr.w * s + q]);
  }
  let t = clamped4(w, words - 1u);
  return Words4(
    vec4u(a[rr.x * words + t.x], a[rr.x * words + t.y], a[rr.x * words + t.z], a[rr.x * words + t.w]),
    vec4u(a[rr.y * words + t.x], a[rr.y * words + t.y], a[rr.y * words + t.z], a[rr.y * words + t.w]),
    vec4u(a[rr.z * words + t.x], a[rr.z * words + t.y], a[rr.z * words + t.z], a[rr.z * words + t.w]),
    vec4u(a[rr.w * words + t.x], a[rr.w * words + t.y], a[rr.w * words + t.z], a[rr.w * words + t.w]));
}

// Words w .. w + 3 of B's rows jj (our columns), transposed: v_t holds word w + t of the four columns.
fn load_b(jj: vec4u, w: u32) -> Words4 {
  let words = params.words;
  var x: Words4;
  if (VEC) {
    let q = w / 4u;
    let s = words / 4u;
    x = Words4(b4[jj.x * s + q], b4[jj.y * s + q], b4[jj.z * s + q], b4[jj.w * s + q]);
  } else {
    let t = clamped4(w, words - 1u);
    x = Words4(
      vec4u(b[jj.x * words + t.x], b[jj.x * words + t.y], b[jj.x * words + t.z], b[jj.x * words + t.w]),
      vec4u(b[jj.y * words + t.x], b[jj.y * words + t.y], b[jj.y * words + t.z], b[jj.y * words + t.w]),
      vec4u(b[jj.z * words + t.x], b[jj.z * words + t.y], b[jj.z * words + t.z], b[jj.z * words + t.w]),
      vec4u(b[jj.w * words + t.x], b[jj.w * words + t.y], b[jj.w * words + t.z], b[jj.w * words + t.w]));
  }
  return Words4(vec4u(x.v0.x, x.v1.x, x.v2.x, x.v3.x), vec4u(x.v0.y, x.v1.y, x.v2.y, x.v3.y),
                vec4u(x.v0.z, x.v1.z, x.v2.z, x.v3.z), vec4u(x.v0.w, x.v1.w, x.v2.w, x.v3.w));
}

// The last step: keep only the real bits of K (words past the row and the last word's padding), in
// both operands, so that whatever the padding holds its XOR is 0.
fn mask_rows(x: Words4, keep: vec4u) -> Words4 {
  return Words4(x.v0 & keep, x.v1 & keep, x.v2 & keep, x.v3 & keep);
}
fn mask_cols(x: Words4, keep: vec4u) -> Words4 {
  return Words4(x.v0 & vec4u(keep.x), x.v1 & vec4u(keep.y), x.v2 & vec4u(keep.z), x.v3 & vec4u(keep.w));
}

// Mismatching bits of row word vector r against the four columns of bt: a vec4 over columns.
fn mismatches(r: vec4u, bt: Words4) -> vec4u {
  return countOneBits(vec4u(r.x) ^ bt.v0) + countOneBits(vec4u(r.y) ^ bt.v1)
       + countOneBits(vec4u(r.z) ^ bt.v2) + countOneBits(vec4u(r.w) ^ bt.v3);
}

fn accumulate(acc: ptr<function, Acc>, a0: Words4, a1: Words4, b0: Words4, b1: Words4) {
  (*acc).c0 += mismatches(a0.v0, b0); (*acc).c1 += mismatches(a0.v1, b0);
  (*acc).c2 += mismatches(a0.v2, b0); (*acc).c3 += mismatches(a0.v3, b0);
  if (TN == 8u) {
    (*acc).d0 += mismatches(a0.v0, b1); (*acc).d1 += mismatches(a0.v1, b1);
    (*acc).d2 += mismatches(a0.v2, b1); (*acc).d3 += mismatches(a0.v3, b1);
  }
  if (TM == 8u) {
    (*acc).c4 += mismatches(a1.v0, b0); (*acc).c5 += mismatches(a1.v1, b0);
    (*acc).c6 += mismatches(a1.v2, b0); (*acc).c7 += mismatches(a1.v3, b0);
    if (TN == 8u) {
      (*acc).d4 += mismatches(a1.v0, b1); (*acc).d5 += mismatches(a1.v1, b1);
      (*acc).d6 += mismatches(a1.v2, b1); (*acc).d7 += mismatches(a1.v3, b1);
    }
  }
}

// C[r, c0 .. c0 + 3] = K - 2 * mismatches (columns past N skipped).
fn store_quad(r: u32, c0: u32, pop: vec4u) {
  let n = params.n;
  if (r >= params.m || c0 >= n) { return; }
  let dot = vec4i(i32(params.k)) - 2 * vec4i(pop);
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j >= n) { break; }
    var v = dot[j];
    if (OUT_F32) { v = bitcast<i32>(params.alpha * f32(dot[j])); }
    c[r * n + c0 + j] = v;
  }
}

// One invocation computes C[row .. row + TM, col .. col + TN], row = gid.y * TM, col = gid.x * TN,
// four words of K per step; the last step is masked to the real K bits.
// The host dispatches [ceil(N / (TN * WG_X)), ceil(M / (TM * WG_Y))] workgroups.
@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let tile = tile_of(gid, params.m, params.n);
  if (tile.row >= params.m || tile.col >= params.n) { return; }
  let words = params.words;
  var acc: Acc;
  var a1: Words4;
  var b1: Words4;
  var w = 0u;
  for (; w + 4u < words; w += 4u) {
    let a0 = load_a(tile.rows_lo, w);
    if (TM == 8u) { a1 = load_a(tile.rows_hi, w); }
    let b0 = load_b(tile.cols_lo, w);
    if (TN == 8u) { b1 = load_b(tile.cols_hi, w); }
    accumulate(&acc, a0, a1, b0, b1);
  }
  // The last 1 to 4 words: whole words before the last, the last one's real bits, nothing past it.
  let tail = params.k % 32u;
  let last_bits = select(0xFFFFFFFFu, (1u << tail) - 1u, tail != 0u);
  let t = vec4u(w) + IOTA;
  let keep = select(select(vec4u(0xFFFFFFFFu), vec4u(last_bits), t == vec4u(words - 1u)), vec4u(0u), t >= vec4u(words));
  let a0 = mask_rows(load_a(tile.rows_lo, w), keep);
  if (TM == 8u) { a1 = mask_rows(load_a(tile.rows_hi, w), keep); }
  let b0 = mask_cols(load_b(tile.cols_lo, w), keep);
  if (TN == 8u) { b1 = mask_cols(load_b(tile.cols_hi, w), keep); }
  accumulate(&acc, a0, a1, b0, b1);

  store_tile(tile.row, tile.col, acc);
}
