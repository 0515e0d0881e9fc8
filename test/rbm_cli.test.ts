// The RBM's harness (harness/rbm): model files read and refused, bit-identical resume (CD with the
// momentum switch and a sparsity target, PCD with its chains), the CLI's checks (exit 2), rbm train's
// file read by the eval and sample jobs and rbm filters, and bench rbm at a small size. (The RBM in a
// page: test/demo.test.ts trains one live in headless Chrome.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeSafetensors, encodeSafetensors, InputError, type SafetensorsTensor } from '../engine/index.js';
import { readRbmConfig } from '../models/rbm.js';
import { withJobContext } from '../harness/backends/context.js';
import { runJob } from '../harness/backends/jobs.js';
import { readSpec } from '../harness/cli/schema.js';
import { fromBase64 } from '../harness/io/base64.js';
import type { JsonObject } from '../harness/io/json.js';
import { saveIsingCheckpoint } from '../harness/ising/checkpoint.js';
import { RBM_TRAIN_JOB } from '../harness/rbm/flags.js';
import { rbmBenchTable } from '../harness/rbm/bench_table.js';
import { rbmEvalCommand, rbmFiltersCommand, rbmSampleCommand, rbmTrainCommand } from '../harness/rbm/command.js';
import { filterImages } from '../harness/rbm/images.js';
import { runRbmTrain } from '../harness/rbm/job.js';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu, withGpu } from './gpu.js';
import { check } from './ops_util.js';

const dir = mkdtempSync(join(tmpdir(), 'harmonium-rbm-'));

// ---------------------------------------------------------------------------------------------
const files = suite('RBM model files and images (no GPU)');

type Tensors = Record<string, SafetensorsTensor>;

/** A small valid model file's tensors and metadata. */
function modelFile(): { tensors: Tensors; metadata: Record<string, string> } {
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  return { tensors: { weights: f32([6, 4]), visible_bias: f32([6]), hidden_bias: f32([4]) }, metadata: { model: 'rbm', visible: 'bernoulli' } };
}

files('readRbmConfig reads an RBM and refuses another kind, a wrong dtype or shape, a missing tensor, bad metadata', async () => {
  assert.equal(readRbmConfig(modelFile(), 'f'), { visible: 6, hidden: 4, visibleType: 'bernoulli', hiddenType: 'bernoulli', labels: 0 });
  const cases: Array<[(f: ReturnType<typeof modelFile>) => void, string]> = [
    [(f) => delete f.metadata.model, "f: not an RBM model: metadata 'model' is null, expected 'rbm'"],
    [(f) => (f.metadata.model = 'mlp'), `metadata 'model' is "mlp"`],
    [(f) => (f.metadata.visible = 'poisson'), `metadata 'visible' is "poisson", expected one of bernoulli, gaussian`],
    [(f) => (f.tensors.hidden_bias = { dtype: 'F64', shape: [4], data: new Float64Array(4) }), "tensor 'hidden_bias' is F64, expected F32"],
    [(f) => (f.tensors.visible_bias = { dtype: 'F32', shape: [5], data: new Float32Array(5) }), "tensor 'visible_bias' has shape [5], expected [6] (weights are [6, 4])"],
    [(f) => (f.tensors.weights = { dtype: 'F32', shape: [24], data: new Float32Array(24) }), "tensor 'weights' has shape [24], expected [visible, hidden]"],
    [(f) => delete f.tensors.weights, "tensor 'weights' is missing"],
  ];
  for (const [spoil, message] of cases) {
    const f = modelFile();
    spoil(f);
    await expectError(() => readRbmConfig(f, 'f'), InputError, message);
  }
});

files('an Ising checkpoint is not an RBM, and says what it is', async () => {
  const path = join(dir, 'ising.safetensors');
  saveIsingCheckpoint(path, { spec: { job: 'ising' }, iteration: 1, words: new Uint32Array(4), series: new Uint32Array(2), wallMs: 1 });
  await expectError(() => readRbmConfig(decodeSafetensors(readFileSync(path), path), path), InputError, 'not an RBM model', "format is 'harmonium.ising.checkpoint.v1'");
});

files('filter images: each filter scaled by its largest weight around grey', () => {
  // Weights 3 x 2 (visible x hidden): filter 0 is (1, -2, 0) / 2 / 2 + 0.5, filter 1 all 0 -> 0.5.
  assert.equal([...filterImages([1, 0, -2, 0, 0, 0], 3, 2)], [0.75, 0, 0.5, 0.5, 0.5, 0.5]);
});
files.run();

// ---------------------------------------------------------------------------------------------
const training = suite('RBM training runs: resume, settings (GPU)');

