import { chooseAdapter, isSwiftShader, needsSwiftShader, parseAdapterPreference, type AdapterCandidate, type AdapterPreference, type AdapterSearch } from './adapter.js';
import { DeviceLostError, NoAdapterError } from './errors.js';

/** What a result records about the adapter it ran on. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  /** 'node' (Dawn through the `webgpu` package) or 'browser' (navigator.gpu). */
  runtime: 'node' | 'browser';
  /** A CPU fallback (SwiftShader) rather than a hardware GPU. */
  fallback: boolean;
}

export interface GpuOptions {
  powerPreference?: GPUPowerPreference;
  /**
   * 'auto' (default): a hardware GPU when the drivers offer one, else SwiftShader; 'hardware': fail
   * without a GPU; 'swiftshader': the CPU emulator. In Node the default comes from HARMONIUM_ADAPTER.
   */
  adapter?: AdapterPreference;
  /** Ask for `timestamp-query` when the adapter has it (default true). */
  timestamps?: boolean;
  /**
   * Ask for `subgroups` when the adapter has them with at least 4 lanes (default true): the f32 GEMM
   * then shares rows of A through the subgroup (shaders/gemm_f32_subgroup.wgsl; the same results bit
   * for bit). false keeps every kernel to core WGSL.
   */
  subgroups?: boolean;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const INSTALL_HINT =
  'Install a WebGPU-capable Vulkan driver; on Debian `apt-get install -y chromium libvulkan1` provides ' +
  `SwiftShader (${SWIFTSHADER_ICD}), which harmonium falls back to by itself when no GPU is found.`;

const HARDWARE_HINT = "A GPU needs its vendor's Vulkan driver and the Vulkan loader (libvulkan1); `vulkaninfo --summary` lists what Vulkan sees.";

/**
 * The Dawn instances of open Node devices. Dawn crashes if its instance is garbage-collected while a
 * device lives, so each is held here until its Gpu is closed.
 */
const liveDawnInstances = new Set<object>();

type Dawn = typeof import('webgpu');

async function loadDawn(): Promise<Dawn> {
  try {
    return await import('webgpu');
  } catch (e) {
    throw new NoAdapterError(`the 'webgpu' package (Dawn for Node) could not be loaded (${(e as Error).message}); install it with npm install webgpu. ${INSTALL_HINT}`);
  }
}

function describe(adapter: GPUAdapter): AdapterCandidate {
  const info = adapter.info;
  const described = {
    vendor: info.vendor || 'unknown',
    architecture: info.architecture || 'unknown',
    description: info.description || `${info.vendor} ${info.architecture}`.trim() || 'unknown',
  };
  // isFallbackAdapter is recent (Dawn has it; older browsers do not): SwiftShader is a fallback in any case.
  const flagged = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return { ...described, isFallback: flagged ?? isSwiftShader({ ...described, isFallback: true }) };
}

/**
 * Runs `body` with some environment variables set, then puts the environment back as it was. The
 * Vulkan loader reads its driver list when Dawn creates its Vulkan instance (in requestAdapter), so
 * the variables need to live only that long: the user's process keeps its own environment.
 */
async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const env = process.env;
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, env[k]]));
  Object.assign(env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  }
}

/**
 * In Node: asks the system's Vulkan drivers (or the user's VK_ICD_FILENAMES) for an adapter, and
 * SwiftShader's driver only when the preference needs it (chooseAdapter says which one wins).
 */
