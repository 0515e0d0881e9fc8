// Reflection with the WGSL parser (wgsl_reflect): the bulk of the engine's code size, so it is loaded
// only when a kernel outside the built-in library is defined (engine/reflections.ts), and at build
// time to reflect the built-in kernels (engine/reflect_library.ts).
import { WgslReflect } from 'wgsl_reflect';
import { InputError } from './errors.js';
import type { BindingInfo, KernelReflection } from './shaders.js';

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

/** The names of a source's compute entry points. */
export function computeEntries(source: string): string[] {
  return new WgslReflect(source).entry.compute.map((e) => e.name);
}
