// Kernel reflection without the WGSL parser at run time: the built-in kernels were reflected at build
// time (build.mjs, engine/reflect_library.ts) into the table 'harmonium:reflections'; a kernel of
// one's own is reflected by the parser, loaded on demand (`await loadReflector()`, which the async
// `defineKernel` does).
import builtins from 'harmonium:reflections';
import type { BindingKind, KernelReflection } from './shaders.js';

const KINDS: readonly BindingKind[] = ['uniform', 'storage', 'read-only-storage'];

/** A reflection as the build stores it: arrays, not objects, since the table ships in the bundle. */
export type PackedReflection = [entry: string, bindings: Array<[name: string, group: number, binding: number, kind: number, minBytes: number]>, declared: string[], overrides: string[]];

export function packReflection(r: KernelReflection): PackedReflection {
  return [r.entry, r.bindings.map((b) => [b.name, b.group, b.binding, KINDS.indexOf(b.kind), b.minBytes]), r.declared, r.overrides];
}

function unpackReflection([entry, bindings, declared, overrides]: PackedReflection): KernelReflection {
  return {
    entry,
    bindings: bindings.map(([name, group, binding, kind, minBytes]) => ({ name, group, binding, kind: KINDS[kind], minBytes })),
    declared,
    overrides,
  };
}

let reflector: ((source: string, entry: string) => KernelReflection) | null = null;

/** Two 32-bit multiplicative hashes (FNV-1a and one with another prime) and the length: a key that cannot collide in practice. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x27d4eb2d) >>> 0;
  }
  return `${a.toString(16)}${b.toString(16)}-${text.length}`;
}

/** The key of one entry point of one (include-resolved) source in the build-time table. */
export const reflectionKey = (source: string, entry: string): string => `${entry}@${hash(source)}`;

/** The reflection of an entry point: from the build-time table, else from the parser if it was loaded; undefined otherwise. */
export function lookupReflection(source: string, entry: string): KernelReflection | undefined {
  const packed = (builtins as Readonly<Record<string, PackedReflection>>)[reflectionKey(source, entry)];
  return packed ? unpackReflection(packed) : reflector?.(source, entry);
}

/** Loads the WGSL parser (once), for kernels that are not in the built-in library. */
export async function loadReflector(): Promise<void> {
  reflector ??= (await import('./reflect.js')).reflectKernel;
}
