// 8-bit unsigned inputs times packed ±1 weights, exact (BinaryNet's first layer; engine/ops/xnor.ts,
// reference harness/reference/xnor.ts):
//   C[r, j] = sum over k of x[r, k] * w[j, k],  x in 0..255, w = ±1
//           = sum over bit planes b of 2^b * (popcount(P_b & W) - popcount(P_b & ~W))
//           = 2 * sum_b 2^b popcount(P_b & W) - sum_b 2^b popcount(P_b)
// where P_b is bit plane b of row r of x (pack_bits.wgsl pack_planes: [M][words][8] u32, padding 0)
// and W row j of the weights (N x K packed along K, bit 1 = +1; padding bits do not matter, since
// the planes' padding is 0). The second sum is the row sum of x, the same for every column.
// |C| <= 255 K, exact in i32 for K < 2^23.

#include "tile.wgsl"

struct XnorParams {
  m: u32,
  n: u32,
  k: u32,
  words: u32,  // ceil(K / 32)
  alpha: f32,  // unused here; the struct is xnor_gemm.wgsl's
}

// One row's contribution for one word: weighted popcounts against columns 0..3 (x0) and 4..7 (x1),
// and the row's own weighted popcount (s).
struct RowStep {
  x0: vec4u,
  x1: vec4u,
  s: u32,
}

@group(0) @binding(0) var<uniform> params: XnorParams;
// Two vec4 per (row, word): planes 0..3 and 4..7.
@group(0) @binding(1) var<storage, read> planes: array<vec4u>;
@group(0) @binding(2) var<storage, read> w: array<u32>;
@group(0) @binding(3) var<storage, read_write> c: array<i32>;

override WG_X: u32 = 8;   // invocations along N
override WG_Y: u32 = 8;   // invocations along M
override TM: u32 = 8;     // rows per invocation: 4 or 8
override TN: u32 = 8;     // columns per invocation: 4 or 8

const WEIGHTS_LO = vec4u(1u, 2u, 4u, 8u);
const WEIGHTS_HI = vec4u(16u, 32u, 64u, 128u);

// sum_b 2^b popcount(P_b & W) for one row's planes (lo, hi) against four columns' words wq.
fn weighted(lo: vec4u, hi: vec4u, wq: vec4u) -> vec4u {
  return countOneBits(vec4u(lo.x) & wq) + (countOneBits(vec4u(lo.y) & wq) << vec4u(1u))
       + (countOneBits(vec4u(lo.z) & wq) << vec4u(2u)) + (countOneBits(vec4u(lo.w) & wq) << vec4u(3u))
       + (countOneBits(vec4u(hi.x) & wq) << vec4u(4u)) + (countOneBits(vec4u(hi.y) & wq) << vec4u(5u))
       + (countOneBits(vec4u(hi.z) & wq) << vec4u(6u)) + (countOneBits(vec4u(hi.w) & wq) << vec4u(7u));
}

fn row_step(r: u32, kw: u32, w0: vec4u, w1: vec4u) -> RowStep {
  let lo = planes[(r * params.words + kw) * 2u];
  let hi = planes[(r * params.words + kw) * 2u + 1u];
  var x1 = vec4u();
  if (TN == 8u) { x1 = weighted(lo, hi, w1); }
  return RowStep(weighted(lo, hi, w0), x1, dot(countOneBits(lo), WEIGHTS_LO) + dot(countOneBits(hi), WEIGHTS_HI));
}

// C[r, c0 .. c0 + 3] = 2 * weighted - row sum (columns past N skipped).
fn store_quad(r: u32, c0: u32, x: vec4u, s: u32) {
  let n = params.n;
  if (r >= params.m || c0 >= n) { return; }
  let v = 2 * vec4i(x) - vec4i(i32(s));
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j >= n) { break; }
    c[r * n + c0 + j] = v[j];
  }
}

