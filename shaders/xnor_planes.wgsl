// Integer matrices as +-1 bit planes, so that a product with a +-1 matrix is XNOR-popcount products
// (engine/ops/xnor_planes.ts; reference: harness/reference/xnor_planes.ts). Two entry points: encode, combine.
//
// Code of an integer v with `bits` = L planes: entries of one matrix share a parity. Odd v (|v| <=
// 2^L - 1) is sum_{p < L} 2^p b_p with b_p = +-1: b_p is bit p of (v + 2^L - 1) / 2 (1 = +1). Even v
// (|v| <= 2^L - 2) is coded as v + 1 in L planes plus one more plane of all -1 with coefficient 1
// (`planes` = L + 1). Layout: plane p of row r is a packed +-1 row (pack_bits.wgsl's layout) at words
// ((p * rows + r) * words ..): plane-major, so that the planes of an n x k matrix are one (planes * n)
// x k packed matrix for xnor_gemm.
//
// combine: given C = A (planes * n rows)^T as i32 (xnor_gemm), out[r, j] = sum_p coeff_p C[r, p n + j]
// with coeff_p = 2^p (p < L) and 1 for the extra plane: A times the integer matrix, exact in i32,
// then rounded to f32 (exact below 2^24).
#include "grid.wgsl"

struct PlanesParams {
  rows: u32,    // encode: rows of the integer matrix; combine: rows of A (m)
  cols: u32,    // encode: its columns (k); combine: n
  words: u32,   // encode: ceil(cols / 32)
  planes: u32,  // L, or L + 1 for even entries
  bits: u32,    // L
}

@group(0) @binding(0) var<uniform> params: PlanesParams;
// encode: rows x cols f32 integers; combine: m x (planes * n) i32 products.
@group(0) @binding(1) var<storage, read> src: array<u32>;
// encode: planes x rows x words u32; combine: m x n f32.
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

override WG: u32 = 64;

// encode: one invocation per (row, word) of the integer matrix, writing that word of every plane.
// The host dispatches linearGrid(rows * words, WG).
@compute @workgroup_size(WG)
fn encode(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows * params.words) { return; }
  let r = i / params.words;
  let w = i % params.words;
  let c0 = w * 32u;
  let count = min(32u, params.cols - c0);
  let even = params.planes > params.bits;
  let top = i32((1u << params.bits) - 1u);
  for (var p = 0u; p < params.planes; p++) {
    var word = 0u;
    if (p < params.bits) {
      for (var j = 0u; j < count; j++) {
        let v = i32(round(bitcast<f32>(src[r * params.cols + c0 + j]))) + select(0, 1, even);
        let code = u32((v + top) / 2);
        word |= ((code >> p) & 1u) << j;
      }
    }
    dst[(p * params.rows + r) * params.words + w] = word;
  }
}

// combine: one invocation per output (r, j); the host dispatches linearGrid(m * n, WG).
@compute @workgroup_size(WG)
fn combine(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  let n = params.cols;
  if (i >= params.rows * n) { return; }
  let r = i / n;
  let j = i % n;
  var sum = 0;
  for (var p = 0u; p < params.planes; p++) {
    let coeff = select(1, 1 << p, p < params.bits);
    sum += coeff * bitcast<i32>(src[(r * params.planes + p) * n + j]);
  }
  dst[i] = bitcast<u32>(f32(sum));
}
