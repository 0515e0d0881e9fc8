// What a command trains and evaluates on, declared once for every command that reads a dataset:
// --data (MNIST's split, or a file of examples with optionally a file of labels) and --test (held-out
// examples), with the hidden counts that take a prefix of each. The command reads files in Node
// (source_node.ts) and hands their examples to the job as bytes, so that a job in a page sees the same
// examples; the job makes the split here, the same way in Node and in a page. Browser-safe.
import { InputError } from '../../engine/errors.js';
import { integer, text, type Values } from '../cli/schema.js';
import { fromBase64 } from '../io/base64.js';
import { labelledBytes, splitPerClass, sliceDataset, type LabelledDataset } from './dataset.js';
import { encodeMnistCache, parseMnistCache } from './mnist.js';
import { loadMnistSplit } from './mnist_split.js';

/** The built-in dataset: the 10,000 digits of the `mnist` package, split per class into 8,000 / 2,000. */
export const MNIST = 'mnist';

/** The share of a --data file that trains when there is no --test: the rest, per class, is held out (as MNIST's split). */
export const TRAIN_FRACTION = 0.8;

export const DATA_FLAGS = {
  data: text({
    value: 'mnist|FILE[,LABELS]',
    default: MNIST,
    help: `mnist (8,000 training and 2,000 test digits), or an examples file (IDX, .npy, .csv; 0..255, or 0..1 floats) and its labels file after a comma; without --test, ${Math.round(100 * (1 - TRAIN_FRACTION))}% of each class is held out`,
  }),
  test: text({ value: 'FILE[,LABELS]', help: "held-out examples to evaluate on (default: the test part of --data's split)" }),
  'data-bytes': text({ hidden: true, help: "the --data file's examples as the command read them (a harmonium dataset, base64)" }),
  'test-bytes': text({ hidden: true, help: "the --test file's examples as the command read them (a harmonium dataset, base64)" }),
  'train-count': integer({ hidden: true, min: 1, help: 'use only the first N training examples' }),
  'test-count': integer({ hidden: true, min: 1, help: 'evaluate only the first N test examples' }),
} as const;

/** The flags of a command that only evaluates: the held-out examples (--data's test part, or --test). */
export const EVAL_DATA_FLAGS = { data: DATA_FLAGS.data, test: DATA_FLAGS.test, 'data-bytes': DATA_FLAGS['data-bytes'], 'test-bytes': DATA_FLAGS['test-bytes'], 'test-count': DATA_FLAGS['test-count'] } as const;

/** Whether a --data or --test value names a labels file (FILE,LABELS). */
export const hasLabels = (value: string): boolean => value.includes(',');

export type DataParams = Partial<Values<typeof DATA_FLAGS>> & Pick<Values<typeof DATA_FLAGS>, 'data'>;

export interface DataSplit {
  train: LabelledDataset;
  test: LabelledDataset;
  /** How the split was made, for model files' metadata. */
  note: string;
  /** What a generated set says of itself in model files' metadata (its statistics), beside the note. */
  metadata?: Readonly<Record<string, string>>;
}

/** How our MNIST split is described in model files (they have said so since the first MLP). */
export const MNIST_NOTE = 'mnist-10k split per class 0.8 (harness/data splitPerClass)';

/** The examples of a dataset as the job spec carries them (u8 images, the MNIST cache's format). */
export function encodeDataset(d: LabelledDataset): Uint8Array {
  return encodeMnistCache({ ...d, images: labelledBytes(d).images });
}

function decodeDataset(base64: string | undefined, flag: string, name: string | undefined): LabelledDataset {
  if (!base64) throw new InputError(`--${flag} ${name}: the job needs the file's examples (${flag}_bytes); the command reads the file and sends them`);
  return parseMnistCache(fromBase64(base64), `--${flag} ${name}`);
}

/**
 * The training and test examples of a run: --data (MNIST or the command's file) split per class unless
 * --test gives the held-out examples, each cut to its count. Files are read by the command (Node).
 *
 *   const { train, test } = await loadData(ctx.gpu.adapter.runtime, p);
 */
export async function loadData(runtime: 'node' | 'browser', p: DataParams): Promise<DataSplit> {
  const mnist = p.data === MNIST;
  const held = p.test === undefined ? undefined : decodeDataset(p['test-bytes'], 'test', p.test);
  let train: LabelledDataset;
  let test: LabelledDataset;
  if (mnist) {
    ({ train, test } = await loadMnistSplit(runtime));
  } else {
    const all = decodeDataset(p['data-bytes'], 'data', p.data);
    ({ train, test } = held ? { train: all, test: all } : splitPerClass(all, TRAIN_FRACTION));
  }
  if (held) test = held;
  if (train.count === 0) throw new InputError(`--data ${p.data}: no examples to train on`);
  if (test.count === 0) throw new InputError(`--data ${p.data}: no held-out examples (each class needs two or more examples to split, or give --test)`);
  const first = (d: LabelledDataset, n: number | undefined) => sliceDataset(d, 0, Math.min(n ?? d.count, d.count));
  const note = `${mnist ? MNIST_NOTE : `${p.data}${held ? '' : ` split per class ${TRAIN_FRACTION}`}`}${held ? `; test ${p.test}` : ''}`;
  return { train: first(train, p['train-count']), test: first(test, p['test-count']), note };
}
