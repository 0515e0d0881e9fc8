// The one way GPU tests get a device: opened once per test process, failing with a clear message
// (never skipping) when there is no adapter, and failing any test that raises a WebGPU error.
import { Gpu, BufferPool, Scheduler, type Tensor } from '../engine/index.js';

let shared: Promise<Gpu> | null = null;
const uncaptured: string[] = [];

export function openTestGpu(): Promise<Gpu> {
  shared ??= Gpu.open().then((gpu) => {
    gpu.device.addEventListener('uncapturederror', (e) => uncaptured.push((e as GPUUncapturedErrorEvent).error.message));
    return gpu;
  });
  return shared.catch((e: Error) => {
    throw new Error(`GPU test needs a WebGPU adapter and found none: ${e.message}`);
  });
}

export interface GpuContext {
  gpu: Gpu;
  pool: BufferPool;
  scheduler: Scheduler;
}

/**
 * Runs `body` with a device, a fresh buffer pool and scheduler, inside a validation scope; fails on
 * any validation or uncaptured error, and frees what the test allocated.
 *
 *   test('fills', () => withGpu(async ({ pool, scheduler }) => { ... }));
 */
export async function withGpu(body: (ctx: GpuContext) => Promise<void>): Promise<void> {
  const gpu = await openTestGpu();
  const pool = new BufferPool(gpu);
  const scheduler = new Scheduler(gpu, pool);
  const before = uncaptured.length;
  gpu.device.pushErrorScope('validation');
  try {
    await body({ gpu, pool, scheduler });
  } finally {
    const error = await gpu.device.popErrorScope();
    pool.trim();
    if (error) throw new Error(`WebGPU validation error: ${error.message}`);
    if (uncaptured.length > before) throw new Error(`uncaptured WebGPU error: ${uncaptured.slice(before).join('; ')}`);
  }
}

export async function readU32(t: Tensor): Promise<Uint32Array> {
  return new Uint32Array(await t.read());
}
export async function readF32(t: Tensor): Promise<Float32Array> {
  return new Float32Array(await t.read());
}
