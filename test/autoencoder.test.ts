// Autoencoders (models/autoencoder.ts, autoencoder_training.ts): every parameter's gradient against
// central differences of the float64 loss (tied and untied weights, masking and Gaussian noise, the
// contractive penalty), the penalty against the Frobenius norm of a finite-difference Jacobian, the
// corruption, the denoising autoencoder against the plain one on masked MNIST test digits, model files.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { Autoencoder, readAutoencoderConfig, type AutoencoderConfig, type AutoencoderNoise } from '../models/autoencoder.js';
import { autoencoderLossReference, encodeReference } from '../harness/ae/reference.js';
import { runJob } from '../harness/backends/jobs.js';
import { expectError } from './expect.js';
import { openTestGpu, readF32, withGpu } from './gpu.js';
import { centralDifferences, check } from './ops_util.js';
import { randomF32 } from './random.js';

const GRAD = { atol: 2e-5, rtol: 2e-4 };

// ---------------------------------------------------------------------------------------------
const reference = suite('autoencoder reference (no GPU)');

reference('the contractive penalty is the squared Frobenius norm of the code Jacobian (central differences of the code)', () => {
  const config: Required<AutoencoderConfig> = { layers: [5, 3], activation: 'sigmoid', codeActivation: 'sigmoid', tied: false };
  const values = { 'encoder0.weight': randomF32(15, 1), 'encoder0.bias': randomF32(3, 2), 'decoder0.weight': randomF32(15, 3), 'decoder0.bias': randomF32(5, 4) };
  const net = { config, values };
  const x = Float64Array.from(randomF32(10, 5), (u) => (u + 1) / 2);
  // Row by row: J[j][i] = dh_j / dx_i, and sum over the rows of ||J||_F^2, over 2 rows.
  let frobenius = 0;
  for (let r = 0; r < 2; r++) {
    const row = x.slice(5 * r, 5 * r + 5);
    for (let j = 0; j < 3; j++) {
      const dh = centralDifferences((v) => encodeReference(net, v, 1)[0][j], row);
      frobenius += dh.reduce((s, d) => s + d * d, 0);
    }
  }
  const { penalty } = autoencoderLossReference(net, x, x, 2, 1);
  assert.ok(Math.abs(penalty - frobenius / 2) < 1e-8, `penalty ${penalty}, ||J||^2 ${frobenius / 2}`);
});
reference.run();

// ---------------------------------------------------------------------------------------------
const grads = suite('autoencoder gradients against central differences of the float64 loss (GPU)');

const CASES: Array<[string, AutoencoderConfig, AutoencoderNoise, number, number]> = [
  ['7-4 sigmoid, untied, contractive 0.5', { layers: [7, 4] }, { kind: 'none' }, 0.5, 0],
  ['7-4 sigmoid, tied, contractive 0.5, masking noise 0.3', { layers: [7, 4], tied: true }, { kind: 'mask', rate: 0.3 }, 0.5, 0],
  ['7-5-3 relu, tied, Gaussian noise 0.2', { layers: [7, 5, 3], activation: 'relu', tied: true }, { kind: 'gaussian', std: 0.2 }, 0, 0],
  ['7-5-3 sigmoid, untied', { layers: [7, 5, 3] }, { kind: 'none' }, 0, 0],
  ['7-5-3 sigmoid, linear code (the deep autoencoder)', { layers: [7, 5, 3], codeActivation: 'identity' }, { kind: 'none' }, 0, 0],
  ['7-5-3 relu, sigmoid code with code noise 2 (binary codes)', { layers: [7, 5, 3], activation: 'relu', codeActivation: 'sigmoid' }, { kind: 'none' }, 0, 2],
];

