// The Gumbel-softmax (Concrete) relaxation of categorical draws and the KL of a categorical to the
// uniform prior, one row of `classes` logits at a time (engine/ops/gumbel_softmax.ts; reference:
// harness/reference/gumbel_softmax.ts):
//   forward     y = softmax((logits + G) / tau), G the Gumbel sampler's draws (shaders/sample.wgsl's
//               rule: element e = row * classes + j takes word e % 4 of
//               rng_bits(seed, PURPOSE_GUMBEL, step + iteration, e / 4, call)), tau a Schedule of the
//               iteration; optionally the one-hot of argmax y (the straight-through forward value: the
//               category addCategorical draws from the same stream) and log softmax(logits) at it
//   backward    dlogits = grad_scale / tau * y * (dy - sum_k dy_k y_k): the softmax's backward through
//               the soft sample (the straight-through estimator passes the one-hot's dy through it)
//   kl_uniform  KL(softmax(logits) || uniform) = sum_j q_j log q_j + log classes, and its gradient
//               grad_scale * q_j (log q_j - sum_k q_k log q_k)
#include "math.wgsl"
#include "rng.wgsl"
#include "gumbel.wgsl"
#include "grid.wgsl"
#include "schedule.wgsl"

struct RowParams {
  rows: u32,
  classes: u32,
  seed: u32,
  step: u32,
  call: u32,
  grad_scale: f32,  // backward, kl_uniform: the gradient's factor
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: RowParams;
// forward, backward: tau at the iteration.
@group(0) @binding(1) var<uniform> temperature: Schedule;
// rows x classes, row-major (forward, kl_uniform).
@group(0) @binding(2) var<storage, read> logits: array<f32>;
// backward: the forward pass's soft sample y, and dL/dy.
@group(0) @binding(3) var<storage, read> soft: array<f32>;
@group(0) @binding(4) var<storage, read> upstream: array<f32>;
// forward: the soft sample, the one-hot of its argmax, and per row log softmax(logits) at the argmax.
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> hard: array<f32>;
@group(0) @binding(7) var<storage, read_write> log_prob: array<f32>;
// backward, kl_uniform: dL/dlogits; kl_uniform: the KL of each row.
@group(0) @binding(8) var<storage, read_write> grad: array<f32>;
@group(0) @binding(9) var<storage, read_write> losses: array<f32>;
// The repetition index of the graph run: fresh draws and the schedule's step.
@group(0) @binding(10) var<uniform> iteration: Iteration;

override WG: u32 = 64;
override HARD: bool = false;      // forward: write the one-hot
override LOG_PROB: bool = false;  // forward: write log q(argmax)
override GRAD: bool = true;       // kl_uniform: write the gradient
override LOSSES: bool = true;     // kl_uniform: write the KL
override ACCUMULATE: bool = false; // backward, kl_uniform: add to grad

// The largest logit of the row that starts at `first` (NaN when one is NaN) and log sum exp(logit - it).
fn row_log_sum_exp(first: u32) -> vec2f {
  var m = neg_inf();
  for (var j = 0u; j < params.classes; j++) { m = max_nan(m, logits[first + j]); }
  var s = 0.0;
  for (var j = 0u; j < params.classes; j++) { s += exp_ieee(logits[first + j] - m); }
  return vec2f(m, log_ieee(s));
}

fn add_grad(e: u32, g: f32) {
  if (ACCUMULATE) {
    grad[e] += g;
  } else {
    grad[e] = g;
  }
}

// forward: one invocation per row r (its linear index): first (logit + G) / tau into y with the
// row's maximum and argmax (the lowest j among equals), then exp(. - max), then the division by
// their sum. The host dispatches linearGrid(rows, WG) workgroups.
@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = linear_index(gid, groups, WG);
  if (r >= params.rows) { return; }
  let tau = schedule_at(temperature, iteration.index);
  let first = r * params.classes;
  let step = params.step + iteration.index;
  var m = neg_inf();
  var best = 0u;
  var word_q = 0xFFFFFFFFu;
  var bits = vec4u();
  for (var j = 0u; j < params.classes; j++) {
    let e = first + j;
    // One Philox call serves four consecutive elements.
    if (e / 4u != word_q) {
      word_q = e / 4u;
      bits = rng_bits(params.seed, PURPOSE_GUMBEL, step, word_q, params.call);
    }
    let a = (logits[e] + gumbel(bits[e % 4u])) / tau;
    y[e] = a;
    if (j == 0u || a > m) {
      m = a;
      best = j;
    }
  }
  var s = 0.0;
  for (var j = 0u; j < params.classes; j++) {
    let v = exp_ieee(y[first + j] - m);
    y[first + j] = v;
    s += v;
  }
  for (var j = 0u; j < params.classes; j++) {
    y[first + j] = y[first + j] / s;
    if (HARD) { hard[first + j] = select(0.0, 1.0, j == best); }
  }
  if (LOG_PROB) {
    let lse = row_log_sum_exp(first);
    log_prob[r] = (logits[first + best] - lse.x) - lse.y;
  }
}

// backward: one invocation per row: dlogits_j = grad_scale / tau * y_j (dy_j - sum_k dy_k y_k).
// The host dispatches linearGrid(rows, WG) workgroups.
@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = linear_index(gid, groups, WG);
  if (r >= params.rows) { return; }
  let factor = params.grad_scale / schedule_at(temperature, iteration.index);
  let first = r * params.classes;
  var dot = 0.0;
  for (var j = 0u; j < params.classes; j++) { dot += upstream[first + j] * soft[first + j]; }
  for (var j = 0u; j < params.classes; j++) {
    let e = first + j;
    add_grad(e, factor * soft[e] * (upstream[e] - dot));
  }
}

// kl_uniform: one invocation per row: q = softmax(logits), KL = sum q log q + log classes, and
// grad_scale * q_j (log q_j - sum q log q). The host dispatches linearGrid(rows, WG) workgroups.
@compute @workgroup_size(WG)
fn kl_uniform(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = linear_index(gid, groups, WG);
  if (r >= params.rows) { return; }
  let first = r * params.classes;
  let lse = row_log_sum_exp(first);
  var neg_entropy = 0.0;
  for (var j = 0u; j < params.classes; j++) {
    let log_q = (logits[first + j] - lse.x) - lse.y;
    neg_entropy += exp_ieee(log_q) * log_q;
  }
  if (LOSSES) { losses[r] = neg_entropy + log_ieee(f32(params.classes)); }
  if (GRAD) {
    for (var j = 0u; j < params.classes; j++) {
      let log_q = (logits[first + j] - lse.x) - lse.y;
      add_grad(first + j, params.grad_scale * exp_ieee(log_q) * (log_q - neg_entropy));
    }
  }
}
