// Every CLI parameter is declared once, here in the form of a Flag: its type, range or choices,
// default and help text. From the declarations come the parseArgs options, the flag checks (an
// InputError naming the flag, exit 2), `--help`, the README's flag tables (harness/cli/readme.ts), and
// the checks of a job spec (the same declarations read a plain-JSON spec in Node or in a page). This
// file is browser-safe; parsing a command line is in parse.ts.
// Semantic rules of a model (an even lattice side, a multiple of 64) stay in the model's own config
// check, which is what library users call; a flag only says what kind of value it takes.
import { InputError } from '../../engine/errors.js';
import type { Json, JsonObject } from '../io/json.js';

type Kind = 'integer' | 'number' | 'boolean' | 'string' | 'choice' | 'integers';

/**
 * One parameter. `Present` is true when the value is always there after parsing (a default or
 * required), so that the parsed values' types say which may be undefined.
 */
export interface Flag<T, Present extends boolean = boolean> {
  readonly kind: Kind;
  readonly help: string;
  /** The value's placeholder in usage lines: 'L', 'FILE'. Empty for booleans. */
  readonly value: string;
  readonly default?: T;
  /** How the default reads in help when it is not one value ('cold below Tc, hot above'). */
  readonly defaultText?: string;
  readonly required: boolean;
  /** Travels in job specs only; not a command-line flag. */
  readonly hidden: boolean;
  readonly choices?: readonly string[];
  readonly present: Present;
  /** Turns a raw value (a flag's text, or a spec's JSON value) into T, or throws an InputError naming `where`. */
  read(raw: Json, where: string): T;
}

/** Flags by name (kebab-case, as on the command line). */
export type Schema = Readonly<Record<string, Flag<unknown>>>;

/** The parsed values of a schema, keyed by flag name. */
export type Values<S extends Schema> = {
  -readonly [K in keyof S]: S[K] extends Flag<infer T, true> ? T : S[K] extends Flag<infer T, boolean> ? T | undefined : never;
};

interface Common<T> {
  help: string;
  value?: string;
  default?: T;
  defaultText?: string;
  required?: boolean;
  hidden?: boolean;
}
type WithDefault<O, T> = O & { default: T };
type Required_<O> = O & { required: true };

function flag<T>(kind: Kind, o: Common<T>, read: (raw: Json, where: string) => T, extra: Partial<Flag<T>> = {}): Flag<T> {
  return {
    kind,
    help: o.help,
    value: o.value ?? (kind === 'boolean' ? '' : 'V'),
    default: o.default,
    defaultText: o.defaultText,
    required: !!o.required,
    hidden: !!o.hidden,
    present: o.default !== undefined || !!o.required,
    read,
    ...extra,
  };
}

const shown = (raw: Json) => (typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw));

/** A number from a flag's text or a spec's number; anything else is an InputError. */
function readNumber(raw: Json, where: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) throw new InputError(`${where} must be a finite number, got ${shown(raw)}`);
  return n;
}

function checkRange(n: number, raw: Json, where: string, what: string, min?: number, max?: number): number {
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    const range = min !== undefined && max !== undefined ? `in [${min}, ${max}]` : min !== undefined ? `>= ${min}` : `<= ${max}`;
    throw new InputError(`${where} must be ${what} ${range}, got ${shown(raw)}`);
  }
  return n;
}

interface Range {
  min?: number;
  max?: number;
}

/** An integer flag; `min`/`max` only for the command's own parameters (a model checks its config). */
export function integer(o: Required_<Common<number> & Range>): Flag<number, true>;
export function integer(o: WithDefault<Common<number> & Range, number>): Flag<number, true>;
export function integer(o: Common<number> & Range): Flag<number, false>;
export function integer(o: Common<number> & Range): Flag<number> {
  return flag('integer', { value: 'N', ...o }, (raw, where) => {
    const n = readNumber(raw, where);
    if (!Number.isInteger(n)) throw new InputError(`${where} must be an integer, got ${shown(raw)}`);
    return checkRange(n, raw, where, 'an integer', o.min, o.max);
  });
}

/** A finite number. */
export function number(o: Required_<Common<number> & Range>): Flag<number, true>;
export function number(o: WithDefault<Common<number> & Range, number>): Flag<number, true>;
export function number(o: Common<number> & Range): Flag<number, false>;
export function number(o: Common<number> & Range): Flag<number> {
  return flag('number', { value: 'X', ...o }, (raw, where) => checkRange(readNumber(raw, where), raw, where, 'a number', o.min, o.max));
}

