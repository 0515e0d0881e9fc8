// What the linear models and clustering fit: real-valued rows, not intensities. --data is MNIST (its
// pixels / 255), synthetic blobs (harness/data/blobs.ts), or the user's .npy / CSV / IDX file with the
// values as they are (rows are examples) and optionally a labels file; --patch P cuts every row (a
// square image) into P x P patches; --project D replaces every row
// by its first D principal components, fitted to the training rows (MNIST-PCA-50: --project 50). The
// command reads the files (data_node.ts) and sends their rows as .npy bytes, so that the job, in Node or
// in a page, makes the same split. Browser-safe.
import { InputError } from '../../engine/errors.js';
import type { RunContext } from '../../engine/index.js';
import { DeviceDataset, type RealRows } from '../../models/minibatch.js';
import { fitPca, pcaProject } from '../../models/pca.js';
import { integer, number, text, type Values } from '../cli/schema.js';
import { makeBlobs } from '../data/blobs.js';
import { labelBytes, splitPerClass, type LabelledDataset } from '../data/dataset.js';
import { parseNpy } from '../data/npy.js';
import { DATA_FLAGS, MNIST, MNIST_NOTE, TRAIN_FRACTION } from '../data/source.js';
import { loadMnistSplit } from '../data/mnist_split.js';
import { fromBase64 } from '../io/base64.js';

/** The built-in synthetic set. */
export const BLOBS = 'blobs';

export const LINEAR_DATA_FLAGS = {
  data: text({
    value: 'mnist|blobs|FILE[,LABELS]',
    default: MNIST,
    help: `mnist (8,000 training and 2,000 test digits, pixels / 255), blobs (Gaussian clusters, the --blob-* flags), or a file of rows (IDX, .npy, .csv: one example per row, the values as they are) and optionally its labels file after a comma; without --test, ${Math.round(100 * (1 - TRAIN_FRACTION))}% of each class is held out`,
  }),
  test: DATA_FLAGS.test,
  patch: integer({ value: 'P', min: 1, help: 'cut every (square) example into its non-overlapping P x P patches, blank ones dropped, and fit those (sparse coding of MNIST patches: --patch 8)' }),
  project: integer({ value: 'D', min: 1, help: "replace every example by its first D principal components (the training rows' PCA, scikit-learn's transform) before fitting: MNIST-PCA-50 is --project 50" }),
  'blob-samples': integer({ min: 2, default: 1000, help: 'with --data blobs: examples drawn (training and held-out together)' }),
  'blob-centers': integer({ value: 'K', min: 1, max: 256, default: 3, help: 'with --data blobs: clusters planted, centres uniform in [-10, 10]^features (each example\'s cluster is its label)' }),
  'blob-features': integer({ min: 1, default: 2, help: 'with --data blobs: values per example' }),
  'blob-std': number({ value: 'X', min: 0, default: 1, help: "with --data blobs: the clusters' standard deviation" }),
  'data-rows': text({ hidden: true, help: "the --data file's rows as the command read them (.npy, float32, base64)" }),
  'data-labels': text({ hidden: true, help: "the --data labels file's labels (.npy, float32, base64)" }),
  'test-rows': text({ hidden: true, help: "the --test file's rows (.npy, float32, base64)" }),
  'test-labels': text({ hidden: true, help: "the --test labels file's labels (.npy, float32, base64)" }),
  'train-count': DATA_FLAGS['train-count'],
  'test-count': DATA_FLAGS['test-count'],
} as const;

export type LinearDataParams = Values<typeof LINEAR_DATA_FLAGS> & { seed: number };

export interface RowsSplit {
  train: RealRows & { labels: Uint8Array };
  test: RealRows & { labels: Uint8Array };
  /** How the rows were made, for model files' metadata. */
  note: string;
}

type Labelled = RowsSplit['train'];

/** A spec's rows (an .npy of count x width, or count) and labels, as the command sent them. */
function decodeRows(rows: string | undefined, labels: string | undefined, flag: string, name: string): Labelled {
  if (!rows) throw new InputError(`--${flag} ${name}: the job needs the file's rows (${flag}_rows); the command reads the file and sends them`);
  const array = parseNpy(fromBase64(rows), `--${flag} ${name}`);
  const [count, width = 1] = array.shape;
  const values = Float32Array.from(array.data);
  const classes = labels ? labelBytes(parseNpy(fromBase64(labels), `--${flag} ${name} labels`)) : new Uint8Array(count);
  if (classes.length !== count) throw new InputError(`--${flag} ${name}: ${count} rows but ${classes.length} labels`);
  return { values, labels: classes, count, width };
}

/** Rows as the per-class split takes them (splitPerClass copies the values as they are, whatever their range). */
const asDataset = (r: Labelled): LabelledDataset => ({ images: r.values, labels: r.labels, count: r.count, rows: 1, cols: r.width });
const asRows = (d: LabelledDataset): Labelled => ({
  values: d.images instanceof Float32Array ? d.images : Float32Array.from(d.images, (b) => b / 255),
  labels: d.labels,
  count: d.count,
  width: d.rows * d.cols,
});
const first = (r: Labelled, n: number | undefined): Labelled => {
  const count = Math.min(n ?? r.count, r.count);
  return { values: r.values.subarray(0, count * r.width), labels: r.labels.subarray(0, count), count, width: r.width };
};

