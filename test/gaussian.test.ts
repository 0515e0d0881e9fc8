// Diagonal Gaussian latents (engine/ops/gaussian.ts): the reparameterised draw and its backward pass,
// the KL to N(0, I) and the Gaussian NLL with their gradients, against float64 references and central
// differences at odd shapes; the reparameterised gradient of E[f(z)] for a quadratic f against its
// analytic value within a statistical bound; argument errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph, type Tensor } from '../engine/index.js';
import { addGaussianKl, addGaussianNll, addReparameterize, addReparameterizeBackward, addSample } from '../engine/ops/index.js';
import { gaussianKlReference, gaussianNllReference, reparameterizeReference } from '../harness/reference/gaussian.js';
import { gaussianReference } from '../harness/reference/sample.js';
import { expectError } from './expect.js';
import { withGpu, type GpuContext } from './gpu.js';
import { centralDifferences, check, runAndRead } from './ops_util.js';
import { randomF32 } from './random.js';

// GPU values are f32 maps of O(1) inputs through exp_ieee (a few ulp) and sums of a few terms;
// float64 central differences are good to ~1e-9. A wrong gradient is off by O(0.1).
const CLOSE = { atol: 1e-6, rtol: 1e-5 };
const GRAD = { atol: 1e-5, rtol: 1e-4 };

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

// ---------------------------------------------------------------------------------------------
const reference = suite('Gaussian references (no GPU)');

reference('closed forms: KL(N(1, 1) || N(0, 1)) = 1/2, KL(N(0, e^2)) = (e^2 - 3) / 2, NLL at the mean with unit variance = log(2 pi) / 2', () => {
  assert.ok(Math.abs(gaussianKlReference([1], [0], 1, 1)[0] - 0.5) < 1e-15);
  assert.ok(Math.abs(gaussianKlReference([0], [2], 1, 1)[0] - (Math.exp(2) - 3) / 2) < 1e-14);
  assert.ok(Math.abs(gaussianNllReference([0.3], [0.3], 0, 1, 1)[0] - Math.log(2 * Math.PI) / 2) < 1e-15);
  // The log-density ratio of a draw is log N(z; 0, 1) - log N(z; mu, sigma^2), written out.
  const r = reparameterizeReference([0.5], [Math.log(4)], 1, 1, 1, [1.5]);
  const logN = (x: number, m: number, v: number) => -0.5 * Math.log(2 * Math.PI * v) - ((x - m) ** 2) / (2 * v);
  assert.is(r.z[0], 0.5 + 2 * 1.5);
  assert.ok(Math.abs(r.logRatio[0] - (logN(r.z[0], 0, 1) - logN(r.z[0], 0.5, 4))) < 1e-14);
});
reference.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('Gaussian latent kernels (GPU)');

/** The GPU's own standard normals of a stream at an iteration (the Gaussian sampler's draws). */
async function gpuNormals(ctx: GpuContext, count: number, stream: { seed: number; step: number; call: number }, iteration: number): Promise<Float32Array> {
  const r = await runAndRead(ctx, async (graph, made) => {
    const out = await made.tensor('eps', [count]);
    await made.op(addSample(graph, ctx, { distribution: 'gaussian', output: out, ...stream }));
    return { out };
  }, { firstIteration: iteration });
  return r.out;
}

