// The deep belief net's harness (harness/dbn): model files read and refused, bit-identical resume
// mid-stack and at a layer's end (CD, and PCD with the chains of the layer in training), resume with
// other settings refused, bad flags (exit 2), and dbn train's file read by the eval and sample jobs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, encodeSafetensors, InputError, LimitError, type SafetensorsTensor } from '../engine/index.js';
import { Dbn, readDbnConfig } from '../models/dbn.js';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec } from '../harness/cli/schema.js';
import { MAX_BASE64_BYTES, toBase64 } from '../harness/io/base64.js';
import { withoutOptimizerState } from '../harness/io/model_file.js';
import type { JsonObject } from '../harness/io/json.js';
import { dbnEvalCommand, dbnSampleCommand, dbnTrainCommand } from '../harness/dbn/command.js';
import { DBN_EVAL_JOB, DBN_SAMPLE_JOB, DBN_TRAIN_JOB } from '../harness/dbn/flags.js';
import { runDbnEval, runDbnSample, runDbnTrain } from '../harness/dbn/job.js';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu } from './gpu.js';

type Tensors = Record<string, SafetensorsTensor>;

// ---------------------------------------------------------------------------------------------
const files = suite('DBN model files (no GPU)');

/** A small valid two-layer file's tensors and metadata. */
function modelFile(): { tensors: Tensors; metadata: Record<string, string> } {
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const rbm = (i: number, v: number, h: number): Tensors => ({ [`rbm${i}.weights`]: f32([v, h]), [`rbm${i}.visible_bias`]: f32([v]), [`rbm${i}.hidden_bias`]: f32([h]) });
  return {
    tensors: { ...rbm(0, 6, 4), ...rbm(1, 4, 3) },
    metadata: { model: 'dbn', layers: '[6,4,3]', 'rbm0.model': 'rbm', 'rbm0.visible': 'bernoulli', 'rbm1.model': 'rbm', 'rbm1.visible': 'bernoulli' },
  };
}

files('readDbnConfig reads a net and refuses another kind, bad layers, a missing or mis-shaped RBM tensor, Gaussian units', async () => {
  assert.equal(readDbnConfig(modelFile(), 'f'), { layers: [6, 4, 3], labels: 0 });
  const cases: Array<[(f: ReturnType<typeof modelFile>) => void, string]> = [
    [(f) => (f.metadata.model = 'rbm'), `f: not a deep belief net model: metadata 'model' is "rbm", expected 'dbn'`],
    [(f) => (f.metadata.layers = '[6]'), 'at least one hidden layer'],
    [(f) => (f.metadata.layers = '[6,4,3,2]'), "f (rbm2.*): not an RBM model"],
    [(f) => delete f.tensors['rbm1.weights'], "f (rbm1.*): tensor 'weights' is missing"],
    [(f) => (f.tensors['rbm1.hidden_bias'] = { dtype: 'F32', shape: [5], data: new Float32Array(5) }), "tensor 'hidden_bias' has shape [5], expected [3]"],
    [(f) => (f.metadata['rbm0.visible'] = 'gaussian'), 'a gaussian RBM of 6 x 4 units, but metadata layers 6,4,3 need a bernoulli one'],
    [(f) => (f.metadata.layers = '[6,5,3]'), 'a bernoulli RBM of 6 x 4 units, but metadata layers 6,5,3 need a bernoulli one of 6 x 5'],
  ];
  for (const [spoil, message] of cases) {
    const f = modelFile();
    spoil(f);
    await expectError(() => readDbnConfig(f, 'f'), InputError, message);
  }
});
files('a file too big for a job\'s base64 text is a LimitError (exit 2), not a crash of the process', async () => {
  // A length past the limit (the guard reads only the length; 381 MB of real bytes would be slow here).
  await expectError(() => toBase64({ length: MAX_BASE64_BYTES + 2 ** 20 } as Uint8Array, 'the model file'), LimitError, 'the model file is 381 MB; a job\'s JSON carries at most 380 MB');
  assert.is(toBase64(Uint8Array.of(1, 2, 3)), 'AQID');
});
files.run();

