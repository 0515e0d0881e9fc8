// Glauber dynamics (heat-bath Gibbs updates) of binary units with dense symmetric couplings J, for
// many independent chains at once (Hopfield probes, Boltzmann-machine chains, annealing restarts).
// Host: engine/ops/glauber.ts; reference: harness/reference/glauber.ts.
//
// A chain c holds `units` states s (f32): +-1 (UNITS == UNITS_SPIN) or 0/1 (UNITS_BINARY); "up" is
// +1 or 1. fields[c, i] holds h_i = bias_i + sum_j J[i, j] s_j, the diagonal J[i, i] included; the
// host computes it (a GEMM), and `sweep` keeps it current as units flip. A unit's effective field
// leaves out its self-coupling: a_i = h_i - diag[i] s_i.
//
// The decision for unit i of chain c at repetition t takes the random word e % 4 of
//   rng_bits(seed, PURPOSE_GLAUBER, step + t, e / 4, call),   e = c * units + i,
// so a decision depends on (seed, step, call, t, c, i) alone. Per RULE:
//   RULE_SIGN   up iff a_i >= 0 (zero temperature).
//   RULE_TABLE  a_i must be an integer (integer couplings): k = clamp(a_i + table_offset, 0, table_len - 1),
//               up iff thresholds[k] == ALWAYS or word < thresholds[k]. The host computes the
//               thresholds in float64, so every adapter makes the same decisions.
//   RULE_FLOAT  T = schedule_at(temperature, t); T <= 0: the sign rule; else up iff
//               rng_bernoulli(word, 1 / (1 + exp(-gain a_i / T))) (the engine's 24-bit rule).
//
// The energy of a chain is E = -energy_scale * (sum_i bias_i s_i + 1/2 sum_{i != j} J_ij s_i s_j)
//   = -energy_scale / 2 * sum_i s_i (a_i + bias_i).
#include "rng.wgsl"
#include "grid.wgsl"
#include "schedule.wgsl"

