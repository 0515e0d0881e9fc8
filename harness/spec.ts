// Typed reads of plain-JSON job specs; a missing or wrong field is an InputError naming it.
import { InputError } from '../engine/errors.js';
import type { JsonObject } from './io/json.js';

export function specNumber(spec: JsonObject, key: string, fallback?: number): number {
  const v = spec[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new InputError(`job '${String(spec.job)}': '${key}' is required`);
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`job '${String(spec.job)}': '${key}' must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

export function specInteger(spec: JsonObject, key: string, min: number, fallback?: number): number {
  const v = specNumber(spec, key, fallback);
  if (!Number.isInteger(v) || v < min) throw new InputError(`job '${String(spec.job)}': '${key}' must be an integer >= ${min}, got ${v}`);
  return v;
}

export function specString<T extends string>(spec: JsonObject, key: string, choices: readonly T[], fallback?: T): T {
  const v = spec[key] ?? fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new InputError(`job '${String(spec.job)}': '${key}' must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function specBoolean(spec: JsonObject, key: string, fallback?: boolean): boolean | undefined {
  const v = spec[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new InputError(`job '${String(spec.job)}': '${key}' must be true or false`);
  return v;
}

/** Bytes as base64 in Node and the browser alike. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
