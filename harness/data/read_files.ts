// Reading a user's data files in Node: IDX (optionally gzip-compressed), .npy and CSV, recognised by
// their first bytes (CSV by a .csv name), and pairing an image file with a label file.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../engine/errors.js';
import type { NumericArray } from './arrays.js';
import { parseCsv, type CsvOptions } from './csv.js';
import { datasetFromArrays, type LabelledDataset, type PairOptions } from './dataset.js';
import { parseIdx } from './idx.js';
import { isNpy, parseNpy } from './npy.js';

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;
const isIdx = (bytes: Uint8Array) => bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0;
/** Why a file operation failed: its error code (ENOENT, EISDIR, ...) or message. */
export const failure = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * Reads one array file: IDX (`train-images-idx3-ubyte`, also gzip-compressed, by its magic bytes),
 * .npy, or a CSV matrix (a name ending in .csv or .csv.gz). Anything unreadable or malformed is an
 * InputError naming the file and the problem.
 *
 *   const images = readArrayFile('data/train-images-idx3-ubyte.gz'); // { dtype: 'u8', shape: [60000, 28, 28], data }
 */
export function readArrayFile(path: string, options: CsvOptions = {}): NumericArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read (${failure(e)})`);
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new InputError(`${path}: corrupt or truncated gzip data (${failure(e)})`);
    }
  }
  if (/\.csv(\.gz)?$/i.test(path)) return parseCsv(new TextDecoder().decode(bytes), path, options);
  if (isNpy(bytes)) return parseNpy(bytes, path);
  if (isIdx(bytes)) return parseIdx(bytes, path);
  const start = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new InputError(`${path}: neither an IDX nor a .npy file (it starts with bytes ${start || 'none'}); a CSV file needs a .csv name`);
}

/**
 * Reads an image file and a label file (each IDX, .npy or CSV) and pairs them (datasetFromArrays:
 * the counts must match).
 *
 *   const train = readLabelledFiles('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz');
 *   const mine = readLabelledFiles('x.npy', 'y.npy', { imageShape: [28, 28] }); // x: count x 784 in [0, 1]
 */
export function readLabelledFiles(imagesPath: string, labelsPath: string, options: PairOptions & CsvOptions = {}): LabelledDataset {
  return datasetFromArrays(readArrayFile(imagesPath, options), readArrayFile(labelsPath, options), options);
}
