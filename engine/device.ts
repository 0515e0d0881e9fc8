import { DeviceLostError, NoAdapterError } from './errors.js';

/** What a result records about the adapter it ran on. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  /** 'node' (Dawn through the `webgpu` package) or 'browser' (navigator.gpu). */
  runtime: 'node' | 'browser';
}

export interface GpuOptions {
  powerPreference?: GPUPowerPreference;
  /** Ask for `timestamp-query` when the adapter has it (default true). */
  timestamps?: boolean;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const INSTALL_HINT =
  'Install a WebGPU-capable Vulkan driver; on Debian `apt-get install -y chromium libvulkan1` provides ' +
  `SwiftShader (${SWIFTSHADER_ICD}), which harmonium finds by itself when VK_ICD_FILENAMES is unset.`;

/**
 * The Dawn instances of open Node devices. Dawn crashes if its instance is garbage-collected while a
 * device lives, so each is held here until its Gpu is closed.
 */
const liveDawnInstances = new Set<object>();

async function nodeGpu(): Promise<{ gpu: GPU; instance: object }> {
  const env = process.env;
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES) {
    const { existsSync } = await import('node:fs');
    if (existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  env.XDG_RUNTIME_DIR ??= '/tmp';
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new NoAdapterError(`the 'webgpu' package could not be loaded (${(e as Error).message}); run npm install. ${INSTALL_HINT}`);
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  return { gpu, instance: gpu };
}

/**
 * An open WebGPU device with the adapter facts results need. One call works in the browser and in Node:
 *
 *   const gpu = await Gpu.open();
 *   console.log(gpu.adapter.description, gpu.hasTimestamps);
 *   ...
 *   gpu.close();
 */
export class Gpu {
  /** Rejects with a DeviceLostError when the device is lost (after close() too, with reason "destroyed"; nobody need await it). */
  readonly lost: Promise<never>;
  private closed = false;

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    readonly hasTimestamps: boolean,
    private dawnInstance: object | null,
  ) {
    this.lost = device.lost.then((info) => {
      throw new DeviceLostError(`WebGPU device lost (${info.reason}): ${info.message}`);
    });
    // Callers that never await `lost` must not see an unhandled rejection after close().
    this.lost.catch(() => undefined);
  }

  static async open(options: GpuOptions = {}): Promise<Gpu> {
    const inBrowser = typeof navigator !== 'undefined' && 'gpu' in navigator && !!navigator.gpu;
    let gpu: GPU;
    let instance: object | null = null;
    if (inBrowser) {
      gpu = navigator.gpu;
    } else if (typeof process !== 'undefined' && process.versions?.node) {
      ({ gpu, instance } = await nodeGpu());
    } else {
      throw new NoAdapterError('navigator.gpu is missing: WebGPU needs a secure context (https or http://127.0.0.1) and a browser with WebGPU enabled.');
    }
    const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    if (!adapter) throw new NoAdapterError(`no WebGPU adapter found. ${INSTALL_HINT}`);
    const wantTimestamps = (options.timestamps ?? true) && adapter.features.has('timestamp-query');
    const requiredFeatures: GPUFeatureName[] = wantTimestamps ? ['timestamp-query'] : [];
    // Ask for the adapter's own storage limits: lattices and matrices are bound whole.
    const requiredLimits: Record<string, number> = {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
    };
    const device = await adapter.requestDevice({ requiredFeatures, requiredLimits, label: 'harmonium' });
    if (instance) liveDawnInstances.add(instance);
    const info = adapter.info;
    const summary: AdapterSummary = {
      vendor: info.vendor || 'unknown',
      architecture: info.architecture || 'unknown',
      description: info.description || `${info.vendor} ${info.architecture}`.trim() || 'unknown',
      runtime: inBrowser ? 'browser' : 'node',
    };
    return new Gpu(device, summary, wantTimestamps, instance);
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Destroys the device and drops every global reference so that Node can exit. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.device.destroy();
    if (this.dawnInstance) {
      const instance = this.dawnInstance;
      this.dawnInstance = null;
      // Dawn may still deliver the device-lost callback; release the instance after it has.
      setTimeout(() => liveDawnInstances.delete(instance), 100);
    }
  }
}