/** A comma-separated list of integers on the command line, an array in a spec. */
export function integers(o: Required_<Common<number[]> & Range>): Flag<number[], true>;
export function integers(o: WithDefault<Common<number[]> & Range, number[]>): Flag<number[], true>;
export function integers(o: Common<number[]> & Range): Flag<number[], false>;
export function integers(o: Common<number[]> & Range): Flag<number[]> {
  return flag('integers', { value: 'a,b,...', ...o }, (raw, where) => {
    const items: Json[] = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
    if (items.length === 0) throw new InputError(`${where} needs at least one integer`);
    return items.map((item) => {
      const n = readNumber(item, where);
      if (!Number.isInteger(n)) throw new InputError(`${where} must be integers, got ${shown(item)}`);
      return checkRange(n, item, where, 'integers', o.min, o.max);
    });
  });
}

/** One word of a fixed list. */
export function choice<C extends string>(choices: readonly C[], o: Required_<Common<C>>): Flag<C, true>;
export function choice<C extends string>(choices: readonly C[], o: WithDefault<Common<C>, C>): Flag<C, true>;
export function choice<C extends string>(choices: readonly C[], o: Common<C>): Flag<C, false>;
export function choice<C extends string>(choices: readonly C[], o: Common<C>): Flag<C> {
  const read = (raw: Json, where: string): C => {
    if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
      throw new InputError(`${where} must be one of ${choices.join(', ')}; got ${shown(raw)}`);
    }
    return raw as C;
  };
  return flag('choice', { value: choices.join('|'), ...o }, read, { choices });
}

/** Free text: a file name, a path. An empty value is refused. */
export function text(o: Required_<Common<string>>): Flag<string, true>;
export function text(o: WithDefault<Common<string>, string>): Flag<string, true>;
export function text(o: Common<string>): Flag<string, false>;
export function text(o: Common<string>): Flag<string> {
  return flag('string', { value: 'FILE', ...o }, (raw, where) => {
    if (typeof raw !== 'string' || raw === '') throw new InputError(`${where} needs a value, got ${shown(raw)}`);
    return raw;
  });
}

/** A switch: present or not on the command line, true/false in a spec. Always present (false by default). */
export function boolean(o: Omit<Common<boolean>, 'default' | 'required' | 'value'>): Flag<boolean, true> {
  const f = flag<boolean>('boolean', { ...o, default: false }, (raw, where) => {
    if (typeof raw !== 'boolean') throw new InputError(`${where} must be true or false, got ${shown(raw)}`);
    return raw;
  });
  return f as Flag<boolean, true>;
}

/** The same parameter with another default (more sweeps in a study than in one run), or none (a default that depends on other flags, told by `defaultText`). */
export function withDefault<T>(f: Flag<T>, value: T, defaultText?: string): Flag<T, true>;
export function withDefault<T>(f: Flag<T>, value: undefined, defaultText: string): Flag<T, false>;
export function withDefault<T>(f: Flag<T>, value: T | undefined, defaultText?: string): Flag<T> {
  return { ...f, default: value, defaultText, present: value !== undefined || f.required };
}

/** A flag's key in a job spec: `burn-in` -> `burn_in`. */
export const specKey = (name: string) => name.replace(/-/g, '_');

export function resolve<S extends Schema>(schema: S, raw: (name: string) => Json | undefined, where: (name: string) => string): Values<S> {
  const values: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(schema)) {
    const r = raw(name);
    if (r === undefined || r === null) {
      if (f.required) throw new InputError(`${where(name)} is required`);
      values[name] = f.default;
    } else {
      values[name] = f.read(r, where(name));
    }
  }
  return values as Values<S>;
}

/**
 * Reads a plain-JSON job spec against a schema (keys in snake_case): the same checks as the command
 * line, so a spec sent to a page is checked there exactly as the CLI checks its flags. Keys the schema
 * does not know are refused (a misspelt key must not be ignored).
 *
 *   const p = readSpec(ISING_JOB, spec, 'ising');   // p.size, p['burn-in'], ...
 */
export function readSpec<S extends Schema>(schema: S, spec: JsonObject, job: string): Values<S> {
  const known = new Set(['job', ...Object.keys(schema).map(specKey)]);
  for (const key of Object.keys(spec)) if (!known.has(key)) throw new InputError(`job '${job}': unknown parameter '${key}'`);
  return resolve(schema, (name) => spec[specKey(name)], (name) => `job '${job}': '${specKey(name)}'`);
}

/** The job spec of parsed values: snake_case keys, undefined values left out. */
export function toSpec<S extends Schema>(job: string, schema: S, values: Partial<Values<S>>): JsonObject {
  const spec: JsonObject = { job };
  for (const name of Object.keys(schema)) {
    const v = (values as Record<string, unknown>)[name];
    if (v !== undefined) spec[specKey(name)] = v as Json;
  }
  return spec;
}

/** Picks some flags of a schema by name (a command's job takes the run parameters, not --png or --json). */
export function pick<S extends Schema, K extends keyof S>(schema: S, names: readonly K[]): Pick<S, K> {
  return Object.fromEntries(names.map((n) => [n, schema[n]])) as Pick<S, K>;
}
