// MNIST for the jobs, the same bytes in Node and in a page: the cache file that the build writes to
// dist/data/ (harness/data writeMnistCache), fetched by a page and read from disk in Node, then split
// per class (splitPerClass: 8,000 training and 2,000 test digits). Browser-safe.
import { bundledFile } from './bundled.js';
import { sliceDataset, splitPerClass, type LabelledDataset } from './dataset.js';
import { MNIST_CACHE_FILE, parseMnistCache } from './mnist.js';

export interface MnistSplit {
  train: LabelledDataset;
  test: LabelledDataset;
}

/**
 * The split, optionally only the first `trainCount` / `testCount` digits of each part.
 *
 *   const { train, test } = await loadMnistSplit(ctx.gpu.adapter.runtime);
 */
export async function loadMnistSplit(runtime: 'node' | 'browser', o: { trainCount?: number; testCount?: number } = {}): Promise<MnistSplit> {
  const { bytes, source } = await bundledFile(MNIST_CACHE_FILE, runtime, 'the MNIST cache');
  const { train, test } = splitPerClass(parseMnistCache(bytes, source));
  const first = (d: LabelledDataset, n: number | undefined) => sliceDataset(d, 0, Math.min(n ?? d.count, d.count));
  return { train: first(train, o.trainCount), test: first(test, o.testCount) };
}
