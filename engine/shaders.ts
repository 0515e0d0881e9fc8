import { InputError } from './errors.js';

/** A WGSL file's text, or a function that loads it (the built-in files load on first use). */
export type ShaderSource = string | (() => Promise<string>);

/** WGSL files by name ('rng.wgsl' → its text or its loader): the kernels and the libraries they include. */
export type ShaderLibrary = Readonly<Record<string, ShaderSource>>;

const INCLUDE = /^\s*#include\s+"([^"]+)"\s*$/;

/** One file's text from a library, loading it if need be. */
export async function shaderText(name: string, library: ShaderLibrary): Promise<string> {
  const source = library[name];
  if (source === undefined) throw new InputError(`shader '${name}' is not in the shader library`);
  return typeof source === 'string' ? source : source();
}

/**
 * Expands `#include "name.wgsl"` lines (recursively, each file once) so that shared WGSL such as the
 * Philox generator lives in one file. Line comments at the include point say where code came from.
 *
 *   const source = await resolveIncludes('rng_fill.wgsl', library);
 */
export async function resolveIncludes(name: string, library: ShaderLibrary, seen: Set<string> = new Set()): Promise<string> {
  const text = await shaderText(name, library);
  seen.add(name);
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = INCLUDE.exec(line);
    if (!m) lines.push(line);
    else if (seen.has(m[1])) lines.push(`// (${m[1]} already included)`);
    else lines.push(`// ---- ${m[1]} ----\n${await resolveIncludes(m[1], library, seen)}\n// ---- end ${m[1]} ----`);
  }
  return lines.join('\n');
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
  /** A uniform binding of struct type: its layout, by which the host writes it (Kernel.uniformWords). */
  struct?: StructLayout;
}

/** The scalar types the host writes into uniform structs. */
export type ScalarType = 'u32' | 'i32' | 'f32';

/**
 * One member of a uniform struct as WGSL lays it out. A scalar takes a number; a vector or an array
 * of scalars or vec4s takes `length` numbers, `stride` bytes apart (both set, or neither).
 */
export interface StructMember {
  name: string;
  /** Bytes from the start of the struct. */
  offset: number;
  type: ScalarType;
  length?: number;
  stride?: number;
}

/** A uniform struct's layout, from reflection: the host writes its members by name, never by position. */
export interface StructLayout {
  /** The WGSL struct's name, for messages. */
  name: string;
  /** Bytes, padding included. */
  size: number;
  members: StructMember[];
  /** Why the host cannot write this struct (a member of a type it does not write); absent when it can. */
  unsupported?: string;
}

/** Plain data about one compute entry point, derived from its WGSL text alone. */
export interface KernelReflection {
  entry: string;
  /** The bindings this entry point uses: the ones its layout holds and the host must supply. */
  bindings: BindingInfo[];
  /** Every binding the module declares: the ones in `bindings`, then those this entry point leaves unused. */
  declared: string[];
  overrides: string[];
}