// One invocation computes C[row .. row + TM, col .. col + TN], row = gid.y * TM, col = gid.x * TN,
// one word of K (32 values, 8 planes) per step.
// The host dispatches [ceil(N / (TN * WG_X)), ceil(M / (TM * WG_Y))] workgroups.
@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.y * TM;
  let col = gid.x * TN;
  if (row >= params.m || col >= params.n) { return; }
  let words = params.words;
  let rows_lo = clamped4(row, params.m - 1u);
  let rows_hi = clamped4(row + 4u, params.m - 1u);
  let cols_lo = clamped4(col, params.n - 1u) * words;
  let cols_hi = clamped4(col + 4u, params.n - 1u) * words;
  var c0 = vec4u(); var c1 = vec4u(); var c2 = vec4u(); var c3 = vec4u();
  var c4 = vec4u(); var c5 = vec4u(); var c6 = vec4u(); var c7 = vec4u();
  var d0 = vec4u(); var d1 = vec4u(); var d2 = vec4u(); var d3 = vec4u();
  var d4 = vec4u(); var d5 = vec4u(); var d6 = vec4u(); var d7 = vec4u();
  var s_lo = vec4u();  // row sums of x, rows 0..3
  var s_hi = vec4u();  // rows 4..7
  for (var kw = 0u; kw < words; kw++) {
    let w0 = vec4u(w[cols_lo.x + kw], w[cols_lo.y + kw], w[cols_lo.z + kw], w[cols_lo.w + kw]);
    var w1 = vec4u();
    if (TN == 8u) { w1 = vec4u(w[cols_hi.x + kw], w[cols_hi.y + kw], w[cols_hi.z + kw], w[cols_hi.w + kw]); }
    let r0 = row_step(rows_lo.x, kw, w0, w1); c0 += r0.x0; d0 += r0.x1; s_lo.x += r0.s;
    let r1 = row_step(rows_lo.y, kw, w0, w1); c1 += r1.x0; d1 += r1.x1; s_lo.y += r1.s;
    let r2 = row_step(rows_lo.z, kw, w0, w1); c2 += r2.x0; d2 += r2.x1; s_lo.z += r2.s;
    let r3 = row_step(rows_lo.w, kw, w0, w1); c3 += r3.x0; d3 += r3.x1; s_lo.w += r3.s;
    if (TM == 8u) {
      let r4 = row_step(rows_hi.x, kw, w0, w1); c4 += r4.x0; d4 += r4.x1; s_hi.x += r4.s;
      let r5 = row_step(rows_hi.y, kw, w0, w1); c5 += r5.x0; d5 += r5.x1; s_hi.y += r5.s;
      let r6 = row_step(rows_hi.z, kw, w0, w1); c6 += r6.x0; d6 += r6.x1; s_hi.z += r6.s;
      let r7 = row_step(rows_hi.w, kw, w0, w1); c7 += r7.x0; d7 += r7.x1; s_hi.w += r7.s;
    }
  }
  store_quad(row, col, c0, s_lo.x); store_quad(row + 1u, col, c1, s_lo.y);
  store_quad(row + 2u, col, c2, s_lo.z); store_quad(row + 3u, col, c3, s_lo.w);
  if (TM == 8u) {
    store_quad(row + 4u, col, c4, s_hi.x); store_quad(row + 5u, col, c5, s_hi.y);
    store_quad(row + 6u, col, c6, s_hi.z); store_quad(row + 7u, col, c7, s_hi.w);
  }
  if (TN == 8u) {
    store_quad(row, col + 4u, d0, s_lo.x); store_quad(row + 1u, col + 4u, d1, s_lo.y);
    store_quad(row + 2u, col + 4u, d2, s_lo.z); store_quad(row + 3u, col + 4u, d3, s_lo.w);
    if (TM == 8u) {
      store_quad(row + 4u, col + 4u, d4, s_hi.x); store_quad(row + 5u, col + 4u, d5, s_hi.y);
      store_quad(row + 6u, col + 4u, d6, s_hi.z); store_quad(row + 7u, col + 4u, d7, s_hi.w);
    }
  }
}
