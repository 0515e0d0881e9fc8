// The VAE (models/vae.ts, vae_training.ts, vae_eval.ts): every parameter's gradient of -ELBO against
// central differences of its float64 forward (gaussian and categorical latents, beta != 1), training
// on MNIST to a stated test ELBO, IWAE >= ELBO and rising with K on the same model and digits, the
// model file's checks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeSafetensors, encodeSafetensors, HarmoniumError, InputError, KernelGraph } from '../engine/index.js';
import { withJobContext } from '../harness/backends/context.js';
import { runJob } from '../harness/backends/jobs.js';
import { readSpec } from '../harness/cli/schema.js';
import { fromBase64, toBase64 } from '../harness/io/base64.js';
import type { JsonObject } from '../harness/io/json.js';
import { VAE_TRAIN_JOB } from '../harness/vae/flags.js';
import { runVaeTrain } from '../harness/vae/job.js';
import { Vae, readVaeConfig, type VaeConfig } from '../models/vae.js';
import { vaeLossReference } from '../harness/vae/reference.js';
import { expectError } from './expect.js';
import { openTestGpu, readF32, withGpu, type GpuContext } from './gpu.js';
import { centralDifferences, check, gpuDraws } from './ops_util.js';
import { randomF32 } from './random.js';

// GPU gradients are f32 sums of a few products of O(1) values; float64 central differences with
// h = 1e-6 are good to ~1e-9. A wrong gradient is off by O(0.1).
const GRAD = { atol: 2e-5, rtol: 2e-4 };

// ---------------------------------------------------------------------------------------------
const grads = suite('VAE gradients against central differences of the float64 loss (GPU)');

/** The GPU's own draws (normals or Gumbel variates) of the training stream at an iteration. */
const gpuNoise = (ctx: GpuContext, vae: Vae, rows: number, seed: number, iteration: number) => gpuDraws(ctx, rows * vae.latentWidth, vae.latent.kind === 'gaussian' ? 'gaussian' : 'gumbel', seed, iteration);

const CASES: Array<[string, VaeConfig, number]> = [
  ['gaussian latent 3, relu 6-5-(3)-5-6, beta 1', { inputs: 6, hidden: [5], latent: { kind: 'gaussian', size: 3 }, activation: 'relu' }, 1],
  ['gaussian latent 2, relu 7-5-4-(2)-4-5-7, beta 4', { inputs: 7, hidden: [5, 4], latent: { kind: 'gaussian', size: 2 }, activation: 'relu' }, 4],
  ['categorical latent 2x3 (tau 0.8), relu 6-5-(6)-5-6, beta 1', { inputs: 6, hidden: [5], latent: { kind: 'categorical', groups: 2, classes: 3 }, activation: 'relu' }, 1],
];

for (const [what, config, beta] of CASES) {
  grads(`${what}: batch 3 at iteration 5, every parameter's gradient`, () =>
    withGpu(async (ctx) => {
      const rows = 3;
      const seed = 17;
      const temperature = 0.8;
      const vae = await Vae.create(ctx, config, { seed: 3 });
      try {
        // Random biases (zeros at creation), so that no bias gradient is trivially right.
        for (const [i, p] of vae.params.params.entries()) if (p.name.endsWith('.bias')) await p.value.write(randomF32(p.size, 40 + i, 0.3));
        const x = Float32Array.from(randomF32(rows * config.inputs, 41), (u) => (u + 1) / 2);
        const b = await vae.batch(ctx, rows, { training: true });
        await b.x.write(x);
        const graph = new KernelGraph('vae gradients test');
        const op = await vae.addGradients(graph, ctx, b, { draw: { seed, temperature }, beta });
        await ctx.scheduler.run(graph, { firstIteration: 5 });
        op.release();
        const noise = await gpuNoise(ctx, vae, rows, seed, 5);
        const values: Record<string, Float32Array> = {};
        for (const p of vae.params.params) values[p.name] = await readF32(p.value);
        b.release();
        const net = { config: vae.config, values };
        for (const p of vae.params.params) {
          const fd = centralDifferences((v) => vaeLossReference({ ...net, values: { ...values, [p.name]: v } }, x, rows, noise, { beta, temperature }).loss, values[p.name]);
          check(`${what}: ${p.name}`, await readF32(p.grad), fd, GRAD);
        }
      } finally {
        vae.release();
      }
    }));
}
grads.run();

