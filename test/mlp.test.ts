// The MLP classifier (models/dense.ts, models/mlp.ts, harness/mlp): every backward pass against
// central differences of its float64 forward, training on MNIST, bit-identical resume, model files,
// the CLI's checks, and Node = Chrome.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, InputError, KernelGraph, ParamSet } from '../engine/index.js';
import { addSoftmaxCrossEntropy, addDropout, addDropoutBackward } from '../engine/ops/index.js';
import { addDenseBackward, addDenseForward, DENSE_ACTIVATIONS, denseLayer, denseParams } from '../models/dense.js';
import { Mlp, mlpLayerName, readMlpConfig } from '../models/mlp.js';
import { withJobContext } from '../harness/backends/context.js';
import { runJob } from '../harness/backends/jobs.js';
import { runJobInChrome } from '../harness/backends/chrome.js';
import { readSpec } from '../harness/cli/schema.js';
import { fromBase64 } from '../harness/io/base64.js';
import type { JsonObject } from '../harness/io/json.js';
import { saveIsingCheckpoint } from '../harness/ising/checkpoint.js';
import { MLP_TRAIN_JOB } from '../harness/mlp/flags.js';
import { runMlpTrain } from '../harness/mlp/job.js';
import { denseReference, dropoutForwardReference, meanCrossEntropyReference, mlpLossReference, type MlpReference } from '../harness/mlp/reference.js';
import { expectError } from './expect.js';
import { readF32, withGpu, openTestGpu, type GpuContext } from './gpu.js';
import { centralDifferences, check, Made } from './ops_util.js';
import { randomF32 } from './random.js';

const dir = mkdtempSync(join(tmpdir(), 'harmonium-mlp-'));

// GPU gradients are f32 sums of a few products of O(1) values (relative error ~1e-6); central
// differences in float64 with h = 1e-6 are good to ~1e-9. A wrong gradient is off by O(0.1).
const GRAD_TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

const sum = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

// ---------------------------------------------------------------------------------------------
const grads = suite('MLP backward passes against central differences of the float64 forward (GPU)');

// Odd shapes: 3 rows, 7 inputs, 5 outputs.
const [ROWS, INPUTS, OUTPUTS] = [3, 7, 5];

for (const activation of DENSE_ACTIVATIONS) {
  grads(`dense layer ${ROWS}x${INPUTS} -> ${OUTPUTS}, ${activation}: y, dX, dW and db`, () =>
    withGpu(async (ctx) => {
      const made = new Made(ctx);
      const params = await ParamSet.create(ctx, { seed: 5, params: denseParams('d', INPUTS, OUTPUTS) });
      try {
        const layer = denseLayer(params, 'd', activation);
        const x = randomF32(ROWS * INPUTS, 11);
        const bias = randomF32(OUTPUTS, 12, 0.5);
        await layer.bias.value.write(bias);
        const w = await readF32(layer.weight.value);
        // The upstream gradient: L = sum(dy * y).
        const dy = randomF32(ROWS * OUTPUTS, 13);
        const shape = { rows: ROWS, inputs: INPUTS, outputs: OUTPUTS };
        // Keep every pre-activation away from relu's kink, where differences straddle it.
        const z = denseReference(x, w, bias, shape, 'identity');
        assert.ok(z.every((v) => Math.abs(v) > 1e-3), 'pre-activations clear of 0');

        const graph = new KernelGraph('dense test');
        const xt = await made.tensor('x', [ROWS, INPUTS], x);
        const y = await made.tensor('y', [ROWS, OUTPUTS]);
        const dyt = await made.tensor('dy', [ROWS, OUTPUTS], dy);
        const dx = await made.tensor('dx', [ROWS, INPUTS]);
        const forward = await addDenseForward(graph, ctx, layer, { x: xt, y, rows: ROWS });
        const backward = await addDenseBackward(graph, ctx, layer, { x: xt, y, dy: dyt, dx, rows: ROWS });
        await ctx.scheduler.run(graph);
        forward.release();
        backward.release();

        const name = `dense ${activation}`;
        check(`${name} forward`, await readF32(y), denseReference(x, w, bias, shape, activation), { atol: 1e-6, rtol: 1e-5 });
        const loss = (xv: ArrayLike<number>, wv: ArrayLike<number>, bv: ArrayLike<number>) => sum(denseReference(xv, wv, bv, shape, activation), dy);
        check(`${name} dX`, await readF32(dx), centralDifferences((v) => loss(v, w, bias), x), GRAD_TOLERANCE);
        check(`${name} dW`, await readF32(layer.weight.grad), centralDifferences((v) => loss(x, v, bias), w), GRAD_TOLERANCE);
        check(`${name} db`, await readF32(layer.bias.grad), centralDifferences((v) => loss(x, w, v), bias), GRAD_TOLERANCE);
      } finally {
        made.release();
        params.release();
      }
    }));
}

