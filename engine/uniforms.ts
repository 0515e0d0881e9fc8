// Uniform structs written by field name: every member of a reflected struct layout takes the field of
// its WGSL name, at its reflected offset, as its reflected type. Host code names each value, so a
// struct whose members are reordered, renamed, added or removed is either still written right or
// refused with an error that names the field; it is never read at the wrong offset.
import { ValidationError } from './errors.js';
import type { ScalarType, StructLayout, StructMember } from './shaders.js';

/** A uniform struct's values by member name: a number for a scalar member, `length` numbers for a vector or an array. */
export type UniformFields = Readonly<Record<string, number | ArrayLike<number>>>;

/** Where a struct is written, for errors: the kernel (or the owner of a buffer no kernel wrote yet) and the binding. */
export interface StructSite {
  kernel: string;
  binding: string;
}

/** The integers each type holds, [min, max); f32 takes any number (rounded to f32, as Float32Array does). */
const RANGES: Readonly<Record<ScalarType, readonly [number, number, string] | null>> = {
  u32: [0, 2 ** 32, '[0, 2^32)'],
  i32: [-(2 ** 31), 2 ** 31, '[-2^31, 2^31)'],
  f32: null,
};

const isList = (value: unknown): value is ArrayLike<unknown> => typeof value === 'object' && value !== null && 'length' in value;

/** The numbers of one member's field, checked to be what its type holds. */
function valuesOf(m: StructMember, value: unknown, fail: (detail: string) => ValidationError): ArrayLike<number> {
  if (value === undefined) throw fail(`field '${m.name}' is missing`);
  const values = m.length === undefined ? (typeof value === 'number' ? [value] : null) : isList(value) && value.length === m.length ? value : null;
  if (!values) {
    const wanted = m.length === undefined ? `one ${m.type} number` : `${m.length} ${m.type} numbers`;
    throw fail(`field '${m.name}' must be ${wanted}; got ${isList(value) ? `${value.length} values` : `${typeof value} ${String(value)}`}`);
  }
  const range = RANGES[m.type];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || (range && !(Number.isInteger(v) && v >= range[0] && v < range[1]))) {
      const at = m.length === undefined ? '' : `[${i}]`;
      throw fail(`field '${m.name}'${at} = ${String(v)} ${range ? `does not fit ${m.type}: an integer in ${range[2]}` : 'is not a number'}`);
    }
  }
  return values as ArrayLike<number>;
}

/**
 * The words of a uniform struct: each member from the field of its name, at its offset, as its type;
 * the length is the struct's size rounded up to 16 bytes (uniform layout's unit), padding zero. A
 * ValidationError names the site and the field when a field is missing, unknown or of the wrong kind.
 *
 *   structWords(kernel.uniformStruct('params'), { rows, cols, alpha: 0.5 }, { kernel: kernel.name, binding: 'params' })
 */
export function structWords(layout: StructLayout, fields: UniformFields, site: StructSite): Uint32Array {
  const fail = (detail: string) => new ValidationError(site.kernel, `uniform '${site.binding}' (struct ${layout.name}): ${detail}`);
  if (layout.unsupported) throw fail(`${layout.unsupported}; the host writes u32, i32 and f32 scalars and vectors, and arrays of scalars or of vec4s`);
  const members = layout.members.map((m) => m.name);
  const unknown = Object.keys(fields).find((name) => !members.includes(name));
  if (unknown !== undefined) throw fail(`'${unknown}' is not a member (members: ${members.join(', ')})`);
  const words = new Uint32Array(Math.ceil(layout.size / 16) * 4);
  const views: Record<ScalarType, Uint32Array | Int32Array | Float32Array> = { u32: words, i32: new Int32Array(words.buffer), f32: new Float32Array(words.buffer) };
  for (const m of layout.members) {
    const values = valuesOf(m, fields[m.name], fail);
    for (let i = 0; i < values.length; i++) views[m.type][(m.offset + i * (m.stride ?? 0)) / 4] = values[i];
  }
  return words;
}

const sameLayout = (a: StructLayout, b: StructLayout): boolean => a.size === b.size && JSON.stringify(a.members) === JSON.stringify(b.members);

/** What sharedUniformWords needs of a kernel (engine/kernel.ts Kernel; named here so that neither file imports the other both ways). */
interface UniformWriter {
  readonly name: string;
  uniformStruct(binding: string): StructLayout;
  uniformWords(binding: string, fields: UniformFields): Uint32Array;
}

/**
 * Kernel.uniformWords for one uniform buffer bound as `binding` by several kernels: written by the
 * first's layout, after a ValidationError unless every other kernel lays the struct out the same way.
 */
export function sharedUniformWords(kernels: readonly [UniformWriter, ...UniformWriter[]], binding: string, fields: UniformFields): Uint32Array {
  const [first, ...others] = kernels;
  const layout = first.uniformStruct(binding);
  for (const k of others) {
    if (!sameLayout(k.uniformStruct(binding), layout)) {
      throw new ValidationError(k.name, `uniform '${binding}' is shared with ${first.name}, whose struct ${layout.name} is laid out differently`);
    }
  }
  return first.uniformWords(binding, fields);
}