const trainSpec = (spec: JsonObject) => readSpec(RBM_TRAIN_JOB, { job: 'rbm-train', ...spec }, 'rbm-train');

// Small runs: 600 training digits in batches of 100 (6 steps an epoch), 200 test digits.
const small = { hidden: 12, batch: 100, train_count: 600, test_count: 200, seed: 7, lr: 0.05 };

const resumeCases: Array<[string, JsonObject]> = [
  ['CD-2, momentum 0.5 then 0.9 from epoch 2, sparsity target 0.1', { cd: 2, momentum: 0.5, final_momentum: 0.9, momentum_epochs: 1, sparsity_target: 0.1 }],
  ['PCD-1 with 10 chains, weight decay, lr decaying by 0.5 an epoch', { pcd: true, chains: 10, weight_decay: 1e-3, lr_decay: 0.5 }],
  ['CD-1, Gaussian visible units', { visible: 'gaussian', lr: 0.005, momentum_epochs: 0 }],
];
for (const [what, settings] of resumeCases) {
  training(`resume is bit-identical (${what}): 2 epochs straight = 1 epoch, then resume to 2 (file bytes, result)`, async () => {
    const gpu = await openTestGpu();
    const spec = (epochs: number) => trainSpec({ ...small, ...settings, epochs });
    const saves: Uint8Array[] = [];
    const straight = await withJobContext((ctx) => runRbmTrain(ctx, spec(2), { save: (b) => void saves.push(b) }), { gpu });
    const first: Uint8Array[] = [];
    await withJobContext((ctx) => runRbmTrain(ctx, spec(1), { save: (b) => void first.push(b) }), { gpu });
    assert.ok(Buffer.from(first[0]).equals(Buffer.from(saves[0])), "the one-epoch file is the straight run's first checkpoint");
    const resumed: Uint8Array[] = [];
    const again = await withJobContext((ctx) => runRbmTrain(ctx, spec(2), { resume: { bytes: first[0], source: 'checkpoint' }, save: (b) => void resumed.push(b) }), { gpu });
    assert.is(resumed.length, 1, 'one more epoch');
    assert.ok(Buffer.from(resumed[0]).equals(Buffer.from(saves[1])), "the resumed file equals the straight run's, byte for byte");
    for (const key of ['train_reconstruction_error', 'history', 'reconstruction_error', 'free_energy_gap']) assert.equal(again[key], straight[key], key);
    const file = decodeSafetensors(saves[1], 'file');
    for (const [key, value] of Object.entries({ model: 'rbm', hidden: '12', epochs: '2', 'harmonium.iteration': '12' })) assert.is(file.metadata[key], value, key);
  });
}

training('resuming with other settings or past --epochs is refused, naming the flag', async () => {
  const gpu = await openTestGpu();
  const saved: Uint8Array[] = [];
  await withJobContext((ctx) => runRbmTrain(ctx, trainSpec({ ...small, epochs: 1 }), { save: (b) => void saved.push(b) }), { gpu });
  const resume = { bytes: saved[0], source: 'm.safetensors' };
  const cases: Array<[JsonObject, string]> = [
    [{ lr: 0.01 }, 'm.safetensors was made with --lr 0.05; this run has --lr 0.01'],
    [{ hidden: 13 }, 'made with --hidden 12; this run has --hidden 13'],
    [{ cd: 3 }, 'made with --cd 1; this run has --cd 3'],
    [{ pcd: true }, 'made with --pcd false; this run has --pcd true'],
    [{ visible: 'gaussian' }, 'made with --visible bernoulli; this run has --visible gaussian'],
  ];
  for (const [change, message] of cases) {
    await expectError(() => withJobContext((ctx) => runRbmTrain(ctx, trainSpec({ ...small, epochs: 2, ...change }), { resume }), { gpu }), InputError, message);
  }
  // Trained 1 epoch: --epochs 1 has nothing left to do, and returns the checkpoint's history.
  const done = await withJobContext((ctx) => runRbmTrain(ctx, trainSpec({ ...small, epochs: 1 }), { resume }), { gpu });
  assert.is((done.history as unknown[]).length, 1);
  const other = encodeSafetensors(modelFile().tensors, modelFile().metadata);
  await expectError(() => withJobContext((ctx) => runRbmTrain(ctx, trainSpec({ ...small, epochs: 2 }), { resume: { bytes: other, source: 'x.safetensors' } }), { gpu }), InputError, 'x.safetensors: not a harmonium parameter checkpoint');
});
training.run();

// ---------------------------------------------------------------------------------------------
const cli = suite('rbm CLI');

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const refused = (args: string[], message: RegExp) => expectRefused({ train: rbmTrainCommand, eval: rbmEvalCommand, sample: rbmSampleCommand, filters: rbmFiltersCommand }, args, message);