grads('softmax cross-entropy as the MLP uses it (3 x 5, gradScale 1 / rows): the gradient of the mean loss', () =>
  withGpu(async (ctx) => {
    const made = new Made(ctx);
    try {
      const z = randomF32(ROWS * OUTPUTS, 21, 3);
      const labels = Uint32Array.of(4, 0, 2);
      const graph = new KernelGraph('cross-entropy test');
      const logits = await made.tensor('logits', [ROWS, OUTPUTS], z);
      const grad = await made.tensor('grad', [ROWS, OUTPUTS]);
      const mean = await made.tensor('mean', [1]);
      await made.op(addSoftmaxCrossEntropy(graph, ctx, { logits, labels: await made.tensor('labels', [ROWS], labels), grad, gradScale: 1 / ROWS, meanLoss: { out: mean } }));
      await ctx.scheduler.run(graph);
      check('mean loss', await readF32(mean), [meanCrossEntropyReference(z, labels, ROWS, OUTPUTS)], { atol: 1e-6, rtol: 1e-5 });
      check('cross-entropy gradient', await readF32(grad), centralDifferences((v) => meanCrossEntropyReference(v, labels, ROWS, OUTPUTS), z), GRAD_TOLERANCE);
    } finally {
      made.release();
    }
  }));

grads('dropout (keep 0.6) at iteration 5: forward and backward against differences of the masked forward', () =>
  withGpu(async (ctx) => {
    const made = new Made(ctx);
    try {
      const n = ROWS * OUTPUTS;
      const x = randomF32(n, 31);
      const g = randomF32(n, 32);
      const stream = { keep: 0.6, seed: 9, step: 2, call: 1 };
      const graph = new KernelGraph('dropout test');
      const xt = await made.tensor('x', [ROWS, OUTPUTS], x);
      const y = await made.tensor('y', [ROWS, OUTPUTS]);
      const gt = await made.tensor('g', [ROWS, OUTPUTS], g);
      const dx = await made.tensor('dx', [ROWS, OUTPUTS]);
      const ops = [await addDropout(graph, ctx, { input: xt, output: y, ...stream }), await addDropoutBackward(graph, ctx, { gradOutput: gt, gradInput: dx, ...stream })];
      // Iteration 5: the masks are those of Philox step 2 + 5.
      await ctx.scheduler.run(graph, { firstIteration: 5 });
      ops.forEach((op) => op.release());
      const at = { seed: 9, step: 7, call: 1 };
      const forward = dropoutForwardReference(x, 0.6, at);
      assert.ok(forward.some((v) => v === 0) && forward.some((v) => v !== 0), 'some units dropped, some kept');
      check('dropout forward', await readF32(y), forward, { atol: 0, rtol: 1e-7 });
      check('dropout backward', await readF32(dx), centralDifferences((v) => sum(dropoutForwardReference(v, 0.6, at), g), x), GRAD_TOLERANCE);
    } finally {
      made.release();
    }
  }));

