// Argument checks with no dependencies, for the ops and for code outside the engine (a page's data
// loader) that must not pull in the shader library.
import { InputError } from './errors.js';

/** Throws an InputError unless every dimension is a positive integer below 2^31. */
export function checkDims(kernel: string, dims: Record<string, number>): void {
  for (const [name, value] of Object.entries(dims)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value >= 2 ** 31) {
      throw new InputError(`${kernel}: ${name} = ${String(value)} must be a positive integer below 2^31`);
    }
  }
}

/** Throws an InputError unless `value` is a u32 (seeds, steps, calls). */
export function checkU32(kernel: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InputError(`${kernel}: ${name} = ${String(value)} must be an integer in [0, 2^32)`);
  }
}
