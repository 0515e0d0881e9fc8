// Log-mean-exp over the importance samples of each row, log (1/K) sum_k exp(x_k), stable and
// streamed: the K samples may arrive in chunks (one per graph repetition), a running (max, sum of
// exp(x - max)) per row carrying the estimate from chunk to chunk (engine/ops/log_mean_exp.ts;
// reference: harness/reference/log_mean_exp.ts). Within a chunk each lane folds its samples into its own
// (max, sum) in order, then the lanes combine in a binary tree: the order depends only on the
// shape, so the same input gives the same bits on every run. NaN propagates; +Inf gives +Inf; a
// row of -Inf gives -Inf.
#include "math.wgsl"
#include "grid.wgsl"

struct LmeParams {
  rows: u32,
  samples: u32,  // samples of each row in this chunk (x is rows x samples)
  chunks: u32,   // chunks per estimate: the state restarts at iterations that are multiples of it
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: LmeParams;
// rows x samples, row-major: this chunk's log-weights.
@group(0) @binding(1) var<storage, read> x: array<f32>;
// Per row (max m, sum of exp(x - m)) over the chunks so far of the current estimate (STATE only).
@group(0) @binding(2) var<storage, read_write> state: array<vec2f>;
// Per row: the log-mean-exp of the samples so far, log s + m - log(samples * chunks so far).
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> iteration: Iteration;

override WG: u32 = 64;  // a power of two (the tree)
override STATE: bool = false;

var<workgroup> tree: array<vec2f, WG>;

// p.y as a sum of exp(. - m) instead of exp(. - p.x); exact when p.x is m (which also covers m = +-Inf).
fn rescaled(p: vec2f, m: f32) -> f32 {
  if (p.x == m) { return p.y; }
  return p.y * exp_ieee(p.x - m);
}

// Two (max, sum) pairs as one: the larger max (NaN wins), the sums rescaled to it.
fn combine(p: vec2f, q: vec2f) -> vec2f {
  let m = max_nan(p.x, q.x);
  if (is_nan(m)) { return vec2f(m, m); }
  return vec2f(m, rescaled(p, m) + rescaled(q, m));
}

// main: workgroup r (its linear index) takes row r; lane l folds samples l, l + WG, ...; the tree
// combines the lanes, lane 0 merges the result into the row's state (unless this iteration starts
// an estimate) and writes the estimate so far. The host dispatches linearGrid(rows, 1) workgroups.
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = linear_index(wid, groups, 1u);
  if (r >= params.rows) { return; }
  var acc = vec2f(neg_inf(), 0.0);
  for (var k = lane; k < params.samples; k += WG) {
    acc = combine(acc, vec2f(x[r * params.samples + k], 1.0));
  }
  tree[lane] = acc;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half = half / 2u) {
    if (lane < half) { tree[lane] = combine(tree[lane], tree[lane + half]); }
    workgroupBarrier();
  }
  if (lane != 0u) { return; }
  var total = tree[0];
  var chunk = 0u;
  if (STATE) {
    chunk = iteration.index % params.chunks;
    if (chunk != 0u) { total = combine(state[r], total); }
    state[r] = total;
  }
  out[r] = (total.x + log_ieee(total.y)) - log_ieee(f32((chunk + 1u) * params.samples));
}