/** Every parameter's gradient of a whole network's mean loss on the GPU, beside its float64 reference. */
async function networkGradients(ctx: GpuContext, layers: number[], activation: (typeof DENSE_ACTIVATIONS)[number], dropout: number, iteration: number) {
  const rows = ROWS;
  const mlp = await Mlp.create(ctx, { layers, activation }, { seed: 3 });
  const made = new Made(ctx);
  try {
    // Random biases (zeros at creation), so that no bias gradient is trivially right.
    for (const [i, layer] of mlp.layers.entries()) await layer.bias.value.write(randomF32(layer.outputs, 40 + i, 0.3));
    const x = randomF32(rows * layers[0], 41);
    const labels = Uint32Array.of(1, 3, 0);
    const batch = await mlp.batch(ctx, rows, { training: true, dropout: dropout > 0 });
    await batch.x.write(x);
    await batch.labels.write(labels);
    const graph = new KernelGraph('mlp gradients test');
    const stream = dropout > 0 ? { keep: 1 - dropout, seed: 17 } : undefined;
    const op = await mlp.addGradients(graph, ctx, batch, { dropout: stream });
    await ctx.scheduler.run(graph, { firstIteration: iteration });
    op.release();
    const net: MlpReference = { layers, activation, weights: [], biases: [] };
    for (const layer of mlp.layers) {
      net.weights.push(await readF32(layer.weight.value));
      net.biases.push(await readF32(layer.bias.value));
    }
    const drop = stream && { ...stream, step: iteration };
    const results: Array<{ name: string; gpu: Float32Array; fd: Float64Array }> = [];
    for (const [i, layer] of mlp.layers.entries()) {
      for (const kind of ['weights', 'biases'] as const) {
        const values = net[kind][i];
        const fd = centralDifferences((v) => mlpLossReference({ ...net, [kind]: net[kind].map((p, j) => (j === i ? v : p)) }, x, labels, rows, drop).loss, values);
        results.push({ name: `${mlpLayerName(i)} ${kind}`, gpu: await readF32(kind === 'weights' ? layer.weight.grad : layer.bias.grad), fd });
      }
    }
    batch.release();
    return results;
  } finally {
    made.release();
    mlp.release();
  }
}

for (const [activation, dropout] of [['relu', 0.3], ['tanh', 0], ['sigmoid', 0.5]] as const) {
  grads(`whole network 7-6-5-4 ${activation}${dropout ? `, dropout ${dropout}` : ''}, batch 3 at iteration 4: every parameter's gradient`, () =>
    withGpu(async (ctx) => {
      for (const r of await networkGradients(ctx, [7, 6, 5, 4], activation, dropout, 4)) check(`${activation} ${r.name}`, r.gpu, r.fd, GRAD_TOLERANCE);
    }));
}
grads.run();

// ---------------------------------------------------------------------------------------------
const files = suite('MLP model files (no GPU)');

/** A small valid model file's tensors and metadata. */
function modelFile(): { tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>; metadata: Record<string, string> } {
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  return {
    tensors: { 'layer0.weight': f32([4, 3]), 'layer0.bias': f32([3]), 'layer1.weight': f32([3, 2]), 'layer1.bias': f32([2]) },
    metadata: { model: 'mlp', layers: '[4,3,2]', activation: 'tanh' },
  };
}

files('readMlpConfig reads an MLP and refuses another kind, a wrong dtype or shape, a missing tensor, bad metadata', async () => {
  const ok = modelFile();
  assert.equal(readMlpConfig(ok, 'f'), { layers: [4, 3, 2], activation: 'tanh' });
  // Each way of spoiling a valid file, and what the error says.
  const cases: Array<[(f: ReturnType<typeof modelFile>) => void, string]> = [
    [(f) => delete f.metadata.model, "f: not an MLP model: metadata 'model' is null, expected 'mlp'"],
    [(f) => (f.metadata.model = 'rbm'), `metadata 'model' is "rbm"`],
    [(f) => (f.metadata.layers = '4,3,2'), "metadata 'layers' = \"4,3,2\" is not a JSON list"],
    [(f) => (f.metadata.layers = '[4]'), 'must be two or more positive integers'],
    [(f) => (f.metadata.activation = 'gelu'), "activation 'gelu' is not one of"],
    [(f) => Object.assign(f.tensors['layer1.weight'], { dtype: 'U32', data: new Uint32Array(6) }), "tensor 'layer1.weight' is U32, expected F32"],
    [(f) => (f.tensors['layer0.weight'] = { dtype: 'F32', shape: [3, 4], data: new Float32Array(12) }), "tensor 'layer0.weight' has shape [3, 4], expected [4, 3]"],
    [(f) => delete f.tensors['layer1.bias'], "tensor 'layer1.bias' is missing"],
  ];
  for (const [spoil, message] of cases) {
    const f = modelFile();
    spoil(f);
    await expectError(() => readMlpConfig(f, 'f'), InputError, message);
  }
});

