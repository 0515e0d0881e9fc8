// Where this package's built files are, found from the running bundle's own location (dist/cli.js,
// dist/test/*.js), never from the working directory: an installed copy runs from any folder.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarmoniumError } from '../../engine/errors.js';

/** The dist/ folder: the nearest folder at or above this bundle that holds runner.html. */
export function distDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'runner.html'))) return dir;
    if (dirname(dir) === dir) throw new HarmoniumError(`harmonium's built pages (runner.html) were not found above ${start}: run node build.mjs`);
  }
}

/** The package's root (the folder holding dist/ and package.json). */
export const packageRoot = (): string => dirname(distDir());
