// The losses of generative adversarial nets on the discriminator's (critic's) outputs, one invocation
// per row, the loss to minimise and its gradient (times grad_scale) for each output:
//   KIND 0 minimax   D: softplus(-r) + softplus(f)          G: -softplus(f)   (= log(1 - sigmoid(f)))
//   KIND 1 ns        D: as minimax                          G: softplus(-f)   (non-saturating)
//   KIND 2 ls        D: (r - 1)^2 / 2 + f^2 / 2             G: (f - 1)^2 / 2  (least squares)
//   KIND 3 wgan      D: f - r                               G: -f             (the critic's weights clipped elsewhere)
//   KIND 4 hinge     D: max(0, 1 - r) + max(0, 1 + f)        G: -f
// with r the output on a real example and f on a generated one; ROLE 0 the discriminator's loss (both
// outputs read), 1 the generator's (f only). Reference: harness/reference/gan.ts.
#include "grid.wgsl"
#include "math.wgsl"

struct GanLossParams {
  rows: u32,
  grad_scale: f32,
}

@group(0) @binding(0) var<uniform> params: GanLossParams;
@group(0) @binding(1) var<storage, read> real: array<f32>;
@group(0) @binding(2) var<storage, read> fake: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad_real: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad_fake: array<f32>;
@group(0) @binding(5) var<storage, read_write> losses: array<f32>;

override WG: u32 = 64;
override KIND: u32 = 0;
override ROLE: u32 = 0;
override GRAD: bool = true;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows) { return; }
  let f = fake[i];
  var loss = 0.0;
  var df = 0.0;
  var dr = 0.0;
  if (ROLE == 0u) {
    let r = real[i];
    switch KIND {
      case 0u, 1u: { loss = softplus(-r) + softplus(f); dr = sigmoid(r) - 1.0; df = sigmoid(f); }
      case 2u: { loss = 0.5 * (r - 1.0) * (r - 1.0) + 0.5 * f * f; dr = r - 1.0; df = f; }
      case 3u: { loss = f - r; dr = -1.0; df = 1.0; }
      default: { loss = relu(1.0 - r) + relu(1.0 + f); dr = select(0.0, -1.0, r < 1.0); df = select(0.0, 1.0, f > -1.0); }
    }
    if (GRAD) { grad_real[i] = dr * params.grad_scale; }
  } else {
    switch KIND {
      case 0u: { loss = -softplus(f); df = -sigmoid(f); }
      case 1u: { loss = softplus(-f); df = sigmoid(f) - 1.0; }
      case 2u: { loss = 0.5 * (f - 1.0) * (f - 1.0); df = f - 1.0; }
      default: { loss = -f; df = -1.0; }
    }
  }
  if (GRAD) { grad_fake[i] = df * params.grad_scale; }
  losses[i] = loss;
}