files('an Ising checkpoint is not an MLP, and says what it is', async () => {
  const path = join(dir, 'ising.safetensors');
  saveIsingCheckpoint(path, { spec: { job: 'ising' }, iteration: 1, words: new Uint32Array(4), series: new Uint32Array(2), wallMs: 1 });
  await expectError(() => readMlpConfig(decodeSafetensors(readFileSync(path), path), path), InputError, 'not an MLP model', "format is 'harmonium.ising.checkpoint.v1'");
});
files.run();

// ---------------------------------------------------------------------------------------------
const training = suite('MLP training (GPU)');

const trainSpec = (spec: JsonObject) => readSpec(MLP_TRAIN_JOB, { job: 'mlp-train', ...spec }, 'mlp-train');

// The issue's configuration on all of MNIST: test/mlp_mnist.test.ts (a file of its own, the suite's longest).

// Small runs: 600 training digits in batches of 100 (6 steps an epoch), 200 test digits.
const small = { hidden: [24, 16], batch: 100, train_count: 600, test_count: 200, seed: 7 };

const resumeCases: Array<[string, JsonObject]> = [
  ['adam, dropout 0.25', { optimizer: 'adam', dropout: 0.25, lr: 2e-3 }],
  ['sgd, momentum 0.9', { optimizer: 'sgd', momentum: 0.9, lr: 0.05 }],
];
for (const [what, settings] of resumeCases) {
  training(`resume is bit-identical (${what}): 2 epochs straight = 1 epoch, then resume to 2 (file bytes, result)`, async () => {
    const gpu = await openTestGpu();
    const spec = (epochs: number) => trainSpec({ ...small, ...settings, epochs });
    const saves: Uint8Array[] = [];
    const straight = await withJobContext((ctx) => runMlpTrain(ctx, spec(2), { save: (b) => void saves.push(b) }), { gpu });
    const first: Uint8Array[] = [];
    await withJobContext((ctx) => runMlpTrain(ctx, spec(1), { save: (b) => void first.push(b) }), { gpu });
    assert.equal(first[0], saves[0], 'the one-epoch file is the straight run\'s first checkpoint');
    const resumed: Uint8Array[] = [];
    const again = await withJobContext((ctx) => runMlpTrain(ctx, spec(2), { resume: { bytes: first[0], source: 'checkpoint' }, save: (b) => void resumed.push(b) }), { gpu });
    assert.is(resumed.length, 1, 'one more epoch');
    assert.ok(Buffer.from(resumed[0]).equals(Buffer.from(saves[1])), 'the resumed file equals the straight run\'s, byte for byte');
    for (const key of ['train_loss', 'history', 'test_error', 'test_loss']) assert.equal(again[key], straight[key], key);
  });
}

