// Micro-benchmarks of what the adapter can do at all, the yardsticks for every kernel's fraction
// (harness/bench/limits.ts): copy bandwidth, f32 FMA throughput, integer XOR + popcount throughput.
// Reference: the host checks each result against the closed form it should have (limits.ts).

struct LimitParams {
  count: u32,   // copy: vec4 elements; fma / popcount: invocations
  seed: u32,
}

@group(0) @binding(0) var<uniform> params: LimitParams;
@group(0) @binding(1) var<storage, read> src: array<vec4u>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4u>;

override WG: u32 = 256;
override STEPS: u32 = 256;  // dependent steps per accumulator in fma and popcount

#include "grid.wgsl"

// copy: one invocation per vec4 (16 bytes read, 16 written); host dispatches linearGrid(count, WG).
@compute @workgroup_size(WG)
fn copy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i < params.count) { dst[i] = src[i]; }
}

// fma: each invocation runs 4 independent vec4 chains of STEPS fused multiply-adds (2 flops each):
// 32 * STEPS flops. x -> x * a + b with a = 1 keeps values exact so the host can check the sum.
@compute @workgroup_size(WG)
fn fma_chain(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.count) { return; }
  let a = vec4f(f32(params.seed & 1u) + 1.0);  // 1.0 for even seeds: keeps the chain exact
  let b = vec4f(1.0);
  var x0 = vec4f(0.0);
  var x1 = vec4f(1.0);
  var x2 = vec4f(2.0);
  var x3 = vec4f(3.0);
  for (var s = 0u; s < STEPS; s++) {
    x0 = fma(x0, a, b);
    x1 = fma(x1, a, b);
    x2 = fma(x2, a, b);
    x3 = fma(x3, a, b);
  }
  dst[i] = bitcast<vec4u>(x0 + x1 + x2 + x3);
}

// popcount: each invocation runs 4 independent vec4 chains of STEPS (xor, popcount, add): 3 integer
// ops per element and step, 48 * STEPS ops per invocation (we count xor + popcount = 2 "binary ops"
// the way XNOR GEMM does; the add is accumulation).
@compute @workgroup_size(WG)
fn popcount_chain(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.count) { return; }
  var acc0 = vec4u(0u);
  var acc1 = vec4u(0u);
  var acc2 = vec4u(0u);
  var acc3 = vec4u(0u);
  var w = vec4u(params.seed, params.seed * 3u, params.seed * 5u, params.seed * 7u) ^ vec4u(i);
  for (var s = 0u; s < STEPS; s++) {
    acc0 += countOneBits(w ^ vec4u(s));
    acc1 += countOneBits(w ^ vec4u(s << 8u));
    acc2 += countOneBits(w ^ vec4u(s << 16u));
    acc3 += countOneBits(w ^ vec4u(s << 24u));
  }
  dst[i] = acc0 + acc1 + acc2 + acc3;
}
