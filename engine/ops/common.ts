// What the op helpers (gemm.ts, xnor.ts, pack.ts) share: the context they run in, a pipeline cache,
// placeholder tensors for bindings a configuration leaves unused, and argument checks that name the
// kernel and the operand.
import type { Gpu } from '../device.js';
import type { BufferPool, DType, Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { cachedKernel as cachedKernelOf, type Kernel } from '../kernel.js';
import { library } from '../../shaders/index.js';

/** The device and buffer pool an op allocates its parameters from. */
export interface OpContext {
  gpu: Gpu;
  pool: BufferPool;
}

/** What an add* helper put into the graph: release `params` when the graph is done with. */
export interface OpDispatch {
  kernel: Kernel;
  params: Tensor;
  workgroups: [number, number];
}

/** A register-tile shape: each invocation computes tm x tn outputs; workgroups are wgX x wgY invocations. */
export interface TileConfig {
  readonly name: string;
  readonly tm: 4 | 8;
  readonly tn: 4 | 8;
  readonly wgX: number;
  readonly wgY: number;
}

/** The engine's kernel cache over the shader library (engine/kernel.ts cachedKernel). */
export function cachedKernel(name: string, file: string, entry: string, overrides: Record<string, number>): Kernel {
  return cachedKernelOf(library, { name, file, entry, overrides });
}

const placeholders = new WeakMap<BufferPool, Map<string, Promise<Tensor>>>();

/**
 * A 16-byte tensor for a binding that the chosen overrides never touch (WebGPU still wants every
 * statically used binding bound). 'read' and 'write' are distinct buffers: one buffer may not be
 * bound read-only and writable in the same dispatch.
 */
export function placeholder(pool: BufferPool, access: 'read' | 'write'): Promise<Tensor> {
  let byAccess = placeholders.get(pool);
  if (!byAccess) placeholders.set(pool, (byAccess = new Map()));
  let tensor = byAccess.get(access);
  if (!tensor) {
    tensor = pool.tensor(`placeholder (${access})`, 'f32', [4]);
    byAccess.set(access, tensor);
  }
  return tensor;
}

/** Throws an InputError unless every dimension is a positive integer below 2^31. */
export function checkDims(kernel: string, dims: Record<string, number>): void {
  for (const [name, value] of Object.entries(dims)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value >= 2 ** 31) {
      throw new InputError(`${kernel}: ${name} = ${String(value)} must be a positive integer below 2^31`);
    }
  }
}

/** Throws an InputError unless `value` is a u32 (seeds, steps, calls). */
export function checkU32(kernel: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InputError(`${kernel}: ${name} = ${String(value)} must be an integer in [0, 2^32)`);
  }
}

/**
 * Checks one operand: a LimitError when `bytes` cannot be bound on this device at all, an
 * InputError when the tensor is of the wrong dtype or role, or smaller than `what` needs.
 */
export function checkOperand(
  ctx: OpContext,
  kernel: string,
  operand: string,
  tensor: Tensor | undefined,
  dtypes: readonly DType[],
  bytes: number,
  what: string,
): Tensor {
  const limit = ctx.gpu.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new LimitError(
      `${kernel}: operand ${operand} (${what}) needs ${bytes} bytes, over the device's maxStorageBufferBindingSize of ${limit}; split the product into smaller blocks`,
    );
  }
  if (!tensor || typeof tensor !== 'object' || !('buffer' in tensor)) throw new InputError(`${kernel}: operand ${operand} is missing`);
  if (!dtypes.includes(tensor.dtype)) {
    throw new InputError(`${kernel}: operand ${operand} must be ${dtypes.join(' or ')}; tensor '${tensor.label}' is ${tensor.dtype}`);
  }
  if (tensor.role !== 'storage') throw new InputError(`${kernel}: operand ${operand} must be a storage tensor; '${tensor.label}' is a ${tensor.role} buffer`);
  if (tensor.byteLength < bytes) {
    throw new InputError(`${kernel}: operand ${operand} needs ${what} = ${bytes} bytes; tensor '${tensor.label}' has only ${tensor.byteLength}`);
  }
  return tensor;
}

/** Throws an InputError when an output tensor is also bound as another operand. */
export function checkDistinct(kernel: string, output: string, tensors: Record<string, Tensor | undefined>): void {
  const out = tensors[output];
  for (const [name, t] of Object.entries(tensors)) {
    if (name !== output && t && t === out) throw new InputError(`${kernel}: operand ${output} must not be the same tensor as ${name} ('${t.label}')`);
  }
}

/** Finds a tile config by name (or checks one given whole) against the device's workgroup limits. */
export function resolveConfig(ctx: OpContext, kernel: string, configs: readonly TileConfig[], config: TileConfig | string | undefined): TileConfig {
  const chosen = config === undefined ? configs[0] : typeof config === 'string' ? configs.find((c) => c.name === config) : config;
  if (!chosen) throw new InputError(`${kernel}: unknown tile config '${String(config)}'; known: ${configs.map((c) => c.name).join(', ')}`);
  if ((chosen.tm !== 4 && chosen.tm !== 8) || (chosen.tn !== 4 && chosen.tn !== 8)) {
    throw new InputError(`${kernel}: tile config '${chosen.name}' needs tm and tn of 4 or 8`);
  }
  checkDims(kernel, { wgX: chosen.wgX, wgY: chosen.wgY });
  const limits = ctx.gpu.limits;
  if (chosen.wgX * chosen.wgY > limits.maxComputeInvocationsPerWorkgroup || chosen.wgX > limits.maxComputeWorkgroupSizeX || chosen.wgY > limits.maxComputeWorkgroupSizeY) {
    throw new LimitError(`${kernel}: tile config '${chosen.name}' has a ${chosen.wgX} x ${chosen.wgY} workgroup, over the device's workgroup size limits`);
  }
  return chosen;
}

/** Throws a LimitError when a dispatch grid exceeds maxComputeWorkgroupsPerDimension. */
export function checkGrid(ctx: OpContext, kernel: string, workgroups: readonly number[]): void {
  const max = ctx.gpu.limits.maxComputeWorkgroupsPerDimension;
  workgroups.forEach((n, axis) => {
    if (n > max) throw new LimitError(`${kernel}: needs ${n} workgroups along axis ${axis}, over maxComputeWorkgroupsPerDimension (${max})`);
  });
}

/** The grid of a register-tiled kernel (overrides TM, TN, WG_X, WG_Y): one invocation per TM x TN outputs. */
export function tileWorkgroups(kernel: Kernel, m: number, n: number): [number, number] {
  return [
    Math.ceil(n / (kernel.override('TN') * kernel.override('WG_X'))),
    Math.ceil(m / (kernel.override('TM') * kernel.override('WG_Y'))),
  ];
}