async function nodeAdapter(preference: AdapterPreference, powerPreference: GPUPowerPreference): Promise<{ adapter: GPUAdapter; instance: object; fallback: boolean }> {
  const dawn = await loadDawn();
  const env = process.env;
  // Mesa's and NVIDIA's drivers print a warning without it; only set when the user has none.
  const runtimeDir: Record<string, string> = env.XDG_RUNTIME_DIR ? {} : { XDG_RUNTIME_DIR: '/tmp' };
  const request = (vars: Record<string, string>, force: boolean) =>
    withEnv({ ...runtimeDir, ...vars }, async () => {
      const instance = dawn.create([]);
      const adapter = await instance.requestAdapter({ powerPreference, forceFallbackAdapter: force });
      return adapter ? { adapter, instance } : null;
    });
  const userDrivers = !!(env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES);
  // Without a driver manifest in the loader's folders there is nothing to ask (and Dawn would print
  // "Found no drivers!"): a machine with no GPU goes straight to SwiftShader.
  const askSystem = userDrivers || (preference !== 'swiftshader' && (await hasVulkanDrivers(env)));
  const system = askSystem ? await request({}, preference === 'swiftshader') : null;
  const search: AdapterSearch = { system: system && describe(system.adapter), userDrivers };
  let swiftshader: { adapter: GPUAdapter; instance: object } | null = null;
  if (needsSwiftShader(preference, search)) {
    const { existsSync } = await import('node:fs');
    swiftshader = existsSync(SWIFTSHADER_ICD) ? await request({ VK_ICD_FILENAMES: SWIFTSHADER_ICD }, true) : null;
    search.swiftshader = swiftshader && describe(swiftshader.adapter);
  }
  const decision = chooseAdapter(preference, search);
  if ('error' in decision) throw new NoAdapterError(`${decision.error}. ${preference === 'hardware' ? HARDWARE_HINT : INSTALL_HINT}`);
  const chosen = decision.use === 'system' ? system! : swiftshader!;
  return { ...chosen, fallback: decision.fallback };
}

/**
 * Whether the Vulkan loader would find any driver manifest (an ICD .json) in its standard folders:
 * /etc, /usr/local/share, /usr/share and the XDG config and data folders, each + vulkan/icd.d.
 */
async function hasVulkanDrivers(env: NodeJS.ProcessEnv): Promise<boolean> {
  const { readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const home = env.HOME ?? '';
  const dirs = [
    ...(env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':'),
    env.XDG_CONFIG_HOME ?? join(home, '.config'),
    '/etc',
    ...(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':'),
    env.XDG_DATA_HOME ?? join(home, '.local/share'),
    '/usr/local/share',
    '/usr/share',
  ];
  return dirs.some((d) => {
    try {
      return readdirSync(join(d, 'vulkan', 'icd.d')).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

async function browserAdapter(preference: AdapterPreference, powerPreference: GPUPowerPreference): Promise<{ adapter: GPUAdapter; fallback: boolean }> {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference, forceFallbackAdapter: preference === 'swiftshader' });
  const found = adapter && describe(adapter);
  const decision = chooseAdapter(preference, { system: found, userDrivers: false });
  if ('error' in decision) throw new NoAdapterError(`this browser: ${decision.error}`);
  return { adapter: adapter!, fallback: decision.fallback };
}

/** Whether the adapter says its subgroups have at least `lanes` lanes (WebGPU promises 4; an adapter that does not say is trusted to it). */
function subgroupLanesAtLeast(adapter: GPUAdapter, lanes: number): boolean {
  return (adapter.info?.subgroupMinSize ?? lanes) >= lanes;
}

function defaultPreference(): AdapterPreference {
  const fromEnv = typeof process !== 'undefined' ? process.env?.HARMONIUM_ADAPTER : undefined;
  return fromEnv ? parseAdapterPreference(fromEnv, 'HARMONIUM_ADAPTER') : 'auto';
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
    /** The device has the `subgroups` feature (GpuOptions.subgroups), with at least 4 lanes per subgroup. */
    readonly hasSubgroups: boolean,
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
    const preference = options.adapter ?? defaultPreference();
    const powerPreference = options.powerPreference ?? 'high-performance';
    let found: { adapter: GPUAdapter; fallback: boolean; instance?: object };
    if (inBrowser) {
      found = await browserAdapter(preference, powerPreference);
    } else if (typeof process !== 'undefined' && process.versions?.node) {
      found = await nodeAdapter(preference, powerPreference);
    } else {
      throw new NoAdapterError('navigator.gpu is missing: WebGPU needs a secure context (https or http://127.0.0.1) and a browser with WebGPU enabled.');
    }
    const { adapter } = found;
    const instance = found.instance ?? null;
    const wantTimestamps = (options.timestamps ?? true) && adapter.features.has('timestamp-query');
    const wantSubgroups = (options.subgroups ?? true) && adapter.features.has('subgroups') && subgroupLanesAtLeast(adapter, 4);
    const requiredFeatures: GPUFeatureName[] = [];
    if (wantTimestamps) requiredFeatures.push('timestamp-query');
    if (wantSubgroups) requiredFeatures.push('subgroups');
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
    const { isFallback: _, ...described } = describe(adapter);
    const summary: AdapterSummary = { ...described, runtime: inBrowser ? 'browser' : 'node', fallback: found.fallback };
    return new Gpu(device, summary, wantTimestamps, wantSubgroups, instance);
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
