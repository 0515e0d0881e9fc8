// Tree reductions of f32 tensors, in passes: one result per segment, a segment being a row, a
// column or the whole tensor (engine/ops/reduce.ts plans the passes). Ops (the OP override, codes
// from engine/ops/reduce.ts REDUCE_OPS): 0 sum, 1 mean, 2 max, 3 sum of squares, 4 log-sum-exp,
// 5 Bernoulli cross-entropy from logits (with its gradient). Reference: harness/reference/reduce.ts.
//
// The order of operations: a workgroup reduces one chunk of WG_E * PER_LANE consecutive elements of
// each of WG_S segments. Lane e takes the chunk's elements e, e + WG_E, e + 2 WG_E, ... (PER_LANE of
// them, a multiple of 4) four at a time, combines each four pairwise and adds the result to its
// own; then the WG_E lanes of a segment combine in a binary tree in workgroup memory, and the
// chunk's result is one partial State. A segment of several chunks leaves that many partials, which
// the next pass reduces the same way, until one is left. A sum thus rounds at most
// PER_LANE / 4 + 2 + log2(WG_E) times per pass on the way from an element to the result, instead of
// once per element, and the order depends only on the shape and the overrides: the same input
// gives the same bits on every run (no float atomics).
#include "math.wgsl"
#include "grid.wgsl"
#include "reduce_state.wgsl"