training('resuming with other settings or past --epochs is refused, naming the flag', async () => {
  const gpu = await openTestGpu();
  const saved: Uint8Array[] = [];
  await withJobContext((ctx) => runMlpTrain(ctx, trainSpec({ ...small, epochs: 1 }), { save: (b) => void saved.push(b) }), { gpu });
  const resume = { bytes: saved[0], source: 'm.safetensors' };
  const cases: Array<[JsonObject, string]> = [
    [{ lr: 0.01 }, 'm.safetensors was made with --lr 0.001; this run has --lr 0.01'],
    [{ hidden: [24] }, 'made with --hidden 24,16; this run has --hidden 24'],
    [{ batch: 50 }, 'made with --batch 100; this run has --batch 50'],
    [{ seed: 8 }, 'made with --seed 7; this run has --seed 8'],
  ];
  for (const [change, message] of cases) {
    await expectError(() => withJobContext((ctx) => runMlpTrain(ctx, trainSpec({ ...small, epochs: 2, ...change }), { resume }), { gpu }), InputError, message);
  }
  // A file whose steps and epochs disagree (edited by hand, or another tool's) is refused, not trusted.
  const file = decodeSafetensors(saved[0], 'm.safetensors');
  const tampered = { bytes: encodeSafetensors(file.tensors, { ...file.metadata, epochs: '0' }), source: 't.safetensors' };
  await expectError(() => withJobContext((ctx) => runMlpTrain(ctx, trainSpec({ ...small, epochs: 2 }), { resume: tampered }), { gpu }), InputError, "do not make the 0 epochs of metadata 'epochs'");
  // Trained 1 epoch: --epochs 1 has nothing left to do, and says so by returning the checkpoint's results.
  const done = await withJobContext((ctx) => runMlpTrain(ctx, trainSpec({ ...small, epochs: 1 }), { resume }), { gpu });
  assert.is((done.history as unknown[]).length, 1);
  const other = encodeSafetensors(modelFile().tensors, { model: 'mlp', layers: '[4,3,2]', activation: 'tanh' });
  await expectError(() => withJobContext((ctx) => runMlpTrain(ctx, trainSpec({ ...small, epochs: 2 }), { resume: { bytes: other, source: 'x.safetensors' } }), { gpu }), InputError, 'x.safetensors: not a harmonium parameter checkpoint');
});
training.run();

// ---------------------------------------------------------------------------------------------
const cli = suite('mlp CLI');

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

cli('bad hyperparameters: exit 2 and a message naming the flag, before any device is opened', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--lr', '0'], /lr must be a positive number, got 0/],
    [['--batch', '0'], /batch must be a positive integer, got 0/],
    [['--hidden', '512,x'], /--hidden must be a finite number, got 'x'/],
    [['--dropout', '1.5'], /dropout must lie in \[0, 1\) \(the probability of dropping a unit\), got 1.5/],
    [['--epochs', '0'], /epochs must be a positive integer, got 0/],
    [['--hidden', '512,0'], /layers \[784,512,0,10\] must be two or more positive integers/],
    [['--momentum', '0.9'], /momentum is for sgd/],
    [['--resume'], /--resume needs --out FILE/],
    [['--out', '/tmp'], /--out \/tmp: is a directory/],
  ];
  for (const [args, message] of cases) {
    const r = run(['mlp', 'train', ...args]);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stdout, '');
  }
  const verbless = run(['mlp']);
  assert.is(verbless.status, 2);
  assert.match(verbless.stderr, /'mlp' is not a command; mlp has 'mlp train', 'mlp eval'/);
});

