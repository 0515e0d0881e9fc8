// f32 GEMM variants, kept side by side for the benchmark progression (table: engine/ops/gemm.ts):
//   v1 gemm_f32_v1.wgsl  naive port of harness/reference/gemm.ts: one invocation per output
//   v2 gemm_f32_v2.wgsl  workgroup-memory tiling: TILE x TILE blocks of op(A) and op(B) per step
//   v3 gemm_f32.wgsl     register tiling, vec4 loads, fused epilogues (the one models use)
#include "gemm_common.wgsl"
#include "grid.wgsl"

@group(0) @binding(0) var<uniform> params: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

override WG: u32 = 64;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

// One invocation computes one output C[row, col], row = i / N, col = i % N of its linear index i.
// The host dispatches linearGrid(M * N, WG) workgroups.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  let m = params.m;
  let n = params.n;
  let k = params.k;
  if (i >= m * n) { return; }
  let row = i / n;
  let col = i % n;
  var sum = 0.0;
  for (var t = 0u; t < k; t++) {
    var x = a[row * k + t];
    if (TRANS_A) { x = a[t * m + row]; }
    var y = b[t * n + col];
    if (TRANS_B) { y = b[col * k + t]; }
    sum += x * y;
  }
  var v = params.alpha * sum;
  // BLAS: beta = 0 means C is not read (NaN in C does not propagate).
  if (params.beta != 0.0) { v += params.beta * c[i]; }
  c[i] = v;
}
