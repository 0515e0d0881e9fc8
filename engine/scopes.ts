import { HarmoniumError, InputError, OutOfMemoryError, ValidationError } from './errors.js';

const AsyncFunction = (async () => undefined).constructor;

/**
 * Runs `work` inside validation and out-of-memory error scopes and turns whatever they catch into a
 * typed error naming `label` (a kernel, a buffer, a graph). Every WebGPU call of the engine goes
 * through here, so that no error is left for the uncaptured-error handler.
 *
 *   const pipeline = await scoped(device, 'ising.sweep', () => device.createComputePipelineAsync(desc));
 *
 * Error scopes are one stack per device, shared by every caller (two Schedulers, a pool allocation
 * in another async task). So that calls never pop each other's scopes, `scoped` pushes its scopes,
 * runs `work` and pops them in one synchronous step: nothing else runs in between, whatever awaits
 * surround it, and a `scoped` call inside `work` nests properly. The rule that follows: `work` makes
 * all its WebGPU calls before it returns (an async function is refused). A promise it returns
 * (mapAsync, createComputePipelineAsync, getCompilationInfo) is awaited after the pop; those report
 * their failures by rejecting, and a rejection names `label` too. Work in several steps with awaits
 * between them is several `scoped` calls.
 */
export async function scoped<T>(device: GPUDevice, label: string, work: () => T): Promise<Awaited<T>> {
  if (work instanceof AsyncFunction) {
    throw new InputError(`${label}: scoped() needs a synchronous work function; WebGPU calls after an await would escape its error scopes`);
  }
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T | undefined;
  let thrown: unknown = null;
  try {
    result = work();
  } catch (e) {
    thrown = e;
  }
  const validationScope = device.popErrorScope();
  const oomScope = device.popErrorScope();
  let value: Awaited<T> | undefined;
  try {
    value = await result;
  } catch (e) {
    thrown = e;
  }
  const validation = await validationScope;
  const oom = await oomScope;
  // A typed error thrown by `work` (it knows more, e.g. WGSL line numbers) wins over the scope's.
  if (thrown instanceof HarmoniumError) throw thrown;
  if (validation) throw new ValidationError(label, validation.message);
  if (oom) throw new OutOfMemoryError(label, oom.message);
  // Anything else a WebGPU call threw (a rejected mapAsync, a DOMException) still names the label.
  if (thrown) throw new ValidationError(label, thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown), { cause: thrown });
  return value as Awaited<T>;
}
