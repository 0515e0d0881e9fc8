// Kernel reflection without the WGSL parser at run time: the built-in kernels were reflected at build
// time (build.mjs, engine/reflect_library.ts) into the table 'harmonium:reflections', by file and entry
// point, so that a built-in kernel's reflection is known before its WGSL text is loaded; a kernel of
// one's own is reflected by the parser, loaded on demand (`await loadReflector()`, which the async
// `defineKernel` does).
import reflections from 'harmonium:reflections';
import type { BindingInfo, BindingKind, KernelReflection, ScalarType, StructLayout, StructMember } from './shaders.js';

export const KINDS: readonly BindingKind[] = ['uniform', 'storage', 'read-only-storage'];

/**
 * A uniform struct's layout as the build stores it, kernels that bind the same struct sharing one:
 * its members, `name offset type[ length stride]` each (the type as WGSL's suffix: u, i, f),
 * e.g. 'rows 0 u,alpha 4 f,thr 16 u 12 4'. The table ships in the bundle, so it is terse.
 */
export type PackedStruct = [name: string, size: number, members: string];

/**
 * An entry point's reflection as the build stores it (engine/reflect_library.ts packs it): its
 * bindings, `name group binding kind minBytes[ struct]` each (kind: an index of KINDS; struct: an
 * index of the table's structs), e.g. 'params 0 0 0 16 3,out 0 1 1 4'; and of the declared bindings
 * those it does not use (the others are its bindings).
 */
export type PackedEntry = [bindings: string, unused: string[]];

/** A built-in file: the hash of its include-resolved source (the source its reflections hold for), its override constants (the module's, so every entry point's) and its entry points. */
export type PackedFile = [sourceHash: string, overrides: string[], entries: Record<string, PackedEntry>];

/** The build-time table: each built-in file, and the uniform struct layouts its entry points refer to by index, each once. */
export interface ReflectionTable {
  files: Record<string, PackedFile>;
  structs: PackedStruct[];
}

const table = reflections as ReflectionTable;

/** The items of a packed list ('a 1 2,b 3 4'), each split into its words. */
const items = (packed: string): string[][] => (packed ? packed.split(',').map((item) => item.split(' ')) : []);

function unpackStruct([name, size, members]: PackedStruct): StructLayout {
  return {
    name,
    size,
    members: items(members).map(([member, offset, type, length, stride]): StructMember => {
      const scalar: StructMember = { name: member, offset: Number(offset), type: `${type}32` as ScalarType };
      return length === undefined ? scalar : { ...scalar, length: Number(length), stride: Number(stride) };
    }),
  };
}

function unpackReflection(entry: string, [packed, unused]: PackedEntry, overrides: string[]): KernelReflection {
  const bindings = items(packed).map(([name, ...numbers]): BindingInfo => {
    const [group, binding, kind, minBytes, struct] = numbers.map(Number);
    const info: BindingInfo = { name, group, binding, kind: KINDS[kind], minBytes };
    return struct === undefined ? info : { ...info, struct: unpackStruct(table.structs[struct]) };
  });
  return { entry, bindings, declared: [...bindings.map((b) => b.name), ...unused], overrides };
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

/** The build-time reflection of a built-in file's entry point, and the hash of the source it holds for; undefined if there is none. */
export function builtinReflection(file: string, entry: string): { reflection: KernelReflection; sourceHash: string } | undefined {
  const found = table.files[file];
  const packed = found?.[2][entry];
  return packed && { sourceHash: found[0], reflection: unpackReflection(entry, packed, found[1]) };
}

/**
 * The layout of a built-in uniform struct by name, for host code that writes one before any kernel
 * binds it (a Schedule). The build keeps one copy of each distinct layout, so one layout under the
 * name means every built-in kernel that binds the struct lays it out the same way.
 */
export function builtinStruct(name: string): StructLayout {
  const found = table.structs.filter((s) => s[0] === name);
  if (found.length !== 1) throw new Error(`the built-in kernels declare ${found.length} layouts of struct ${name}, not one`);
  return unpackStruct(found[0]);
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
