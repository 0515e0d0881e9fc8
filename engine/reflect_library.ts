// Reflects every compute entry point of the built-in shader library. build.mjs runs this once and
// hands the table to the bundles as the module 'harmonium:reflections', so that the library bundle
// carries plain data instead of the WGSL parser.
import { library } from './library.js';
import { computeEntries, reflectKernel } from './reflect.js';
import { hash, KINDS, type PackedEntry, type PackedStruct, type ReflectionTable } from './reflections.js';
import { resolveIncludes, type KernelReflection, type StructLayout, type StructMember } from './shaders.js';

/** One member as PackedStruct spells it. */
function packMember(m: StructMember): string {
  const scalar = `${m.name} ${m.offset} ${m.type[0]}`;
  return m.length === undefined ? scalar : `${scalar} ${m.length} ${m.stride}`;
}

/** The index of a struct in `structs`, added if no kernel before had it (the table stays small). */
function internStruct(structs: PackedStruct[], s: StructLayout): number {
  if (s.unsupported) throw new Error(`built-in uniform struct ${s.name}: ${s.unsupported}, which the host cannot write`);
  const packed: PackedStruct = [s.name, s.size, s.members.map(packMember).join(',')];
  const key = JSON.stringify(packed);
  const found = structs.findIndex((p) => JSON.stringify(p) === key);
  return found >= 0 ? found : structs.push(packed) - 1;
}

/** Packs an entry point's reflection for the table (engine/reflections.ts unpacks it), adding the layouts of its uniform structs to `structs`. */
function packEntry(r: KernelReflection, structs: PackedStruct[]): PackedEntry {
  const bindings = r.bindings.map((b) => {
    const packed = `${b.name} ${b.group} ${b.binding} ${KINDS.indexOf(b.kind)} ${b.minBytes}`;
    return b.struct ? `${packed} ${internStruct(structs, b.struct)}` : packed;
  });
  const used = new Set(r.bindings.map((b) => b.name));
  return [bindings.join(','), r.declared.filter((name) => !used.has(name))];
}

export async function reflectLibrary(): Promise<ReflectionTable> {
  const table: ReflectionTable = { files: {}, structs: [] };
  for (const file of Object.keys(library)) {
    const source = await resolveIncludes(file, library);
    const reflections = computeEntries(source).map((entry) => reflectKernel(source, entry));
    if (reflections.length) {
      table.files[file] = [hash(source), reflections[0].overrides, Object.fromEntries(reflections.map((r) => [r.entry, packEntry(r, table.structs)]))];
    }
  }
  return table;
}