for (const [what, config, noise, lambda, codeNoise] of CASES) {
  grads(`${what}: batch 3 at iteration 2, every parameter's gradient`, () =>
    withGpu(async (ctx) => {
      const rows = 3;
      const ae = await Autoencoder.create(ctx, config, { seed: 5 });
      try {
        for (const [i, p] of ae.params.params.entries()) if (p.name.endsWith('.bias')) await p.value.write(randomF32(p.size, 60 + i, 0.3));
        const x = Float32Array.from(randomF32(rows * ae.inputs, 61), (u) => (u + 1) / 2);
        const b = await ae.batch(ctx, rows, { training: true, noise, contractive: lambda > 0, codeNoise: codeNoise > 0 });
        await b.x.write(x);
        const graph = new KernelGraph('autoencoder gradients test');
        const op = await ae.addGradients(graph, ctx, b, { noise, seed: 9, contractive: lambda, codeNoise });
        await ctx.scheduler.run(graph, { firstIteration: 2 });
        op.release();
        // The corruption does not depend on the parameters: the GPU's corrupted input is the reference's.
        const corrupted = await readF32(b.corrupted);
        if (noise.kind === 'mask') {
          const mask = await readF32(b.mask!);
          assert.ok(mask.every((m) => m === 0 || m === 1) && mask.some((m) => m === 0), 'a 0/1 mask with some zeros');
          check('masked input', corrupted, x.map((v, i) => v * mask[i]), { atol: 0, rtol: 0 });
        }
        if (noise.kind === 'gaussian') assert.ok(corrupted.some((v, i) => Math.abs(v - x[i]) > 0.01), 'noise added');
        const values: Record<string, Float32Array> = {};
        for (const p of ae.params.params) values[p.name] = await readF32(p.value);
        const net = { config: ae.config, values };
        // The code noise does not depend on the parameters either: the GPU's noisy code input less the reference's clean one.
        let noiseValues: Float64Array | undefined;
        if (codeNoise > 0) {
          const linear = { ...net, config: { ...net.config, codeActivation: 'identity' as const } };
          const clean = encodeReference(linear, corrupted, rows).at(-1)!;
          noiseValues = Float64Array.from(await readF32(b.noisyCode!), (z, e) => z - clean[e]);
          const spread = Math.sqrt(noiseValues.reduce((s, v) => s + v * v, 0) / noiseValues.length);
          assert.ok(spread > 0.5 && spread < 6, `code noise of std ${codeNoise}: root mean square ${spread}`);
        }
        b.release();
        for (const p of ae.params.params) {
          const fd = centralDifferences((v) => autoencoderLossReference({ ...net, values: { ...values, [p.name]: v } }, x, corrupted, rows, lambda, noiseValues).loss, values[p.name]);
          check(`${what}: ${p.name}`, await readF32(p.grad), fd, GRAD);
        }
      } finally {
        ae.release();
      }
    }));
}

grads('a contractive penalty on a deep or non-sigmoid encoder is refused, naming the layers', () =>
  withGpu(async (ctx) => {
    const ae = await Autoencoder.create(ctx, { layers: [6, 4, 2] }, { seed: 1 });
    try {
      await expectError(() => ae.batch(ctx, 2, { training: true, contractive: true }), InputError, 'needs one sigmoid encoder layer', 'layers [6,4,2]');
    } finally {
      ae.release();
    }
  }));
grads.run();

// ---------------------------------------------------------------------------------------------
const files = suite('autoencoder model files (no GPU)');

files('readAutoencoderConfig reads tied and untied files and refuses another kind, bad metadata, a missing tensor', async () => {
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const file = (tied: boolean) => ({
    tensors: { 'encoder0.weight': f32([4, 2]), 'encoder0.bias': f32([2]), 'decoder0.bias': f32([4]), ...(tied ? {} : { 'decoder0.weight': f32([2, 4]) }) } as Record<string, ReturnType<typeof f32>>,
    metadata: { model: 'autoencoder', layers: '[4,2]', activation: 'sigmoid', tied: String(tied) } as Record<string, string>,
  });
  assert.equal(readAutoencoderConfig(file(true), 'f'), { layers: [4, 2], activation: 'sigmoid', codeActivation: 'sigmoid', tied: true });
  assert.equal(readAutoencoderConfig({ ...file(true), metadata: { ...file(true).metadata, code_activation: 'identity' } }, 'f').codeActivation, 'identity');
  assert.equal(readAutoencoderConfig(file(false), 'f').tied, false);
  const untiedAsTied = file(true);
  untiedAsTied.metadata.tied = 'false';
  await expectError(() => readAutoencoderConfig(untiedAsTied, 'f'), InputError, "tensor 'decoder0.weight' is missing");
  const vae = file(true);
  vae.metadata.model = 'vae';
  await expectError(() => readAutoencoderConfig(vae, 'f'), InputError, "not an autoencoder model: metadata 'model' is \"vae\"");
  const badTied = file(true);
  badTied.metadata.tied = 'yes';
  await expectError(() => readAutoencoderConfig(badTied, 'f'), InputError, "metadata 'tied' = \"yes\"");
});
files.run();

// ---------------------------------------------------------------------------------------------
const mnist = suite('denoising against plain autoencoder on MNIST (GPU)');

