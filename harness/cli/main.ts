// harmonium <command> [--flags]: parse, run, print. Exit 0 ok, 1 runtime failure, 2 bad input.
import { HarmoniumError } from '../../engine/errors.js';
import { useFileTuneCache } from '../gemm/tune_store.js';
import { COMMANDS } from './commands.js';

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`);
  return `usage: harmonium <command> [--flags]\n\ncommands:\n${rows.join('\n')}\n\n'harmonium <command> --help' lists a command's flags.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`harmonium: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
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
