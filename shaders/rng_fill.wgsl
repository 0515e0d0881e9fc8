// Fills `out` with Philox output so that tests and benchmarks can compare it with the TypeScript
// reference. mode 0: raw words (counter = (step, element, call, 0)); mode 1: uniforms as f32;
// mode 2: normals as f32.
#include "rng.wgsl"

struct FillParams {
  seed: u32,
  purpose: u32,
  step: u32,
  calls: u32,  // Philox calls, 4 words each; element e = call index
  mode: u32,
}

@group(0) @binding(0) var<uniform> params: FillParams;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

override WG: u32 = 64;

// One invocation makes one Philox call (element = its global index) and writes 4 words.
// The host dispatches ceil(calls / WG) workgroups.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.x;
  if (e >= params.calls) { return; }
  let bits = rng_bits(params.seed, params.purpose, params.step, e, 0u);
  var words = bits;
  if (params.mode == 1u) {
    words = bitcast<vec4u>(vec4f(rng_uniform(bits.x), rng_uniform(bits.y), rng_uniform(bits.z), rng_uniform(bits.w)));
  } else if (params.mode == 2u) {
    words = bitcast<vec4u>(rng_normal4(bits));
  }
  out[4u * e] = words.x;
  out[4u * e + 1u] = words.y;
  out[4u * e + 2u] = words.z;
  out[4u * e + 3u] = words.w;
}
