// The square hinge loss of a multi-class L2-SVM output (Tang 2013; BinaryNet's MNIST loss): with the
// target t_k = +1 for the label's class and -1 for the others, a row's loss is
//   (1 / cols) sum_k max(0, 1 - t_k y_k)^2,
// its gradient dL/dy_k = -2 t_k max(0, 1 - t_k y_k) / cols * grad_scale, and its error flag 1 where
// the argmax (the first largest score, or the first NaN) is not the label. One invocation per row,
// the classes in order. Reference: harness/reference/reduce.ts squareHingeReference.
#include "grid.wgsl"
#include "math.wgsl"

struct HingeParams {
  rows: u32,
  cols: u32,
  grad_scale: f32,
}

@group(0) @binding(0) var<uniform> params: HingeParams;
// rows x cols: the scores.
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
// rows x cols: the gradient (GRAD).
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
// Per row: the loss, and 1.0 where the argmax is not the label (else 0.0).
@group(0) @binding(4) var<storage, read_write> losses: array<f32>;
@group(0) @binding(5) var<storage, read_write> errors: array<f32>;

override WG: u32 = 64;
override GRAD: bool = true;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = linear_index(gid, groups, WG);
  if (r >= params.rows) { return; }
  let cols = params.cols;
  let label = labels[r];
  var loss = 0.0;
  var best = 0u;
  for (var k = 0u; k < cols; k++) {
    let v = y[r * cols + k];
    let t = select(-1.0, 1.0, k == label);
    // max(0, 1 - t v), NaN kept (math.wgsl says why not WGSL's max).
    let margin = relu(1.0 - t * v);
    loss += margin * margin;
    if (GRAD) { grad[r * cols + k] = -2.0 * t * margin / f32(cols) * params.grad_scale; }
    // The first NaN wins, else the first largest.
    let current = y[r * cols + best];
    if (!is_nan(current) && (is_nan(v) || v > current)) { best = k; }
  }
  losses[r] = loss / f32(cols);
  errors[r] = select(0.0, 1.0, best != label);
}
