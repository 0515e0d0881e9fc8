// harmonium <command> [--flags]: parse, run, print. Exit 0 ok, 1 runtime failure, 2 bad input.
import { HarmoniumError } from '../../engine/errors.js';
import { useFileTuneCache } from '../gemm/tune_store.js';

export type Command = (argv: string[]) => Promise<void>;

/** Every command, with a one-line summary for `harmonium --help`. A new command is one line here. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  ising: { summary: 'Gibbs-sample the 2D Ising model (heatbath, metropolis, multispin)', load: () => import('../ising/command.js') },
  bench: { summary: 'benchmarks: `bench ising`, `bench gemm` (flips/ns, GFLOP/s, ratios)', load: () => import('../bench/command.js') },
  study: { summary: 'the main job: an Ising study and the benchmark table in results/report.html', load: () => import('../report/study.js') },
  tune: { summary: 'time tile configs for a shape class and cache the choice (`tune --kernel gemm_f32`)', load: () => import('../gemm/tune.js') },
  serve: { summary: 'serve the browser demos on 127.0.0.1', load: () => import('../server/command.js') },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: harmonium <command> [--flags]\n\ncommands:\n${rows.join('\n')}\n\n'harmonium <command> --help' lists a command's flags.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`harmonium: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  try {
    // In the Node CLI, ops given config 'auto' remember their tuned tile configs in the file cache.
    useFileTuneCache();
    await (await command.load()).run(rest);
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
