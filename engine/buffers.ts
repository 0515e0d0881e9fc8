import type { Gpu } from './device.js';
import { InputError, LimitError } from './errors.js';
import { scoped } from './scopes.js';

/** Element types. `bits` packs 32 ±1 values per u32 word along the last dimension. */
export type DType = 'f32' | 'u32' | 'i32' | 'bits';

/** Bytes a tensor of this dtype and shape occupies. */
export function byteLengthOf(dtype: DType, shape: readonly number[]): number {
  if (dtype === 'bits') {
    const cols = shape[shape.length - 1] ?? 1;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return rows * Math.ceil(cols / 32) * 4;
  }
  return shape.reduce((a, b) => a * b, 1) * 4;
}

export type TensorRole = 'storage' | 'uniform';

/**
 * What a kernel binding holds: a whole Tensor, or a TensorView of part of one. Bind groups bind
 * `byteLength` bytes of `buffer` from `byteOffset`; once `released`, the buffer may belong to
 * another tensor, so nothing binds it.
 */
export interface Binding {
  readonly pool: BufferPool;
  readonly released: boolean;
  readonly buffer: GPUBuffer;
  readonly label: string;
  readonly dtype: DType;
  readonly role: TensorRole;
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** A GPU buffer with a dtype and a shape. Made by a BufferPool; `release()` gives it back. */
export class Tensor implements Binding {
  readonly byteOffset = 0;
  private isReleased = false;

  constructor(
    readonly pool: BufferPool,
    readonly buffer: GPUBuffer,
    readonly label: string,
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly role: TensorRole,
    readonly byteLength: number,
  ) {}

  /**
   * `byteLength` bytes of this tensor from `byteOffset`, bound in its place (a block of rows of a
   * matrix too large for one binding). The offset must be a multiple of the device's
   * minStorageBufferOffsetAlignment (minUniformBufferOffsetAlignment for uniforms), usually 256.
   *
   *   graph.add(kernel, { c: c.view(rows0 * n * 4, rows * n * 4) }, grid);
   */
  view(byteOffset: number, byteLength: number): TensorView {
    const limits = this.pool.gpu.limits;
    const [alignment, alignmentName] =
      this.role === 'uniform'
        ? [limits.minUniformBufferOffsetAlignment, 'minUniformBufferOffsetAlignment']
        : [limits.minStorageBufferOffsetAlignment, 'minStorageBufferOffsetAlignment'];
    const where = `${this.label}: a view of ${byteLength} bytes at byte offset ${byteOffset}`;
    if (!Number.isInteger(byteOffset) || !Number.isInteger(byteLength) || byteOffset < 0 || byteLength <= 0) {
      throw new InputError(`${where} needs a non-negative integer offset and a positive integer length`);
    }
    if (byteOffset + byteLength > this.byteLength) throw new InputError(`${where} overruns the tensor's ${this.byteLength} bytes`);
    // WebGPU binds buffers in 4-byte units.
    if (byteLength % 4) throw new InputError(`${where}: the length must be a multiple of 4 bytes`);
    if (byteOffset % alignment) {
      throw new LimitError(`${where}: the offset must be a multiple of the device's ${alignmentName} (${alignment} bytes)`);
    }
    return new TensorView(this, byteOffset, byteLength);
  }

  /** Copies the contents back to the host. */
  read(): Promise<ArrayBuffer> {
    return this.pool.read(this);
  }

  write(data: ArrayBufferView, byteOffset = 0): Promise<void> {
    return this.pool.write(this, data, byteOffset);
  }

  /** Set by release(): the buffer may already belong to another tensor. */
  get released(): boolean {
    return this.isReleased;
  }

  release(): void {
    this.pool.release(this);
    this.isReleased = true;
  }
}

/** Part of a tensor, bound in its place; made by `tensor.view(byteOffset, byteLength)`. */
export class TensorView implements Binding {
  constructor(
    readonly tensor: Tensor,
    readonly byteOffset: number,
    readonly byteLength: number,
  ) {}

