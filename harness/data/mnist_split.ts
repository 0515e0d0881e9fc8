// MNIST for the jobs, the same bytes in Node and in a page: the cache file that the build writes to
// dist/data/ (harness/data writeMnistCache), fetched by a page and read from disk in Node, then split
// per class (splitPerClass: 8,000 training and 2,000 test digits). Browser-safe.
import { HarmoniumError } from '../../engine/errors.js';
import { sliceDataset, splitPerClass, type LabelledDataset } from './dataset.js';
import { MNIST_CACHE_FILE, parseMnistCache } from './mnist.js';

export interface MnistSplit {
  train: LabelledDataset;
  test: LabelledDataset;
}

/** The cache's bytes: fetched next to the page's bundle, or read beside dist/cli.js or dist/test/*.js. */
async function cacheBytes(runtime: 'node' | 'browser'): Promise<{ bytes: Uint8Array; source: string }> {
  const missing = (where: string) => new HarmoniumError(`the MNIST cache ${where} is missing: node build.mjs writes dist/data/${MNIST_CACHE_FILE}`);
  if (runtime === 'browser') {
    const url = new URL(`data/${MNIST_CACHE_FILE}`, import.meta.url).href;
    const response = await fetch(url);
    if (!response.ok) throw missing(`${url} (HTTP ${response.status})`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), source: url };
  }
  // Imported here, not at the top: the page bundle holds this module too.
  const { existsSync, readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const candidates = [`data/${MNIST_CACHE_FILE}`, `../data/${MNIST_CACHE_FILE}`].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw missing(`(${candidates.join(' or ')})`);
  return { bytes: readFileSync(path), source: path };
}

/**
 * The split, optionally only the first `trainCount` / `testCount` digits of each part.
 *
 *   const { train, test } = await loadMnistSplit(ctx.gpu.adapter.runtime);
 */
export async function loadMnistSplit(runtime: 'node' | 'browser', o: { trainCount?: number; testCount?: number } = {}): Promise<MnistSplit> {
  const { bytes, source } = await cacheBytes(runtime);
  const { train, test } = splitPerClass(parseMnistCache(bytes, source));
  const first = (d: LabelledDataset, n: number | undefined) => sliceDataset(d, 0, Math.min(n ?? d.count, d.count));
  return { train: first(train, o.trainCount), test: first(test, o.testCount) };
}
