// A stand-in for the kernels that compute gradients, for the optimiser and checkpoint tests: each
// step writes pseudo-random gradients that depend on the iteration index only, so that the float64
// reference sees the very same f32 gradients (2u - 1 of a 24-bit uniform is exact in f32, and
// one multiplication by the amplitude rounds the same on both sides).
import { defineKernel, linearGrid, type Kernel, type KernelGraph, type ParamSet, type Tensor } from '../engine/index.js';
import { library } from '../engine/library.js';
import { rngBits, uniform24 } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';
import type { GpuContext } from './gpu.js';

const GRAD_FILL = `
#include "rng.wgsl"
struct FillParams { n: u32, seed: u32, call: u32, amplitude: f32 }
struct Iteration { index: u32 }
@group(0) @binding(0) var<uniform> params: FillParams;
@group(0) @binding(1) var<uniform> iteration: Iteration;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
override WG: u32 = 64;
// One invocation writes grad[i] = amplitude * (2 u - 1), u the word i % 4 of Philox at
// (seed, PURPOSE_TEST) and counter (iteration, i / 4, call). ceil(n / WG) workgroups.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.n) { return; }
  let bits = rng_bits(params.seed, PURPOSE_TEST, iteration.index, i / 4u, params.call);
  grad[i] = params.amplitude * (2.0 * rng_uniform(bits[i % 4u]) - 1.0);
}
`;

let kernel: Promise<Kernel> | null = null;
const fillKernel = () => (kernel ??= defineKernel({ ...library, 'grad_fill.wgsl': GRAD_FILL }, { name: 'test.grad_fill', file: 'grad_fill.wgsl', overrides: { WG: 64 } }));

/** The gradient of tensor `call` at iteration t, as the kernel writes it. */
export function hostGrad(seed: number, call: number, t: number, n: number, amplitude: number): Float32Array {
  const out = new Float32Array(n);
  for (let e = 0; e < n; e++) out[e] = amplitude * (2 * uniform24(rngBits(seed, RNG_PURPOSES.test, t, e >> 2, call)[e & 3]) - 1);
  return out;
}

/** Adds one fill per parameter of the set (tensor k uses call k); returns the uniforms to release. */
export async function addGradFill(graph: KernelGraph, { gpu, pool }: GpuContext, params: ParamSet, seed: number, amplitude: number): Promise<Tensor[]> {
  const k = await fillKernel();
  const uniforms: Tensor[] = [];
  for (const [call, p] of params.params.entries()) {
    const words = Uint32Array.of(p.size, seed, call, 0);
    new Float32Array(words.buffer)[3] = amplitude;
    const u = await pool.uniform(`grad fill '${p.name}'`, words);
    uniforms.push(u);
    graph.add(k, { params: u, grad: p.grad }, linearGrid(gpu, p.size, k.override('WG')));
  }
  return uniforms;
}
