// Bytes as text for plain-JSON results (a lattice crossing from a page to Node).
import { LimitError } from '../../engine/errors.js';

const megabytes = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;

/**
 * The most bytes one base64 string holds here: its text, 4 characters per 3 bytes, must stay under
 * V8's longest string (2^29 - 24 characters, about 384 MB of bytes), past which the process crashes
 * instead of throwing.
 */
export const MAX_BASE64_BYTES = 380 * 2 ** 20;

/** Bytes as base64 in Node and the browser alike; more than MAX_BASE64_BYTES is a LimitError naming `what`. */
export function toBase64(bytes: Uint8Array, what = 'the data'): string {
  if (bytes.length > MAX_BASE64_BYTES) throw new LimitError(`${what} is ${megabytes(bytes.length)}; a job's JSON carries at most ${megabytes(MAX_BASE64_BYTES)} as base64 text`);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  // A plain loop: Uint8Array.from(string) would first make an array of one-character strings, which
  // runs out of heap on a model file of a few hundred MB.
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
