// NVIL's centring and normalisation of the learning signal (Mnih & Gregor 2014, algorithm 1): with
// d_i = log p(x_i, h_i) - log q(h_i | x_i) - b(x_i) (the input-dependent baseline b taken out), the
// running mean c and variance v of d move towards the batch's, c = a c + (1 - a) mean(d) and
// v = a v + (1 - a) var(d), and each row's signal is (d_i - c) / max(1, sqrt(v)). `centre` runs as one
// invocation (the batch's sums in row order: the same bits on any device); `normalise` one per row.
#include "grid.wgsl"

struct NvilParams {
  rows: u32,
  // The running averages' decay a.
  decay: f32,
}

@group(0) @binding(0) var<uniform> params: NvilParams;
// rows: log w = log p(x, h) - log q(h | x).
@group(0) @binding(1) var<storage, read> log_w: array<f32>;
// rows: the baseline b(x).
@group(0) @binding(2) var<storage, read> baseline: array<f32>;
// (c, v, batches seen): the running mean and variance of d, carried from step to step.
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
// rows: the normalised signal (d - c) / max(1, sqrt(v)).
@group(0) @binding(4) var<storage, read_write> signal: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(1)
fn centre() {
  var sum = 0.0;
  for (var i = 0u; i < params.rows; i++) { sum += log_w[i] - baseline[i]; }
  let mean = sum / f32(params.rows);
  var squares = 0.0;
  for (var i = 0u; i < params.rows; i++) {
    let e = log_w[i] - baseline[i] - mean;
    squares += e * e;
  }
  let variance = squares / f32(params.rows);
  // The first batch sets the averages (they start at its own statistics, not at 0).
  let a = select(params.decay, 0.0, state[2] == 0.0);
  state[0] = a * state[0] + (1.0 - a) * mean;
  state[1] = a * state[1] + (1.0 - a) * variance;
  state[2] = state[2] + 1.0;
}

@compute @workgroup_size(WG)
fn normalise(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.rows) { return; }
  signal[i] = (log_w[i] - baseline[i] - state[0]) / max(1.0, sqrt(state[1]));
}