struct ReduceParams {
  segments: u32,     // results of this pass
  length: u32,       // elements of each segment that this pass reads
  seg_stride: u32,   // index step from one segment to the next in this pass's input
  elem_stride: u32,  // index step from one element of a segment to the next
  chunks: u32,       // workgroups along each segment, each leaving one partial
  seg_groups: u32,   // workgroups across the segments: ceil(segments / WG_S)
  count: u32,        // elements per segment of the whole reduction: the mean's divisor
  base: u32,         // SERIES: the slot of iteration 0
  every: u32,        // SERIES: iterations per slot
  grad_scale: f32,   // Bernoulli cross-entropy: the gradient's factor
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: ReduceParams;
// FIRST: the tensor reduced, and for the Bernoulli loss the targets and the gradient (same shape).
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
// Later passes: the previous pass's partials, segment s chunk c at s * chunks + c.
@group(0) @binding(4) var<storage, read> part_in: array<State>;
// OUTPUT 0: this pass's partials; OUTPUT 2: one finished State per segment (row statistics).
@group(0) @binding(5) var<storage, read_write> part_out: array<State>;
// OUTPUT 1: the results, f32 bits or u32 (OUT_U32), at s or, in a series, at slot * segments + s.
@group(0) @binding(6) var<storage, read_write> out: array<u32>;
@group(0) @binding(7) var<uniform> iteration: Iteration;

override WG: u32 = 32;         // invocations per workgroup
override WG_S: u32 = 1;        // segments per workgroup (adjacent lanes take adjacent segments)
override WG_E: u32 = WG / WG_S; // lanes per segment; a power of two
override PER_LANE: u32 = 32;   // elements a lane combines before the tree; a multiple of 4
override OP: u32 = 0;
override FIRST: bool = true;   // read `input` (else part_in)
override OUTPUT: u32 = 1;      // 0 partials, 1 results, 2 row statistics
override GRAD: bool = false;   // Bernoulli loss: write (sigmoid(z) - t) * grad_scale to grad
override OUT_U32: bool = false;
override SERIES: bool = false; // write at slot base + iteration.index / every
override ACCUMULATE: bool = false;  // add to what `out` holds

const NO_INDEX: u32 = 0xFFFFFFFFu;

var<workgroup> tree: array<State, WG>;

fn max_like() -> bool {
  return OP == 2u || OP == 4u;
}

fn identity() -> State {
  if (max_like()) { return State(neg_inf(), 0.0, NO_INDEX); }
  return State(0.0, 0.0, NO_INDEX);
}

// Bernoulli cross-entropy of logit z against target t in [0, 1]: softplus(z) - t z, written as
// (z >= 0 ? z (1 - t) : -z t) + log(1 + exp(-|z|)) so that nothing overflows.
fn bernoulli_loss(z: f32, t: f32) -> f32 {
  return select(z * (1.0 - t), -z * t, z < 0.0) + log1p_unit(exp_ieee(-abs_bits(z)));
}

// Element j of segment s as a State (FIRST), or a previous pass's partial; the identity past the segment.
fn load(s: u32, j: u32) -> State {
  if (j >= params.length) { return identity(); }
  let i = s * params.seg_stride + j * params.elem_stride;
  if (!FIRST) { return part_in[i]; }
  let x = input[i];
  switch OP {
    case 2u, 4u: { return State(x, 1.0, j); }
    case 3u: { return State(x * x, 0.0, j); }
    case 5u: {
      let t = targets[i];
      if (GRAD) { grad[i] = (sigmoid(x) - t) * params.grad_scale; }
      return State(bernoulli_loss(x, t), 0.0, j);
    }
    default: { return State(x, 0.0, j); }
  }
}

// Whether a's maximum wins over b's: NaN first, then the larger value, then the lower index.
fn first_wins(a: State, b: State) -> bool {
  let a_nan = is_nan(a.value);
  if (a_nan != is_nan(b.value)) { return a_nan; }
  if (a_nan || a.value == b.value) { return a.index < b.index; }
  return a.value > b.value;
}

// s.scale as a sum of exp(x - m) instead of exp(x - s.value); exact when m is s.value (which
// also covers m = +-Inf, where m - m would be NaN).
fn rescaled(s: State, m: f32) -> f32 {
  if (s.value == m) { return s.scale; }
  return s.scale * exp_ieee(s.value - m);
}

fn combine(a: State, b: State) -> State {
  if (max_like()) {
    var w = b;
    if (first_wins(a, b)) { w = a; }
    if (OP != 4u) { return w; }
    return State(w.value, rescaled(a, w.value) + rescaled(b, w.value), w.index);
  }
  return State(a.value + b.value, 0.0, NO_INDEX);
}

fn finish(s: State) -> f32 {
  switch OP {
    case 1u: { return s.value / f32(params.count); }
    case 4u: { return s.value + log_ieee(s.scale); }
    default: { return s.value; }
  }
}

fn write_result(s: u32, v: f32) {
  var slot = s;
  if (SERIES) { slot = (params.base + iteration.index / params.every) * params.segments + s; }
  // A series shorter than the run: later iterations are not written.
  if (slot >= arrayLength(&out)) { return; }
  if (OUT_U32) {
    // Counts (sums of 0/1 flags) are exact integers in f32 below 2^24.
    let count = u32(v);
    out[slot] = select(count, out[slot] + count, ACCUMULATE);
  } else {
    out[slot] = bitcast<u32>(select(v, bitcast<f32>(out[slot]) + v, ACCUMULATE));
  }
}

fn store(s: u32, chunk: u32, state: State) {
  switch OUTPUT {
    case 0u: { part_out[s * params.chunks + chunk] = state; }
    case 2u: { part_out[s] = State(finish(state), 0.0, state.index); }
    default: { write_result(s, finish(state)); }
  }
}

// reduce: workgroup w takes chunk w / seg_groups of segments (w % seg_groups) * WG_S .. + WG_S;
// lane l works on segment lane l % WG_S, element lane l / WG_S, and lane 0 of each segment stores.
// The host dispatches linearGrid(seg_groups * chunks, 1) workgroups of WG = WG_S * WG_E invocations,
// one pass after another, the last with OUTPUT 1 or 2.
@compute @workgroup_size(WG)
fn reduce(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
          @builtin(local_invocation_index) lane: u32) {
  let w = linear_index(wid, groups, 1u);
  if (w >= params.seg_groups * params.chunks) { return; }
  let lane_s = lane % WG_S;
  let lane_e = lane / WG_S;
  let s = (w % params.seg_groups) * WG_S + lane_s;
  let chunk = w / params.seg_groups;
  var acc = identity();
  if (s < params.segments) {
    let first = chunk * WG_E * PER_LANE + lane_e;
    for (var k = 0u; k < PER_LANE; k += 4u) {
      let j = first + k * WG_E;
      if (j >= params.length) { break; }
      let pair0 = combine(load(s, j), load(s, j + WG_E));
      let pair1 = combine(load(s, j + 2u * WG_E), load(s, j + 3u * WG_E));
      acc = combine(acc, combine(pair0, pair1));
    }
  }
  tree[lane] = acc;
  workgroupBarrier();
  for (var half = WG_E / 2u; half > 0u; half = half / 2u) {
    if (lane_e < half) { tree[lane] = combine(tree[lane], tree[lane + half * WG_S]); }
    workgroupBarrier();
  }
  if (lane_e == 0u && s < params.segments) { store(s, chunk, tree[lane]); }
}
