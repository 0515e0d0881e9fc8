// Reflection with the WGSL parser (wgsl_reflect): the bulk of the engine's code size, so it is loaded
// only when a kernel outside the built-in library is defined (engine/reflections.ts), and at build
// time to reflect the built-in kernels (engine/reflect_library.ts).
import { WgslReflect, type ArrayInfo, type StructInfo, type TemplateInfo, type TypeInfo } from 'wgsl_reflect';
import { InputError } from './errors.js';
import type { BindingInfo, KernelReflection, ScalarType, StructLayout, StructMember } from './shaders.js';

/** Reflects one compute entry point. Pure: WGSL text in, plain typed data out. */
export function reflectKernel(source: string, entry: string): KernelReflection {
  const reflect = new WgslReflect(source);
  const compute = reflect.entry.compute.find((e) => e.name === entry);
  if (!compute) throw new InputError(`WGSL has no @compute entry point '${entry}'`);
  const used = new Set(compute.resources.map((r) => r.name));
  const unused: string[] = [];
  const bindings: BindingInfo[] = [];
  reflect.getBindGroups().forEach((group, groupIndex) => {
    for (const v of group ?? []) {
      if (!v) continue;
      if (!used.has(v.name)) {
        unused.push(v.name);
        continue;
      }
      const isUniform = v.resourceType === 0;
      const isStorage = v.resourceType === 1;
      if (!isUniform && !isStorage) throw new InputError(`binding '${v.name}': only buffer bindings are supported`);
      const type = v.type as { size: number; stride?: number };
      const struct = isUniform && v.type.isStruct ? structLayout(v.type as StructInfo) : undefined;
      bindings.push({
        name: v.name,
        group: groupIndex,
        binding: v.binding,
        kind: isUniform ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage',
        minBytes: Math.max(type.size, type.stride ?? 0, 4),
        ...(struct && { struct }),
      });
    }
  });
  return { entry, bindings, declared: [...bindings.map((b) => b.name), ...unused], overrides: reflect.overrides.map((o) => o.name) };
}

const SCALARS: readonly string[] = ['u32', 'i32', 'f32'] satisfies ScalarType[];
const SHORT_VECTOR = /^vec([234])([uif])$/;

/** A scalar or vector type as its scalar type and width; null for any other type. */
function scalarsOf(type: TypeInfo): { type: ScalarType; width: number } | null {
  if (SCALARS.includes(type.name)) return { type: type.name as ScalarType, width: 1 };
  const short = SHORT_VECTOR.exec(type.name);
  if (short) return { type: `${short[2]}32` as ScalarType, width: Number(short[1]) };
  const format = (type as TemplateInfo).format?.name;
  const long = /^vec([234])$/.exec(type.name);
  return long && format && SCALARS.includes(format) ? { type: format as ScalarType, width: Number(long[1]) } : null;
}

/**
 * A member as the host writes it: a scalar, a vector, or an array of scalars (16 bytes apart in a
 * uniform) or of vec4s. Null for anything else: matrices, nested structs, f16, runtime-sized arrays,
 * arrays of arrays, and arrays of vec2 or vec3 (padded to 16 bytes, so their numbers are not evenly spaced).
 */
function memberOf(m: StructInfo['members'][number]): StructMember | null {
  const at = { name: m.name, offset: m.offset };
  const scalar = scalarsOf(m.type);
  if (scalar) return scalar.width === 1 ? { ...at, type: scalar.type } : { ...at, type: scalar.type, length: scalar.width, stride: 4 };
  const array = m.type as ArrayInfo;
  const element = m.type.isArray && array.count > 0 ? scalarsOf(array.format) : null;
  if (!element) return null;
  if (element.width === 1) return { ...at, type: element.type, length: array.count, stride: array.stride };
  return element.width * 4 === array.stride ? { ...at, type: element.type, length: array.count * element.width, stride: 4 } : null;
}

/** A uniform struct's layout as wgsl_reflect computes it (WGSL's alignment and size rules). */
function structLayout(struct: StructInfo): StructLayout {
  const members: StructMember[] = [];
  for (const m of struct.members) {
    const member = memberOf(m);
    if (!member) return { name: struct.name, size: struct.size, members: [], unsupported: `member '${m.name}' is a ${m.type.getTypeName()}` };
    members.push(member);
  }
  return { name: struct.name, size: struct.size, members };
}

/** The names of a source's compute entry points. */
export function computeEntries(source: string): string[] {
  return new WgslReflect(source).entry.compute.map((e) => e.name);
}