// ---------------------------------------------------------------------------------------------
const files = suite('VAE model files (no GPU)');

/** A small valid VAE file's tensors and metadata: 4-3-(2)-3-4. */
function modelFile() {
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const layer = (name: string, i: number, o: number) => ({ [`${name}.weight`]: f32([i, o]), [`${name}.bias`]: f32([o]) });
  return {
    tensors: { ...layer('encoder0', 4, 3), ...layer('mean', 3, 2), ...layer('log_var', 3, 2), ...layer('decoder0', 2, 3), ...layer('decoder1', 3, 4) } as Record<string, { dtype: 'F32' | 'U32'; shape: number[]; data: Float32Array | Uint32Array }>,
    metadata: { model: 'vae', inputs: '4', hidden: '[3]', latent: '2', activation: 'relu' } as Record<string, string>,
  };
}

files('readVaeConfig reads a VAE and refuses another kind, bad metadata, a zero latent size, a wrong dtype or shape, a missing tensor', async () => {
  assert.equal(readVaeConfig(modelFile(), 'f'), { inputs: 4, hidden: [3], latent: { kind: 'gaussian', size: 2 }, activation: 'relu' });
  const cases: Array<[(f: ReturnType<typeof modelFile>) => void, string]> = [
    [(f) => (f.metadata.model = 'mlp'), `f: not a VAE model: metadata 'model' is "mlp", expected 'vae'`],
    [(f) => (f.metadata.latent = '0'), 'the latent size must be a positive integer, got 0'],
    [(f) => (f.metadata.latent = '3x1'), 'categorical latent classes must be an integer >= 2, got 1'],
    [(f) => (f.metadata.latent = 'big'), "latent 'big' is neither a size"],
    [(f) => (f.metadata.hidden = '3'), 'hidden 3 must be one or more positive integer widths'],
    [(f) => (f.metadata.hidden = '[3'), "metadata 'hidden' = \"[3\" is not a JSON list"],
    [(f) => (f.tensors['mean.bias'] = { dtype: 'U32', shape: [2], data: new Uint32Array(2) }), "tensor 'mean.bias' is U32, expected F32"],
    [(f) => (f.tensors['decoder1.weight'] = { dtype: 'F32', shape: [4, 3], data: new Float32Array(12) }), "tensor 'decoder1.weight' has shape [4, 3], expected [3, 4]"],
    [(f) => delete f.tensors['log_var.weight'], "tensor 'log_var.weight' is missing"],
  ];
  for (const [spoil, message] of cases) {
    const f = modelFile();
    spoil(f);
    await expectError(() => readVaeConfig(f, 'f'), InputError, message);
  }
  // A categorical file has one 'logits' head instead.
  const cat = modelFile();
  delete cat.tensors['mean.weight'];
  delete cat.tensors['mean.bias'];
  cat.metadata.latent = '2x3';
  await expectError(() => readVaeConfig(cat, 'f'), InputError, "tensor 'logits.weight' is missing");
  await expectError(() => readVaeConfig({ tensors: {}, metadata: {} }, 'g'), InputError, "g: not a VAE model: metadata 'model' is null");
});
files.run();

// ---------------------------------------------------------------------------------------------
const mnist = suite('VAE on MNIST (GPU)');

const trainSpec = (spec: JsonObject) => readSpec(VAE_TRAIN_JOB, { job: 'vae-train', ...spec }, 'vae-train');
let trained: Uint8Array | null = null;

// 784-128-(16)-128-784, Adam lr 2e-3, batch 100, 4 epochs of the first 2,000 training digits (dynamically
// binarised), seed 1: the ELBO of the first 200 binarised test digits is -193.9 nats here (SwiftShader;
// -241, -217, -205, -194 after epochs 1 to 4). The bound leaves 11 nats for other adapters' rounding.
mnist('784-128-(16), 4 epochs on 2,000 digits: test ELBO above -205 nats (-193.9 here), rising every epoch', async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runVaeTrain(ctx, trainSpec({ hidden: [128], latent: 16, lr: 2e-3, epochs: 4, train_count: 2000, test_count: 200, return_model: true })), { gpu });
  const history = r.history as Array<Record<string, number>>;
  history.forEach((h, e) => e > 0 && assert.ok(h.test_elbo > history[e - 1].test_elbo, `test ELBO by epoch: ${history.map((x) => x.test_elbo.toFixed(2))}`));
  assert.ok((r.test_elbo as number) > -205, `test ELBO ${r.test_elbo}`);
  process.stderr.write(`    VAE 784-128-(16), 4 epochs on 2,000 digits: test ELBO ${(r.test_elbo as number).toFixed(2)} nats\n`);
  trained = fromBase64(r.model_base64 as string);
});

