// BinaryNet's training job and commands (harness/binarynet): resume bit-identical (deterministic and
// stochastic weights), the weights kept in [-1, 1], the evaluation's three ways of classifying
// agreeing, the same run in Node and in headless Chrome, and bad input (flags, model files) refused
// with exit status 2.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, InputError } from '../engine/index.js';
import { withJobContext } from '../harness/backends/context.js';
import { runJobInChrome } from '../harness/backends/chrome.js';
import { runJob } from '../harness/backends/jobs.js';
import { readSpec } from '../harness/cli/schema.js';
import { BINARYNET_EVAL_JOB, BINARYNET_TRAIN_JOB } from '../harness/binarynet/flags.js';
import { runBinaryNetEval } from '../harness/binarynet/job.js';
import { runTraining } from '../harness/train/job.js';
import { BINARYNET_FEATURE } from '../harness/binarynet/train.js';
import { fromBase64, toBase64 } from '../harness/io/base64.js';
import type { JsonObject } from '../harness/io/json.js';
import { expectError } from './expect.js';
import { openTestGpu } from './gpu.js';
import { check } from './ops_util.js';

const dir = mkdtempSync(join(tmpdir(), 'harmonium-binarynet-'));

const trainSpec = (spec: JsonObject) => readSpec(BINARYNET_TRAIN_JOB, { job: 'binarynet-train', ...spec }, 'binarynet-train');
const evalSpec = (model: string) => readSpec(BINARYNET_EVAL_JOB, { job: 'binarynet-eval', model, test_count: 200 }, 'binarynet-eval');
const train = async (spec: JsonObject, hooks: Parameters<typeof runTraining>[3] = {}) => {
  const gpu = await openTestGpu();
  return withJobContext((ctx) => runTraining(BINARYNET_FEATURE, ctx, trainSpec(spec), hooks), { gpu });
};

// Small runs: 400 training digits in batches of 100 (4 steps an epoch), 200 test digits.
const small = { hidden: [48, 40], batch: 100, train_count: 400, test_count: 200, seed: 7, lr_end: 3e-4 };

const training = suite('BinaryNet training (GPU)');

const resumeCases: Array<[string, JsonObject]> = [
  ['deterministic weights, hinge loss, dropout', {}],
  ['stochastic weights, softmax loss, shift-based batch norm', { binarize: 'stochastic', loss: 'softmax', shift: true }],
];
for (const [what, settings] of resumeCases) {
  training(`resume is bit-identical (${what}): a 2-epoch run stopped after epoch 1 and resumed ends byte for byte as the run straight through`, async () => {
    const saves: Uint8Array[] = [];
    const straight = await train({ ...small, ...settings, epochs: 2 }, { save: (b) => void saves.push(b) });
    const resumed: Uint8Array[] = [];
    const again = await train({ ...small, ...settings, epochs: 2 }, { resume: { bytes: saves[0], source: 'checkpoint' }, save: (b) => void resumed.push(b) });
    assert.is(resumed.length, 1, 'one more epoch');
    assert.ok(Buffer.from(resumed[0]).equals(Buffer.from(saves[1])), "the resumed file equals the straight run's, byte for byte");
    for (const key of ['train_loss', 'history', 'test_error', 'test_loss']) assert.equal(again[key], straight[key], key);
    // The real weights stay in [-1, 1], and the clip is what holds them there (the weights learn fast).
    const file = decodeSafetensors(saves[1], 'checkpoint');
    const w = file.tensors['layer0.weight'].data;
    assert.ok(w.every((v) => Math.abs(v) <= 1), 'every |W_r| <= 1');
    assert.ok(w.some((v) => Math.abs(v) === 1), 'some W_r clipped to +-1');
    assert.is(file.tensors['packed.layer0.bits'].dtype, 'U32');
  });
}

