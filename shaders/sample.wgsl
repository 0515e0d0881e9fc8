// Samplers keyed by Philox (engine/ops/sample.ts; reference: harness/reference/sample.ts). Two entry
// points: `sample` (one draw per element: Bernoulli, Gaussian, uniform, Gumbel, dropout) and
// `categorical` (one class per row of logits, by Gumbel-max).
//
// Which word decides which element: element e (the row-major index into the output, or into the
// logits for `categorical`) takes word e % 4 of
//   rng_bits(seed, PURPOSE, step + iteration.index, e / 4, call)
// so one Philox call serves four consecutive elements and a draw depends on (seed, step, call, e)
// alone, never on the workgroup size. PURPOSE and the rule per DIST (DIST_* below):
//   bernoulli  PURPOSE_BERNOULLI  out = 1.0 when rng_bernoulli(word, p) (rng.wgsl), else 0.0; p = input[e]
//   logits     PURPOSE_BERNOULLI  the same rule with p = sigmoid(input[e]) in f32 (sigmoid_stable)
//   gaussian   PURPOSE_GAUSSIAN   out = shift + scale * rng_normal4(bits)[e % 4] (Box-Muller: elements
//                                 4q, 4q+1 from words x, y; 4q+2, 4q+3 from words z, w)
//   uniform    PURPOSE_UNIFORM    out = shift + scale * rng_uniform(word), rng_uniform in [0, 1)
//   gumbel     PURPOSE_GUMBEL     out = shift + scale * gumbel(word)
//   dropout    PURPOSE_DROPOUT    out = input[e] * scale when rng_bernoulli(word, keep), else 0.0
// categorical uses PURPOSE_GUMBEL with e = row * cols + j: the class is the lowest j maximising
// (logit[j] - m) + gumbel(word of e), m the row's largest finite logit. It is therefore the argmax of
// the logits plus the Gumbel sampler's draws of the same (seed, step, call), up to that shift by m.
// shift and scale are params scalars, or per-element tensors when SHIFT_TENSOR / SCALE_TENSOR.
#include "rng.wgsl"
#include "grid.wgsl"
#include "gumbel.wgsl"

struct SampleParams {
  count: u32,  // elements of the output (categorical: rows * cols)
  cols: u32,   // categorical: classes per row
  seed: u32,
  step: u32,
  call: u32,
  shift: f32,  // gaussian mean, uniform low, gumbel location
  scale: f32,  // gaussian std, uniform high - low, gumbel scale; dropout 1 / keep
  keep: f32,   // dropout: the keep probability
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: SampleParams;
// bernoulli: probabilities; logits: logits; dropout: x (or dy); categorical: rows x cols logits.
// A placeholder for the distributions without input.
@group(0) @binding(1) var<storage, read> input: array<f32>;
// Per-element shift and scale when SHIFT_TENSOR / SCALE_TENSOR; placeholders otherwise.
@group(0) @binding(2) var<storage, read> shifts: array<f32>;
@group(0) @binding(3) var<storage, read> scales: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;
// categorical: one class per row.
@group(0) @binding(5) var<storage, read_write> classes: array<u32>;
// The repetition index of the graph run (engine/kernel.ts ITERATION_BINDING): fresh draws per step.
@group(0) @binding(6) var<uniform> iteration: Iteration;

const DIST_BERNOULLI: u32 = 0u;
const DIST_LOGITS: u32 = 1u;
const DIST_GAUSSIAN: u32 = 2u;
const DIST_UNIFORM: u32 = 3u;
const DIST_GUMBEL: u32 = 4u;
const DIST_DROPOUT: u32 = 5u;
// No class: a row of NaN logits.
const NO_CLASS: u32 = 0xFFFFFFFFu;

override WG: u32 = 64;  // a power of two (categorical reduces in a tree)
override DIST: u32 = DIST_BERNOULLI;  // engine/ops/sample.ts DISTRIBUTIONS
override SHIFT_TENSOR: bool = false;
override SCALE_TENSOR: bool = false;

var<workgroup> best_score: array<f32, WG>;
var<workgroup> best_class: array<u32, WG>;

fn purpose() -> u32 {
  switch DIST {
    case DIST_BERNOULLI, DIST_LOGITS: { return PURPOSE_BERNOULLI; }
    case DIST_GAUSSIAN: { return PURPOSE_GAUSSIAN; }
    case DIST_UNIFORM: { return PURPOSE_UNIFORM; }
    case DIST_GUMBEL: { return PURPOSE_GUMBEL; }
    default: { return PURPOSE_DROPOUT; }
  }
}

// NaN from the bits: WGSL lets a compiler assume x != x is false.
fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7FFFFFFFu) > 0x7F800000u;
}

// Neither infinite nor NaN, from the bits.
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7F800000u) != 0x7F800000u;
}