// ---------------------------------------------------------------------------------------------
const training = suite('DBN training runs: resume, settings, eval and sample jobs (GPU)');

const trainSpec = (spec: JsonObject) => readSpec(DBN_TRAIN_JOB, { job: 'dbn-train', ...spec }, 'dbn-train');

// Small runs: 600 training digits in batches of 100 (6 steps an epoch), 200 test digits; two RBMs of 2 epochs each.
const small = { hidden: [12, 8], batch: 100, train_count: 600, test_count: 200, seed: 7, lr: 0.05, epochs: 2 };

const resumeCases: Array<[string, JsonObject, number[]]> = [
  ['CD-1, momentum 0.5 then 0.9, draws as the second layer\'s data, 2 epochs of fine-tuning', { momentum_epochs: 1, input: 'samples', fine_tune_epochs: 2, fine_tune_lr: 0.01 }, [1, 4]],
  ['PCD-2 with 10 chains, 1 epoch of fine-tuning', { pcd: true, chains: 10, cd: 2, fine_tune_epochs: 1 }, [2, 3]],
  ['PCD-1 with 10 chains, label units at the top', { pcd: true, chains: 10, labels: true }, [1, 2]],
];
for (const [what, settings, froms] of resumeCases) {
  training(`resume is bit-identical (${what}): from mid-stack and from a stage's end, the files equal the straight run's`, async () => {
    const gpu = await openTestGpu();
    const spec = trainSpec({ ...small, ...settings });
    const saves: Uint8Array[] = [];
    const straight = await withJobContext((ctx) => runDbnTrain(ctx, spec, { save: (b) => void saves.push(b) }), { gpu });
    const fineTune = (settings.fine_tune_epochs as number | undefined) ?? 0;
    const total = 4 + fineTune;
    assert.is(saves.length, total, 'two layers x two epochs, then the fine-tuning');
    for (const from of froms) {
      const resumed: Uint8Array[] = [];
      const again = await withJobContext((ctx) => runDbnTrain(ctx, spec, { resume: { bytes: saves[from], source: 'checkpoint' }, save: (b) => void resumed.push(b) }), { gpu });
      assert.is(resumed.length, total - 1 - from);
      assert.ok(Buffer.from(resumed[resumed.length - 1]).equals(Buffer.from(saves[total - 1])), `resumed after epoch ${from + 1}: the file equals the straight run's, byte for byte`);
      for (const key of ['train_loss', 'history', 'reconstruction_error', 'test_error', 'generative_test_error']) assert.equal(again[key], straight[key], key);
    }
    const generative = (straight.history as JsonObject[]).map((h) => h.generative_test_error);
    if (settings.labels) {
      // The label units classify the 200 test digits after each of the top RBM's epochs (12 steps learn little: rbm_labels.test.ts checks them).
      assert.is(straight.labels, 10);
      assert.ok(generative[0] === null && generative[1] === null && generative[3] === straight.generative_test_error, `per epoch ${generative}`);
      assert.ok(generative.slice(2).every((e) => typeof e === 'number' && Math.abs(e * 200 - Math.round(e * 200)) < 1e-9), `errors in 200ths: ${generative}`);
    } else {
      assert.equal([straight.labels, straight.generative_test_error], [0, null]);
    }
    const file = decodeSafetensors(saves[total - 1], 'file');
    const expected = { model: 'dbn', layers: '[784,12,8]', epochs: String(total), 'rbm0.harmonium.iteration': '12', 'rbm1.harmonium.iteration': '12', ...(fineTune ? { 'classifier.model': 'mlp', 'classifier.harmonium.iteration': String(6 * fineTune) } : {}) };
    for (const [key, value] of Object.entries(expected)) assert.is(file.metadata[key], value, key);
    assert.is((straight.history as unknown[]).length, total);
    if (fineTune) {
      const history = straight.history as JsonObject[];
      assert.equal(history.map((h) => h.stage), [...Array(4).fill('greedy'), ...Array(fineTune).fill('fine-tune')]);
      assert.ok(Number.isFinite(straight.test_error) && history[3].test_error === null && history[total - 1].test_error === straight.test_error);
      // The classifier learns: its cross-entropy falls from the first epoch of fine-tuning to the second.
      if (fineTune > 1) assert.ok((history[5].train_loss as number) < (history[4].train_loss as number), `cross-entropy ${history[4].train_loss} -> ${history[5].train_loss}`);
    } else {
      assert.is(straight.test_error, null);
    }
  });
}