for (const samples of [1, 3]) {
  gpu(`reparameterize 3 x 5, ${samples} draw(s) per row at iteration 2: z and log-ratio against the reference, the backward pass against central differences`, () =>
    withGpu(async (ctx) => {
      const [rows, dims] = [3, 5];
      const stream = { seed: 41, step: 4, call: 2 };
      const mean = randomF32(rows * dims, 1, 1.5);
      const logVar = randomF32(rows * dims, 2, 1.2);
      const dz = randomF32(rows * samples * dims, 3);
      const eps = await gpuNormals(ctx, rows * samples * dims, stream, 2);
      // The GPU's normals are the sampler's: within the sampler's Box-Muller tolerance of the reference.
      const epsRef = gaussianReference(eps.length, 0, 1, { ...stream, step: stream.step + 2 });
      eps.forEach((v, e) => assert.ok(Math.abs(v - epsRef[e]) <= 2e-3 * (1 + Math.abs(epsRef[e])), `eps ${e}: ${v} vs ${epsRef[e]}`));

      const out = await runAndRead(ctx, async (graph, made) => {
        const m = await made.tensor('mean', [rows, dims], mean);
        const lv = await made.tensor('logVar', [rows, dims], logVar);
        const z = await made.tensor('z', [rows * samples, dims]);
        const logRatio = await made.tensor('logRatio', [rows * samples]);
        const dzT = await made.tensor('dz', [rows * samples, dims], dz);
        const dMean = await made.tensor('dMean', [rows, dims]);
        const dLogVar = await made.tensor('dLogVar', [rows, dims]);
        await made.op(addReparameterize(graph, ctx, { mean: m, logVar: lv, z, samples, logRatio, ...stream }));
        await made.op(addReparameterizeBackward(graph, ctx, { logVar: lv, dz: dzT, dMean, dLogVar, samples, ...stream }));
        return { z, logRatio, dMean, dLogVar };
      }, { firstIteration: 2 });

      const ref = reparameterizeReference(mean, logVar, rows, dims, samples, eps);
      check('reparameterize z', out.z, ref.z, CLOSE);
      check('reparameterize log-ratio', out.logRatio, ref.logRatio, { atol: 1e-5, rtol: 1e-5 });
      // L = sum(dz * z(mean, logVar)) with the draws held fixed.
      const loss = (m: ArrayLike<number>, lv: ArrayLike<number>) => dot(dz, reparameterizeReference(m, lv, rows, dims, samples, eps).z);
      check('reparameterize dMean', out.dMean, centralDifferences((v) => loss(v, logVar), mean), GRAD);
      check('reparameterize dLogVar', out.dLogVar, centralDifferences((v) => loss(mean, v), logVar), GRAD);
    }));
}

gpu('reparameterize backward with accumulate adds to what dMean and dLogVar hold', () =>
  withGpu(async (ctx) => {
    const [rows, dims] = [2, 3];
    const stream = { seed: 5, step: 0, call: 0 };
    const logVar = randomF32(rows * dims, 7);
    const dz = randomF32(rows * dims, 8);
    const before = randomF32(rows * dims, 9);
    const run = (accumulate: boolean) =>
      runAndRead(ctx, async (graph, made) => {
        const lv = await made.tensor('logVar', [rows, dims], logVar);
        const dMean = await made.tensor('dMean', [rows, dims], before);
        const dLogVar = await made.tensor('dLogVar', [rows, dims], before);
        await made.op(addReparameterizeBackward(graph, ctx, { logVar: lv, dz: await made.tensor('dz', [rows, dims], dz), dMean, dLogVar, accumulate, ...stream }));
        return { dMean, dLogVar };
      });
    const [plain, added] = [await run(false), await run(true)];
    check('accumulated dMean', added.dMean, plain.dMean.map((v, i) => v + before[i]), { atol: 1e-6, rtol: 1e-6 });
    check('accumulated dLogVar', added.dLogVar, plain.dLogVar.map((v, i) => v + before[i]), { atol: 1e-6, rtol: 1e-6 });
  }));

gpu('Gaussian KL 3 x 7 (log-variances down to 1e-5, where e^v - 1 - v cancels): per row, mean, and the gradient against central differences', () =>
  withGpu(async (ctx) => {
    const [rows, dims] = [3, 7];
    const mean = randomF32(rows * dims, 11, 2);
    const logVar = randomF32(rows * dims, 12, 2);
    logVar.set([1e-5, -3e-4, 0.01, -0.2, 0.49, -0.51, 3]);
    const scale = 0.25;
    const out = await runAndRead(ctx, async (graph, made) => {
      const m = await made.tensor('mean', [rows, dims], mean);
      const lv = await made.tensor('logVar', [rows, dims], logVar);
      const losses = await made.tensor('losses', [rows]);
      const meanLoss = await made.tensor('meanLoss', [1]);
      const gradMean = await made.tensor('gradMean', [rows, dims]);
      const gradLogVar = await made.tensor('gradLogVar', [rows, dims]);
      await made.op(addGaussianKl(graph, ctx, { mean: m, logVar: lv, losses, meanLoss: { out: meanLoss }, gradMean, gradLogVar, gradScale: scale }));
      return { losses, meanLoss, gradMean, gradLogVar };
    });
    const ref = gaussianKlReference(mean, logVar, rows, dims);
    check('KL per row', out.losses, ref, CLOSE);
    check('KL mean', out.meanLoss, [sum(ref) / rows], CLOSE);
    // The first row's small log-variances alone, term by term: the series keeps them to f32 precision.
    const small = gaussianKlReference(new Float64Array(6), logVar.slice(0, 6), 6, 1);
    const smallGpu = await runAndRead(ctx, async (graph, made) => {
      const losses = await made.tensor('losses', [6]);
      await made.op(addGaussianKl(graph, ctx, { mean: await made.tensor('mean', [6, 1]), logVar: await made.tensor('logVar', [6, 1], logVar.slice(0, 6)), losses }));
      return { losses };
    });
    check('KL of small log-variances (relative)', smallGpu.losses, small, { atol: 0, rtol: 1e-5 });
    const loss = (m: ArrayLike<number>, lv: ArrayLike<number>) => scale * sum(gaussianKlReference(m, lv, rows, dims));
    check('KL gradMean', out.gradMean, centralDifferences((v) => loss(v, logVar), mean), GRAD);
    check('KL gradLogVar', out.gradLogVar, centralDifferences((v) => loss(mean, v), logVar), GRAD);
  }));

