// The smallest value of each segment of `width` scores: rows x segments segments laid out as rows x
// (segments x width) values (k-means' scores of every row against the K centres of each of R restarts).
// Writes each segment's index of the smallest (the lowest index on ties, as numpy's argmin; scores
// are numbers: WGSL leaves NaN comparisons to the platform) and its value, and with ONE_HOT the segment's one-hot of that index (1 at it, 0
// elsewhere): k-means' assignment matrix, whose product with the rows gives the clusters' sums with no
// atomics. Reference: harness/reference/argmin.ts.
#include "grid.wgsl"

struct ArgminParams {
  rows: u32,
  segments: u32,
  width: u32,
}

@group(0) @binding(0) var<uniform> params: ArgminParams;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
// rows x segments.
@group(0) @binding(2) var<storage, read_write> indices: array<u32>;
@group(0) @binding(3) var<storage, read_write> minima: array<f32>;
// rows x segments x width, with ONE_HOT.
@group(0) @binding(4) var<storage, read_write> one_hot: array<f32>;

override WG: u32 = 64;
override ONE_HOT: bool = false;

// One invocation per segment (row r, segment g: i = r * segments + g, its scores from i * width).
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows * params.segments) { return; }
  let base = i * params.width;
  var best = scores[base];
  var at = 0u;
  for (var j = 1u; j < params.width; j++) {
    let v = scores[base + j];
    // Strictly smaller: the first of equal values wins.
    if (v < best) {
      best = v;
      at = j;
    }
  }
  indices[i] = at;
  minima[i] = best;
  if (ONE_HOT) {
    for (var j = 0u; j < params.width; j++) { one_hot[base + j] = select(0.0, 1.0, j == at); }
  }
}