struct GlauberParams {
  chains: u32,
  units: u32,
  seed: u32,
  step: u32,
  call: u32,
  order_len: u32,     // entries of `order` a step visits (update: split into `blocks` blocks)
  blocks: u32,        // update: repetition t updates block t % blocks of `order`
  table_len: u32,
  table_offset: u32,  // RULE_TABLE: a_i + table_offset indexes thresholds (as i32)
  slot_offset: u32,   // summary: repetition t observes the state into energy slot t + slot_offset
  slots: u32,         // summary: slots of `energies` (later ones are not written)
  detect: u32,        // summary: DETECT_NONE, DETECT_FIXED (quiet for `blocks` steps), DETECT_CYCLES (also period 2)
  gain: f32,          // RULE_FLOAT: p(up) = sigmoid(gain * a / T)
  energy_scale: f32,
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: GlauberParams;
@group(0) @binding(1) var<uniform> iteration: Iteration;
@group(0) @binding(2) var<uniform> temperature: Schedule;
// units x units f32, row-major and symmetric (sweep only).
@group(0) @binding(3) var<storage, read> couplings: array<f32>;
// units f32: J[i, i].
@group(0) @binding(4) var<storage, read> diag: array<f32>;
// units f32 (summary with HAS_BIAS).
@group(0) @binding(5) var<storage, read> bias: array<f32>;
// table_len u32 (RULE_TABLE).
@group(0) @binding(6) var<storage, read> thresholds: array<u32>;
// The units a step visits, in order: a permutation of all units, or a subset (hidden units only).
@group(0) @binding(7) var<storage, read> order: array<u32>;
// chains x units f32.
@group(0) @binding(8) var<storage, read_write> fields: array<f32>;
@group(0) @binding(9) var<storage, read_write> state: array<f32>;
// chains x units f32: the state before the last update (update with DETECT_CYCLES).
@group(0) @binding(10) var<storage, read_write> previous: array<f32>;
// chains x 2: [changed by the last step, differs from the state two steps back]; summary clears them.
@group(0) @binding(11) var<storage, read_write> flags: array<atomic<u32>>;
// chains x 3: [status, the step it refers to, steps without change].
@group(0) @binding(12) var<storage, read_write> status: array<u32>;
// slots x chains f32.
@group(0) @binding(13) var<storage, read_write> energies: array<f32>;

const UNITS_SPIN: u32 = 0u;
const UNITS_BINARY: u32 = 1u;
const RULE_SIGN: u32 = 0u;
const RULE_TABLE: u32 = 1u;
const RULE_FLOAT: u32 = 2u;
const ALWAYS: u32 = 0xFFFFFFFFu;
const NONE: u32 = 0xFFFFFFFFu;
// status[3c]: running; a fixed point (status[3c + 1] = its first step); a 2-cycle (status[3c + 1] = its first step).
const STATUS_RUNNING: u32 = 0u;
const STATUS_FIXED: u32 = 1u;
const STATUS_CYCLE: u32 = 2u;
const DETECT_NONE: u32 = 0u;
const DETECT_FIXED: u32 = 1u;
const DETECT_CYCLES: u32 = 2u;

override WG: u32 = 32;       // update: invocations per workgroup; sweep, summary: lanes per chain (a power of two)
override PER_LANE: u32 = 4;  // sweep: units each lane examines per round
override UNITS: u32 = UNITS_SPIN;
override RULE: u32 = RULE_SIGN;
override HAS_BIAS: bool = false;

var<workgroup> first_flip: atomic<u32>;
var<workgroup> shared_word: u32;
var<workgroup> shared_delta: f32;
var<workgroup> partial: array<f32, WG>;

fn up_value() -> f32 {
  return 1.0;
}

fn down_value() -> f32 {
  return select(-1.0, 0.0, UNITS == UNITS_BINARY);
}

fn random_word(c: u32, i: u32) -> u32 {
  let e = c * params.units + i;
  let bits = rng_bits(params.seed, PURPOSE_GLAUBER, params.step + iteration.index, e / 4u, params.call);
  return bits[e % 4u];
}

// The new state of a unit with effective field a and random word r, at temperature t (RULE_FLOAT).
fn decide(a: f32, r: u32, t: f32) -> f32 {
  var up: bool;
  if (RULE == RULE_TABLE) {
    let k = clamp(i32(round(a)) + i32(params.table_offset), 0, i32(params.table_len) - 1);
    let threshold = thresholds[k];
    up = threshold == ALWAYS || r < threshold;
  } else if (RULE == RULE_FLOAT && t > 0.0) {
    up = rng_bernoulli(r, 1.0 / (1.0 + exp(-params.gain * a / t)));
  } else {
    up = a >= 0.0;
  }
  return select(down_value(), up_value(), up);
}

// The first order index of block b when order_len entries are split into `blocks` near-equal blocks.
fn block_start(b: u32) -> u32 {
  let size = params.order_len / params.blocks;
  return b * size + min(b, params.order_len % params.blocks);
}

// update: all units of one block at once, from the fields of the state before (a synchronous step
// when blocks = 1). One invocation per (chain, unit of the block); host dispatches
// linearGrid(chains * ceil(order_len / blocks), WG). Chains whose status is not running are left as
// they are.
@compute @workgroup_size(WG)
fn update(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = linear_index(gid, groups, WG);
  let current = iteration.index % params.blocks;
  let lo = block_start(current);
  let width = block_start(current + 1u) - lo;
  if (q >= params.chains * width) { return; }
  let c = q / width;
  if (status[3u * c] != STATUS_RUNNING) { return; }
  let i = order[lo + q - c * width];
  let e = c * params.units + i;
  let s = state[e];
  let next = decide(fields[e] - diag[i] * s, random_word(c, i), schedule_at(temperature, iteration.index));
  if (params.detect == DETECT_CYCLES) {
    let before = previous[e];
    previous[e] = s;
    if (next != before && atomicLoad(&flags[2u * c + 1u]) == 0u) { atomicOr(&flags[2u * c + 1u], 1u); }
  }
  if (next != s) {
    state[e] = next;
    if (atomicLoad(&flags[2u * c]) == 0u) { atomicOr(&flags[2u * c], 1u); }
  }
}

// sweep: the units of `order` one at a time, in order, each from the fields as the units before it
// left them (asynchronous dynamics, a Gibbs sweep), exactly as a sequential loop would. One
// workgroup per chain; host dispatches linearGrid(chains * WG, WG). Each round, the lanes examine the
// next WG * PER_LANE units of the order in parallel: until a unit changes, the fields stay as they
// are, so every decision before the first change is the sequential one. The first unit that
// changes is flipped, every lane adds its column of J to its share of the fields, and the next
// round starts after it. So a round costs a few barriers, and a sweep near a fixed point few rounds.
@compute @workgroup_size(WG)
fn sweep(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let c = wid.x + wid.y * groups.x;
  if (c >= params.chains) { return; }
  if (lane == 0u) { shared_word = status[3u * c]; }
  if (workgroupUniformLoad(&shared_word) != STATUS_RUNNING) { return; }
  let n = params.units;
  let base = c * n;
  let t = schedule_at(temperature, iteration.index);
  var pos = 0u;
  var flips = 0u;
  loop {
    if (pos >= params.order_len) { break; }
    if (lane == 0u) { atomicStore(&first_flip, NONE); }
    workgroupBarrier();
    for (var u = 0u; u < PER_LANE; u++) {
      let k = pos + u * WG + lane;
      if (k < params.order_len) {
        let i = order[k];
        let s = state[base + i];
        if (decide(fields[base + i] - diag[i] * s, random_word(c, i), t) != s) { atomicMin(&first_flip, k); }
      }
    }
    workgroupBarrier();
    if (lane == 0u) {
      let k = atomicLoad(&first_flip);
      shared_word = k;
      if (k != NONE) { shared_delta = select(up_value() - down_value(), down_value() - up_value(), state[base + order[k]] == up_value()); }
    }
    let first = workgroupUniformLoad(&shared_word);
    if (first == NONE) {
      pos += WG * PER_LANE;
      continue;
    }
    let i = order[first];
    let delta = shared_delta;
    for (var j = lane; j < n; j += WG) {
      fields[base + j] += couplings[i * n + j] * delta;
    }
    if (lane == 0u) { state[base + i] += delta; }
    flips += 1u;
    pos = first + 1u;
    storageBarrier();
  }
  if (lane == 0u && flips > 0u) { atomicOr(&flags[2u * c], 1u); }
}

// summary: observes each chain's state after a step: its energy into slot t + slot_offset, and
// (detect != DETECT_NONE, slot >= 1) whether the step before changed it: a chain quiet through a
// whole sweep (`blocks` steps ending at a multiple of `blocks`) is at a fixed point; with DETECT_CYCLES a chain equal to its state two steps back is in a
// 2-cycle. Clears the flags. One workgroup per chain; host dispatches linearGrid(chains * WG, WG).
@compute @workgroup_size(WG)
fn summary(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let c = wid.x + wid.y * groups.x;
  if (c >= params.chains) { return; }
  let n = params.units;
  let base = c * n;
  var sum = 0.0;
  for (var i = lane; i < n; i += WG) {
    let s = state[base + i];
    var b = 0.0;
    if (HAS_BIAS) { b = bias[i]; }
    sum += s * (fields[base + i] - diag[i] * s + b);
  }
  partial[lane] = sum;
  for (var width = WG / 2u; width > 0u; width /= 2u) {
    workgroupBarrier();
    if (lane < width) { partial[lane] += partial[lane + width]; }
  }
  if (lane != 0u) { return; }
  let slot = iteration.index + params.slot_offset;
  if (slot < params.slots) { energies[slot * params.chains + c] = -0.5 * params.energy_scale * partial[0]; }
  let changed = atomicLoad(&flags[2u * c]);
  let differs = atomicLoad(&flags[2u * c + 1u]);
  atomicStore(&flags[2u * c], 0u);
  atomicStore(&flags[2u * c + 1u], 0u);
  if (params.detect == DETECT_NONE || slot == 0u || status[3u * c] != STATUS_RUNNING) { return; }
  let quiet = select(0u, status[3u * c + 2u] + 1u, changed == 0u);
  status[3u * c + 2u] = quiet;
  // Quiet over an aligned sweep: every unit was examined, and none changed.
  if (quiet >= params.blocks && slot % params.blocks == 0u) {
    status[3u * c] = STATUS_FIXED;
    status[3u * c + 1u] = slot - quiet;
  } else if (params.detect == DETECT_CYCLES && slot >= 2u && differs == 0u) {
    status[3u * c] = STATUS_CYCLE;
    status[3u * c + 1u] = slot - 2u;
  }
}
