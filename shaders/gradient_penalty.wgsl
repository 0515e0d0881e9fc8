// WGAN-GP's gradient penalty (Gulrajani et al. 2017) on a critic's input gradients g (rows x width),
// one workgroup per row (a fixed tree sum: the same bits on every run):
//   n = ||g_r||,  loss_r = lambda (n - 1)^2,  grad_r = grad_scale * 2 lambda (n - 1) / n * g_r
// (grad 0 where n = 0, the norm's kink); with GRAD off only the losses. Reference:
// harness/reference/gan.ts gradientPenalty.

struct PenaltyParams {
  rows: u32,
  width: u32,
  lambda: f32,
  grad_scale: f32,
}

@group(0) @binding(0) var<uniform> params: PenaltyParams;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> losses: array<f32>;

override WG: u32 = 64;
override GRAD: bool = true;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = wid.x + wid.y * groups.x;
  // Every invocation of a workgroup reaches the barriers: the row check comes after them.
  let live = r < params.rows;
  let base = select(0u, r * params.width, live);
  var sum = 0.0;
  if (live) {
    for (var c = lid.x; c < params.width; c += WG) { sum += g[base + c] * g[base + c]; }
  }
  partial[lid.x] = sum;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid.x < half) { partial[lid.x] += partial[lid.x + half]; }
    workgroupBarrier();
  }
  if (!live) { return; }
  let n = sqrt(partial[0]);
  if (lid.x == 0u) { losses[r] = params.lambda * (n - 1.0) * (n - 1.0); }
  if (!GRAD) { return; }
  let scale = select(0.0, params.grad_scale * 2.0 * params.lambda * (n - 1.0) / n, n > 0.0);
  for (var c = lid.x; c < params.width; c += WG) { grad[base + c] = scale * g[base + c]; }
}
