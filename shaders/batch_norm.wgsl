// Batch normalisation over the rows of a rows x cols matrix, per column j (Ioffe & Szegedy 2015):
//   training:  mu_j, var_j over the batch (biased), xhat = (x - mu) / sqrt(var + eps), y = gamma xhat + beta,
//              and the running averages m <- (1 - a) m + a mu, v <- (1 - a) v + a var * rows / (rows - 1);
//   inference: y = gamma (x - m) / sqrt(v + eps) + beta;
//   backward:  dgamma = sum dy xhat, dbeta = sum dy,
//              dx = gamma invstd / rows (rows dy - sum dy - xhat sum dy xhat).
// With SHIFT the multiplications by 1 / sqrt(var + eps) and by gamma are by their nearest powers of two
// (AP2, Courbariaux et al. 2016's shift-based batch norm), in both passes. One invocation per column
// walks its rows in order, so the sums are the same on every run. Reference: harness/reference/batch_norm.ts.
#include "grid.wgsl"

struct BatchNormParams {
  rows: u32,
  cols: u32,
  eps: f32,
  momentum: f32,  // a: the running averages' weight of this batch
}

@group(0) @binding(0) var<uniform> params: BatchNormParams;
// rows x cols: the input (forward), or dL/dy (backward).
@group(0) @binding(1) var<storage, read> x: array<f32>;
// backward: the forward's input.
@group(0) @binding(2) var<storage, read> x_forward: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
// rows x cols: y (forward) or dL/dx (backward; with IN_PLACE, also dL/dy, read through it).
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
// Per column: the batch's mean and 1 / sqrt(var + eps) (training writes them, backward reads them).
@group(0) @binding(6) var<storage, read_write> batch_mean: array<f32>;
@group(0) @binding(7) var<storage, read_write> batch_invstd: array<f32>;
// Per column: the running mean and variance (training updates them, inference reads them).
@group(0) @binding(8) var<storage, read_write> running_mean: array<f32>;
@group(0) @binding(9) var<storage, read_write> running_var: array<f32>;
// backward: dL/dgamma and dL/dbeta per column.
@group(0) @binding(10) var<storage, read_write> grad_gamma: array<f32>;
@group(0) @binding(11) var<storage, read_write> grad_beta: array<f32>;

override WG: u32 = 64;
override SHIFT: bool = false;
override RUNNING: bool = true;   // training: update the running averages
override IN_PLACE: bool = false; // backward: dL/dx overwrites dL/dy (read through out)

// The nearest power of two to |v| with v's sign (0 stays 0): 2^round(log2 |v|).
fn ap2(v: f32) -> f32 {
  if (v == 0.0) { return 0.0; }
  return sign(v) * exp2(round(log2(abs(v))));
}

fn scale_of(invstd: f32) -> f32 {
  if (SHIFT) { return ap2(invstd); }
  return invstd;
}

fn gamma_of(j: u32) -> f32 {
  if (SHIFT) { return ap2(gamma[j]); }
  return gamma[j];
}

@compute @workgroup_size(WG)
fn forward_train(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let j = linear_index(gid, groups, WG);
  if (j >= params.cols) { return; }
  let rows = params.rows;
  let cols = params.cols;
  var sum = 0.0;
  for (var r = 0u; r < rows; r++) { sum += x[r * cols + j]; }
  let mu = sum / f32(rows);
  var squares = 0.0;
  for (var r = 0u; r < rows; r++) {
    let d = x[r * cols + j] - mu;
    squares += d * d;
  }
  let variance = squares / f32(rows);
  let invstd = 1.0 / sqrt(variance + params.eps);
  batch_mean[j] = mu;
  batch_invstd[j] = invstd;
  let s = scale_of(invstd);
  let g = gamma_of(j);
  for (var r = 0u; r < rows; r++) {
    let i = r * cols + j;
    out[i] = g * ((x[i] - mu) * s) + beta[j];
  }
  if (RUNNING) {
    let a = params.momentum;
    // The unbiased variance of the batch (one row: its biased one, 0).
    let unbiased = select(variance, squares / f32(rows - 1u), rows > 1u);
    running_mean[j] = (1.0 - a) * running_mean[j] + a * mu;
    running_var[j] = (1.0 - a) * running_var[j] + a * unbiased;
  }
}

@compute @workgroup_size(WG)
fn forward_infer(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows * params.cols) { return; }
  let j = i % params.cols;
  let s = scale_of(1.0 / sqrt(running_var[j] + params.eps));
  out[i] = gamma_of(j) * ((x[i] - running_mean[j]) * s) + beta[j];
}

fn load_dy(i: u32) -> f32 {
  if (IN_PLACE) { return out[i]; }
  return x[i];
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let j = linear_index(gid, groups, WG);
  if (j >= params.cols) { return; }
  let rows = params.rows;
  let cols = params.cols;
  let mu = batch_mean[j];
  let s = scale_of(batch_invstd[j]);
  var sum_dy = 0.0;
  var sum_dy_xhat = 0.0;
  for (var r = 0u; r < rows; r++) {
    let i = r * cols + j;
    let dy = load_dy(i);
    sum_dy += dy;
    sum_dy_xhat += dy * ((x_forward[i] - mu) * s);
  }
  grad_gamma[j] = sum_dy_xhat;
  grad_beta[j] = sum_dy;
  let n = f32(rows);
  let k = gamma_of(j) * s / n;
  for (var r = 0u; r < rows; r++) {
    let i = r * cols + j;
    let xhat = (x_forward[i] - mu) * s;
    out[i] = k * (n * load_dy(i) - sum_dy - xhat * sum_dy_xhat);
  }
}