// On the model above and the first 100 binarised test digits: the ELBO (analytic KL, one draw) and
// IWAE with K = 1, 10, 50 (here ELBO -192.40, IWAE -192.39, -185.75, -184.53); K = 50 again in 2
// chunks of 25 draws (other draws: within 1.5 nats of the one-chunk estimate; -184.49 here).
mnist('IWAE >= ELBO on the same model and digits, rising with K = 1, 10, 50; K = 50 in 2 chunks agrees', async () => {
  assert.ok(trained, 'the model of the previous test');
  const gpu = await openTestGpu();
  const evaluate = (k: number, maxRows = 5000) => runJob({ job: 'vae-eval', model: toBase64(trained!), iwae: k, test_count: 100, max_rows: maxRows }, { gpu });
  const [k1, k10, k50, chunked] = [await evaluate(1), await evaluate(10), await evaluate(50), await evaluate(50, 25)];
  const iwae = [k1, k10, k50].map((r) => r.iwae_log_px as number);
  const elbo = k1.elbo as number;
  process.stderr.write(`    ELBO ${elbo.toFixed(2)}, IWAE K=1 ${iwae[0].toFixed(2)}, K=10 ${iwae[1].toFixed(2)}, K=50 ${iwae[2].toFixed(2)} (2 chunks: ${(chunked.iwae_log_px as number).toFixed(2)})\n`);
  assert.ok(iwae[1] > elbo + 1, `IWAE(10) ${iwae[1]} vs ELBO ${elbo}`);
  assert.ok(iwae[0] < iwae[1] && iwae[1] < iwae[2], `IWAE rises with K: ${iwae}`);
  assert.ok(Math.abs((chunked.iwae_log_px as number) - iwae[2]) < 1.5, `chunked ${chunked.iwae_log_px} vs ${iwae[2]}`);
  assert.is(chunked.k, 50);
});

// Small runs: 200 training digits in batches of 100 (2 steps an epoch), 50 test digits.
const small = { hidden: [16], latent: 4, batch: 100, train_count: 200, test_count: 50, seed: 7 };
const resumeCases: Array<[string, JsonObject]> = [
  ['gaussian, beta 2', { beta: 2 }],
  ['categorical 3x4, straight-through, tau annealed over 4 steps', { latent_categorical: '3x4', straight_through: true, tau: 1, tau_min: 0.5, tau_steps: 4 }],
];
for (const [what, settings] of resumeCases) {
  mnist(`resume is bit-identical (${what}): 2 epochs straight = 1 epoch, then resume to 2 (file bytes, result)`, async () => {
    const gpu = await openTestGpu();
    const spec = (epochs: number) => trainSpec({ ...small, ...settings, epochs });
    const saves: Uint8Array[] = [];
    const straight = await withJobContext((ctx) => runVaeTrain(ctx, spec(2), { save: (b) => void saves.push(b) }), { gpu });
    const resumed: Uint8Array[] = [];
    const again = await withJobContext((ctx) => runVaeTrain(ctx, spec(2), { resume: { bytes: saves[0], source: 'checkpoint' }, save: (b) => void resumed.push(b) }), { gpu });
    assert.is(resumed.length, 1, 'one more epoch');
    assert.ok(Buffer.from(resumed[0]).equals(Buffer.from(saves[1])), "the resumed file equals the straight run's, byte for byte");
    for (const key of ['train_reconstruction', 'train_kl', 'history']) assert.equal(again[key], straight[key], key);
  });
}

