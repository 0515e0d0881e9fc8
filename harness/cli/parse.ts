// Command lines against a schema (node:util parseArgs): Node only, apart from the browser-safe schema.
import { parseArgs } from 'node:util';
import { InputError } from '../../engine/errors.js';
import type { Json } from '../io/json.js';
import { resolve, type Schema, type Values } from './schema.js';

export interface Parsed<S extends Schema> {
  values: Values<S>;
  positionals: string[];
  help: boolean;
}

/**
 * Parses a command line against a schema: unknown flags, bad values and missing required flags are
 * InputErrors naming the flag. `--help` is always accepted (then nothing is checked).
 *
 *   const { values } = parseCommandLine(ISING_FLAGS, ['--size', '64']);
 */
export function parseCommandLine<S extends Schema>(schema: S, argv: string[], positionals = 0): Parsed<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, f] of Object.entries(schema)) if (!f.hidden) options[name] = { type: f.kind === 'boolean' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: positionals > 0 });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const help = parsed.values.help === true;
  if (parsed.positionals.length > positionals) throw new InputError(`unexpected argument '${parsed.positionals[positionals]}'`);
  if (help) return { values: {} as Values<S>, positionals: parsed.positionals, help };
  const visible = Object.fromEntries(Object.entries(schema).filter(([, f]) => !f.hidden)) as S;
  const values = resolve(visible, (name) => parsed.values[name] as Json | undefined, (name) => `--${name}`);
  return { values, positionals: parsed.positionals, help };
}

