// Which WebGPU adapter to run on, decided by pure functions over what the drivers offered, so that
// the rules are tested without a GPU. A real GPU wins whenever one is there; SwiftShader (the CPU
// Vulkan driver that ships with Chromium) is the fallback, or what the user asked for.
import { InputError } from './errors.js';

/** 'auto': a hardware adapter when one is found, else SwiftShader. */
export type AdapterPreference = 'auto' | 'hardware' | 'swiftshader';
export const ADAPTER_PREFERENCES: readonly AdapterPreference[] = ['auto', 'hardware', 'swiftshader'];

/** What requestAdapter gave, described. */
export interface AdapterCandidate {
  vendor: string;
  architecture: string;
  description: string;
  /** GPUAdapterInfo.isFallbackAdapter: a CPU implementation (SwiftShader, lavapipe). */
  isFallback: boolean;
}

/** What a search found: the adapter of the drivers the system (or the user's VK_ICD_FILENAMES) offers, and SwiftShader's. */
export interface AdapterSearch {
  /** The best adapter of the system's drivers; null when they offer none. */
  system: AdapterCandidate | null;
  /** SwiftShader's adapter; null when it was not found, undefined when it was not looked for. */
  swiftshader?: AdapterCandidate | null;
  /** The user set VK_ICD_FILENAMES or VK_DRIVER_FILES: their driver list is used as it is, nothing is added. */
  userDrivers: boolean;
}

export type AdapterDecision =
  | { use: 'system' | 'swiftshader'; adapter: AdapterCandidate; fallback: boolean }
  | { error: string };

export const isSwiftShader = (c: AdapterCandidate): boolean => /swiftshader/i.test(`${c.architecture} ${c.description}`);

const name = (c: AdapterCandidate | null | undefined) => (c ? `'${c.description}'` : 'none');

/** Whether SwiftShader must be looked for, once the system's drivers were asked. */
export function needsSwiftShader(preference: AdapterPreference, search: AdapterSearch): boolean {
  if (search.userDrivers) return false;
  if (preference === 'swiftshader') return true;
  return preference === 'auto' && (!search.system || search.system.isFallback);
}

/**
 *   chooseAdapter('auto', { system: null, swiftshader: swiftShaderCandidate, userDrivers: false })
 *   // -> { use: 'swiftshader', fallback: true, ... }
 */
export function chooseAdapter(preference: AdapterPreference, search: AdapterSearch): AdapterDecision {
  const { system, swiftshader } = search;
  const hardware = system && !system.isFallback ? system : null;
  const where = search.userDrivers ? ' (the drivers of VK_ICD_FILENAMES / VK_DRIVER_FILES)' : '';
  switch (preference) {
    case 'hardware':
      if (hardware) return { use: 'system', adapter: hardware, fallback: false };
      return { error: `no hardware GPU adapter found${where}; the drivers offered ${name(system)}. Use --adapter auto (HARMONIUM_ADAPTER=auto) to fall back to SwiftShader` };
    case 'swiftshader':
      if (swiftshader) return { use: 'swiftshader', adapter: swiftshader, fallback: true };
      if (system && isSwiftShader(system)) return { use: 'system', adapter: system, fallback: true };
      return { error: `SwiftShader was asked for but not found${where}; the drivers offered ${name(system)}` };
    case 'auto':
      if (hardware) return { use: 'system', adapter: hardware, fallback: false };
      if (swiftshader) return { use: 'swiftshader', adapter: swiftshader, fallback: true };
      if (system) return { use: 'system', adapter: system, fallback: true };
      return { error: `no WebGPU adapter found${where}` };
  }
}

/** Reads a preference from the environment (HARMONIUM_ADAPTER) or a flag; anything else is named in the error. */
export function parseAdapterPreference(value: string, source: string): AdapterPreference {
  if ((ADAPTER_PREFERENCES as readonly string[]).includes(value)) return value as AdapterPreference;
  throw new InputError(`${source} must be one of ${ADAPTER_PREFERENCES.join(', ')}; got '${value}'`);
}