mnist('a NaN loss stops training with an error naming the step; the last good checkpoint is not overwritten; other settings are refused', async () => {
  const gpu = await openTestGpu();
  const saved: Uint8Array[] = [];
  await withJobContext((ctx) => runVaeTrain(ctx, trainSpec({ ...small, epochs: 1 }), { save: (b) => void saved.push(b) }), { gpu });
  // A NaN bias in the output layer: the first step of epoch 2 (step 3) has a NaN loss.
  const file = decodeSafetensors(saved[0], 'checkpoint');
  (file.tensors['decoder1.bias'].data as Float32Array)[3] = NaN;
  const poisoned = encodeSafetensors(file.tensors, file.metadata);
  const more: Uint8Array[] = [];
  await expectError(() => withJobContext((ctx) => runVaeTrain(ctx, trainSpec({ ...small, epochs: 3 }), { resume: { bytes: poisoned, source: 'c' }, save: (b) => void more.push(b) }), { gpu }), HarmoniumError, 'the loss became NaN at step 3 (step 1 of epoch 2)', 'keeps the last good checkpoint (after epoch 1)');
  assert.is(more.length, 0, 'nothing saved after the NaN');
  const resume = { bytes: saved[0], source: 'v.safetensors' };
  const cases: Array<[JsonObject, string]> = [
    [{ lr: 0.01 }, 'v.safetensors was made with --lr 0.001; this run has --lr 0.01'],
    [{ latent: 5 }, 'made with --latent 4; this run has --latent 5'],
    [{ beta: 3 }, 'made with --beta 1; this run has --beta 3'],
  ];
  for (const [change, message] of cases) await expectError(() => withJobContext((ctx) => runVaeTrain(ctx, trainSpec({ ...small, epochs: 2, ...change }), { resume }), { gpu }), InputError, message);
});
mnist.run();

// ---------------------------------------------------------------------------------------------
const cli = suite('vae CLI');
const dir = mkdtempSync(join(tmpdir(), 'harmonium-vae-'));
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

cli('bad hyperparameters and files: exit 2 and a message naming the flag or the file, before any device is opened', () => {
  const mlp = join(dir, 'mlp.safetensors');
  writeFileSync(mlp, encodeSafetensors({ 'layer0.weight': { dtype: 'F32', shape: [1, 1], data: new Float32Array(1) } }, { model: 'mlp' }));
  const cases: Array<[string[], RegExp]> = [
    [['vae', 'train', '--lr', 'NaN'], /--lr must be a finite number, got 'NaN'/],
    [['vae', 'train', '--beta', 'nan'], /--beta must be a finite number, got 'nan'/],
    [['vae', 'train', '--latent', '0'], /--latent must be an integer >= 1, got '0'/],
    [['vae', 'train', '--beta=-1'], /beta must be a finite number >= 0, got -1/],
    [['vae', 'train', '--latent-categorical', '3x1'], /categorical latent classes must be an integer >= 2, got 1/],
    [['vae', 'train', '--latent-categorical', 'ten'], /--latent-categorical ten: must be G x K/],
    [['vae', 'train', '--tau', '0'], /--tau must be positive, got 0/],
    [['vae', 'train', '--resume'], /--resume needs --out FILE/],
    [['vae', 'eval', '--model', mlp], /--model .*mlp.safetensors: not a VAE model: metadata 'model' is "mlp", expected 'vae'/],
    [['vae', 'sample', '--model', join(dir, 'none.safetensors'), '--png', join(dir, 's.png')], /cannot read \(ENOENT\)/],
    [['vae', 'train', '--resume', '--out', mlp], /--out .*mlp.safetensors: not a VAE model/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stdout, '');
  }
});