/** Each row of `r` replaced by its projections onto `pca`'s components (float32). */
const projected = (r: Labelled, project: (values: Float32Array, count: number) => Float64Array, k: number): Labelled => ({ ...r, values: Float32Array.from(project(r.values, r.count)), width: k });

/**
 * Every row's non-overlapping `p` x `p` patches (rows taken as square images), those with no non-zero
 * value dropped; each patch keeps its row's label.
 *
 *   patches(mnistRows, 7);   // up to 16 patches of 49 values per digit
 */
export function patches(r: Labelled, p: number, flag = '--patch'): Labelled {
  const side = Math.round(Math.sqrt(r.width));
  if (side * side !== r.width) throw new InputError(`${flag} ${p}: the examples have ${r.width} values, not a square image`);
  if (p > side) throw new InputError(`${flag} ${p}: larger than the ${side} x ${side} images`);
  const per = Math.floor(side / p);
  const values: number[] = [];
  const labels: number[] = [];
  for (let row = 0; row < r.count; row++) {
    for (let py = 0; py < per; py++) {
      for (let px = 0; px < per; px++) {
        const patch: number[] = [];
        for (let y = 0; y < p; y++) for (let x = 0; x < p; x++) patch.push(r.values[row * r.width + (py * p + y) * side + px * p + x]);
        if (patch.some((v) => v !== 0)) {
          for (const v of patch) values.push(v);
          labels.push(r.labels[row]);
        }
      }
    }
  }
  return { values: Float32Array.from(values), labels: Uint8Array.from(labels), count: labels.length, width: p * p };
}

/**
 * The training and held-out rows of a run: --data (MNIST, blobs or the command's file) split per class
 * unless --test gives the held-out rows, each cut to its count, then cut into patches with --patch and
 * projected with --project.
 *
 *   const { train, test, note } = await loadRows(ctx, p);
 */
export async function loadRows(ctx: RunContext, p: LinearDataParams): Promise<RowsSplit> {
  const held = p.test === undefined ? undefined : decodeRows(p['test-rows'], p['test-labels'], 'test', p.test);
  let split: { train: Labelled; test: Labelled };
  let note: string;
  if (p.data === MNIST) {
    const mnist = await loadMnistSplit(ctx.gpu.adapter.runtime);
    split = { train: asRows(mnist.train), test: asRows(mnist.test) };
    note = MNIST_NOTE;
  } else {
    const all =
      p.data === BLOBS
        ? (({ values, labels }) => ({ values, labels, count: p['blob-samples'], width: p['blob-features'] }))(makeBlobs({ samples: p['blob-samples'], centers: p['blob-centers'], features: p['blob-features'], std: p['blob-std'], seed: p.seed }))
        : decodeRows(p['data-rows'], p['data-labels'], 'data', p.data);
    const parts = held ? { train: asDataset(all), test: asDataset(all) } : splitPerClass(asDataset(all), TRAIN_FRACTION);
    split = { train: asRows(parts.train), test: asRows(parts.test) };
    note = p.data === BLOBS ? `blobs: ${p['blob-samples']} samples, ${p['blob-centers']} centres, ${p['blob-features']} features, std ${p['blob-std']}, seed ${p.seed}` : p.data;
    if (!held) note += ` split per class ${TRAIN_FRACTION}`;
  }
  if (held) {
    if (held.width !== split.train.width) throw new InputError(`--test ${p.test}: ${held.width} values per row; --data ${p.data} has ${split.train.width}`);
    split.test = held;
    note += `; test ${p.test}`;
  }
  if (split.train.count === 0) throw new InputError(`--data ${p.data}: no examples to train on`);
  if (split.test.count === 0) throw new InputError(`--data ${p.data}: no held-out examples (each class needs two or more examples to split, or give --test)`);
  let [train, test] = [first(split.train, p['train-count']), first(split.test, p['test-count'])];
  if (p.patch !== undefined) {
    [train, test] = [patches(train, p.patch), patches(test, p.patch)];
    if (train.count === 0 || test.count === 0) throw new InputError(`--patch ${p.patch}: every patch of the ${train.count === 0 ? 'training' : 'held-out'} examples is blank`);
    note += `; cut into ${p.patch} x ${p.patch} patches, blank ones dropped`;
  }
  if (p.project !== undefined) {
    const k = p.project;
    if (k > train.width) throw new InputError(`--project ${k}: the data have only ${train.width} values per example`);
    const set = await DeviceDataset.uploadRows(ctx, train, 'rows to project');
    try {
      const pca = await fitPca(ctx, set, k, { seed: p.seed });
      const project = (values: Float32Array, count: number) => pcaProject(pca, values, count);
      [train, test] = [projected(train, project, k), projected(test, project, k)];
    } finally {
      set.release();
    }
    note += `; projected onto the training rows' first ${k} principal components`;
  }
  return { train, test, note };
}
