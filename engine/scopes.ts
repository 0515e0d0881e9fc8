import { HarmoniumError, OutOfMemoryError, ValidationError } from './errors.js';

/**
 * Runs `work` inside validation and out-of-memory error scopes and turns whatever they catch into a
 * typed error naming `label` (a kernel, a buffer, a graph). Every WebGPU call of the engine goes
 * through here, so that no error is left for the uncaptured-error handler.
 *
 *   const pipeline = await scoped(device, 'ising.sweep', () => device.createComputePipeline(desc));
 *
 * Error scopes are a stack per device: the engine runs one such call at a time on a device (the
 * Scheduler queues its runs); two interleaved at an await would pop each other's scopes.
 */
export async function scoped<T>(device: GPUDevice, label: string, work: () => T | Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T | undefined;
  let thrown: unknown = null;
  try {
    result = await work();
  } catch (e) {
    thrown = e;
  }
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  // A typed error thrown by `work` (it knows more, e.g. WGSL line numbers) wins over the scope's.
  if (thrown instanceof HarmoniumError) throw thrown;
  if (validation) throw new ValidationError(label, validation.message);
  if (oom) throw new OutOfMemoryError(label, oom.message);
  // Anything else a WebGPU call threw (a rejected mapAsync, a DOMException) still names the label.
  if (thrown) throw new ValidationError(label, thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown), { cause: thrown });
  return result as T;
}