// sigmoid(z) from a = exp(-|z|) in [0, 1]: nothing overflows, z = +inf gives 1 and -inf gives 0
// exactly, NaN stays NaN (and rng_bernoulli never samples it).
fn sigmoid_stable(z: f32) -> f32 {
  let a = exp(-abs(z));
  return select(a / (1.0 + a), 1.0 / (1.0 + a), z >= 0.0);
}

fn shift_at(e: u32) -> f32 {
  if (SHIFT_TENSOR) { return shifts[e]; }
  return params.shift;
}

fn scale_at(e: u32) -> f32 {
  if (SCALE_TENSOR) { return scales[e]; }
  return params.scale;
}

// The draw of element e from its word (and, for gaussian, its normal).
fn draw(e: u32, word: u32, normal: f32) -> f32 {
  switch DIST {
    case DIST_BERNOULLI: { return select(0.0, 1.0, rng_bernoulli(word, input[e])); }
    case DIST_LOGITS: { return select(0.0, 1.0, rng_bernoulli(word, sigmoid_stable(input[e]))); }
    case DIST_GAUSSIAN: { return shift_at(e) + scale_at(e) * normal; }
    case DIST_UNIFORM: { return shift_at(e) + scale_at(e) * rng_uniform(word); }
    case DIST_GUMBEL: { return shift_at(e) + scale_at(e) * gumbel(word); }
    // Dropped elements are 0 whatever x holds (NaN and Inf included).
    default: { return select(0.0, input[e] * params.scale, rng_bernoulli(word, params.keep)); }
  }
}

// sample: one invocation draws elements 4q .. 4q + 3 (q its linear index) from one Philox call.
// The host dispatches linearGrid(ceil(count / 4), WG) workgroups.
@compute @workgroup_size(WG)
fn sample(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = linear_index(gid, groups, WG);
  if (q >= (params.count + 3u) / 4u) { return; }
  let bits = rng_bits(params.seed, purpose(), params.step + iteration.index, q, params.call);
  var normals = vec4f();
  if (DIST == DIST_GAUSSIAN) { normals = rng_normal4(bits); }
  for (var j = 0u; j < 4u; j++) {
    let e = 4u * q + j;
    if (e >= params.count) { break; }
    output[e] = draw(e, bits[j], normals[j]);
  }
}

// Whether (score, candidate) beats (held, held_class): NaN never wins, a higher score does, and of two
// equal scores the lower class, so the winner does not depend on the order of the comparisons.
fn beats(score: f32, candidate: u32, held: f32, held_class: u32) -> bool {
  if (is_nan(score) || candidate == NO_CLASS) { return false; }
  return held_class == NO_CLASS || score > held || (score == held && candidate < held_class);
}

// categorical: one workgroup per row (row = its linear workgroup index). First the row's largest
// finite logit m (0 when none), then each invocation scans the Philox calls q = first / 4 + t,
// + WG, ... that overlap the row, keeping its best (score, class); a tree over the workgroup
// finishes. The host dispatches linearGrid(rows, 1) workgroups of WG invocations.
@compute @workgroup_size(WG)
fn categorical(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = linear_index(wid, groups, 1u);
  let cols = params.cols;
  if (row >= params.count / cols) { return; }
  let first = row * cols;

  // The row's largest finite logit m, so that scores are (logit - m) + gumbel: shift-invariant, and
  // huge logits keep the Gumbel noise's precision. best_class marks whether a slot holds one (0) or
  // not (NO_CLASS) in this first tree.
  var m = 0.0;
  var found = false;
  for (var j = t; j < cols; j += WG) {
    let z = input[first + j];
    if (is_finite(z) && (!found || z > m)) {
      m = z;
      found = true;
    }
  }
  best_score[t] = m;
  best_class[t] = select(NO_CLASS, 0u, found);
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    let other = t + stride;
    if (t < stride && best_class[other] == 0u && (best_class[t] == NO_CLASS || best_score[other] > best_score[t])) {
      best_score[t] = best_score[other];
      best_class[t] = 0u;
    }
    workgroupBarrier();
  }
  let shift = select(0.0, best_score[0], best_class[0] == 0u);
  workgroupBarrier();

  var best = 0.0;
  var winner = NO_CLASS;
  let step = params.step + iteration.index;
  for (var q = first / 4u + t; q <= (first + cols - 1u) / 4u; q += WG) {
    let bits = rng_bits(params.seed, PURPOSE_GUMBEL, step, q, params.call);
    for (var i = 0u; i < 4u; i++) {
      let e = 4u * q + i;
      if (e < first || e >= first + cols) { continue; }
      let score = (input[e] - shift) + gumbel(bits[i]);
      if (beats(score, e - first, best, winner)) {
        best = score;
        winner = e - first;
      }
    }
  }
  best_score[t] = best;
  best_class[t] = winner;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride && beats(best_score[t + stride], best_class[t + stride], best_score[t], best_class[t])) {
      best_score[t] = best_score[t + stride];
      best_class[t] = best_class[t + stride];
    }
    workgroupBarrier();
  }
  if (t == 0u) { classes[row] = best_class[0]; }
}
