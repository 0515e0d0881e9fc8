// Shared by the tiled matrix kernels (gemm_f32, xnor_gemm, xnor_u8).

// Four consecutive indices from `start`, clamped to `last`, so that edge tiles read valid (repeated)
// rows or columns and no load needs a branch.
const IOTA = vec4u(0u, 1u, 2u, 3u);

fn clamped4(start: u32, last: u32) -> vec4u {
  return min(vec4u(start) + IOTA, vec4u(last));
}
