import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../engine/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode, with its errors turned into InputError (exit 2). */
export function parseFlags<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new InputError(`${command}: ${(e as Error).message}`);
  }
}

/** Reads a numeric flag: `kind` says which numbers are allowed; the error names the flag. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  kind: 'positive-int' | 'nonnegative-int' | 'positive' | 'finite' | 'u32',
  fallback?: number,
): number {
  if (value === undefined) {
    if (fallback === undefined) throw new InputError(`--${flag} is required`);
    return fallback;
  }
  const n = Number(value);
  const bad = (what: string) => new InputError(`--${flag} must be ${what}, got '${value}'`);
  if (value.trim() === '' || !Number.isFinite(n)) throw bad('a finite number');
  switch (kind) {
    case 'positive-int':
      if (!Number.isInteger(n) || n <= 0) throw bad('a positive integer');
      break;
    case 'nonnegative-int':
      if (!Number.isInteger(n) || n < 0) throw bad('a non-negative integer');
      break;
    case 'u32':
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw bad('an integer in [0, 2^32)');
      break;
    case 'positive':
      if (n <= 0) throw bad('positive');
      break;
    case 'finite':
      break;
  }
  return n;
}

/** A flag restricted to a list of words. */
export function choiceFlag<T extends string>(value: string | undefined, flag: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new InputError(`--${flag} must be one of ${choices.join(', ')}; got '${value}'`);
  }
  return value as T;
}
