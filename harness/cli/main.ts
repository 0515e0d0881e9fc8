// harmonium <command> [--flags]: parse, run, print. Exit 0 ok, 1 runtime failure, 2 bad input.
import { HarmoniumError } from '../../engine/errors.js';
import { useFileTuneCache } from '../gemm/tune_store.js';
import { COMMANDS } from './commands.js';
import type { Command } from './command.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`);
  return `usage: harmonium <command> [--flags]\n\ncommands:\n${rows.join('\n')}\n\n'harmonium <command> --help' lists a command's flags.`;
}

/** The command named by the first two words ('mlp train', a model's verb), else by the first; and the words after it. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const command = argv.length >= words ? COMMANDS.find((c) => c.name === argv.slice(0, words).join(' ')) : undefined;
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (!first || first === '--help' || first === '-h') {
    process.stdout.write(`${usage()}\n`);
    return first ? 0 : 2;
  }
  const found = findCommand(argv);
  if (!found) {
    const verbs = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => `'${c.name}'`);
    const what = verbs.length ? `'${argv.slice(0, 2).join(' ')}' is not a command; ${first} has ${verbs.join(', ')}` : `unknown command '${first}'`;
    process.stderr.write(`harmonium: ${what}\n${usage()}\n`);
    return 2;
  }
  const { command, rest } = found;
  const name = command.name;
  try {
    // In the Node CLI, ops given config 'auto' remember their tuned tile configs in the file cache.
    useFileTuneCache();
    await command.main(rest);
    return 0;
  } catch (e) {
    if (e instanceof HarmoniumError) {
      process.stderr.write(`harmonium ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`harmonium ${name}: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

// Exit explicitly: a Dawn instance kept alive for safety must not hold the process open.
main(process.argv.slice(2)).then((code) => process.exit(code));
