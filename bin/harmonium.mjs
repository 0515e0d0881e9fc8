#!/usr/bin/env node
// Runs the built CLI; builds it first when dist/ is missing or stale.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
await import(join(root, 'dist', 'cli.js'));
