// f32 GEMM v3 with the rows of A shared through the subgroup: the same products, sums and epilogues
// as gemm_f32.wgsl's main, bit for bit, for tile configs with WG_Y = 1 and TM = 8 on a device with
// the `subgroups` feature (engine/ops/gemm.ts picks it).
//
// With WG_Y = 1 every invocation of a workgroup computes the same TM = 8 rows of C (other columns),
// so all of them read the same 8 x 4 block of op(A) per k quad. In main each invocation loads the
// whole block; here lane l < 4 of the subgroup loads rows l and l + 4 and every lane takes row i from
// lane i % 4 (subgroupBroadcast). WebGPU subgroups have at least 4 lanes, and a subgroup never spans
// two workgroups, so lanes 0..3 exist and share the rows. Why it pays: SwiftShader runs 4 lanes as
// one SIMD group and loads a computed address as a gather per lane, so main's A loads are a quarter
// of the cost of the whole kernel; a broadcast is an extract and a splat. On GPUs the loads come
// from the same cache line anyway and the difference is small either way.
enable subgroups;
#include "gemm_f32.wgsl"

// op(A)[row, kb .. kb + 3] as one vector, clamped like a_quad (row into the matrix, k to K - 1).
fn a_row(row: u32, kb: u32) -> vec4f {
  let m = params.m;
  let k = params.k;
  let r = min(row, m - 1u);
  let t = clamped4(kb, k - 1u);
  if (!TRANS_A) {
    if (VEC_A) { return a4[r * (k / 4u) + kb / 4u]; }
    return vec4f(a[r * k + t.x], a[r * k + t.y], a[r * k + t.z], a[r * k + t.w]);
  }
  return vec4f(a[t.x * m + r], a[t.y * m + r], a[t.z * m + r], a[t.w * m + r]);
}

// The tile's 8 x 4 block of op(A) at k quad kb, as a_quad gives it (rows 0..3, then rows 4..7).
// Called by every lane of the subgroup (uniform control flow).
fn shared_a(row: u32, kb: u32, lane: u32) -> array<mat4x4f, 2> {
  let mine = min(lane, 3u);
  let lo = a_row(row + mine, kb);
  let hi = a_row(row + 4u + mine, kb);
  return array<mat4x4f, 2>(
    mat4x4f(subgroupBroadcast(lo, 0u), subgroupBroadcast(lo, 1u), subgroupBroadcast(lo, 2u), subgroupBroadcast(lo, 3u)),
    mat4x4f(subgroupBroadcast(hi, 0u), subgroupBroadcast(hi, 1u), subgroupBroadcast(hi, 2u), subgroupBroadcast(hi, 3u)));
}

// main's loop with shared_a for the full k quads. Invocations past N (edge workgroups) stay in the
// loop, so that the broadcasts see every lane, and leave before finish_tile (the masked last quad
// and the stores).
@compute @workgroup_size(WG_X, WG_Y)
fn main_subgroup(@builtin(global_invocation_id) gid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let tile = tile_of(gid, params.m, params.n);
  let k = params.k;
  var acc: Acc;
  var b1 = mat4x4f();
  let k_full = k & ~3u;
  for (var kb = 0u; kb < k_full; kb += 4u) {
    let a = shared_a(tile.row, kb, lane);
    let b0 = b_quad(kb, tile.col, tile.cols_lo);
    if (TN == 8u) { b1 = b_quad(kb, tile.col + 4u, tile.cols_hi); }
    accumulate(&acc, a[0], a[1], b0, b1);
  }
  if (tile.row >= params.m || tile.col >= params.n) { return; }
  finish_tile(&acc, tile, k_full);
}