training('resuming with other settings (--epochs among them) is refused naming the flag; eval and sample read the file', async () => {
  const gpu = await openTestGpu();
  const saved: Uint8Array[] = [];
  await withJobContext((ctx) => runDbnTrain(ctx, trainSpec(small), { save: (b) => void saved.push(b) }), { gpu });
  const resume = { bytes: saved[1], source: 'm.safetensors' };
  const cases: Array<[JsonObject, string]> = [
    [{ epochs: 3 }, 'm.safetensors was made with --epochs 2; this run has --epochs 3'],
    [{ hidden: [12, 9] }, 'made with --hidden 12,8; this run has --hidden 12,9'],
    [{ input: 'samples' }, 'made with --input probabilities; this run has --input samples'],
    [{ cd: 2 }, 'made with --cd 1; this run has --cd 2'],
    [{ fine_tune_epochs: 1 }, 'made with --fine-tune-epochs 0; this run has --fine-tune-epochs 1'],
    [{ labels: true }, 'made with --labels (none); this run has --labels true'],
  ];
  for (const [change, message] of cases) {
    await expectError(() => withJobContext((ctx) => runDbnTrain(ctx, trainSpec({ ...small, ...change }), { resume }), { gpu }), InputError, message);
  }
  // What eval commands send: the file without the optimiser's state (the RBMs' momentum), restoring to the same values and steps.
  const full = decodeSafetensors(saved[3], 'full');
  const lean = withoutOptimizerState(full);
  assert.ok(Object.keys(full.tensors).some((k) => k.includes('momentum/')) && !Object.keys(lean.tensors).some((k) => k.includes('momentum/')));
  assert.equal([lean.metadata['rbm0.harmonium.state'], lean.metadata['rbm1.harmonium.state']], ['[]', '[]']);
  await withJobContext(async (ctx) => {
    const a = (await Dbn.fromSafetensors(ctx, saved[3])).dbn;
    const b = (await Dbn.fromSafetensors(ctx, encodeSafetensors(lean.tensors, lean.metadata))).dbn;
    assert.is(b.params.iteration, a.params.iteration);
    assert.equal(new Uint32Array(await b.rbms[1].weights.value.read()), new Uint32Array(await a.rbms[1].weights.value.read()));
    a.release();
    b.release();
    return {};
  }, { gpu });
  const model = toBase64(encodeSafetensors(lean.tensors, lean.metadata));
  const evalSpec = readSpec(DBN_EVAL_JOB, { job: 'dbn-eval', model, train_count: 600, test_count: 200, ais_runs: 10, ais_betas: 200, samples: 2 }, 'dbn-eval');
  const e = await withJobContext((ctx) => runDbnEval(ctx, evalSpec), { gpu });
  for (const key of ['log_p_lower_bound', 'log_p_lower_bound_stderr', 'top_log_z', 'rbm_log_p', 'rbm_log_p_stderr', 'rbm_log_z']) assert.ok(Number.isFinite(e[key]), `${key} = ${e[key]}`);
  assert.ok((e.rbm_log_p as number) < 0 && (e.log_p_lower_bound as number) < 0, 'log-probabilities of binary digits are negative');
  assert.equal([e.test_count, e.steps, e.samples, e.test_error], [200, 24, 2, null]);
  const s = await withJobContext((ctx) => runDbnSample(ctx, readSpec(DBN_SAMPLE_JOB, { job: 'dbn-sample', model, count: 3, steps: 5 }, 'dbn-sample')), { gpu });
  assert.is(Buffer.from(s.images_base64 as string, 'base64').length, 3 * 784);
  await expectError(() => withJobContext((ctx) => runDbnSample(ctx, readSpec(DBN_SAMPLE_JOB, { job: 'dbn-sample', model, count: 3, steps: 5, label: 1 }, 'dbn-sample')), { gpu }), InputError, "it has none");
});

