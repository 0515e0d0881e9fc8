// f32 GEMM v2: workgroup-memory tiling (variant list: gemm_f32_v1.wgsl).
#include "gemm_common.wgsl"

@group(0) @binding(0) var<uniform> params: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

override TILE: u32 = 16;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

var<workgroup> tile_a: array<f32, TILE * TILE>;
var<workgroup> tile_b: array<f32, TILE * TILE>;

// op(A)[r, t] and op(B)[t, j], zero outside the matrix so that edge tiles need no special case.
fn load_a(r: u32, t: u32) -> f32 {
  if (r >= params.m || t >= params.k) { return 0.0; }
  if (TRANS_A) { return a[t * params.m + r]; }
  return a[r * params.k + t];
}
fn load_b(t: u32, j: u32) -> f32 {
  if (t >= params.k || j >= params.n) { return 0.0; }
  if (TRANS_B) { return b[j * params.k + t]; }
  return b[t * params.n + j];
}

// A workgroup of TILE x TILE invocations computes one TILE x TILE block of C, one output each; per
// step it stages a TILE x TILE block of op(A) and of op(B) in workgroup memory.
// The host dispatches [ceil(N / TILE), ceil(M / TILE)] workgroups.
@compute @workgroup_size(TILE, TILE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.y * TILE + lid.y;
  let col = wid.x * TILE + lid.x;
  var sum = 0.0;
  for (var t0 = 0u; t0 < params.k; t0 += TILE) {
    tile_a[lid.y * TILE + lid.x] = load_a(row, t0 + lid.x);
    tile_b[lid.y * TILE + lid.x] = load_b(t0 + lid.y, col);
    workgroupBarrier();
    for (var t = 0u; t < TILE; t++) {
      sum += tile_a[lid.y * TILE + t] * tile_b[t * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (row >= params.m || col >= params.n) { return; }
  let i = row * params.n + col;
  var v = params.alpha * sum;
  if (params.beta != 0.0) { v += params.beta * c[i]; }
  c[i] = v;
}