training('resuming toward other --epochs (the decay plans over them) or with other settings is refused, naming the flag', async () => {
  const saved: Uint8Array[] = [];
  await train({ ...small, epochs: 2 }, { save: (b) => void saved.push(b) });
  const resume = { bytes: saved[0], source: 'm.safetensors' };
  const cases: Array<[JsonObject, string]> = [
    [{ epochs: 3 }, 'm.safetensors was made with --epochs 2; this run has --epochs 3'],
    [{ epochs: 2, hidden_dropout: 0.3 }, 'made with --hidden-dropout 0.5; this run has --hidden-dropout 0.3'],
    [{ epochs: 2, binarize: 'stochastic' }, 'made with --binarize deterministic; this run has --binarize stochastic'],
    [{ epochs: 2, hidden: [48] }, 'made with --hidden 48,40; this run has --hidden 48'],
  ];
  for (const [change, message] of cases) await expectError(() => train({ ...small, ...change }, { resume }), InputError, message);
});

training('evaluation: the f32 and packed inference paths give bit-identical scores, and classify as the network does while it trains', async () => {
  // 40 steps without dropout: enough to be far from chance.
  const trained = await train({ ...small, train_count: 1000, batch: 50, epochs: 2, return_model: true, hidden_dropout: 0, input_dropout: 0 });
  const gpu = await openTestGpu();
  const evaluated = await withJobContext((ctx) => runBinaryNetEval(ctx, evalSpec(trained.model_base64 as string)), { gpu });
  assert.is(evaluated.scores_identical, true);
  assert.is(evaluated.agree, true);
  assert.is(evaluated.test_error_packed, evaluated.test_error_float);
  // The trained network's batch norm in f32 against the folded thresholds in float64: the same
  // decisions but where a unit's normalised value rounds across 0.
  assert.is(evaluated.test_error, trained.test_error, 'the eval job reproduces the training run');
  assert.ok(Math.abs((evaluated.test_error_float as number) - (evaluated.test_error as number)) <= 0.01, `float path ${evaluated.test_error_float}, trained ${evaluated.test_error}`);
  assert.ok((evaluated.test_error as number) < 0.5, `test error ${evaluated.test_error} (chance: 0.9)`);
  // A packed tensor that is not the fold of the weights is refused.
  const file = decodeSafetensors(fromBase64(trained.model_base64 as string), 'm');
  const bits = Uint32Array.from(file.tensors['packed.layer1.bits'].data);
  bits[0] ^= 1;
  const tampered = toBase64(encodeSafetensors({ ...file.tensors, 'packed.layer1.bits': { ...file.tensors['packed.layer1.bits'], data: bits } }, file.metadata));
  await expectError(() => withJobContext((ctx) => runBinaryNetEval(ctx, evalSpec(tampered)), { gpu }), InputError, "tensor 'packed.layer1.bits' is not the packed form of the model's weights");
});

training.run();

// ---------------------------------------------------------------------------------------------
const chrome = suite('BinaryNet in Node and in headless Chrome (GPU, both backends)');

chrome('a short run (4 steps, stochastic weights, dropout): the same losses within 1e-5 relative, bit for bit on SwiftShader', async () => {
  const spec: JsonObject = { job: 'binarynet-train', hidden: [32], epochs: 1, batch: 100, train_count: 400, test_count: 100, binarize: 'stochastic', seed: 3, return_model: true };
  const gpu = await openTestGpu();
  const node = await runJob(spec, { gpu });
  const page = await runJobInChrome(spec);
  assert.is((page.adapter as JsonObject).runtime, 'browser');
  assert.is((page.train_loss as number[]).length, 4);
  check('loss per step, chrome vs node', page.train_loss as number[], node.train_loss as number[], { atol: 0, rtol: 1e-5 });
  const swiftshader = [node, page].every((r) => String((r.adapter as JsonObject).description).includes('SwiftShader'));
  if (swiftshader) {
    assert.equal(page.train_loss, node.train_loss, 'loss per step, bit for bit');
    assert.ok(Buffer.from(fromBase64(page.model_base64 as string)).equals(Buffer.from(fromBase64(node.model_base64 as string))), 'model files, byte for byte');
  }
});

chrome.run();