training('label units: a checkpoint resumes only with --labels; eval gives the training run\'s generative test error and no bound; sample clamps a class', async () => {
  const gpu = await openTestGpu();
  const saved: Uint8Array[] = [];
  const run = await withJobContext((ctx) => runDbnTrain(ctx, trainSpec({ ...small, labels: true }), { save: (b) => void saved.push(b) }), { gpu });
  await expectError(() => withJobContext((ctx) => runDbnTrain(ctx, trainSpec(small), { resume: { bytes: saved[2], source: 'm' } }), { gpu }), InputError, 'resume with --labels');
  const file = decodeSafetensors(saved[2], 'mid');
  assert.equal(file.tensors.chain_labels, undefined, 'CD has no persistent chains');
  assert.equal(file.tensors['rbm1.label_weights'].shape, [10, 8]);
  const lean = withoutOptimizerState(decodeSafetensors(saved[3], 'f'));
  const model = toBase64(encodeSafetensors(lean.tensors, lean.metadata));
  const e = await withJobContext((ctx) => runDbnEval(ctx, readSpec(DBN_EVAL_JOB, { job: 'dbn-eval', model, train_count: 600, test_count: 200, ais_runs: 10, ais_betas: 200 }, 'dbn-eval')), { gpu });
  assert.is(e.generative_test_error, run.generative_test_error);
  assert.is(e.generative_test_errors, Math.round((run.generative_test_error as number) * 200));
  assert.equal([e.labels, e.log_p_lower_bound, e.test_error], [10, null, null]);
  assert.ok(Number.isFinite(e.rbm_log_p), 'the first RBM has no label units: its own log-likelihood stands');
  const s = await withJobContext((ctx) => runDbnSample(ctx, readSpec(DBN_SAMPLE_JOB, { job: 'dbn-sample', model, count: 2, steps: 3, label: 7 }, 'dbn-sample')), { gpu });
  assert.equal([s.label, Buffer.from(s.images_base64 as string, 'base64').length], [7, 2 * 784]);
});
training.run();

// ---------------------------------------------------------------------------------------------
const cli = suite('dbn CLI');

const refused = (args: string[], message: RegExp) => expectRefused({ train: dbnTrainCommand, eval: dbnEvalCommand, sample: dbnSampleCommand }, args, message);

cli('bad flags and model files: exit 2 and a message naming the problem, before any device is opened', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'harmonium-dbn-'));
  const rbmFile = join(dir, 'rbm.safetensors');
  writeFileSync(rbmFile, encodeSafetensors({ weights: { dtype: 'F32', shape: [6, 4], data: new Float32Array(24) } }, { model: 'rbm', visible: 'bernoulli' }));
  const big = join(dir, 'big.safetensors');
  const f = modelFile();
  f.metadata.layers = '[6,4,30]';
  f.tensors['rbm1.weights'] = { dtype: 'F32', shape: [4, 30], data: new Float32Array(120) };
  f.tensors['rbm1.hidden_bias'] = { dtype: 'F32', shape: [30], data: new Float32Array(30) };
  writeFileSync(big, encodeSafetensors(f.tensors, f.metadata));
  await refused(['train', '--hidden', '0'], /--hidden/);
  await refused(['train', '--epochs', '0'], /--epochs/);
  await refused(['train', '--input', 'means'], /--input/);
  await refused(['eval', '--model', rbmFile], /not a deep belief net model: metadata 'model' is "rbm"/);
  await refused(['eval', '--model', join(dir, 'missing.safetensors')], /--model/);
  await refused(['eval', '--model', big, '--exact'], /--exact sums over 2\^hidden states: at most 24 hidden units per RBM, the net has 4, 30/);
  await refused(['sample', '--model', big], /--png/);
  await refused(['sample', '--model', rbmFile, '--png', join(dir, 's.png')], /not a deep belief net/);
  await refused(['sample', '--model', big, '--png', join(dir, 's.png'), '--label', '1'], /--label 1: the net has no label units/);
  await refused(['sample', '--model', big, '--png', join(dir, 's.png'), '--label', '-1'], /--label/);
});
cli.run();
