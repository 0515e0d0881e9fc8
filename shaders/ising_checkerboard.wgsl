// Checkerboard Gibbs sweeps of the 2D Ising model, one u32 (0 or 1) per site, row-major L x L.
// Heat-bath and Metropolis differ only in the host's flip table (ising_common.wgsl).
// Reference: harness/ising/reference.ts (checkerboardInit, checkerboardHalfSweep, checkerboardMeasure).
#include "ising_common.wgsl"
#include "rng.wgsl"
#include "grid.wgsl"

@group(0) @binding(0) var<uniform> params: IsingParams;
@group(0) @binding(1) var<uniform> iteration: Iteration;
@group(0) @binding(2) var<storage, read_write> spins: array<u32>;
// Two words per measured sweep: the number of anti-aligned bonds, the number of +1 spins.
@group(0) @binding(3) var<storage, read_write> series: array<atomic<u32>>;

override WG: u32 = 64;
override COLOUR: u32 = 0u;  // which sublattice a sweep dispatch updates: sites with (x + y) % 2 == COLOUR

// init: one invocation per site; host dispatches linearGrid(L*L, WG). Random sites take bit i % 128
// of Philox call i / 128, so one call fills 128 sites.
@compute @workgroup_size(WG)
fn init(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.size * params.size) { return; }
  if (params.cold != 0u) {
    spins[i] = 1u;
    return;
  }
  var bits = rng_bits(params.seed, PURPOSE_ISING_INIT, 0u, i / 128u, 0u);
  spins[i] = (bits[(i % 128u) / 32u] >> (i % 32u)) & 1u;
}

// Heat-bath or Metropolis update of the site at column x of a row (row, above, below: offsets of
// the row and its periodic neighbours) with the random word r.
fn update_site(row: u32, above: u32, below: u32, x: u32, r: u32) {
  let L = params.size;
  let s = spins[row + x];
  let right = select(x + 1u, 0u, x + 1u == L);
  let left = select(x - 1u, L - 1u, x == 0u);
  let up = spins[row + right] + spins[row + left] + spins[above + x] + spins[below + x];
  let c = 5u * s + up;
  if (always_flips(params, c) || r < class_threshold(params, c)) {
    spins[row + x] = 1u - s;
  }
}

// sweep: one invocation per group of 4 consecutive COLOUR sites of a row (one Philox call, one word
// each); host dispatches linearGrid(L * row_units, WG). Step = 2 * iteration + COLOUR.
// Written out lane by lane, without a loop or run-time vector indexing, which SwiftShader runs slowly.
@compute @workgroup_size(WG)
fn sweep(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = linear_index(gid, groups, WG);
  let L = params.size;
  if (q >= L * params.row_units) { return; }
  let y = q / params.row_units;
  // Lane i updates the row's (4 * (q % row_units) + i)-th site of this colour, at x0 + 2i.
  let x0 = 8u * (q - y * params.row_units) + ((y + COLOUR) & 1u);
  let bits = rng_bits(params.seed, PURPOSE_ISING_SWEEP, 2u * iteration.index + COLOUR, q, 0u);
  let row = y * L;
  let above = select(y - 1u, L - 1u, y == 0u) * L;
  let below = select(y + 1u, 0u, y + 1u == L) * L;
  update_site(row, above, below, x0, bits.x);
  if (x0 + 2u < L) { update_site(row, above, below, x0 + 2u, bits.y); }
  if (x0 + 4u < L) { update_site(row, above, below, x0 + 4u, bits.z); }
  if (x0 + 6u < L) { update_site(row, above, below, x0 + 6u, bits.w); }
}

// measure: one invocation per 32 sites of a row, counting each site's right and down bonds (so every
// bond once) and its spin; a workgroup sums in shared memory, then adds once to series.
// Host dispatches linearGrid(L * ceil(L / 32), WG) after both colours of a sweep.
@compute @workgroup_size(WG)
fn measure(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u,
           @builtin(local_invocation_index) local: u32) {
  let t = linear_index(gid, groups, WG);
  let L = params.size;
  let chunks = (L + 31u) / 32u;
  var anti = 0u;
  var up = 0u;
  if (t < L * chunks) {
    let y = t / chunks;
    let x0 = 32u * (t % chunks);
    let row = y * L;
    let below = ((y + 1u) % L) * L;
    for (var x = x0; x < min(x0 + 32u, L); x++) {
      let s = spins[row + x];
      anti += (s ^ spins[row + (x + 1u) % L]) + (s ^ spins[below + x]);
      up += s;
    }
  }
  add_to_series(local, anti, up);
}