cli('a model file of another kind, truncated or with a wrong dtype: exit 2 naming the file and the problem', () => {
  const ising = join(dir, 'ising-cli.safetensors');
  saveIsingCheckpoint(ising, { spec: { job: 'ising' }, iteration: 1, words: new Uint32Array(4), series: new Uint32Array(2), wallMs: 1 });
  const good = encodeSafetensors(modelFile().tensors, modelFile().metadata);
  const truncated = join(dir, 'truncated.safetensors');
  writeFileSync(truncated, good.subarray(0, good.length - 10));
  const wrongDtype = join(dir, 'u32.safetensors');
  const spoilt = modelFile();
  writeFileSync(wrongDtype, encodeSafetensors({ ...spoilt.tensors, 'layer0.bias': { dtype: 'U32', shape: [3], data: new Uint32Array(3) } }, spoilt.metadata));
  const cases: Array<[string[], RegExp]> = [
    [['mlp', 'eval', '--model', ising], /--model .*ising-cli.safetensors: not an MLP model: metadata 'model' is null, expected 'mlp' \(the file's format is 'harmonium.ising.checkpoint.v1'\)/],
    [['mlp', 'eval', '--model', truncated], /--model .*truncated.safetensors: not a valid safetensors file/],
    [['mlp', 'eval', '--model', wrongDtype], /tensor 'layer0.bias' is U32, expected F32/],
    [['mlp', 'eval', '--model', join(dir, 'none.safetensors')], /cannot read \(ENOENT\)/],
    [['mlp', 'train', '--resume', '--out', ising], /--out .*ising-cli.safetensors: not an MLP model/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

cli('mlp train --json writes a model that mlp eval reads back to the same test error and loss', () => {
  const model = join(dir, 'cli.safetensors');
  const trained = run(['mlp', 'train', '--hidden', '8', '--epochs', '1', '--batch', '500', '--out', model, '--json']);
  assert.is(trained.status, 0, trained.stderr);
  assert.match(trained.stderr, /mlp train: epoch 1\/1: train loss \d\.\d+, test error \d+\.\d+%, test loss \d\.\d+/);
  const t = JSON.parse(trained.stdout);
  assert.equal(t.layers, [784, 8, 10]);
  assert.is(t.steps_per_epoch, 16);
  // A new process, a new device: the same numbers (printed to 6 decimals).
  const evaluated = run(['mlp', 'eval', '--model', model]);
  assert.is(evaluated.status, 0, evaluated.stderr);
  const wrong = Math.round(t.test_error * 2000);
  assert.is(evaluated.stdout, `test_error ${t.test_error.toFixed(6)}, test_loss ${t.test_loss.toFixed(6)} (${wrong} of 2000 test digits wrong)\n`);
  const meta = decodeSafetensors(readFileSync(model), model).metadata;
  for (const [key, value] of Object.entries({ model: 'mlp', layers: '[784,8,10]', activation: 'relu', optimizer: 'adam', lr: '0.001', batch: '500', epochs: '1', 'harmonium.iteration': '16' })) {
    assert.is(meta[key], value, key);
  }
});
cli.run();

// ---------------------------------------------------------------------------------------------
const bench = suite('bench mlp at a small size (GPU)');

bench('784-8-8-10 on 300 digits: both implementations checked from the same weights, then timed', async () => {
  const gpu = await openTestGpu();
  const r = await runJob({ job: 'bench-mlp', sizes: [8], reps: 1, train_count: 300 }, { gpu });
  const [check] = r.checks as Array<Record<string, number>>;
  // The same first batch through the same weights: tfjs and we agree to f32 rounding.
  assert.ok(Math.abs(check.tfjs_first_loss - check.first_loss) <= 1e-4 * check.first_loss, JSON.stringify(check));
  const rows = r.rows as JsonObject[];
  assert.equal(rows.map((row) => row.impl), ['harmonium', 'tfjs']);
  for (const row of rows) {
    assert.is(row.examples_per_epoch, 300);
    assert.ok((row.examples_per_s as number) > 0 && (row.fraction_of_fma_peak as number) > 0);
  }
});
bench.run();

// ---------------------------------------------------------------------------------------------
const chrome = suite('MLP in Node and in headless Chrome (GPU, both backends)');

// Floats: the guarantee is agreement within a tolerance (f32 rounding of two shader compilers).
// Both runs here use the same SwiftShader build (Node loads Chromium's), and there they agree bit for
// bit: the loss per step, the test metrics and the model file (parameters and Adam state).
chrome('a short run (3 steps, dropout): the same losses within 1e-5 relative, bit for bit on SwiftShader', async () => {
  const spec: JsonObject = { job: 'mlp-train', hidden: [32], epochs: 1, batch: 100, train_count: 300, test_count: 100, dropout: 0.2, seed: 3, return_model: true };
  const gpu = await openTestGpu();
  const node = await runJob(spec, { gpu });
  const page = await runJobInChrome(spec);
  assert.is((page.adapter as JsonObject).runtime, 'browser');
  const losses = page.train_loss as number[];
  assert.is(losses.length, 3);
  check('loss per step, chrome vs node', losses, node.train_loss as number[], { atol: 0, rtol: 1e-5 });
  check('test loss, chrome vs node', [page.test_loss as number], [node.test_loss as number], { atol: 0, rtol: 1e-5 });
  const swiftshader = [node, page].every((r) => String((r.adapter as JsonObject).description).includes('SwiftShader'));
  if (swiftshader) {
    assert.equal(page.train_loss, node.train_loss, 'loss per step, bit for bit');
    assert.is(page.test_error, node.test_error);
    assert.is(page.test_loss, node.test_loss);
    assert.ok(Buffer.from(fromBase64(page.model_base64 as string)).equals(Buffer.from(fromBase64(node.model_base64 as string))), 'model files, byte for byte');
  }
});
chrome.run();
