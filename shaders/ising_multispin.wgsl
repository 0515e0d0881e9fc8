// Multispin-coded Metropolis sweeps of the 2D Ising model: 32 spins per u32 word, bit 1 = spin +1.
// The two checkerboard colours live in the two halves of `spins` (colour c at offset c * L * W), so
// all 32 lanes of a word are the same colour and update together. Row y of colour c holds the L/2
// sites x = 2k + ((y + c) % 2); with W = L / 64 words per row, site k sits in bit k / W of word k % W.
// Then the horizontal neighbour k +- 1 is the same bit of the next/previous word, or, at the row's
// end, the neighbouring bit of the row's first/last word: a rotate by one.
// Reference: harness/reference/ising.ts (multispinInit, multispinHalfSweep, multispinMeasure).
#include "ising_common.wgsl"
#include "rng.wgsl"
#include "grid.wgsl"

@group(0) @binding(0) var<uniform> params: IsingParams;
@group(0) @binding(1) var<uniform> iteration: Iteration;
@group(0) @binding(2) var<storage, read_write> spins: array<u32>;
@group(0) @binding(3) var<storage, read_write> series: array<atomic<u32>>;

override WG: u32 = 64;
override COLOUR: u32 = 0u;

// The four neighbour words (other colour) of word w in row y of colour `colour`, lane-aligned.
fn neighbour_words(colour: u32, y: u32, w: u32) -> array<u32, 4> {
  let L = params.size;
  let W = params.row_units;
  let other = (1u - colour) * L * W;
  let row = other + y * W;
  var side: u32;
  if (((y + colour) & 1u) == 1u) {
    // neighbour k + 1
    if (w + 1u < W) { side = spins[row + w + 1u]; } else { let v = spins[row]; side = (v >> 1u) | (v << 31u); }
  } else {
    // neighbour k - 1
    if (w > 0u) { side = spins[row + w - 1u]; } else { let v = spins[row + W - 1u]; side = (v << 1u) | (v >> 31u); }
  }
  return array<u32, 4>(
    spins[other + ((y + L - 1u) % L) * W + w],
    spins[other + ((y + 1u) % L) * W + w],
    spins[row + w],
    side,
  );
}

// init: one invocation per word of both colours; host dispatches linearGrid(2 * L * W, WG).
// Random words: word g is word g % 4 of Philox call g / 4.
@compute @workgroup_size(WG)
fn init(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = linear_index(gid, groups, WG);
  if (g >= 2u * params.size * params.row_units) { return; }
  if (params.cold != 0u) {
    spins[g] = 0xFFFFFFFFu;
    return;
  }
  spins[g] = rng_bits(params.seed, PURPOSE_INIT, 0u, g / 4u, 0u)[g % 4u];
}

// sweep: one invocation per word of colour COLOUR (32 sites); host dispatches linearGrid(L * W, WG).
// Each lane flips with its class's probability. The comparison u < thr is bit-sliced across the 32
// lanes: u's bits come most significant first, one random word per level (bit j of the word is lane
// j's bit), and a lane is decided at the first level where its bit differs from its threshold's bit.
// Levels stop when every lane is decided, so a word needs about log2(32) + 2 random words, not 32.
// Random word for level l: word l % 4 of Philox call l / 4 at (step = 2 * iteration + COLOUR, element = word).
@compute @workgroup_size(WG)
fn sweep(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let idx = linear_index(gid, groups, WG);
  let W = params.row_units;
  if (idx >= params.size * W) { return; }
  let y = idx / W;
  let w = idx % W;
  let mine = COLOUR * params.size * W + idx;
  let s = spins[mine];
  let n = neighbour_words(COLOUR, y, w);

  // Bit-sliced count of +1 neighbours: u = 4*b2 + 2*b1 + b0 in each lane.
  let x01 = n[0] ^ n[1];
  let a01 = n[0] & n[1];
  let x23 = n[2] ^ n[3];
  let a23 = n[2] & n[3];
  let b0 = x01 ^ x23;
  let carry = x01 & x23;
  let b1 = a01 ^ a23 ^ carry;
  let b2 = (a01 & a23) | ((a01 ^ a23) & carry);
  var count = array<u32, 5>(~b2 & ~b1 & ~b0, ~b2 & ~b1 & b0, ~b2 & b1 & ~b0, ~b2 & b1 & b0, b2);

  // Lanes of each class, then of each always-flip class and each threshold group.
  var flip = 0u;
  var group_lanes = array<u32, 10>(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
  var undecided = 0u;
  for (var c = 0u; c < 10u; c++) {
    let lanes = select(~s, s, c >= 5u) & count[c % 5u];
    if (always_flips(params, c)) { flip |= lanes; }
    for (var g = 0u; g < params.group_count; g++) {
      if (((params.group_classes[g / 4u][g % 4u] >> c) & 1u) != 0u) {
        group_lanes[g] |= lanes;
        undecided |= lanes;
      }
    }
  }

  let step = 2u * iteration.index + COLOUR;
  var level = 0u;
  loop {
    if (undecided == 0u || level >= 32u) { break; }
    var bits = rng_bits(params.seed, PURPOSE_SWEEP, step, idx, level / 4u);
    for (var j = 0u; j < 4u; j++) {
      let bit = 31u - (level + j);
      var threshold_bits = 0u;
      for (var g = 0u; g < params.group_count; g++) {
        if (((params.group_thr[g / 4u][g % 4u] >> bit) & 1u) != 0u) { threshold_bits |= group_lanes[g]; }
      }
      let r = bits[j];
      flip |= undecided & ~r & threshold_bits;  // u's bit 0 < threshold's bit 1: u < thr
      undecided &= ~(r ^ threshold_bits);        // equal bits: still undecided
    }
    level += 4u;
  }
  spins[mine] = s ^ flip;
}

var<workgroup> anti_total: atomic<u32>;
var<workgroup> up_total: atomic<u32>;

// measure: one invocation per colour-0 word; every bond has one colour-0 end, so counting the four
// bonds of colour-0 sites counts each bond once. Host dispatches linearGrid(L * W, WG).
@compute @workgroup_size(WG)
fn measure(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u,
           @builtin(local_invocation_index) local: u32) {
  let idx = linear_index(gid, groups, WG);
  let W = params.row_units;
  var anti = 0u;
  var up = 0u;
  if (idx < params.size * W) {
    let s = spins[idx];
    let n = neighbour_words(0u, idx / W, idx % W);
    anti = countOneBits(s ^ n[0]) + countOneBits(s ^ n[1]) + countOneBits(s ^ n[2]) + countOneBits(s ^ n[3]);
    up = countOneBits(s) + countOneBits(spins[params.size * W + idx]);
  }
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
