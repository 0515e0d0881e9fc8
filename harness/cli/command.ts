// A command of the CLI: its name, a one-line summary, its flags (one schema) and what it does. The
// usage line, `--help` and the README's flag table are all made from the schema.
import { InputError } from '../../engine/errors.js';
import { parseCommandLine } from './parse.js';
import type { Flag, Schema, Values } from './schema.js';

export interface Positional {
  name: string;
  help: string;
  choices: readonly string[];
}

export interface CommandSpec<S extends Schema> {
  /** 'ising', or 'mlp train' for a model's verb. */
  name: string;
  summary: string;
  flags: S;
  /** A word before the flags (`bench <name>`). */
  positional?: Positional;
  /** Prose after the flag list in --help: what the command prints, what it writes. */
  details?: string;
  run(values: Values<S>, positional: string | undefined): Promise<void>;
}

/** A command with its schema erased, as the CLI's table holds it. */
export interface Command {
  name: string;
  summary: string;
  flags: Schema;
  positional?: Positional;
  details?: string;
  /** Parses argv (an InputError on bad input), prints help for --help, else runs. */
  main(argv: string[]): Promise<void>;
}

/**
 *   export const isingCommand = defineCommand({ name: 'ising', summary: '...', flags: ISING_FLAGS,
 *     async run(values) { ... } });
 */
export function defineCommand<S extends Schema>(spec: CommandSpec<S>): Command {
  const command: Command = {
    name: spec.name,
    summary: spec.summary,
    flags: spec.flags,
    positional: spec.positional,
    details: spec.details,
    async main(argv: string[]) {
      const { values, positionals, help } = parseCommandLine(spec.flags, argv, spec.positional ? 1 : 0);
      if (help) {
        process.stdout.write(`${helpText(command)}\n`);
        return;
      }
      const word = positionals[0];
      if (spec.positional) {
        const { name, choices } = spec.positional;
        if (word === undefined) throw new InputError(`name the ${name}: ${choices.join(', ')}`);
        if (!choices.includes(word)) throw new InputError(`unknown ${name} '${word}'; known: ${choices.join(', ')}`);
      }
      await spec.run(values, word);
    },
  };
  return command;
}

const visible = (schema: Schema) => Object.entries(schema).filter(([, f]) => !f.hidden);

function flagWithValue(name: string, f: Flag<unknown>): string {
  return f.kind === 'boolean' ? `--${name}` : `--${name} ${f.value}`;
}

function defaultOf(f: Flag<unknown>): string {
  if (f.defaultText) return f.defaultText;
  if (f.required) return 'required';
  if (f.kind === 'boolean' || f.default === undefined) return '';
  return Array.isArray(f.default) ? f.default.join(',') : String(f.default);
}

/** `harmonium ising --size L --temperature T [--sweeps N] ...`, wrapped at 100 columns. */
export function usageLine(command: Command): string {
  const words = [`harmonium ${command.name}`];
  if (command.positional) words.push(`<${command.positional.choices.join('|')}>`);
  for (const [name, f] of visible(command.flags)) words.push(f.required ? flagWithValue(name, f) : `[${flagWithValue(name, f)}]`);
  const lines: string[] = [];
  let line = 'usage:';
  for (const w of words) {
    if (line.length + 1 + w.length > 100) {
      lines.push(line);
      line = ' '.repeat(6);
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** The whole `--help` text. */
export function helpText(command: Command): string {
  const rows = visible(command.flags).map(([name, f]) => {
    const d = defaultOf(f);
    const suffix = d === '' ? '' : d === 'required' ? ' (required)' : ` (default ${d})`;
    return [flagWithValue(name, f), `${f.help}${suffix}`];
  });
  if (command.positional) rows.unshift([`<${command.positional.name}>`, command.positional.help]);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const table = rows.map(([l, r]) => `  ${l.padEnd(width)}${wrap(r, 100 - width - 2).join(`\n${' '.repeat(width + 2)}`)}`).join('\n');
  return [usageLine(command), '', command.summary, '', table, command.details ? `\n${command.details}` : ''].join('\n').trimEnd();
}

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The README's table of a command's flags (markdown), made from the schema. */
export function flagTable(command: Command): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const rows = visible(command.flags).map(([name, f]) => {
    const d = defaultOf(f);
    return `| \`${escape(flagWithValue(name, f))}\` | ${escape(f.help)} | ${escape(d)} |`;
  });
  if (command.positional) rows.unshift(`| \`<${command.positional.name}>\` | ${escape(command.positional.help)}: ${escape(command.positional.choices.join(', '))} | required |`);
  return ['| flag | meaning | default |', '| --- | --- | --- |', ...rows].join('\n');
}
