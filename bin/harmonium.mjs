#!/usr/bin/env node
// Runs the built CLI. In a repository checkout it first rebuilds dist/ when a source is newer; an
// installed package ships dist/ and has neither build.mjs nor esbuild, so it runs what it has.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const checkout = existsSync(join(root, 'build.mjs')) && existsSync(join(root, 'node_modules', 'esbuild'));
if (checkout) execFileSync(process.execPath, [join(root, 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`harmonium: ${cli} is missing; in a checkout run \`npm install\` and \`node build.mjs\`\n`);
  process.exit(2);
}
await import(pathToFileURL(cli).href);
