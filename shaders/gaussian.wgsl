// Diagonal Gaussian latents and likelihoods, element by element (engine/ops/gaussian.ts sums the
// per-element terms per row with shaders/reduce.wgsl; reference: harness/reference/gaussian.ts):
//   reparameterize           z = mean + exp(log_var / 2) * eps, eps the Gaussian sampler's draw
//                            (shaders/sample.wgsl's rule: element e of z takes normal e % 4 of
//                            rng_normal4(rng_bits(seed, PURPOSE_GAUSSIAN, step + iteration, e / 4, call))),
//                            with `samples` draws per row of mean; optionally the terms of
//                            log N(z; 0, I) - log N(z; mean, exp(log_var)) = 0.5 (eps^2 - z^2 + log_var)
//   reparameterize_backward  dmean = sum over a row's draws of dz, dlog_var = sum of dz * eps * sigma / 2,
//                            eps drawn again from the same stream (nothing stored)
//   kl                       KL(N(mean, exp(log_var)) || N(0, 1)) = (mean^2 + e^lv - 1 - lv) / 2 and
//                            its gradient (mean, (e^lv - 1) / 2) * grad_scale
//   nll                      -log N(x; mean, exp(log_var)) = (log 2 pi + lv + (x - mean)^2 e^-lv) / 2 and
//                            its gradient ((mean - x) e^-lv, (1 - (x - mean)^2 e^-lv) / 2) * grad_scale
#include "math.wgsl"
#include "rng.wgsl"
#include "grid.wgsl"

struct GaussianParams {
  count: u32,          // invocations' elements: z's (reparameterize), else mean's
  dims: u32,           // columns of mean (and of z)
  samples: u32,        // reparameterize: draws (rows of z) per row of mean
  seed: u32,
  step: u32,
  call: u32,
  grad_scale: f32,     // kl, nll: the gradient's factor
  log_var_value: f32,  // nll without a log_var tensor: the one log-variance of every element
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: GaussianParams;
// rows x dims.
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> log_var: array<f32>;
// reparameterize_backward: dL/dz (z's shape); nll: the observations x (mean's shape).
@group(0) @binding(3) var<storage, read> values: array<f32>;
// reparameterize: (rows * samples) x dims.
@group(0) @binding(4) var<storage, read_write> z: array<f32>;
// Per element, summed per row afterwards: the log-density ratio (reparameterize), KL, NLL.
@group(0) @binding(5) var<storage, read_write> terms: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad_mean: array<f32>;
@group(0) @binding(7) var<storage, read_write> grad_log_var: array<f32>;
// The repetition index of the graph run: fresh draws per step.
@group(0) @binding(8) var<uniform> iteration: Iteration;

const LOG_2PI: f32 = 1.8378770664093453;

override WG: u32 = 64;
override TERMS: bool = true;          // write `terms` (reparameterize: the log-density ratio)
override GRAD: bool = true;           // kl, nll: write the gradients
override ACCUMULATE: bool = false;    // reparameterize_backward: add to grad_mean and grad_log_var
override LOG_VAR_TENSOR: bool = true; // nll: log_var per element (else params.log_var_value, no gradient)

// e^v - 1 - v without cancellation: its Taylor series for |v| < 1/2 (the first term left out,
// v^9 / 9!, is below 2^-25 of the sum), exp_ieee beyond.
fn exp_minus_one_minus(v: f32) -> f32 {
  if (abs_bits(v) < 0.5) {
    return v * v * (1.0 / 2.0 + v * (1.0 / 6.0 + v * (1.0 / 24.0 + v * (1.0 / 120.0 + v * (1.0 / 720.0
         + v * (1.0 / 5040.0 + v * (1.0 / 40320.0)))))));
  }
  return (exp_ieee(v) - 1.0) - v;
}

// The normal that decides element e of z: as the Gaussian sampler draws element e.
fn normal_of(e: u32) -> f32 {
  let bits = rng_bits(params.seed, PURPOSE_GAUSSIAN, params.step + iteration.index, e / 4u, params.call);
  return rng_normal4(bits)[e % 4u];
}

// The element of mean (and log_var) that element e of z is drawn from: row (e / dims) / samples.
fn source_of(e: u32) -> u32 {
  let row = e / params.dims;
  return (row / params.samples) * params.dims + (e - row * params.dims);
}

// reparameterize: one invocation draws elements 4q .. 4q + 3 of z (q its linear index) from one
// Philox call. The host dispatches linearGrid(ceil(count / 4), WG) workgroups.
@compute @workgroup_size(WG)
fn reparameterize(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = linear_index(gid, groups, WG);
  if (q >= (params.count + 3u) / 4u) { return; }
  let eps = rng_normal4(rng_bits(params.seed, PURPOSE_GAUSSIAN, params.step + iteration.index, q, params.call));
  for (var j = 0u; j < 4u; j++) {
    let e = 4u * q + j;
    if (e >= params.count) { break; }
    let i = source_of(e);
    let lv = log_var[i];
    let drawn = mean[i] + exp_ieee(0.5 * lv) * eps[j];
    z[e] = drawn;
    if (TERMS) { terms[e] = 0.5 * ((eps[j] * eps[j] - drawn * drawn) + lv); }
  }
}

// reparameterize_backward: one invocation per element i of mean (row r, column d) sums over the
// row's draws s: dmean += dz[e], dlog_var += dz[e] * eps_e * sigma / 2 with e = (r samples + s) dims + d.
// The host dispatches linearGrid(count, WG) workgroups (count = mean's elements).
@compute @workgroup_size(WG)
fn reparameterize_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.count) { return; }
  let r = i / params.dims;
  let d = i - r * params.dims;
  var dm = 0.0;
  var dv = 0.0;
  for (var s = 0u; s < params.samples; s++) {
    let e = (r * params.samples + s) * params.dims + d;
    let g = values[e];
    dm += g;
    dv += g * normal_of(e);
  }
  dv *= 0.5 * exp_ieee(0.5 * log_var[i]);
  if (ACCUMULATE) {
    dm += grad_mean[i];
    dv += grad_log_var[i];
  }
  grad_mean[i] = dm;
  grad_log_var[i] = dv;
}

// kl: one invocation per element i of mean: its KL term and gradient. The host dispatches
// linearGrid(count, WG) workgroups.
@compute @workgroup_size(WG)
fn kl(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.count) { return; }
  let mu = mean[i];
  let lv = log_var[i];
  let rest = exp_minus_one_minus(lv);
  if (TERMS) { terms[i] = 0.5 * (mu * mu + rest); }
  if (GRAD) {
    grad_mean[i] = params.grad_scale * mu;
    grad_log_var[i] = params.grad_scale * 0.5 * (rest + lv);
  }
}

// nll: one invocation per element i of x: its negative log-density term and gradient. The host
// dispatches linearGrid(count, WG) workgroups.
@compute @workgroup_size(WG)
fn nll(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.count) { return; }
  var lv = params.log_var_value;
  if (LOG_VAR_TENSOR) { lv = log_var[i]; }
  let inv_var = exp_ieee(-lv);
  let diff = values[i] - mean[i];
  let scaled = diff * diff * inv_var;
  if (TERMS) { terms[i] = 0.5 * ((LOG_2PI + lv) + scaled); }
  if (GRAD) {
    grad_mean[i] = -params.grad_scale * diff * inv_var;
    if (LOG_VAR_TENSOR) { grad_log_var[i] = params.grad_scale * 0.5 * (1.0 - scaled); }
  }
}