for (const learned of [true, false]) {
  gpu(`Gaussian NLL 5 x 3, ${learned ? 'a log-variance per element' : 'one log-variance (-0.7)'}: per row, mean, and the gradients against central differences`, () =>
    withGpu(async (ctx) => {
      const [rows, dims] = [5, 3];
      const x = randomF32(rows * dims, 21, 2);
      const mean = randomF32(rows * dims, 22, 2);
      const logVar = learned ? randomF32(rows * dims, 23, 1.5) : -0.7;
      const scale = 1 / rows;
      const out = await runAndRead(ctx, async (graph, made) => {
        const losses = await made.tensor('losses', [rows, 1]);
        const meanLoss = await made.tensor('meanLoss', [1]);
        const gradMean = await made.tensor('gradMean', [rows, dims]);
        const lv: Tensor | number = typeof logVar === 'number' ? logVar : await made.tensor('logVar', [rows, dims], logVar);
        const gradLogVar = learned ? await made.tensor('gradLogVar', [rows, dims]) : undefined;
        await made.op(
          addGaussianNll(graph, ctx, { x: await made.tensor('x', [rows, dims], x), mean: await made.tensor('mean', [rows, dims], mean), logVar: lv, losses, meanLoss: { out: meanLoss }, gradMean, gradLogVar, gradScale: scale }),
        );
        return { losses, meanLoss, gradMean, ...(gradLogVar ? { gradLogVar } : {}) };
      });
      const ref = gaussianNllReference(x, mean, logVar, rows, dims);
      check('NLL per row', out.losses, ref, CLOSE);
      check('NLL mean', out.meanLoss, [sum(ref) / rows], CLOSE);
      const loss = (m: ArrayLike<number>, lv: ArrayLike<number> | number) => scale * sum(gaussianNllReference(x, m, lv, rows, dims));
      check('NLL gradMean', out.gradMean, centralDifferences((v) => loss(v, logVar), mean), GRAD);
      if (typeof logVar !== 'number') check('NLL gradLogVar', out.gradLogVar, centralDifferences((v) => loss(mean, v), logVar), GRAD);
    }));
}

