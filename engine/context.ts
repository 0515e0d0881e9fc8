import { BufferPool, type BufferPoolOptions } from './buffers.js';
import { Gpu, type GpuOptions } from './device.js';
import { Scheduler } from './graph.js';

/** What models run with: a device, its buffer pool and a scheduler (ops need only the first two: OpContext). */
export interface RunContext {
  readonly gpu: Gpu;
  readonly pool: BufferPool;
  readonly scheduler: Scheduler;
}

/** A RunContext that can be closed: what openContext and createContext give. */
export interface EngineContext extends RunContext {
  /** Waits for queued runs, frees pooled buffers, and closes the device if this context opened it. */
  close(): Promise<void>;
}

/** A pool and a scheduler on an open device; `close()` leaves the device open. */
export function createContext(gpu: Gpu, options: BufferPoolOptions = {}): EngineContext {
  return withPoolAndScheduler(gpu, options, false);
}

/**
 * Opens a device (a hardware GPU when there is one, else SwiftShader; see GpuOptions.adapter) with a
 * pool and a scheduler: everything `IsingChain.create` or `addGemm` needs.
 *
 *   const ctx = await openContext();
 *   const chain = await IsingChain.create(ctx, { size: 64, temperature: 2.3, algorithm: 'multispin', seed: 1 });
 *   ...
 *   await ctx.close();
 */
export async function openContext(options: GpuOptions & BufferPoolOptions = {}): Promise<EngineContext> {
  return withPoolAndScheduler(await Gpu.open(options), options, true);
}

function withPoolAndScheduler(gpu: Gpu, options: BufferPoolOptions, ownsDevice: boolean): EngineContext {
  const pool = new BufferPool(gpu, { maxBindingBytes: options.maxBindingBytes });
  const scheduler = new Scheduler(gpu, pool);
  return {
    gpu,
    pool,
    scheduler,
    async close() {
      await scheduler.dispose().catch(() => undefined);
      pool.trim();
      if (ownsDevice) gpu.close();
    },
  };
}
