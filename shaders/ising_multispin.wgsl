// Multispin-coded Metropolis sweeps of the 2D Ising model: 32 spins per u32 word, bit 1 = spin +1.
// The two checkerboard colours live in the two halves of `spins` (colour c at offset c * L * W), so
// all 32 lanes of a word are the same colour and update together. Row y of colour c holds the L/2
// sites x = 2k + ((y + c) % 2); with W = L / 64 words per row, site k sits in bit k / W of word k % W.
// Then the horizontal neighbour k +- 1 is the same bit of the next/previous word, or, at the row's
// end, the neighbouring bit of the row's first/last word: a rotate by one.
// Reference: harness/ising/reference.ts (multispinInit, multispinHalfSweep, multispinMeasure).
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
  spins[g] = rng_bits(params.seed, PURPOSE_ISING_INIT, 0u, g / 4u, 0u)[g % 4u];
}

// The lanes of word `s` whose class (ising_common.wgsl) is in `classes` (bit c = class c).
// `count` holds, per u = 0..4, the lanes with exactly u neighbours +1.
fn lanes_of(classes: u32, s: u32, count: array<u32, 5>) -> u32 {
  var lanes = 0u;
  lanes |= select(0u, ~s & count[0], (classes & 0x001u) != 0u);
  lanes |= select(0u, ~s & count[1], (classes & 0x002u) != 0u);
  lanes |= select(0u, ~s & count[2], (classes & 0x004u) != 0u);
  lanes |= select(0u, ~s & count[3], (classes & 0x008u) != 0u);
  lanes |= select(0u, ~s & count[4], (classes & 0x010u) != 0u);
  lanes |= select(0u, s & count[0], (classes & 0x020u) != 0u);
  lanes |= select(0u, s & count[1], (classes & 0x040u) != 0u);
  lanes |= select(0u, s & count[2], (classes & 0x080u) != 0u);
  lanes |= select(0u, s & count[3], (classes & 0x100u) != 0u);
  lanes |= select(0u, s & count[4], (classes & 0x200u) != 0u);
  return lanes;
}

// All ones where bit `bit` of `t` is set: the threshold bits of a group at one level.
fn bit_mask(t: u32, bit: u32) -> u32 {
  return 0u - ((t >> bit) & 1u);
}

override GROUPS: u32 = 2u;  // threshold groups of the flip rule (1..5); the host compiles one pipeline per count

// sweep: one invocation per word of colour COLOUR (32 sites); host dispatches linearGrid(L * W, WG).
// Each lane flips with its class's probability. The comparison u < thr is bit-sliced across the 32
// lanes: u's bits come most significant first, one random word per level (bit j of the word is lane
// j's bit), and a lane is decided at the first level where its bit differs from its threshold's bit.
// Levels stop when every lane is decided, so a word needs about log2(32) + 2 random words, not 32.
// Random word for level l: word l % 4 of Philox call l / 4 at (step = 2 * iteration + COLOUR, element = word).
// Straight-line code with GROUPS fixed at pipeline creation: no private arrays indexed at run time,
// which SwiftShader's SIMD lanes turn into scattered memory traffic (measured: 10x slower). Only the
// Philox words are picked by a loop index, from a vector, which compiles to selects.
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
  let count = array<u32, 5>(~b2 & ~b1 & ~b0, ~b2 & ~b1 & b0, ~b2 & b1 & ~b0, ~b2 & b1 & b0, b2);

  var flip = lanes_of(params.always, s, count);
  let gc0 = params.group_classes[0];
  let gc1 = params.group_classes[1];
  let gt0 = params.group_thr[0];
  let gt1 = params.group_thr[1];
  let g0 = lanes_of(gc0.x, s, count);
  var g1 = 0u;
  var g2 = 0u;
  var g3 = 0u;
  var g4 = 0u;
  if (GROUPS > 1u) { g1 = lanes_of(gc0.y, s, count); }
  if (GROUPS > 2u) { g2 = lanes_of(gc0.z, s, count); }
  if (GROUPS > 3u) { g3 = lanes_of(gc0.w, s, count); }
  if (GROUPS > 4u) { g4 = lanes_of(gc1.x, s, count); }
  var undecided = g0 | g1 | g2 | g3 | g4;

  let step = 2u * iteration.index + COLOUR;
  var call = 0u;
  loop {
    if (undecided == 0u || call >= 8u) { break; }
    let bits = rng_bits(params.seed, PURPOSE_ISING_SWEEP, step, idx, call);
    for (var j = 0u; j < 4u; j++) {
      let bit = 31u - (4u * call + j);
      var threshold_bits = g0 & bit_mask(gt0.x, bit);
      if (GROUPS > 1u) { threshold_bits |= g1 & bit_mask(gt0.y, bit); }
      if (GROUPS > 2u) { threshold_bits |= g2 & bit_mask(gt0.z, bit); }
      if (GROUPS > 3u) { threshold_bits |= g3 & bit_mask(gt0.w, bit); }
      if (GROUPS > 4u) { threshold_bits |= g4 & bit_mask(gt1.x, bit); }
      let r = bits[j];
      flip |= undecided & ~r & threshold_bits;  // u's bit 0 < threshold's bit 1: u < thr
      undecided &= ~(r ^ threshold_bits);        // equal bits: still undecided
    }
    call += 1u;
  }
  spins[mine] = s ^ flip;
}

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
  add_to_series(local, anti, up);
}