// E[f(z)] for f(z) = sum_j a_j z_j^2 + b_j z_j, z ~ N(mu, sigma^2): sum a (mu^2 + sigma^2) + b mu, so
// d/dmu = 2 a mu + b and d/dlogVar = a sigma^2. The estimator averages N draws of the backward pass
// of df/dz = 2 a z + b; its standard error per component is sd / sqrt(N) with
// sd(dmu) = 2 |a| sigma and sd(dlogVar) = sqrt(sigma^2 (2 a mu + b)^2 / 4 + 2 a^2 sigma^4). Every
// component must lie within 4.5 standard errors (a two-sided tail of 7e-6 each, fixed seed).
gpu('the reparameterised gradient of E[f(z)], f quadratic, matches its analytic value within 4.5 standard errors (20,000 draws per row)', () =>
  withGpu(async (ctx) => {
    const [rows, dims, n] = [2, 3, 20000];
    const mean = Float32Array.of(0.5, -1, 2, 0, 1.5, -0.3);
    const logVar = Float32Array.of(0, -1, 0.5, 1, -2, 0.2);
    const a = [0.7, -0.4, 1.1, 0.25, 0.9, -1.3];
    const b = [0.3, 1, -0.5, 2, 0, 0.6];
    const stream = { seed: 2024, step: 0, call: 0 };
    // The draws first (the backward pass needs df/dz at them), then the backward pass at the same iteration.
    const { z } = await runAndRead(ctx, async (graph, made) => {
      const out = await made.tensor('z', [rows * n, dims]);
      await made.op(addReparameterize(graph, ctx, { mean: await made.tensor('mean', [rows, dims], mean), logVar: await made.tensor('logVar', [rows, dims], logVar), z: out, samples: n, ...stream }));
      return { z: out };
    });
    const dz = Float32Array.from(z, (v, e) => {
      const j = Math.floor(e / (n * dims)) * dims + (e % dims);
      return 2 * a[j] * v + b[j];
    });
    const grads = await runAndRead(ctx, async (graph, made) => {
      const dMean = await made.tensor('dMean', [rows, dims]);
      const dLogVar = await made.tensor('dLogVar', [rows, dims]);
      await made.op(addReparameterizeBackward(graph, ctx, { logVar: await made.tensor('logVar', [rows, dims], logVar), dz: await made.tensor('dz', [rows * n, dims], dz), dMean, dLogVar, samples: n, ...stream }));
      return { dMean, dLogVar };
    });
    for (let j = 0; j < rows * dims; j++) {
      const variance = Math.exp(logVar[j]);
      const exactMean = 2 * a[j] * mean[j] + b[j];
      const exactLogVar = a[j] * variance;
      const seMean = (2 * Math.abs(a[j]) * Math.sqrt(variance)) / Math.sqrt(n);
      const seLogVar = Math.sqrt((variance * exactMean ** 2) / 4 + 2 * a[j] ** 2 * variance ** 2) / Math.sqrt(n);
      const [gMean, gLogVar] = [grads.dMean[j] / n, grads.dLogVar[j] / n];
      assert.ok(Math.abs(gMean - exactMean) <= 4.5 * seMean, `d/dmu[${j}]: ${gMean} vs ${exactMean} (se ${seMean})`);
      assert.ok(Math.abs(gLogVar - exactLogVar) <= 4.5 * seLogVar, `d/dlogVar[${j}]: ${gLogVar} vs ${exactLogVar} (se ${seLogVar})`);
    }
  }));

gpu('argument errors name the op and the operand', () =>
  withGpu(async (ctx) => {
    const graph = new KernelGraph('errors');
    const t = (shape: number[]) => ctx.pool.tensor('t', 'f32', shape);
    const [m, lv, z, wrong] = await Promise.all([t([2, 3]), t([2, 3]), t([4, 3]), t([2, 4])]);
    try {
      await expectError(() => addReparameterize(graph, ctx, { mean: m, logVar: wrong, z: m, seed: 1, step: 0 }), InputError, 'gaussian.reparameterize', 'logVar must be [2, 3]');
      await expectError(() => addReparameterize(graph, ctx, { mean: m, logVar: lv, z, seed: 1, step: 0 }), InputError, 'operand z must have shape [2, 3]');
      await expectError(() => addReparameterize(graph, ctx, { mean: m, logVar: lv, z: m, seed: -1, step: 0 }), InputError, 'seed = -1');
      await expectError(() => addReparameterizeBackward(graph, ctx, { logVar: lv, dz: m, dMean: m, dLogVar: z, seed: 1, step: 0 }), InputError, 'dLogVar must be [2, 3]');
      await expectError(() => addGaussianKl(graph, ctx, { mean: m, logVar: lv, gradMean: z }), InputError, 'give both gradMean and gradLogVar');
      await expectError(() => addGaussianKl(graph, ctx, { mean: m, logVar: lv }), InputError, 'nothing to compute');
      await expectError(() => addGaussianNll(graph, ctx, { x: m, mean: lv, logVar: 0, gradMean: z, gradLogVar: z }), InputError, 'gradLogVar needs a logVar tensor');
      await expectError(() => addGaussianNll(graph, ctx, { x: m, mean: lv, logVar: NaN, losses: z }), InputError, 'logVar = NaN');
      assert.is(graph.nodes.length, 0, 'nothing added');
    } finally {
      [m, lv, z, wrong].forEach((x) => x.release());
    }
  }));

gpu.run();
