// The Node half of the linear models' --data and --test (data.ts): the command reads the files they
// name (IDX, .npy or CSV; one example per row) and puts their rows in the job's spec as float32 .npy
// bytes. A file that is not a finite numeric matrix, or labels that are not one small integer per row,
// is an InputError naming the flag and the file before any device opens.
import { InputError } from '../../engine/errors.js';
import { shapeText, type NumericArray } from '../data/arrays.js';
import { labelBytes } from '../data/dataset.js';
import { encodeNpyF32 } from '../data/npy.js';
import { readArrayFile } from '../data/read_files.js';
import { MNIST } from '../data/source.js';
import { toBase64 } from '../io/base64.js';
import { BLOBS, type LINEAR_DATA_FLAGS } from './data.js';
import type { Values } from '../cli/schema.js';

/** A file of rows as a float32 count x width array: 2-D as it is, an image stack (count x rows x cols) flattened. */
export function readRows(flag: string, path: string): { values: Float32Array; shape: [number, number] } {
  const array: NumericArray = readArrayFile(path);
  const s = array.shape;
  if (array.dtype === 'bool') throw new InputError(`--${flag} ${path}: a bool array; the rows must be numbers`);
  if (s.length < 2 || s[0] === 0) throw new InputError(`--${flag} ${path}: shape ${shapeText(s)}; expected count x values (one example per row)`);
  const width = s.slice(1).reduce((a, b) => a * b, 1);
  const values = new Float32Array(array.data.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(array.data[i]);
    if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) throw new InputError(`--${flag} ${path}: row ${Math.floor(i / width) + 1}, value ${(i % width) + 1} is ${v}; every value must be a finite float32`);
    values[i] = v;
  }
  return { values, shape: [s[0], width] };
}

export type LinearDataValues = Partial<Values<typeof LINEAR_DATA_FLAGS>>;

/** FILE[,LABELS] as the spec's rows and labels fields (base64 .npy). */
function readFlag(flag: 'data' | 'test', value: string): LinearDataValues {
  const [file, labels, ...rest] = value.split(',');
  if (!file || rest.length > 0 || labels === '') throw new InputError(`--${flag} ${value}: expected FILE or FILE,LABELS`);
  const rows = readRows(flag, file);
  const out: LinearDataValues = { [`${flag}-rows`]: toBase64(encodeNpyF32(rows.values, rows.shape)) };
  if (labels) {
    const classes = labelBytes(readArrayFile(labels));
    if (classes.length !== rows.shape[0]) throw new InputError(`--${flag} ${value}: ${rows.shape[0]} rows but ${classes.length} labels`);
    out[`${flag}-labels`] = toBase64(encodeNpyF32(Float32Array.from(classes), [classes.length]));
  }
  return out;
}

/**
 * The spec's data fields from the command's flags: the rows (and labels) of the files --data and --test
 * name, read now.
 *
 *   const spec = toSpec('kmeans', KMEANS_JOB, { ...values, ...readRowsFlags(values) });
 */
export function readRowsFlags(values: LinearDataValues): LinearDataValues {
  return {
    ...(values.data !== undefined && values.data !== MNIST && values.data !== BLOBS ? readFlag('data', values.data) : {}),
    ...(values.test !== undefined ? readFlag('test', values.test) : {}),
  };
}
