// Binary codes of consecutive numbers, one per row (engine/ops/codes.ts; reference: harness/reference/codes.ts):
//   output[r, j] = f32(((first + iteration.index * rows + r) >> j) & 1)    for r < rows, j < bits
// so that a graph repeated `count / rows` times visits every code 0 .. count - 1 once, a block of
// rows per repetition (an exact sum over the hidden states of an RBM is its first user). Bit j of
// the number is column j: the least significant bit first. Integers only: exact on every adapter.
#include "grid.wgsl"

struct CodesParams {
  rows: u32,   // codes per repetition
  bits: u32,   // columns: bits per code
  first: u32,  // the number of row 0 at iteration 0
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: CodesParams;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> iteration: Iteration;

override WG: u32 = 64;

// One invocation writes element e = r * bits + j (its linear index).
// The host dispatches linearGrid(rows * bits, WG) workgroups.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = linear_index(gid, groups, WG);
  let bits = params.bits;
  if (e >= params.rows * bits) { return; }
  let r = e / bits;
  let j = e % bits;
  let number = params.first + iteration.index * params.rows + r;
  output[e] = f32((number >> j) & 1u);
}