  get pool(): BufferPool {
    return this.tensor.pool;
  }
  get buffer(): GPUBuffer {
    return this.tensor.buffer;
  }
  get label(): string {
    return `${this.tensor.label} [bytes ${this.byteOffset}..${this.byteOffset + this.byteLength})`;
  }
  get dtype(): DType {
    return this.tensor.dtype;
  }
  get role(): TensorRole {
    return this.tensor.role;
  }
  get released(): boolean {
    return this.tensor.released;
  }
}

/** The most bytes one binding may hold, with the limit's name for error messages. */
export interface BindingLimit {
  bytes: number;
  name: string;
}

export interface BufferPoolOptions {
  /**
   * A storage binding limit below the device's maxStorageBufferBindingSize. It exists for tests: on
   * SwiftShader the binding limit equals maxBufferSize (1 GiB), so a tensor that exists but cannot be
   * bound whole (the case ops split into blocks) is out of reach without it.
   */
  maxBindingBytes?: number;
}

const USAGE: Record<TensorRole, number> = {
  storage: 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08 /* COPY_DST */,
  uniform: 0x40 /* UNIFORM */ | 0x08 /* COPY_DST */,
};
const MAP_READ_STAGING = 0x01 /* MAP_READ */ | 0x08 /* COPY_DST */;

// WebGPU copies and bindings work in 4-byte units; round to 256 so that near sizes share a pool slot.
const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * The buffer manager: checks every allocation against the device limits, reuses released buffers of
 * the same size class, uploads and reads back through staging buffers, and counts live bytes.
 *
 *   const pool = new BufferPool(gpu);
 *   const x = await pool.tensor('x', 'f32', [1024], { data: new Float32Array(1024) });
 *   const host = new Float32Array(await x.read());
 *   x.release();
 */
export class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  private _liveBytes = 0;
  private _pooledBytes = 0;

  private readonly maxBindingBytes: number | undefined;

  constructor(
    readonly gpu: Gpu,
    options: BufferPoolOptions = {},
  ) {
    const max = options.maxBindingBytes;
    if (max !== undefined && (!Number.isInteger(max) || max < 4 || max % 4)) {
      throw new InputError(`BufferPool: maxBindingBytes = ${String(max)} must be a positive multiple of 4`);
    }
    this.maxBindingBytes = max;
  }

  /**
   * The most bytes one binding of a tensor of this pool may hold: the device's limit, or the pool's
   * lower maxBindingBytes for storage. Kernels' binding checks and the ops' block planning read it here.
   */
  bindingLimit(role: TensorRole = 'storage'): BindingLimit {
    const limits = this.gpu.limits;
    if (role === 'uniform') return { bytes: limits.maxUniformBufferBindingSize, name: "the device's maxUniformBufferBindingSize" };
    const device = limits.maxStorageBufferBindingSize;
    if (this.maxBindingBytes !== undefined && this.maxBindingBytes < device) return { bytes: this.maxBindingBytes, name: "the pool's maxBindingBytes" };
    return { bytes: device, name: "the device's maxStorageBufferBindingSize" };
  }

  get liveBytes(): number {
    return this._liveBytes;
  }
  get pooledBytes(): number {
    return this._pooledBytes;
  }

  /** Allocates (or reuses) a tensor; `data`, when given, is uploaded into it. */
  async tensor(
    label: string,
    dtype: DType,
    shape: readonly number[],
    options: { role?: TensorRole; data?: ArrayBufferView } = {},
  ): Promise<Tensor> {
    for (const d of shape) {
      if (!Number.isInteger(d) || d <= 0) throw new InputError(`${label}: shape [${shape.join(', ')}] must be positive integers`);
    }
    const role = options.role ?? 'storage';
    const byteLength = byteLengthOf(dtype, shape);
    this.checkLimits(label, byteLength, role);
    const size = roundUp(byteLength, 256);
    const key = `${role}:${size}`;
    let buffer = this.free.get(key)?.pop();
    if (buffer) {
      this._pooledBytes -= size;
      buffer.label = label;
    } else {
      const device = this.gpu.device;
      buffer = await scoped(device, `buffer '${label}'`, () => device.createBuffer({ label, size, usage: USAGE[role] }));
    }
    this._liveBytes += size;
    const tensor = new Tensor(this, buffer, label, dtype, shape, role, byteLength);
    // A new tensor reads as zeros beyond its data, even when its buffer is a reused one.
    if (!options.data || options.data.byteLength < byteLength) await this.zero(tensor);
    if (options.data) await tensor.write(options.data);
    return tensor;
  }

