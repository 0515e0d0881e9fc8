// The register tile of gemm_f32 and xnor_gemm. Uses the including kernel's TM and TN overrides, its
// Acc struct (vec4 fields c0..c7, d0..d7) and its store_quad(row, col, value), which masks the edges.
#include "tile.wgsl"

// What one invocation covers: C[row .. row + TM, col .. col + TN], and the clamped indices of its
// two row quads and two column quads.
struct Tile {
  row: u32,
  col: u32,
  rows_lo: vec4u,
  rows_hi: vec4u,
  cols_lo: vec4u,
  cols_hi: vec4u,
}

fn tile_of(gid: vec3u, m: u32, n: u32) -> Tile {
  let row = gid.y * TM;
  let col = gid.x * TN;
  return Tile(row, col, clamped4(row, m - 1u), clamped4(row + 4u, m - 1u), clamped4(col, n - 1u), clamped4(col + 4u, n - 1u));
}

// Writes the TM x TN accumulators of the tile at (row, col), a quad of a row at a time.
fn store_tile(row: u32, col: u32, acc: Acc) {
  store_quad(row, col, acc.c0); store_quad(row + 1u, col, acc.c1); store_quad(row + 2u, col, acc.c2); store_quad(row + 3u, col, acc.c3);
  if (TM == 8u) { store_quad(row + 4u, col, acc.c4); store_quad(row + 5u, col, acc.c5); store_quad(row + 6u, col, acc.c6); store_quad(row + 7u, col, acc.c7); }
  if (TN == 8u) {
    store_quad(row, col + 4u, acc.d0); store_quad(row + 1u, col + 4u, acc.d1); store_quad(row + 2u, col + 4u, acc.d2); store_quad(row + 3u, col + 4u, acc.d3);
    if (TM == 8u) { store_quad(row + 4u, col + 4u, acc.d4); store_quad(row + 5u, col + 4u, acc.d5); store_quad(row + 6u, col + 4u, acc.d6); store_quad(row + 7u, col + 4u, acc.d7); }
  }
}
