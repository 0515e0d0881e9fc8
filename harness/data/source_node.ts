// The Node half of --data and --test (source.ts): the command reads the files named there (IDX, .npy
// or CSV, an examples file and optionally a labels file after a comma) and puts their examples in the
// job's spec as bytes, so that the job, in this process or in a page, needs no file system.
import { InputError } from '../../engine/errors.js';
import { toBase64 } from '../io/base64.js';
import type { Values } from '../cli/schema.js';
import { datasetFromArrays, type LabelledDataset } from './dataset.js';
import { readArrayFile } from './read_files.js';
import { encodeDataset, MNIST, type DATA_FLAGS } from './source.js';

/** FILE or FILE,LABELS: the examples (count x features, or count x rows x cols) and their labels (count), or labels 0. */
export function readExamples(flag: string, value: string): LabelledDataset {
  const [examples, labels, ...rest] = value.split(',');
  if (!examples || rest.length > 0 || labels === '') throw new InputError(`--${flag} ${value}: expected FILE or FILE,LABELS`);
  const images = readArrayFile(examples);
  const count = images.shape[0] ?? 0;
  // Bytes as they are; other numbers are intensities in [0, 1], or 0..255 when any exceeds 1.
  let largest = 0;
  for (const x of images.data) largest = Math.max(largest, x);
  const labelArray = labels ? readArrayFile(labels) : { source: `${examples} (no labels: class 0)`, dtype: 'u8' as const, shape: [count], data: new Uint8Array(count) };
  try {
    return datasetFromArrays(images, labelArray, { scale: images.dtype === 'u8' || largest > 1 ? 255 : 1 });
  } catch (e) {
    throw new InputError(`--${flag} ${value}: ${(e as Error).message}`);
  }
}

export type DataValues = Partial<Values<typeof DATA_FLAGS>>;

/**
 * The spec's data fields from the command's flags: --data and --test as given, and the examples of
 * the files they name (read now: a bad file is an InputError naming the flag before any device opens).
 *
 *   const spec = toSpec('mlp-train', MLP_TRAIN_JOB, { ...values, ...readDataFlags(values) });
 */
export function readDataFlags(values: DataValues): DataValues {
  const out: DataValues = {};
  if (values.data !== undefined && values.data !== MNIST) out['data-bytes'] = toBase64(encodeDataset(readExamples('data', values.data)));
  if (values.test !== undefined) out['test-bytes'] = toBase64(encodeDataset(readExamples('test', values.test)));
  return out;
}
