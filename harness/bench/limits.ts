// The adapter's own limits, measured in the same run as the kernels they judge: copy bandwidth
// (bytes read + written per second by a vec4 copy kernel), f32 FMA throughput and XOR + popcount
// throughput. Each result is checked against its closed form before it is timed.
import { KernelGraph, linearGrid, HarmoniumError } from '../../engine/index.js';
import { cachedKernel } from '../../engine/kernel.js';
import { library } from '../../engine/library.js';
import { sharedUniformWords } from '../../engine/uniforms.js';
import type { JobContext } from '../backends/context.js';
import { timeRuns } from './timing.js';
import { popcount } from '../reference/xnor.js';

export interface AdapterLimits {
  copy_gbps: number;
  fma_gflops: number;
  popcount_gops: number;
}

const WG = 256;
const STEPS = 256;
const kernel = (entry: string) => cachedKernel(library, { name: `limits.${entry}`, file: 'limits.wgsl', entry, overrides: { WG, STEPS } });

/** Measures copy bandwidth over `copyBytes` (default 64 MiB, halved until it fits the device). */
export async function measureLimits(ctx: JobContext, options: { copyBytes?: number; invocations?: number; reps?: number } = {}): Promise<AdapterLimits> {
  const { gpu, pool, scheduler } = ctx;
  let bytes = options.copyBytes ?? 64 * 2 ** 20;
  while (bytes > pool.bindingLimit().bytes) bytes /= 2;
  const count = bytes / 16;
  const invocations = options.invocations ?? 64 * 1024;
  const reps = options.reps ?? 5;
  const params = await pool.uniform('limits.params', kernel('copy').uniformWords('params', { count, seed: 2 }));
  const computeParams = await pool.uniform('limits.params2', sharedUniformWords([kernel('fma_chain'), kernel('popcount_chain')], 'params', { count: invocations, seed: 2 }));
  const input = new Uint32Array(count * 4);
  for (let i = 0; i < input.length; i++) input[i] = Math.imul(i, 2654435761) >>> 0;
  const src = await pool.tensor('limits.src', 'u32', [count * 4], { data: input });
  const dst = await pool.tensor('limits.dst', 'u32', [count * 4]);
  try {
    const copy = new KernelGraph('limits.copy').add(kernel('copy'), { params, src, dst }, linearGrid(gpu, count, WG));
    const copyTime = await timeRuns(async () => (await scheduler.run(copy)).wallMs, {
      reps,
      validate: async () => {
        await scheduler.run(copy);
        const out = new Uint32Array(await dst.read());
        if (out.some((v, i) => v !== input[i])) throw new HarmoniumError('limits.copy: the copy kernel produced a wrong result');
      },
    });
    const fma = new KernelGraph('limits.fma').add(kernel('fma_chain'), { params: computeParams, dst }, linearGrid(gpu, invocations, WG));
    const fmaTime = await timeRuns(async () => (await scheduler.run(fma)).wallMs, {
      reps,
      validate: async () => {
        await scheduler.run(fma);
        // a = 1, b = 1: each chain ends at start + STEPS; the four starts 0..3 sum to 6.
        const out = new Float32Array((await dst.read()).slice(0, 16));
        if (out.some((v) => v !== 4 * STEPS + 6)) throw new HarmoniumError(`limits.fma_chain: expected ${4 * STEPS + 6}, got ${out[0]}`);
      },
    });
    const pop = new KernelGraph('limits.popcount').add(kernel('popcount_chain'), { params: computeParams, dst }, linearGrid(gpu, invocations, WG));
    const popTime = await timeRuns(async () => (await scheduler.run(pop)).wallMs, {
      reps,
      validate: async () => {
        await scheduler.run(pop);
        const out = new Uint32Array((await dst.read()).slice(0, 16));
        if (out[0] !== popcountChainReference(2, 0, 0)) throw new HarmoniumError('limits.popcount_chain: wrong result');
      },
    });
    return {
      copy_gbps: (2 * bytes) / (copyTime.median_ms * 1e6),
      fma_gflops: (invocations * 32 * STEPS) / (fmaTime.median_ms * 1e6),
      popcount_gops: (invocations * 16 * 2 * STEPS) / (popTime.median_ms * 1e6),
    };
  } finally {
    for (const t of [params, computeParams, src, dst]) t.release();
  }
}

/** What popcount_chain writes to lane `lane` of invocation i (the kernel's loop, in TypeScript). */
export function popcountChainReference(seed: number, i: number, lane: number): number {
  const w = ((Math.imul(seed, [1, 3, 5, 7][lane]) >>> 0) ^ i) >>> 0;
  let acc = 0;
  for (let s = 0; s < STEPS; s++) for (const shift of [0, 8, 16, 24]) acc += popcount(w ^ ((s << shift) >>> 0));
  return acc;
}
