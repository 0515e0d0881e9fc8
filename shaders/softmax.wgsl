// Row-wise maps that need each row's log-sum-exp, which shaders/reduce.wgsl computes first into
// row statistics (reduce_state.wgsl): softmax, log-softmax, and the categorical cross-entropy from
// logits with its gradient, per-row loss and per-row error flag. The MODE override picks one
// (engine/ops/loss.ts). Reference: harness/reference/reduce.ts.
#include "math.wgsl"
#include "grid.wgsl"
#include "reduce_state.wgsl"

struct RowParams {
  rows: u32,
  cols: u32,
  grad_scale: f32,  // cross-entropy: the gradient's factor
}

@group(0) @binding(0) var<uniform> params: RowParams;
// rows x cols, row-major: the input of softmax, the logits of the cross-entropy.
@group(0) @binding(1) var<storage, read> x: array<f32>;
// Per row: log-sum-exp in value, argmax in index.
@group(0) @binding(2) var<storage, read> stats: array<State>;
// Cross-entropy: the class of each row.
@group(0) @binding(3) var<storage, read> labels: array<u32>;
// rows x cols: softmax, log-softmax, or the cross-entropy's gradient.
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
// Cross-entropy, per row: the loss, and 1.0 where the argmax is not the label (else 0.0).
@group(0) @binding(5) var<storage, read_write> losses: array<f32>;
@group(0) @binding(6) var<storage, read_write> errors: array<f32>;

override WG: u32 = 256;
override MODE: u32 = 0;          // 0 softmax, 1 log-softmax, 2 categorical cross-entropy
override IN_PLACE: bool = false; // softmax, log-softmax: x is out, read through out
override GRAD: bool = true;      // cross-entropy: write the gradient to out

fn load_x(i: u32) -> f32 {
  if (IN_PLACE) { return out[i]; }
  return x[i];
}

// Row r of the cross-entropy: loss = lse - z[label] (NaN for a label >= cols), error = argmax != label.
fn cross_entropy_row(r: u32, lse: f32, argmax: u32) {
  let label = labels[r];
  var loss = nan_f32();
  if (label < params.cols) { loss = lse - x[r * params.cols + label]; }
  losses[r] = loss;
  errors[r] = select(0.0, 1.0, argmax != label);
}

// main: one invocation per element i of the rows x cols input, in row r = i / cols, column
// c = i % cols: softmax exp(x - lse_r), log-softmax x - lse_r, or the cross-entropy's gradient
// (exp(z - lse_r) - [c == label_r]) * grad_scale, column 0 also writing row r's loss and error.
// The host dispatches linearGrid(rows * cols, WG) workgroups.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows * params.cols) { return; }
  let r = i / params.cols;
  let c = i - r * params.cols;
  let row = stats[r];
  switch MODE {
    case 0u: { out[i] = exp_ieee(load_x(i) - row.value); }
    case 1u: { out[i] = load_x(i) - row.value; }
    default: {
      if (GRAD) { out[i] = (exp_ieee(x[i] - row.value) - select(0.0, 1.0, c == labels[r])) * params.grad_scale; }
      if (c == 0u) { cross_entropy_row(r, row.value, row.index); }
    }
  }
}
