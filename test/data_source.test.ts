// --data and --test (harness/data/source.ts, source_node.ts): the split a job makes of a file's examples
// or takes from --test, the counts, what a model file says of it, and bad files (no GPU); then a
// training command on a file of examples, and one refusing a file it cannot use (GPU, the CLI).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../engine/errors.js';
import { toBase64 } from '../harness/io/base64.js';
import { encodeDataset, loadData, MNIST_NOTE } from '../harness/data/source.js';
import { readDataFlags, readExamples } from '../harness/data/source_node.js';
import { parseMnistCache } from '../harness/data/mnist.js';
import { fromBase64 } from '../harness/io/base64.js';
import type { LabelledDataset } from '../harness/data/dataset.js';
import { expectError } from './expect.js';

const scratch = mkdtempSync(join(tmpdir(), 'harmonium-source-'));
const write = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

/** `count` examples of `width` values 0..255 (example n is all n), labels n mod `classes`. */
function examples(count: number, width: number, classes: number): LabelledDataset {
  const images = new Uint8Array(count * width);
  for (let n = 0; n < count; n++) images.fill(n, n * width, (n + 1) * width);
  return { images, labels: Uint8Array.from({ length: count }, (_, n) => n % classes), count, rows: 1, cols: width };
}
const bytes = (d: LabelledDataset) => toBase64(encodeDataset(d));

// ---------------------------------------------------------------------------------------------
const split = suite('the data of a run (no GPU)');

split('a file without --test is split per class, 80% to train; --test replaces the held-out part; counts take prefixes', async () => {
  const d = examples(20, 3, 2);
  const own = await loadData('node', { data: 'x.csv', 'data-bytes': bytes(d) });
  assert.equal([own.train.count, own.test.count], [16, 4]);
  assert.is(own.note, 'x.csv split per class 0.8');
  // Each class keeps its first 80% for training, interleaved: 0, 1, 2, 3, ... of the file.
  assert.equal([...own.train.labels.subarray(0, 4)], [0, 1, 0, 1]);
  assert.equal([...own.test.images.subarray(0, 3)], [16, 16, 16]);
  const held = await loadData('node', { data: 'x.csv', 'data-bytes': bytes(d), test: 't.csv', 'test-bytes': bytes(examples(5, 3, 2)), 'train-count': 7, 'test-count': 2 });
  assert.equal([held.train.count, held.test.count], [7, 2]);
  assert.is(held.note, 'x.csv; test t.csv');
  // The whole file trains when --test is given: example n is n.
  assert.equal([...held.train.images.subarray(0, 9)], [0, 0, 0, 1, 1, 1, 2, 2, 2]);
});

split('MNIST is the split of the mnist package, 8,000 and 2,000 digits, as model files have always said', async () => {
  const m = await loadData('node', { data: 'mnist', 'train-count': 30 });
  assert.equal([m.train.count, m.test.count, m.train.rows * m.train.cols], [30, 2000, 784]);
  assert.is(m.note, MNIST_NOTE);
});

split('a data file the job cannot read, or one too small to split, is an InputError naming the flag', async () => {
  await expectError(() => loadData('node', { data: 'x.csv' }), InputError, '--data x.csv', 'the command reads the file');
  await expectError(() => loadData('node', { data: 'x.csv', 'data-bytes': 'AAAA' }), InputError, '--data x.csv', 'not a valid');
  await expectError(() => loadData('node', { data: 'x.csv', 'data-bytes': bytes(examples(1, 3, 1)) }), InputError, 'no held-out examples');
});

// ---------------------------------------------------------------------------------------------
const files = suite('--data files read by the command (no GPU)');

files('examples and labels files (CSV) become the spec bytes; no labels file means class 0', () => {
  const x = write('x.csv', '0,255,10\n1,2,3\n4,5,6\n');
  const y = write('y.csv', '2\n0\n1\n');
  const d = readExamples('data', `${x},${y}`);
  assert.equal([d.count, d.cols, [...d.labels]], [3, 3, [2, 0, 1]]);
  const flags = readDataFlags({ data: `${x},${y}`, test: x });
  const decoded = parseMnistCache(fromBase64(flags['data-bytes']!));
  assert.equal([...decoded.images], [0, 255, 10, 1, 2, 3, 4, 5, 6]);
  assert.equal([...parseMnistCache(fromBase64(flags['test-bytes']!)).labels], [0, 0, 0]);
  assert.equal(readDataFlags({ data: 'mnist' }), {});
});

files('a missing file, a count mismatch or a malformed value is an InputError naming --data or --test', async () => {
  const x = write('x2.csv', '0,1\n2,3\n');
  await expectError(() => readExamples('data', join(scratch, 'none.csv')), InputError, 'none.csv', 'cannot read');
  await expectError(() => readExamples('test', `${x},${write('y2.csv', '1\n')}`), InputError, '--test', 'holds 2 images but', '1 labels');
  await expectError(() => readExamples('data', `${x},`), InputError, '--data', 'expected FILE or FILE,LABELS');
});

// ---------------------------------------------------------------------------------------------
const cli = suite('training on a file of examples (GPU, the CLI)');

const run = (args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });

cli('mlp train --data FILE,LABELS: the network takes the data\'s width and classes; the file records the data', () => {
  // 40 examples of 6 values in 3 classes: class c is bright in values 2c and 2c + 1.
  const rows: string[] = [];
  const labels: string[] = [];
  for (let n = 0; n < 40; n++) {
    const c = n % 3;
    rows.push(Array.from({ length: 6 }, (_, i) => (Math.floor(i / 2) === c ? 200 + (n % 50) : n % 30)).join(','));
    labels.push(String(c));
  }
  const x = write('train.csv', `${rows.join('\n')}\n`);
  const y = write('labels.csv', `${labels.join('\n')}\n`);
  const out = join(scratch, 'mlp.safetensors');
  const r = run(['mlp', 'train', '--data', `${x},${y}`, '--hidden', '8', '--epochs', '2', '--batch', '8', '--lr', '0.01', '--out', out, '--json']);
  assert.is(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.layers, [6, 8, 3]);
  // Per class 14, 13, 13 examples: round(0.8 n) = 11, 10, 10 train, the rest test; 31 / 8 makes 3 steps.
  assert.equal([result.train_count, result.test_count, result.steps_per_epoch], [31, 9, 3]);
  const evaluated = run(['mlp', 'eval', '--model', out, '--data', `${x},${y}`, '--json']);
  assert.is(evaluated.status, 0, evaluated.stderr);
  assert.is(JSON.parse(evaluated.stdout).test_error, result.test_error);
  // Another data set cannot resume the file.
  const other = run(['mlp', 'train', '--data', `${x},${y}`, '--test', `${x},${y}`, '--hidden', '8', '--epochs', '3', '--batch', '8', '--lr', '0.01', '--out', out, '--resume']);
  assert.is(other.status, 2, other.stderr);
  assert.match(other.stderr, /made with --train-count 31; this run has --train-count 40/);
});

cli('a classifier refuses a --data file without labels, and every training command reads its files before any device opens', () => {
  const x = write('nolabels.csv', '1,2\n3,4\n');
  const r = run(['mlp', 'train', '--data', x]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /a classifier needs labels: FILE,LABELS/);
  for (const model of ['rbm', 'vae', 'ae']) {
    const bad = run([model, 'train', '--data', join(scratch, 'missing.npy')]);
    assert.is(bad.status, 2, `${model}: ${bad.stderr}`);
    assert.match(bad.stderr, /missing\.npy: cannot read/);
  }
});

split.run();
files.run();
cli.run();