// Two processes (each compiles its kernels afresh on SwiftShader): vae train writes the file, vae manifold
// writes a PNG from it; eval, sample and reconstruct read the same bytes through their jobs in this process.
cli('vae train --json writes a model that vae manifold (a PNG), vae-eval and vae-images read; the manifold refuses a 3-D latent', async () => {
  const model = join(dir, 'v.safetensors');
  const trained = run(['vae', 'train', '--hidden', '8', '--latent', '2', '--epochs', '1', '--batch', '2000', '--out', model, '--json']);
  assert.is(trained.status, 0, trained.stderr);
  assert.match(trained.stderr, /vae train: epoch 1\/1: train ELBO -\d+\.\d+, test ELBO -\d+\.\d+ \(reconstruction \d+\.\d+, KL \d+\.\d+\) nats/);
  const t = JSON.parse(trained.stdout);
  assert.equal([t.hidden, t.latent, t.steps_per_epoch], [[8], '2', 4]);
  const meta = decodeSafetensors(readFileSync(model), model).metadata;
  for (const [key, value] of Object.entries({ model: 'vae', inputs: '784', hidden: '[8]', latent: '2', beta: '1', batch: '2000', epochs: '1', 'harmonium.iteration': '4' })) assert.is(meta[key], value, key);
  const png = join(dir, 'manifold.png');
  const drawn = run(['vae', 'manifold', '--model', model, '--png', png, '--steps', '3', '--scale', '1', '--json']);
  assert.is(drawn.status, 0, drawn.stderr);
  assert.is(JSON.parse(drawn.stdout).tiles, 9);
  const img = PNG.sync.read(readFileSync(png));
  assert.equal([img.width, img.height], [3 * 29 + 1, 3 * 29 + 1]);

  const gpu = await openTestGpu();
  const bytes = toBase64(readFileSync(model));
  const e = await runJob({ job: 'vae-eval', model: bytes, iwae: 2 }, { gpu });
  // The same ELBO draws (seed 1, call 1) as training's last evaluation: the same number.
  assert.is(e.elbo, t.test_elbo);
  assert.equal([e.k, e.test_count], [2, 2000]);
  assert.ok((e.iwae_log_px as number) > (e.elbo as number) - 5, JSON.stringify(e));
  for (const [kind, count, tiles] of [['sample', 9, 9], ['reconstruct', 4, 8]] as const) {
    const r = await runJob({ job: 'vae-images', model: bytes, kind, count }, { gpu });
    assert.is(r.tiles, tiles, kind);
    assert.is(fromBase64(r.pixels_base64 as string).length, (r.width as number) * (r.height as number), kind);
  }
  // A 3-D model file, written directly (its weights do not matter for the refusal).
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape[0] * (shape[1] ?? 1)) });
  const layer = (name: string, i: number, o: number) => ({ [`${name}.weight`]: f32([i, o]), [`${name}.bias`]: f32([o]) });
  const tensors = { ...layer('encoder0', 784, 4), ...layer('mean', 4, 3), ...layer('log_var', 4, 3), ...layer('decoder0', 3, 4), ...layer('decoder1', 4, 784) };
  const checkpoint = { 'harmonium.format': 'harmonium.params.v1', 'harmonium.seed': '1', 'harmonium.iteration': '0', 'harmonium.params': JSON.stringify(Object.keys(tensors)), 'harmonium.state': '[]' };
  const three = toBase64(encodeSafetensors(tensors, { model: 'vae', inputs: '784', hidden: '[4]', latent: '3', activation: 'relu', ...checkpoint }));
  await expectError(() => runJob({ job: 'vae-images', model: three, kind: 'manifold' }, { gpu }), InputError, "vae manifold needs a 2-D gaussian latent; the model's latent is 3-D");
});
cli.run();

// ---------------------------------------------------------------------------------------------
const bench = suite('bench vae at a small size (GPU)');

// Without the tfjs peer (loading it costs ~20 s here): run once with it at this size (npm run bench --
// vae --sizes 8 --reps 1), tfjs's first -ELBO was 544.20782 against our 544.20777 and the reference's
// 544.20777, and after one Adam step 542.53595 against 542.53589.
bench('784-8-(20)-8-784 on 300 digits: our first step against the float64 reference, then timed', async () => {
  const gpu = await openTestGpu();
  const r = await runJob({ job: 'bench-vae', sizes: [8], reps: 1, train_count: 300, no_tfjs: true }, { gpu });
  const [check] = r.checks as Array<Record<string, number>>;
  // The job refuses to time unless this agrees to 1e-5.
  assert.ok(Math.abs(check.first_loss - check.reference_first_loss) <= 1e-5 * check.reference_first_loss, JSON.stringify(check));
  assert.ok(check.loss_after_step < check.first_loss, 'one Adam step lowers the -ELBO of its batch');
  const rows = r.rows as JsonObject[];
  assert.equal(rows.map((row) => [row.impl, row.layers, row.examples_per_epoch]), [['harmonium', [784, 8, 20, 8, 784], 300]]);
  assert.ok((rows[0].examples_per_s as number) > 0 && (rows[0].fraction_of_fma_peak as number) > 0);
});
bench.run();
