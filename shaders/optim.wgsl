// Optimisers, one fused update dispatch per parameter tensor per step (engine/ops/optim.ts;
// reference: harness/reference/optim.ts). Entry points:
//   sum_squares  partial sums of grad^2 of one tensor, one per workgroup  (clipping only)
//   clip_scale   the global norm over all partials and the clipping scale  (clipping only)
//   sgd          SGD with momentum, L2 weight decay and an L1 penalty
//   adam         Adam with bias correction (and L2 or decoupled weight decay, and an L1 penalty)
// The L1 penalty l1 |p| adds its subgradient l1 sign(p) (0 at p = 0) to the gradient.
#include "grid.wgsl"
#include "schedule.wgsl"

struct OptimParams {
  n: u32,              // elements of this parameter tensor
  partial_base: u32,   // this tensor's first slot in `partials`
  partial_count: u32,  // slots of `partials` over all tensors of the set
  max_norm: f32,       // clipping threshold of the global gradient norm
  momentum: f32,
  weight_decay: f32,
  l1: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  lr_scale: f32,       // this tensor's multiple of the learning rate
}

struct Iteration { index: u32 }

struct ClipStats {
  sum_squares: f32,  // over every gradient of the set
  norm: f32,         // sqrt(sum_squares)
  scale: f32,        // min(1, max_norm / norm): what every gradient is multiplied by
  _pad: f32,
}

@group(0) @binding(0) var<uniform> params: OptimParams;
@group(0) @binding(1) var<uniform> iteration: Iteration;
@group(0) @binding(2) var<uniform> lr: Schedule;
@group(0) @binding(3) var<storage, read_write> value: array<f32>;
@group(0) @binding(4) var<storage, read> grad: array<f32>;
@group(0) @binding(5) var<storage, read_write> state0: array<f32>;  // sgd: momentum; adam: m
@group(0) @binding(6) var<storage, read_write> state1: array<f32>;  // adam: v
@group(0) @binding(7) var<storage, read_write> partials: array<f32>;
@group(0) @binding(8) var<storage, read_write> clip_out: ClipStats;
@group(0) @binding(9) var<storage, read> clip: ClipStats;

override WG: u32 = 256;         // a power of two (the tree sums halve it)
override PER_THREAD: u32 = 4;   // sum_squares: elements per invocation
// sgd, adam: elements per invocation. The learning rate (a schedule) and Adam's bias corrections
// (loops over the bits of t) are computed once per invocation: per element they were about a third
// of an SGD step's time on SwiftShader.
override SPAN: u32 = 4;
override CLIP: bool = false;    // sgd, adam: scale gradients by clip.scale
override USE_MOMENTUM: bool = true;
override DECOUPLED: bool = false;  // adam: weight decay on the parameter (AdamW), not added to the gradient

var<workgroup> scratch: array<f32, WG>;

// The sum of x over the workgroup by a fixed tree (the same order on every run). Every invocation
// must call it; all get the total.
fn workgroup_sum(local: u32, x: f32) -> f32 {
  scratch[local] = x;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (local < stride) { scratch[local] += scratch[local + stride]; }
    workgroupBarrier();
  }
  let total = scratch[0];
  workgroupBarrier();
  return total;
}

fn clipped_grad(i: u32) -> f32 {
  if (CLIP) { return grad[i] * clip.scale; }
  return grad[i];
}

// Host contract.
// sum_squares: workgroup w (linear over a grid the host may fold into two dimensions) sums grad^2
//   over elements [w * WG * PER_THREAD, (w + 1) * WG * PER_THREAD) and writes
//   partials[partial_base + w]. The host dispatches linearGrid(ceil(n / (WG * PER_THREAD)) * WG, WG)
//   workgroups per tensor, every tensor of the set before clip_scale.
// clip_scale: one workgroup sums partials[0 .. partial_count) and writes clip_out.
// sgd, adam: one invocation updates elements [SPAN i, SPAN (i + 1)) (i = linear_index) of one tensor
//   and their state; the host dispatches linearGrid(ceil(n / SPAN), WG) workgroups per tensor, after
//   clip_scale when CLIP.
// The step t is iteration.index (0 at the first step): the learning rate is schedule_at(lr, t) and
// Adam's bias corrections are 1 - beta^(t + 1), so a run must start at the set's iteration.

@compute @workgroup_size(WG)
fn sum_squares(@builtin(local_invocation_index) local: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let first = (wid.x + wid.y * groups.x) * WG * PER_THREAD;
  var sum = 0.0;
  for (var k = 0u; k < PER_THREAD; k++) {
    let i = first + k * WG + local;
    if (i < params.n) {
      let g = grad[i];
      sum += g * g;
    }
  }
  let total = workgroup_sum(local, sum);
  if (local == 0u && first < params.n) {
    partials[params.partial_base + first / (WG * PER_THREAD)] = total;
  }
}

@compute @workgroup_size(WG)
fn clip_scale(@builtin(local_invocation_index) local: u32) {
  var sum = 0.0;
  for (var i = local; i < params.partial_count; i += WG) {
    sum += partials[i];
  }
  let total = workgroup_sum(local, sum);
  if (local == 0u) {
    let norm = sqrt(total);
    clip_out = ClipStats(total, norm, select(1.0, params.max_norm / norm, norm > params.max_norm), 0.0);
  }
}

@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let first = linear_index(gid, groups, WG) * SPAN;
  let rate = schedule_at(lr, iteration.index) * params.lr_scale;
  for (var i = first; i < min(first + SPAN, params.n); i++) {
    let p = value[i];
    // g + wd p + l1 sign(p), then (with momentum) the velocity buf = mu buf + that, as torch.optim.SGD.
    var step = clipped_grad(i) + params.weight_decay * p + params.l1 * sign(p);
    if (USE_MOMENTUM) {
      step = params.momentum * state0[i] + step;
      state0[i] = step;
    }
    value[i] = p - rate * step;
  }
}

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let first = linear_index(gid, groups, WG) * SPAN;
  // The bias corrections 1 - beta^t at step t = iteration + 1, and the learning rate: once per invocation.
  let t = iteration.index + 1u;
  let c1 = one_minus_powi(params.beta1, t);
  let c2 = one_minus_powi(params.beta2, t);
  let rate = schedule_at(lr, iteration.index) * params.lr_scale;
  for (var i = first; i < min(first + SPAN, params.n); i++) {
    let p = value[i];
    var g = clipped_grad(i) + params.l1 * sign(p);
    if (!DECOUPLED) { g += params.weight_decay * p; }
    // Moment estimates, then their bias corrections.
    let m = params.beta1 * state0[i] + (1.0 - params.beta1) * g;
    let v = params.beta2 * state1[i] + (1.0 - params.beta2) * (g * g);
    state0[i] = m;
    state1[i] = v;
    let m_hat = m / c1;
    let v_hat = v / c2;
    var next = p - rate * m_hat / (sqrt(v_hat) + params.eps);
    if (DECOUPLED) { next -= rate * params.weight_decay * p; }
    value[i] = next;
  }
}
