// Shared by the Ising kernels: the parameter block and the flip rule's classes.
// A site's class is c = 5*s + u, with s = 1 for spin +1 (0 for -1) and u the number of its four
// neighbours that are +1. The host (models/ising_rule.ts) turns (T, J, h, algorithm) into a flip
// threshold per class, computed once in float64: a site flips when its class is in `always`, or when
// a uniform u32 is below thr[c]. All decisions are integer comparisons, identical on every adapter.

struct IsingParams {
  size: u32,         // L: the lattice is L x L with periodic boundaries
  row_units: u32,    // checkerboard: groups of 4 same-colour sites per row; multispin: words per row per colour
  seed: u32,
  always: u32,       // bit c: class c always flips
  group_count: u32,  // multispin: classes grouped by equal threshold, excluding always/never classes
  sample_base: u32,  // iteration index of the first measured sweep (series slot 0)
  cold: u32,         // init: 1 = all spins +1, 0 = random
  // thr starts at byte 32, a vec4u's 16-byte alignment; the host writes by this reflected layout.
  thr: array<vec4u, 3>,            // flip threshold of class c at thr[c / 4][c % 4]
  group_thr: array<vec4u, 3>,      // threshold of group g
  group_classes: array<vec4u, 3>,  // bit c set: class c belongs to group g
}

struct Iteration { index: u32 }

fn class_threshold(p: IsingParams, c: u32) -> u32 {
  return p.thr[c / 4u][c % 4u];
}

fn always_flips(p: IsingParams, c: u32) -> bool {
  return ((p.always >> c) & 1u) != 0u;
}

var<workgroup> anti_total: atomic<u32>;
var<workgroup> up_total: atomic<u32>;

// The measure kernels' last step: sums each invocation's counts (anti-aligned bonds, +1 spins) over
// the workgroup, then adds them once to this sweep's slot of `series`. Every invocation of the
// workgroup must call it (it has barriers). Uses the including file's params, iteration and series.
fn add_to_series(local: u32, anti: u32, up: u32) {
  if (local == 0u) {
    atomicStore(&anti_total, 0u);
    atomicStore(&up_total, 0u);
  }
  workgroupBarrier();
  atomicAdd(&anti_total, anti);
  atomicAdd(&up_total, up);
  workgroupBarrier();
  if (local == 0u) {
    let slot = 2u * (iteration.index - params.sample_base);
    atomicAdd(&series[slot], atomicLoad(&anti_total));
    atomicAdd(&series[slot + 1u], atomicLoad(&up_total));
  }
}