  /** A uniform buffer holding `data` (a typed array laid out as the WGSL struct). */
  uniform(label: string, data: Uint32Array | Float32Array | Int32Array): Promise<Tensor> {
    return this.tensor(label, 'u32', [data.length], { role: 'uniform', data });
  }

  /**
   * Throws a LimitError naming the tensor and the limit when a buffer of this size cannot exist. A
   * storage tensor may exceed the binding limit (it is then bound in views, checked when bound); a
   * uniform is always bound whole, so it must fit one binding.
   */
  checkLimits(label: string, byteLength: number, role: TensorRole): void {
    const limits = this.gpu.limits;
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    if (byteLength > limits.maxBufferSize) {
      throw new LimitError(`${label}: ${mib(byteLength)} exceeds the device's maxBufferSize of ${mib(limits.maxBufferSize)}`);
    }
    const bind = this.bindingLimit(role);
    if (role === 'uniform' && byteLength > bind.bytes) throw new LimitError(`${label}: ${mib(byteLength)} exceeds ${bind.name} of ${mib(bind.bytes)}`);
  }

  async write(tensor: Tensor, data: ArrayBufferView, byteOffset = 0): Promise<void> {
    this.checkLive(tensor, 'write');
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4) {
      throw new InputError(`${tensor.label}: a write's byte offset must be a non-negative multiple of 4, got ${byteOffset}`);
    }
    if (byteOffset + data.byteLength > tensor.byteLength) {
      throw new InputError(`${tensor.label}: writing ${data.byteLength} bytes at offset ${byteOffset} overruns its ${tensor.byteLength} bytes`);
    }
    const device = this.gpu.device;
    // writeBuffer needs a multiple of 4 bytes.
    const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    const padded = bytes.byteLength % 4 ? new Uint8Array(roundUp(bytes.byteLength, 4)) : bytes;
    if (padded !== bytes) padded.set(bytes);
    await scoped(device, `write '${tensor.label}'`, () => device.queue.writeBuffer(tensor.buffer, byteOffset, padded));
  }

  async zero(tensor: Tensor): Promise<void> {
    const device = this.gpu.device;
    await scoped(device, `clear '${tensor.label}'`, () => {
      const encoder = device.createCommandEncoder({ label: `clear ${tensor.label}` });
      encoder.clearBuffer(tensor.buffer);
      device.queue.submit([encoder.finish()]);
    });
  }

  /** Reads `byteLength` bytes (default: the tensor's) back through a staging buffer. */
  async read(tensor: Tensor, byteLength = tensor.byteLength): Promise<ArrayBuffer> {
    this.checkLive(tensor, 'read');
    const device = this.gpu.device;
    const size = roundUp(byteLength, 4);
    const label = `readback '${tensor.label}'`;
    const staging = await scoped(device, label, () => device.createBuffer({ label: `staging ${tensor.label}`, size, usage: MAP_READ_STAGING }));
    try {
      await scoped(device, label, () => {
        const encoder = device.createCommandEncoder({ label: `readback ${tensor.label}` });
        encoder.copyBufferToBuffer(tensor.buffer, 0, staging, 0, size);
        device.queue.submit([encoder.finish()]);
      });
      await scoped(device, label, () => staging.mapAsync(0x0001 /* GPUMapMode.READ */));
      return staging.getMappedRange().slice(0, byteLength);
    } finally {
      staging.destroy();
    }
  }

  private checkLive(tensor: Tensor, use: string): void {
    if (tensor.released) throw new InputError(`${tensor.label}: ${use} after release()`);
  }

  /**
   * Returns a tensor's buffer to the pool for reuse; called by `tensor.release()`, which marks the
   * tensor. Releasing twice is an error (two tensors would share a buffer).
   * @internal
   */
  release(tensor: Tensor): void {
    if (tensor.released) throw new InputError(`${tensor.label}: released twice`);
    const size = tensor.buffer.size;
    const key = `${tensor.role}:${size}`;
    const list = this.free.get(key) ?? [];
    list.push(tensor.buffer);
    this.free.set(key, list);
    this._liveBytes -= size;
    this._pooledBytes += size;
  }

  /** Destroys every pooled (released) buffer. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this._pooledBytes = 0;
  }
}
