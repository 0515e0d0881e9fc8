// A Philox permutation of n indices (engine/ops/permute.ts; reference: harness/reference/permute.ts):
// index i gets the 64-bit key (x, y) = words x and y of
//   rng_bits(seed, PURPOSE_PERMUTATION, epoch, i, 0)
// and the permutation lists the indices in ascending order of (x, y, i). The index breaks ties, so the
// order is total: the result is always a permutation and the same on any workgroup size. It is
// uniform when no two keys tie, which fails with probability below n^2 / 2^65 (1e-10 at n = 60000).
//
// The sort is a bitonic network over p items (p a power of two, at least one tile of 2 * WG items;
// items i >= n are padding with key (2^32 - 1, 2^32 - 1) that sort after every real index). Stage k
// (k = 2, 4, .., p) merges sorted runs of k / 2 into runs of k, ascending where (i & k) == 0, by
// compare-exchange passes at distances j = k / 2, k / 4, .., 1. Passes with j < tile size run in
// workgroup memory (sort_local), the others over the whole array (sort_global).
//
// epoch = params.epoch + iteration.index / params.period: with period = P, a graph repeated P times per
// epoch computes a new permutation at iterations 0, P, 2P, .. and every pass does nothing otherwise.
#include "rng.wgsl"
#include "grid.wgsl"

// An index with its random key; (hi, lo, index) is the sort order.
struct Item {
  hi: u32,
  lo: u32,
  index: u32,
}

struct PermuteParams {
  n: u32,       // indices to permute
  seed: u32,
  epoch: u32,   // the epoch at iteration 0
  period: u32,  // graph repetitions per epoch
  k: u32,       // sort_global: the stage; sort_local: the first stage it runs
  j: u32,       // sort_global: the distance; sort_local: the first distance of its first stage
  k_last: u32,  // sort_local: the last stage it runs
  flags: u32,   // sort_local: FLAG_GENERATE (load keys from Philox), FLAG_EMIT (write the permutation)
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: PermuteParams;
// p items: the sort's working array.
@group(0) @binding(1) var<storage, read_write> items: array<Item>;
// n u32: the permutation (written by the last pass only).
@group(0) @binding(2) var<storage, read_write> permutation: array<u32>;
@group(0) @binding(3) var<uniform> iteration: Iteration;

const FLAG_GENERATE: u32 = 1u;
const FLAG_EMIT: u32 = 2u;

override WG: u32 = 256;  // a power of two; a tile is 2 * WG items

var<workgroup> tile: array<Item, 2u * WG>;

// Whether this repetition starts an epoch (the others leave everything as it is).
fn starts_epoch() -> bool {
  return iteration.index % params.period == 0u;
}

// Item i of the epoch, as sort_local loads it in the first pass.
fn generated(i: u32) -> Item {
  if (i >= params.n) { return Item(0xFFFFFFFFu, 0xFFFFFFFFu, i); }
  let epoch = params.epoch + iteration.index / params.period;
  let bits = rng_bits(params.seed, PURPOSE_PERMUTATION, epoch, i, 0u);
  return Item(bits.x, bits.y, i);
}

// a before b in (hi, lo, index): a total order, since no two items share an index.
fn before(a: Item, b: Item) -> bool {
  if (a.hi != b.hi) { return a.hi < b.hi; }
  if (a.lo != b.lo) { return a.lo < b.lo; }
  return a.index < b.index;
}

// Invocation t's pair at distance j: (i, i + j) with i = 2j (t / j) + t % j.
fn pair_start(t: u32, j: u32) -> u32 {
  return 2u * j * (t / j) + t % j;
}

// sort_global: one compare-exchange at (params.k, params.j) per invocation (pair_start of its linear
// index). The host dispatches linearGrid(p / 2, WG) workgroups.
@compute @workgroup_size(WG)
fn sort_global(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  if (!starts_epoch()) { return; }
  let t = linear_index(gid, groups, WG);
  let j = params.j;
  let i = pair_start(t, j);
  if (i + j >= arrayLength(&items)) { return; }
  let a = items[i];
  let b = items[i + j];
  let ascending = (i & params.k) == 0u;
  if (before(b, a) == ascending) {
    items[i] = b;
    items[i + j] = a;
  }
}

// sort_local: workgroup w sorts its tile of items w * 2WG .. (w + 1) * 2WG in workgroup memory
// through stages params.k .. params.k_last (distance params.j first, then k / 2 .. 1 for each later
// stage), loading Philox keys in the first pass (FLAG_GENERATE) and writing the permutation in the
// last (FLAG_EMIT). The host dispatches linearGrid(p / (2 WG), 1) workgroups of WG invocations.
@compute @workgroup_size(WG)
fn sort_local(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  if (!starts_epoch()) { return; }
  let base = linear_index(wid, groups, 1u) * 2u * WG;
  let generate = (params.flags & FLAG_GENERATE) != 0u;
  for (var s = t; s < 2u * WG; s += WG) {
    if (generate) { tile[s] = generated(base + s); } else { tile[s] = items[base + s]; }
  }
  workgroupBarrier();
  var k = params.k;
  var j = params.j;
  loop {
    let i = pair_start(t, j);
    let a = tile[i];
    let b = tile[i + j];
    let ascending = ((base + i) & k) == 0u;
    if (before(b, a) == ascending) {
      tile[i] = b;
      tile[i + j] = a;
    }
    workgroupBarrier();
    if (j > 1u) {
      j /= 2u;
    } else if (k < params.k_last) {
      k *= 2u;
      j = k / 2u;
    } else {
      break;
    }
  }
  let emit = (params.flags & FLAG_EMIT) != 0u;
  for (var s = t; s < 2u * WG; s += WG) {
    if (!emit) {
      items[base + s] = tile[s];
    } else if (base + s < params.n) {
      permutation[base + s] = tile[s].index;
    }
  }
}