cli('bad flags: exit 2 and a message naming the flag, before any device is opened', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['train', '--lr', '0'], /lr must be a positive number, got 0/],
    [['train', '--cd', '0'], /--cd must be an integer >= 1, got '0'/],
    [['train', '--hidden', 'x'], /--hidden must be a finite number, got 'x'/],
    [['train', '--momentum', '1'], /momentum must lie in \[0, 1\), got 1/],
    [['train', '--sparsity-target', '2'], /sparsity target must lie in \(0, 1\), got 2/],
    [['train', '--visible', 'poisson'], /--visible must be one of bernoulli, gaussian; got 'poisson'/],
    [['train', '--lr-decay', '1.5'], /lr-decay must lie in \(0, 1\], got 1.5/],
    [['train', '--resume'], /--resume needs --out FILE/],
    [['train', '--out', '/tmp'], /--out \/tmp: is a directory/],
    [['eval'], /--model is required/],
    [['sample', '--model', 'x.safetensors'], /--png is required/],
    [['eval', '--model', 'm', '--ais-runs', '1'], /--ais-runs must be an integer >= 2, got '1'/],
  ];
  for (const [args, message] of cases) await refused(args, message);
  // The process: exit 2, the message on stderr, nothing on stdout.
  const r = run(['rbm', 'train', '--lr', '0']);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /harmonium rbm train: .*lr must be a positive number, got 0/);
  assert.is(r.stdout, '');
  const verbless = run(['rbm']);
  assert.is(verbless.status, 2);
  assert.match(verbless.stderr, /'rbm' is not a command; rbm has 'rbm train', 'rbm eval', 'rbm sample', 'rbm filters'/);
});

