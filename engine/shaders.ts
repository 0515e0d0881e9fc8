import { InputError } from './errors.js';

/** WGSL files by name ('rng.wgsl' → its text): the kernels and the libraries they include. */
export type ShaderLibrary = Readonly<Record<string, string>>;

const INCLUDE = /^\s*#include\s+"([^"]+)"\s*$/;

/**
 * Expands `#include "name.wgsl"` lines (recursively, each file once) so that shared WGSL such as the
 * Philox generator lives in one file. Line comments at the include point say where code came from.
 */
export function resolveIncludes(name: string, library: ShaderLibrary, seen: Set<string> = new Set()): string {
  const text = library[name];
  if (text === undefined) throw new InputError(`shader '${name}' is not in the shader library`);
  seen.add(name);
  return text
    .split('\n')
    .map((line) => {
      const m = INCLUDE.exec(line);
      if (!m) return line;
      const included = m[1];
      if (seen.has(included)) return `// (${included} already included)`;
      return `// ---- ${included} ----\n${resolveIncludes(included, library, seen)}\n// ---- end ${included} ----`;
    })
    .join('\n');
}

export type BindingKind = 'uniform' | 'storage' | 'read-only-storage';

/** One `var` binding of a kernel, as reflection sees it. */
export interface BindingInfo {
  name: string;
  group: number;
  binding: number;
  kind: BindingKind;
  /** The smallest buffer that can be bound: a struct's size, or one element of a runtime-sized array. */
  minBytes: number;
}

/** Plain data about one compute entry point, derived from its WGSL text alone. */
export interface KernelReflection {
  entry: string;
  /** The bindings this entry point uses: the ones its layout holds and the host must supply. */
  bindings: BindingInfo[];
  /** Every binding the module declares (an entry point may leave some unused). */
  declared: string[];
  overrides: string[];
}
