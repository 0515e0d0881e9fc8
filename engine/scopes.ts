import { OutOfMemoryError, ValidationError } from './errors.js';

/**
 * Runs `work` inside validation and out-of-memory error scopes and turns whatever they catch into a
 * typed error naming `label` (a kernel, a buffer, a graph). Every WebGPU call of the engine goes
 * through here, so that no error is left for the uncaptured-error handler.
 *
 *   const pipeline = await scoped(device, 'ising.sweep', () => device.createComputePipeline(desc));
 */
export async function scoped<T>(device: GPUDevice, label: string, work: () => T | Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await work();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (validation) throw new ValidationError(label, validation.message);
    if (oom) throw new OutOfMemoryError(label, oom.message);
  }
  return result;
}
