import { WgslReflect } from 'wgsl_reflect';
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

/** Reflects one compute entry point. Pure: WGSL text in, plain typed data out. */
export function reflectKernel(source: string, entry: string): KernelReflection {
  const reflect = new WgslReflect(source);
  const compute = reflect.entry.compute.find((e) => e.name === entry);
  if (!compute) throw new InputError(`WGSL has no @compute entry point '${entry}'`);
  const used = new Set(compute.resources.map((r) => r.name));
  const declared: string[] = [];
  const bindings: BindingInfo[] = [];
  reflect.getBindGroups().forEach((group, groupIndex) => {
    for (const v of group ?? []) {
      if (!v) continue;
      declared.push(v.name);
      if (!used.has(v.name)) continue;
      const isUniform = v.resourceType === 0;
      const isStorage = v.resourceType === 1;
      if (!isUniform && !isStorage) throw new InputError(`binding '${v.name}': only buffer bindings are supported`);
      const type = v.type as { size: number; stride?: number };
      bindings.push({
        name: v.name,
        group: groupIndex,
        binding: v.binding,
        kind: isUniform ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage',
        minBytes: Math.max(type.size, type.stride ?? 0, 4),
      });
    }
  });
  return { entry, bindings, declared, overrides: reflect.overrides.map((o) => o.name) };
}
