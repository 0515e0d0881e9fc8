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

/** A GPU buffer with a dtype and a shape. Made by a BufferPool; `release()` gives it back. */
export class Tensor {
  constructor(
    readonly pool: BufferPool,
    readonly buffer: GPUBuffer,
    readonly label: string,
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly role: TensorRole,
    readonly byteLength: number,
  ) {}

  /** Copies the contents back to the host. */
  read(): Promise<ArrayBuffer> {
    return this.pool.read(this);
  }

  write(data: ArrayBufferView, byteOffset = 0): Promise<void> {
    return this.pool.write(this, data, byteOffset);
  }

  release(): void {
    this.pool.release(this);
  }
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

  constructor(readonly gpu: Gpu) {}

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
    if (options.data) await tensor.write(options.data);
    else if (role === 'storage') await this.zero(tensor);
    return tensor;
  }

  /** A uniform buffer holding `data` (a typed array laid out as the WGSL struct). */
  uniform(label: string, data: Uint32Array | Float32Array | Int32Array): Promise<Tensor> {
    return this.tensor(label, 'u32', [data.length], { role: 'uniform', data });
  }

  /** Throws a LimitError naming the tensor and the limit when a buffer of this size cannot exist or be bound. */
  checkLimits(label: string, byteLength: number, role: TensorRole): void {
    const limits = this.gpu.limits;
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    if (byteLength > limits.maxBufferSize) {
      throw new LimitError(`${label}: ${mib(byteLength)} exceeds the device's maxBufferSize of ${mib(limits.maxBufferSize)}`);
    }
    const bindLimit = role === 'uniform' ? limits.maxUniformBufferBindingSize : limits.maxStorageBufferBindingSize;
    const limitName = role === 'uniform' ? 'maxUniformBufferBindingSize' : 'maxStorageBufferBindingSize';
    if (byteLength > bindLimit) {
      throw new LimitError(`${label}: ${mib(byteLength)} exceeds the device's ${limitName} of ${mib(bindLimit)}`);
    }
  }

  async write(tensor: Tensor, data: ArrayBufferView, byteOffset = 0): Promise<void> {
    if (byteOffset + data.byteLength > tensor.buffer.size) {
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
    const device = this.gpu.device;
    const size = roundUp(byteLength, 4);
    const staging = await scoped(device, `readback '${tensor.label}'`, () => {
      const staging = device.createBuffer({ label: `staging ${tensor.label}`, size, usage: MAP_READ_STAGING });
      const encoder = device.createCommandEncoder({ label: `readback ${tensor.label}` });
      encoder.copyBufferToBuffer(tensor.buffer, 0, staging, 0, size);
      device.queue.submit([encoder.finish()]);
      return staging;
    });
    try {
      await scoped(device, `readback '${tensor.label}'`, () => staging.mapAsync(0x0001 /* GPUMapMode.READ */));
      return staging.getMappedRange().slice(0, byteLength);
    } finally {
      staging.destroy();
    }
  }

  /** Returns the tensor's buffer to the pool for reuse. */
  release(tensor: Tensor): void {
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
