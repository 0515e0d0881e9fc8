// Kernel reflection without the WGSL parser at run time: the built-in kernels were reflected at build
// time (build.mjs, engine/reflect_library.ts) into the table 'harmonium:reflections', by file and entry
// point, so that a built-in kernel's reflection is known before its WGSL text is loaded; a kernel of
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
export function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x27d4eb2d) >>> 0;
  }
  return `${a.toString(16)}${b.toString(16)}-${text.length}`;
}

/** One entry of the build-time table: the hash of the include-resolved source it was reflected from, and the reflection. */
export type BuiltinReflection = [sourceHash: string, reflection: PackedReflection];

/** The key of one entry point of one built-in file in the build-time table. */
export const reflectionKey = (file: string, entry: string): string => `${entry}@${file}`;

/** The build-time reflection of a built-in file's entry point, and the hash of the source it holds for; undefined if there is none. */
export function builtinReflection(file: string, entry: string): { reflection: KernelReflection; sourceHash: string } | undefined {
  const found = (builtins as Readonly<Record<string, BuiltinReflection>>)[reflectionKey(file, entry)];
  return found && { sourceHash: found[0], reflection: unpackReflection(found[1]) };
}

/** The parser's reflection of an entry point; loadReflector() must have run. */
export function parseReflection(source: string, entry: string): KernelReflection {
  if (!reflector) throw new Error('parseReflection: the WGSL parser is not loaded (await loadReflector() first)');
  return reflector(source, entry);
}

/** Loads the WGSL parser (once), for kernels that are not in the built-in library. */
export async function loadReflector(): Promise<void> {
  reflector ??= (await import('./reflect.js')).reflectKernel;
}
