// Every command of the CLI: the features' (harness/features.ts), then the shared ones. A feature's
// commands are the `commands` its command.ts exports, loaded here by its name: in Node, and by nothing
// a page loads (the job table imports the features; the commands import the job table).
import type { Command } from './command.js';
import { FEATURES } from '../features.js';
import { studyCommand } from '../report/study.js';
import { benchCommand } from '../bench/command.js';
import { serveCommand } from '../server/command.js';
import { docsCommand } from './docs.js';

/** What a feature's command.ts exports. */
interface CommandModule {
  commands: readonly Command[];
}

// A pattern import: esbuild bundles every harness/*/command.ts and picks the feature's at run time.
const featureCommands = (await Promise.all(FEATURES.map((f) => import(`../${f.name}/command.ts`) as Promise<CommandModule>))).flatMap((m) => m.commands);

export const COMMANDS: readonly Command[] = [...featureCommands, benchCommand, studyCommand, serveCommand, docsCommand(() => COMMANDS)];
