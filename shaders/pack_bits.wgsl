// Bit packing of ±1 matrices for the XNOR kernels (engine/ops/pack.ts; reference:
// harness/reference/xnor.ts). Three entry points: pack, unpack, pack_planes.
//
// Packed layout: row r of a rows x cols matrix takes words = ceil(cols / 32) u32 words; column c sits
// in word r * words + c / 32 at bit c % 32 (least significant first). Bit 1 means +1, bit 0 means -1.
// pack writes bit 1 for x >= 0 (so +0.0 and -0.0 give +1, NaN gives -1), decided on the f32 bits in
// integers so that flushed subnormals cannot change it; i32 input likewise (x >= 0).
// Padding: the bits past `cols` in a row's last word are 0 (xnor_gemm.wgsl masks them anyway).
//
// Bit planes (pack_planes) of an M x K matrix of u8 values x, stored row-major 4 per u32 (byte e =
// r * K + k in word e / 4, bits 8 * (e % 4) .. +7, i.e. a Uint8Array uploaded as is): plane b of row r,
// word w holds bit b of x[r, 32 w + i] at bit i, at index (r * words + w) * 8 + b, so that the 8 planes
// of one word are two vec4 loads. Padding bits are 0: xnor_u8.wgsl relies on it.
#include "grid.wgsl"

struct PackParams {
  rows: u32,
  cols: u32,
  words: u32,  // ceil(cols / 32)
}

@group(0) @binding(0) var<uniform> params: PackParams;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

override WG: u32 = 64;
override INPUT_I32: bool = false;  // pack: src holds i32 (else f32)

// x >= 0 from the raw bits: sign bit clear and not NaN, or -0.0.
fn non_negative(x: u32) -> bool {
  if (INPUT_I32) { return bitcast<i32>(x) >= 0; }
  let is_nan = (x & 0x7FFFFFFFu) > 0x7F800000u;
  return (x == 0x80000000u) || ((x >> 31u) == 0u && !is_nan);
}

// One invocation packs one word (row i / words, word i % words of its linear index i).
// The host dispatches linearGrid(rows * words, WG) workgroups.
@compute @workgroup_size(WG)
fn pack(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows * params.words) { return; }
  let r = i / params.words;
  let c0 = (i % params.words) * 32u;
  let count = min(32u, params.cols - c0);
  var word = 0u;
  for (var j = 0u; j < count; j++) {
    word |= select(0u, 1u << j, non_negative(src[r * params.cols + c0 + j]));
  }
  dst[i] = word;
}

// One invocation writes one ±1.0 f32 (row i / cols, column i % cols of its linear index i).
// The host dispatches linearGrid(rows * cols, WG) workgroups.
@compute @workgroup_size(WG)
fn unpack(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows * params.cols) { return; }
  let r = i / params.cols;
  let c = i % params.cols;
  let bit = (src[r * params.words + c / 32u] >> (c % 32u)) & 1u;
  dst[i] = bitcast<u32>(select(-1.0, 1.0, bit == 1u));
}

// One invocation writes the 8 bit planes of one word (row i / words, word i % words).
// The host dispatches linearGrid(rows * words, WG) workgroups.
@compute @workgroup_size(WG)
fn pack_planes(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows * params.words) { return; }
  let r = i / params.words;
  let c0 = (i % params.words) * 32u;
  let count = min(32u, params.cols - c0);
  var lo = vec4u();  // planes 0..3
  var hi = vec4u();  // planes 4..7
  for (var j = 0u; j < count; j++) {
    let e = r * params.cols + c0 + j;
    let byte = vec4u((src[e / 4u] >> ((e % 4u) * 8u)) & 0xFFu);
    lo |= ((byte >> vec4u(0u, 1u, 2u, 3u)) & vec4u(1u)) << vec4u(j);
    hi |= ((byte >> vec4u(4u, 5u, 6u, 7u)) & vec4u(1u)) << vec4u(j);
  }
  dst[i * 8u] = lo.x; dst[i * 8u + 1u] = lo.y; dst[i * 8u + 2u] = lo.z; dst[i * 8u + 3u] = lo.w;
  dst[i * 8u + 4u] = hi.x; dst[i * 8u + 5u] = hi.y; dst[i * 8u + 6u] = hi.z; dst[i * 8u + 7u] = hi.w;
}
