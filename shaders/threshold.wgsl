// A binary layer's activation from its sums, a per-column threshold (batch normalisation and sign
// folded into one comparison, BinaryNet's inference): out = +1 where dir >= 0 and s >= t or dir < 0
// and s <= t, else -1, for rows x cols sums held as f32 or (INT_SUMS) as i32. PACKED writes 32
// columns per u32 word (column c at bit c % 32, +1 as 1; padding bits 0), else f32 +-1. Integer sums
// below 2^24 are exact in f32 either way, so two paths that compute the same sums make the same decisions.
// Reference: harness/reference/threshold.ts.
#include "grid.wgsl"

struct ThresholdParams {
  rows: u32,
  cols: u32,
  words: u32,  // ceil(cols / 32)
}

@group(0) @binding(0) var<uniform> params: ThresholdParams;
// f32 or i32 bits.
@group(0) @binding(1) var<storage, read> sums: array<u32>;
@group(0) @binding(2) var<storage, read> thresholds: array<f32>;
@group(0) @binding(3) var<storage, read> directions: array<f32>;
// PACKED: rows x words u32; else rows x cols f32 +-1.
@group(0) @binding(4) var<storage, read_write> bits: array<u32>;
@group(0) @binding(5) var<storage, read_write> values: array<f32>;

override WG: u32 = 64;
override PACKED: bool = true;
override INT_SUMS: bool = false;

fn fires(r: u32, c: u32) -> bool {
  let word = sums[r * params.cols + c];
  let s = select(bitcast<f32>(word), f32(bitcast<i32>(word)), INT_SUMS);
  let t = thresholds[c];
  return select(s <= t, s >= t, directions[c] >= 0.0);
}

// PACKED: one invocation per word of the output (row r, word w); else one per element.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (PACKED) {
    if (i >= params.rows * params.words) { return; }
    let r = i / params.words;
    let w = i % params.words;
    var word = 0u;
    for (var b = 0u; b < 32u; b++) {
      let c = w * 32u + b;
      if (c < params.cols && fires(r, c)) { word |= 1u << b; }
    }
    bits[i] = word;
  } else {
    if (i >= params.rows * params.cols) { return; }
    values[i] = select(-1.0, 1.0, fires(i / params.cols, i % params.cols));
  }
}