// ---------------------------------------------------------------------------------------------
const cli = suite('binarynet CLI');

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

cli('bad flags: exit 2 and a message naming the flag, before any device is opened', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--lr-end', '0'], /lr end must be a positive number, got 0/],
    [['--hidden-dropout', '1'], /hidden dropout must lie in \[0, 1\)/],
    [['--binarize', 'sometimes'], /--binarize must be one of deterministic, stochastic/],
    [['--loss', 'l1'], /--loss must be one of hinge, softmax/],
    [['--binary-activations', 'maybe'], /--binary-activations must be one of on, off/],
    [['--hidden', '512,0'], /--hidden must be integers >= 1, got '0'/],
    [['--eps', '0'], /eps must be a positive number, got 0/],
  ];
  for (const [args, message] of cases) {
    const r = run(['binarynet', 'train', ...args]);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stdout, '');
  }
});

cli('binarynet train writes a model that binarynet eval reads back: the same test error, the packed path agreeing; an MLP file is refused', () => {
  const model = join(dir, 'cli.safetensors');
  const trained = run(['binarynet', 'train', '--hidden', '32', '--epochs', '1', '--batch', '500', '--out', model, '--json']);
  assert.is(trained.status, 0, trained.stderr);
  assert.match(trained.stderr, /binarynet train: epoch 1\/1: train loss \d\.\d+, test error \d+\.\d+%, test loss \d\.\d+/);
  const t = JSON.parse(trained.stdout);
  assert.equal(t.layers, [784, 32, 10]);
  assert.is(t.steps_per_epoch, 16);
  const evaluated = run(['binarynet', 'eval', '--model', model]);
  assert.is(evaluated.status, 0, evaluated.stderr);
  const lines = evaluated.stdout.split('\n');
  assert.is(lines[0], `test_error ${(100 * t.test_error).toFixed(2)}%, test_loss ${t.test_loss.toFixed(6)} (${Math.round(t.test_error * 2000)} of 2000 wrong)`);
  assert.match(lines[1], /^folded: test_error_float \d+\.\d+%, test_error_packed \d+\.\d+%, scores bit-identical between the paths$/);
  const meta = decodeSafetensors(readFileSync(model), model).metadata;
  for (const [key, value] of Object.entries({ model: 'binarynet', layers: '[784,32,10]', binary_activations: 'true', binarize: 'deterministic', loss: 'hinge', batch: '500', epochs: '1', 'harmonium.iteration': '16' })) {
    assert.is(meta[key], value, key);
  }
  // Bad model files: another kind, truncated, a tensor of the wrong shape, the packed weights missing a unit.
  const bytes = readFileSync(model);
  const file = decodeSafetensors(bytes, model);
  const write = (name: string, content: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const cases: Array<[string, RegExp]> = [
    [write('mlp.safetensors', encodeSafetensors({ 'layer0.weight': { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) } }, { model: 'mlp', layers: '[2,2]' })), /--model .*mlp.safetensors: not a BinaryNet model: metadata 'model' is "mlp", expected 'binarynet'/],
    [write('truncated.safetensors', bytes.subarray(0, bytes.length - 100)), /--model .*truncated.safetensors: not a valid safetensors file/],
    [write('gamma.safetensors', encodeSafetensors({ ...file.tensors, 'layer0.gamma': { dtype: 'F32', shape: [31], data: new Float32Array(31) } }, file.metadata)), /tensor 'layer0.gamma' has shape \[31\], expected \[32\] \(metadata layers \[784,32,10\]\)/],
    [write('layers.safetensors', encodeSafetensors(file.tensors, { ...file.metadata, layers: '[784,33,10]' })), /tensor 'layer0.weight' has shape \[784, 32\], expected \[784, 33\]/],
  ];
  for (const [path, message] of cases) {
    const refused = run(['binarynet', 'eval', '--model', path]);
    assert.is(refused.status, 2, `${path}: ${refused.stderr}`);
    assert.match(refused.stderr, message);
  }
});

cli.run();