// 784-128-784 relu, untied, Adam lr 1e-2, batch 50, 3 epochs on the first 2,000 training digits, seed 1;
// both evaluated on the first 200 test digits with half their pixels masked (the same mask stream for
// both, harness/ae/job.ts EVAL_MASK_SEED): the squared error per digit of the reconstruction against
// the clean digit. Here (SwiftShader) plain 25.70, denoising 22.27; from clean inputs 16.18 and 21.12:
// the plain one reproduces the holes, the denoising one fills them in at some cost on clean digits.
mnist('the denoising autoencoder (masking 0.5) reconstructs half-masked test digits better than the plain one by 2 (3.4 here)', async () => {
  const gpu = await openTestGpu();
  const run = (noise: string) => runJob({ job: 'ae-train', hidden: [128], activation: 'relu', lr: 1e-2, batch: 50, epochs: 3, train_count: 2000, test_count: 200, noise, noise_level: 0.5, eval_mask: 0.5, return_images: 4 }, { gpu });
  const [plain, denoising] = [await run('none'), await run('mask')];
  checkMaskedPicture(denoising.images as Record<string, unknown>, 4, 0.5);
  const [p, d] = [plain.masked_squared_error as number, denoising.masked_squared_error as number];
  const [pc, dc] = [plain.test_squared_error as number, denoising.test_squared_error as number];
  process.stderr.write(`    half-masked test digits, squared error per digit: plain ${p.toFixed(2)}, denoising ${d.toFixed(2)}; clean inputs: ${pc.toFixed(2)}, ${dc.toFixed(2)}\n`);
  assert.ok(d < p - 2, `denoising ${d} vs plain ${p}`);
  // Masking costs the plain autoencoder far more than the denoising one.
  assert.ok(p - pc > 2 * (d - dc), `plain: clean ${pc} -> masked ${p}; denoising: ${dc} -> ${d}`);
});

mnist('resume is bit-identical: 2 epochs straight = 1 epoch, then resumed to 2 (model file bytes); other settings are refused', async () => {
  const gpu = await openTestGpu();
  const spec = { job: 'ae-train', hidden: [16], tied: true, noise: 'mask', noise_level: 0.3, batch: 50, train_count: 200, test_count: 50, seed: 4, return_model: true };
  const straight = await runJob({ ...spec, epochs: 2 }, { gpu });
  const first = await runJob({ ...spec, epochs: 1 }, { gpu });
  const resumed = await runJob({ ...spec, epochs: 2, resume_model: first.model_base64 }, { gpu });
  assert.ok((straight.model_base64 as string).length > 1000);
  assert.is(resumed.model_base64, straight.model_base64, 'the resumed run wrote other bytes');
  assert.equal(resumed.history, straight.history);
  await expectError(() => runJob({ ...spec, epochs: 2, noise_level: 0.4, resume_model: first.model_base64 }, { gpu }), InputError, 'was made with --noise-level 0.3; this run has --noise-level 0.4');
  // ae eval: the model's test error and PCA's with as many components as its code (16), fitted to the training digits.
  const e = await runJob({ job: 'ae-eval', model: straight.model_base64, train_count: 200, test_count: 50 }, { gpu });
  assert.equal([e.pca_components, e.test_count, e.train_count, e.steps], [16, 50, 200, 8]);
  assert.is(e.test_squared_error, straight.test_squared_error, "the test error is the training run's last evaluation");
  // PCA with 16 components of 200 digits keeps most of their variance: far below the error of the mean digit (about 50 per digit).
  assert.ok((e.pca_squared_error as number) > 5 && (e.pca_squared_error as number) < 40, `PCA-16 error ${e.pca_squared_error}`);
  await expectError(() => runJob({ job: 'ae-eval', model: first.model_base64, data: 'mnist', train_count: 200, test_count: 50, seed: -1 }, { gpu }), InputError, 'seed');
});

/** The job's picture: `count` digits per row; rows clean, masked (each lit pixel kept or zeroed, about `rate` zeroed), reconstructed. */
function checkMaskedPicture(image: Record<string, unknown>, count: number, rate: number): void {
  const [side, pad] = [28, 1];
  assert.is(image.width, count * (side + pad) + pad);
  assert.is(image.height, 3 * (side + pad) + pad);
  const pixels = Buffer.from(image.pixels_base64 as string, 'base64');
  const at = (row: number, digit: number, i: number) => pixels[(pad + row * (side + pad) + Math.floor(i / side)) * (image.width as number) + pad + digit * (side + pad) + (i % side)];
  let [lit, zeroed, changed] = [0, 0, 0];
  for (let d = 0; d < count; d++) {
    for (let i = 0; i < side * side; i++) {
      const [clean, masked, recon] = [at(0, d, i), at(1, d, i), at(2, d, i)];
      assert.ok(masked === clean || masked === 0, `digit ${d} pixel ${i}: masked ${masked}, clean ${clean}`);
      if (clean > 0) [lit, zeroed] = [lit + 1, zeroed + (masked === 0 ? 1 : 0)];
      if (recon !== masked) changed++;
    }
  }
  // Binomial(lit, rate): 5 standard deviations either side.
  const sd = Math.sqrt(lit * rate * (1 - rate));
  assert.ok(Math.abs(zeroed - rate * lit) < 5 * sd, `${zeroed} of ${lit} lit pixels masked, expected ${rate * lit} +- ${5 * sd}`);
  assert.ok(changed > side * side, `the reconstruction row differs from the masked row in only ${changed} pixels`);
}
mnist.run();
