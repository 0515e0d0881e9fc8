// Annealed importance sampling between a base model and a product of softplus experts (engine/ops/
// anneal.ts; reference: harness/reference/anneal.ts). The inverse temperatures beta_0 = 0 < ... < beta_K
// are a table on the GPU; at repetition t of a graph a kernel reads entry i = beta_index + t, so
// that one submit runs many intermediate distributions. Two entry points:
//
// tempered_sample: a draw per element of rows x cols from z = beta_i x + (1 - beta_i) base[col]
// (BASE; z = beta_i x without), with the samplers' rules (shaders/sample.wgsl):
//   DIST 0  Bernoulli(sigmoid(z)): rng_bernoulli(word, sigmoid(z)) on PURPOSE_BERNOULLI
//   DIST 1  Gaussian(z, 1): z + rng_normal4(bits)[e % 4] on PURPOSE_GAUSSIAN
// where element e = row * cols + col takes word e % 4 of rng_bits(seed, PURPOSE, step + t, e / 4, call).
//
// log_weight: per row r, the log importance weight's increment from beta_(i-1) to beta_i,
//   d = beta_i - beta_(i-1)   (exact in f32 for neighbouring entries, Sterbenz)
//   log_weights[r] += d * linear[r] + sum_j (softplus(beta_i x_rj) - softplus(beta_(i-1) x_rj))
// each difference computed as log1p(sigmoid(beta_(i-1) x) * expm1(d x)), which keeps its relative
// precision where the two softplus values nearly cancel, and the sum added with Kahan's compensation
// (log_weights holds [sum, compensation] per row), so that thousands of small increments lose nothing.
// Repetitions whose i falls outside [1, beta_count) do nothing.
#include "rng.wgsl"
#include "grid.wgsl"
#include "math.wgsl"

struct AnnealParams {
  rows: u32,
  cols: u32,
  seed: u32,
  step: u32,
  call: u32,
  beta_index: u32,  // the table entry at repetition 0
  beta_count: u32,  // entries in the table
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: AnnealParams;
@group(0) @binding(1) var<storage, read> betas: array<f32>;
// rows x cols (named apart from math.wgsl's parameter x): the experts' inputs (log_weight), or the
// natural parameters that beta scales (tempered_sample).
@group(0) @binding(2) var<storage, read> activations: array<f32>;
// cols: the base model's natural parameters (tempered_sample with BASE), else a placeholder.
@group(0) @binding(3) var<storage, read> base: array<f32>;
// rows: the part of the log weight's increment per unit of beta that is linear in the state.
@group(0) @binding(4) var<storage, read> linear: array<f32>;
@group(0) @binding(5) var<storage, read_write> samples: array<f32>;
@group(0) @binding(6) var<storage, read_write> log_weights: array<f32>;
@group(0) @binding(7) var<uniform> iteration: Iteration;

const DIST_BERNOULLI: u32 = 0u;
const DIST_GAUSSIAN: u32 = 1u;

override WG: u32 = 64;
override DIST: u32 = DIST_BERNOULLI;
override BASE: bool = false;

// exp(y) - 1, to a few ulp relative near 0 (where exp(y) - 1 would cancel): Taylor to y^9 / 9! for |y| < 1/2.
fn expm1_stable(y: f32) -> f32 {
  if (abs_bits(y) < 0.5) {
    return y * (1.0 + y * (1.0 / 2.0 + y * (1.0 / 6.0 + y * (1.0 / 24.0 + y * (1.0 / 120.0
         + y * (1.0 / 720.0 + y * (1.0 / 5040.0 + y * (1.0 / 40320.0 + y * (1.0 / 362880.0)))))))));
  }
  return exp_ieee(y) - 1.0;
}

// log(1 + y) for y > -1: 2 atanh(y / (2 + y)) where that argument is at most 1/3 in size, else log(1 + y).
fn log1p_stable(y: f32) -> f32 {
  if (y > -0.25 && y < 0.5) { return two_atanh(y / (2.0 + y)); }
  return log_ieee(1.0 + y);
}

// tempered_sample: one invocation draws elements 4q .. 4q + 3 (q its linear index) from one Philox call.
// The host dispatches linearGrid(ceil(rows * cols / 4), WG) workgroups.
@compute @workgroup_size(WG)
fn tempered_sample(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = linear_index(gid, groups, WG);
  let count = params.rows * params.cols;
  let i = params.beta_index + iteration.index;
  if (q >= (count + 3u) / 4u || i >= params.beta_count) { return; }
  let beta = betas[i];
  let purpose = select(PURPOSE_BERNOULLI, PURPOSE_GAUSSIAN, DIST == DIST_GAUSSIAN);
  let bits = rng_bits(params.seed, purpose, params.step + iteration.index, q, params.call);
  var normals = vec4f();
  if (DIST == DIST_GAUSSIAN) { normals = rng_normal4(bits); }
  for (var j = 0u; j < 4u; j++) {
    let e = 4u * q + j;
    if (e >= count) { break; }
    var z = beta * activations[e];
    if (BASE) { z += (1.0 - beta) * base[e % params.cols]; }
    if (DIST == DIST_GAUSSIAN) {
      samples[e] = z + normals[j];
    } else {
      samples[e] = select(0.0, 1.0, rng_bernoulli(bits[j], sigmoid(z)));
    }
  }
}

// log_weight: one invocation per row (its linear index) sums the row's columns in order, with no
// workgroup memory or barriers (rows are the parallel runs, columns the experts: a few hundred).
// The host dispatches linearGrid(rows, WG) workgroups.
@compute @workgroup_size(WG)
fn log_weight(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = linear_index(gid, groups, WG);
  let i = params.beta_index + iteration.index;
  if (r >= params.rows || i == 0u || i >= params.beta_count) { return; }
  let now = betas[i];
  let before = betas[i - 1u];
  let d = now - before;
  let cols = params.cols;
  var s = 0.0;
  for (var j = 0u; j < cols; j++) {
    let v = activations[r * cols + j];
    s += log1p_stable(sigmoid(before * v) * expm1_stable(d * v));
  }
  // Kahan: add the increment to the row's sum, carrying what rounding dropped.
  let increment = d * linear[r] + s;
  let sum = log_weights[2u * r];
  let y = increment - log_weights[2u * r + 1u];
  let next = sum + y;
  log_weights[2u * r + 1u] = (next - sum) - y;
  log_weights[2u * r] = next;
}