cli('a model file of another kind, truncated, with a wrong dtype or too many hidden units for --exact: exit 2 naming the file and the problem', async () => {
  const ising = join(dir, 'ising-cli.safetensors');
  saveIsingCheckpoint(ising, { spec: { job: 'ising' }, iteration: 1, words: new Uint32Array(4), series: new Uint32Array(2), wallMs: 1 });
  const good = encodeSafetensors(modelFile().tensors, modelFile().metadata);
  const truncated = join(dir, 'truncated.safetensors');
  writeFileSync(truncated, good.subarray(0, good.length - 10));
  const wrongDtype = join(dir, 'u32.safetensors');
  writeFileSync(wrongDtype, encodeSafetensors({ ...modelFile().tensors, visible_bias: { dtype: 'U32', shape: [6], data: new Uint32Array(6) } }, modelFile().metadata));
  const wide = join(dir, 'wide.safetensors');
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  writeFileSync(wide, encodeSafetensors({ weights: f32([784, 25]), visible_bias: f32([784]), hidden_bias: f32([25]) }, modelFile().metadata));
  const cases: Array<[string[], RegExp]> = [
    [['eval', '--model', truncated], /--model .*truncated.safetensors: not a valid safetensors file/],
    [['sample', '--model', wrongDtype, '--png', join(dir, 'x.png')], /tensor 'visible_bias' is U32, expected F32/],
    [['filters', '--model', join(dir, 'none.safetensors'), '--png', join(dir, 'x.png')], /cannot read \(ENOENT\)/],
    [['eval', '--model', wide, '--exact'], /--exact sums over 2\^hidden states: at most 24 hidden units, the model has 25/],
    [['train', '--resume', '--out', ising], /--out .*ising-cli.safetensors: not an RBM model/],
  ];
  for (const [args, message] of cases) await refused(args, message);
  const r = run(['rbm', 'eval', '--model', ising]);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--model .*ising-cli.safetensors: not an RBM model: metadata 'model' is null, expected 'rbm' \(the file's format is 'harmonium.ising.checkpoint.v1'\)/);
});

cli('rbm train --json writes a model that the eval (exact) and sample jobs and rbm filters read', async () => {
  const model = join(dir, 'cli.safetensors');
  const trained = run(['rbm', 'train', '--hidden', '8', '--epochs', '1', '--batch', '500', '--binarize', 'threshold', '--out', model, '--json']);
  assert.is(trained.status, 0, trained.stderr);
  assert.match(trained.stderr, /rbm train: epoch 1\/1: reconstruction error \d+\.\d+ \(test \d+\.\d+\), free energy train -?\d+\.\d+ test -?\d+\.\d+ \(gap -?\d+\.\d+\)/);
  const t = JSON.parse(trained.stdout);
  assert.is(t.hidden, 8);
  assert.is(t.steps_per_epoch, 16);
  const meta = decodeSafetensors(readFileSync(model), model).metadata;
  for (const [key, value] of Object.entries({ model: 'rbm', visible: 'bernoulli', hidden: '8', k: '1', pcd: 'false', batch: '500', binarize: 'threshold', epochs: '1', 'harmonium.iteration': '16' })) assert.is(meta[key], value, key);
  // Another device than the training process's (this one's): the exact log Z and the same test reconstruction error (the same draws).
  // (The eval and sample commands are these jobs plus printing: in this process they reuse its compiled kernels.)
  const gpu = await openTestGpu();
  const bytes = readFileSync(model).toString('base64');
  const e = await runJob({ job: 'rbm-eval', model: bytes, exact: true }, { gpu });
  for (const key of ['log_z', 'log_z_stderr', 'exact', 'test_avg_log_prob', 'train_avg_log_prob', 'reconstruction_error']) assert.ok(key in e, key);
  assert.is(e.exact, true);
  assert.is(e.log_z_stderr, 0);
  assert.is(e.reconstruction_error, t.reconstruction_error);
  // log p(v) = -F(v) - log Z, and the gap between the free energies is that of the log-probabilities.
  check('test log-probability', [e.test_avg_log_prob as number], [-(e.test_free_energy as number) - (e.log_z as number)], { atol: 1e-9, rtol: 0 });
  assert.ok((e.test_avg_log_prob as number) < 0 && (e.test_avg_log_prob as number) > -784 * Math.LN2, String(e.test_avg_log_prob));
  const sampled = await runJob({ job: 'rbm-sample', model: bytes, count: 9, steps: 10 }, { gpu });
  const pixels = fromBase64(sampled.images_base64 as string);
  assert.is(pixels.length, 9 * 784);
  assert.ok(new Set(pixels).size > 2, 'the samples are E[v | h], not all 0 or 255');
  // 8 filters on a 3 x 3 grid of 28 x 28 images, padding 1, scale 2: (3 x 29 + 1) x 2 = 176 pixels a side.
  const filters = join(dir, 'filters.png');
  const drawn = run(['rbm', 'filters', '--model', model, '--png', filters, '--json']);
  assert.is(drawn.status, 0, drawn.stderr);
  assert.equal(JSON.parse(drawn.stdout), { count: 8, png: filters });
  const png = PNG.sync.read(readFileSync(filters));
  assert.equal([png.width, png.height], [176, 176]);
});
cli.run();

// ---------------------------------------------------------------------------------------------
// bench-rbm end to end in Node (no speeds asserted): both CD-1s checked before anything is timed, then
// a row per implementation and task, each rate the arithmetic of its own numbers.
const bench = suite('bench rbm at a small size (GPU)');

bench('784-16 on 200 digits: both CD-1s checked from the same weights, then CD-1 (ours, tfjs, reference), PCD-1 and AIS rows', () =>
  withGpu(async ({ gpu }) => {
    const lines: string[] = [];
    const spec = { job: 'bench-rbm', sizes: [16], reps: 1, train_count: 200, chains: 20, ais_runs: 4, ais_betas: 20 };
    const result = await runJob(spec, { gpu, onUnit: (line) => lines.push(line) });
    const [check] = result.checks as JsonObject[];
    assert.is(check.weight_gradient_checked, 784 * 16);
    assert.is(check.tfjs_weight_gradient_checked, 784 * 16);
    const rows = result.rows as JsonObject[];
    assert.equal(rows.map((r) => `${String(r.impl)}: ${String(r.what)}`), [
      'harmonium: CD-1 epoch',
      'tfjs: CD-1 epoch',
      'typescript (float64, 1 thread): CD-1 epoch',
      'harmonium: PCD-1 epoch (20 chains)',
      'harmonium: AIS (4 runs x 20 transitions)',
    ]);
    assert.equal(rows.map((r) => r.units), [200, 200, 100, 200, 80]);
    assert.is(lines.length, rows.length, lines.join('\n'));
    for (const r of rows) {
      const perSecond = (1000 * (r.units as number)) / (r.median_ms as number);
      assert.ok(Math.abs((r.per_s as number) - perSecond) <= 1e-9 * perSecond, JSON.stringify(r));
      assert.ok((r.fraction_of_fma_peak as number) > 0, JSON.stringify(r));
    }
    // The table: a line per row after the header, each naming its implementation and task.
    const table = rbmBenchTable(result, 'node').split('\n');
    for (const r of rows) assert.ok(table.some((line) => line.includes(String(r.impl)) && line.includes(String(r.what))), `${String(r.impl)} ${String(r.what)} in\n${table.join('\n')}`);
  }));

bench.run();
