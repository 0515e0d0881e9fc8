// The README's flag tables come from the schema: between `<!-- flags: NAME -->` and `<!-- /flags -->`
// stands the table of command NAME. `harmonium docs` rewrites them; a test fails when they differ.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { defineCommand, flagTable, usageLine, type Command } from './command.js';
import { boolean, text, type Values } from './schema.js';
import { writeFileAtomic } from '../io/files.js';
import { packageRoot } from '../io/package.js';

const BLOCK = /<!-- flags: ([a-z -]+) -->\n[\s\S]*?<!-- \/flags -->/g;

/** The block of one command: its usage line and its flag table. */
export function flagsBlock(command: Command): string {
  return `<!-- flags: ${command.name} -->\n\`\`\`\n${usageLine(command)}\n\`\`\`\n\n${flagTable(command)}\n<!-- /flags -->`;
}

/** `readme` with every flags block made anew from the commands; an unknown name is an error. */
export function renderReadme(readme: string, commands: readonly Command[]): string {
  return readme.replace(BLOCK, (_block, name: string) => {
    const command = commands.find((c) => c.name === name);
    if (!command) throw new InputError(`README names a command '${name}' that does not exist`);
    return flagsBlock(command);
  });
}

/** The names of the commands whose blocks the README holds. */
export const documentedCommands = (readme: string): string[] => [...readme.matchAll(BLOCK)].map((m) => m[1]);

const DOCS_FLAGS = {
  readme: text({ defaultText: "the package's README.md", help: 'the README to rewrite' }),
  check: boolean({ help: 'only check: exit 2 naming the commands whose tables differ' }),
} as const;

/**
 * The docs command. It is handed the CLI's command list rather than importing it: the list
 * (commands.ts) holds this command, and an import back would make a cycle.
 */
export function docsCommand(commands: () => readonly Command[]): Command {
  const docs = defineCommand({
    name: 'docs',
    summary: "rewrite the README's flag tables from the flag declarations (for developers)",
    flags: DOCS_FLAGS,
    run: async (values: Values<typeof DOCS_FLAGS>) => {
      const all = commands();
      const path = values.readme ?? join(packageRoot(), 'README.md');
      const before = readFileSync(path, 'utf8');
      const after = renderReadme(before, all);
      const missing = all.filter((c) => c !== docs && !documentedCommands(before).includes(c.name)).map((c) => c.name);
      if (values.check) {
        const stale = documentedCommands(before).filter((name) => {
          const c = all.find((x) => x.name === name)!;
          return !before.includes(flagsBlock(c));
        });
        if (stale.length || missing.length) {
          throw new InputError(`${path}: flag tables differ from the schema for ${[...stale, ...missing.map((m) => `${m} (no table)`)].join(', ')}; run harmonium docs`);
        }
        return;
      }
      if (missing.length) process.stderr.write(`docs: ${path} has no flags block for ${missing.join(', ')}; add <!-- flags: NAME --><!-- /flags --> where it belongs\n`);
      if (after !== before) writeFileAtomic(path, after);
      process.stderr.write(`docs: ${after === before ? 'up to date' : `rewrote ${path}`}\n`);
    },
  });
  return docs;
}
