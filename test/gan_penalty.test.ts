// WGAN-GP's gradient penalty: the op (engine/ops/gan_loss.ts addGradientPenalty) against its float64
// definition and central differences, and the double backward of a dense critic (models/
// input_gradient.ts): its input gradient against the chain rule in float64, and the penalty's
// gradients of every weight and bias against central differences of the float64 penalty, for stacks
// with curvature (tanh, sigmoid) and without (relu), added to what the gradients held.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph, ParamSet, type RunContext } from '../engine/index.js';
import { addGradientPenalty } from '../engine/ops/gan_loss.js';
import { criticReference, gradientPenalty, type DenseReference } from '../harness/reference/gan.js';
import { denseLayer, denseParams, type DenseActivation } from '../models/dense.js';
import { InputGradient } from '../models/input_gradient.js';
import { addInterpolatedPenalty } from '../models/gan_training.js';
import { expectError } from './expect.js';
import { readF32, withGpu } from './gpu.js';
import { centralDifferences, check, runAndRead } from './ops_util.js';

const test = suite('gradient penalty and the double backward (GPU)');

const LAMBDA = 10;

/** Pseudo-random values in [-amplitude, amplitude) (a fixed LCG: the same on every run). */
function values(n: number, seed: number, amplitude = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return amplitude * (2 * (s / 2 ** 32) - 1);
  });
}

test('the penalty lambda (||g|| - 1)^2 per row, its mean, and its gradient (scaled) against central differences; 0 where a row is 0', () =>
  withGpu(async (ctx) => {
    const [rows, width] = [5, 70];
    const g = values(rows * width, 3, 0.2);
    g.fill(0, 2 * width, 3 * width);
    const scale = 1 / rows;
    const out = await runAndRead(ctx, async (graph, made) => {
      const grad = await made.tensor('g', [rows, width], g);
      const [gradOut, losses, mean] = [await made.tensor('grad out', [rows, width]), await made.tensor('losses', [rows]), await made.tensor('mean', [1])];
      await made.op(addGradientPenalty(graph, ctx, { grad, lambda: LAMBDA, gradOut, gradScale: scale, losses, meanLoss: { out: mean } }));
      return { gradOut, losses, mean };
    });
    const row = (r: number) => g.subarray(r * width, (r + 1) * width);
    const want = Array.from({ length: rows }, (_, r) => gradientPenalty(row(r), LAMBDA));
    check('penalty', out.losses, want, { atol: 1e-6, rtol: 1e-5 });
    check('mean penalty', out.mean, [want.reduce((a, b) => a + b, 0) / rows], { atol: 1e-6, rtol: 1e-5 });
    const grads = Array.from({ length: rows }, (_, r) => (r === 2 ? new Float64Array(width) : centralDifferences((v) => scale * gradientPenalty(v, LAMBDA), row(r)))).flatMap((x) => Array.from(x));
    check('penalty gradient', out.gradOut, grads, { atol: 1e-6, rtol: 1e-4 });
  }));

/** The critics: input width, then [width, activation] per layer, the last one output of identity. */
const CRITICS: Array<{ name: string; inputs: number; layers: Array<[number, DenseActivation]>; rows?: number }> = [
  { name: 'tanh then relu', inputs: 3, layers: [[5, 'tanh'], [4, 'relu'], [1, 'identity']] },
  { name: 'sigmoid then tanh', inputs: 4, layers: [[4, 'sigmoid'], [3, 'tanh'], [1, 'identity']] },
  { name: 'relu only (no curvature terms)', inputs: 2, layers: [[6, 'relu'], [5, 'relu'], [1, 'identity']] },
  { name: "of the ring's size, a batch of 64", inputs: 2, layers: [[64, 'relu'], [1, 'identity']], rows: 64 },
  { name: 'relu under tanh, an identity hidden layer between (curvature above a layer without)', inputs: 3, layers: [[5, 'relu'], [4, 'identity'], [4, 'tanh'], [1, 'identity']] },
  { name: 'no hidden layer (a linear critic: the input gradient is its weight)', inputs: 3, layers: [[1, 'identity']] },
];

for (const c of CRITICS) {
  test(`critic ${c.name}: the input gradient by the chain rule, the mean penalty's gradients of every weight and bias by central differences, added to what they held`, () =>
    withGpu(async (ctx) => {
      const rows = c.rows ?? 6;
      const widths = [c.inputs, ...c.layers.map(([w]) => w)];
      const specs = c.layers.flatMap(([w], k) => denseParams(`d${k}`, widths[k], w));
      const params = await ParamSet.create(ctx, { seed: 7, params: specs });
      // Biases away from zero, so that relu's kinks and the curvature terms are exercised.
      for (const [k] of c.layers.entries()) await params.get(`d${k}.bias`).value.write(values(widths[k + 1], 50 + k, 0.5));
      const layers = c.layers.map(([, act], k) => denseLayer(params, `d${k}`, act));
      // What the gradients held before: the penalty's are added to them.
      const before = params.params.map((p, i) => values(p.size, 90 + i, 0.1));
      for (const [i, p] of params.params.entries()) await p.grad.write(before[i]);
      const x = values(rows * c.inputs, 11, 1.5);
      const grad = await InputGradient.create(ctx, layers, rows);
      const out = await runAndRead(ctx, async (graph, made) => {
        const input = await made.tensor('x', [rows, c.inputs], x);
        await made.op(grad.addForward(graph, ctx, input));
        await made.op(grad.addInputGradient(graph, ctx));
        await made.op(addGradientPenalty(graph, ctx, { grad: grad.input, gradOut: grad.dInput, lambda: LAMBDA, gradScale: 1 / rows }));
        await made.op(grad.addBackward(graph, ctx));
        return { g: grad.input };
      });
      // Float64 from the parameters' f32 values.
      const host = await Promise.all(params.params.map(async (p) => Float64Array.from(await readF32(p.value))));
      const reference = (vals: readonly Float64Array[]): DenseReference[] => c.layers.map(([w, activation], k) => ({ weight: vals[2 * k], bias: vals[2 * k + 1], inputs: widths[k], outputs: w, activation }));
      const rowsOf = (vals: readonly Float64Array[]) => Array.from({ length: rows }, (_, r) => criticReference(reference(vals), x.subarray(r * c.inputs, (r + 1) * c.inputs)));
      check(`${c.name}: input gradient`, out.g, rowsOf(host).flatMap((r) => r.inputGrad), { atol: 1e-6, rtol: 1e-4 });
      const penalty = (vals: readonly Float64Array[]) => rowsOf(vals).reduce((s, r) => s + gradientPenalty(r.inputGrad, LAMBDA), 0) / rows;
      for (const [i, p] of params.params.entries()) {
        const fd = centralDifferences((v) => penalty(host.map((h, j) => (j === i ? v : h))), host[i]);
        const got = await readF32(p.grad);
        const scale = Math.max(...fd.map(Math.abs), 1e-3);
        check(`${c.name}: d penalty / d ${p.name}`, got, Array.from(fd, (v, e) => v + before[i][e]), { atol: 2e-4 * scale, rtol: 1e-3 });
      }
      grad.release();
      params.release();
    }));
}

test("WGAN-GP's step: x^ = fake + u (real - fake) with u from the sampler per row, the penalty's gradients at x^ added to the critic's", () =>
  withGpu(async (ctx) => {
    const [rows, width] = [8, 3];
    const params = await ParamSet.create(ctx, { seed: 3, params: [...denseParams('d0', width, 6), ...denseParams('d1', 6, 1)] });
    await params.get('d0.bias').value.write(values(6, 4, 0.5));
    const layers = [denseLayer(params, 'd0', 'tanh'), denseLayer(params, 'd1', 'identity')];
    const before = params.params.map((p, i) => values(p.size, 20 + i, 0.1));
    for (const [i, p] of params.params.entries()) await p.grad.write(before[i]);
    const [realX, fakeX] = [values(rows * width, 5, 2), values(rows * width, 6, 0.3)];
    const grad = await InputGradient.create(ctx, layers, rows);
    const out = await runAndRead(ctx, async (graph, made) => {
      const [real, fake, u, mix, mean] = [await made.tensor('real', [rows, width], realX), await made.tensor('fake', [rows, width], fakeX), await made.tensor('u', [rows, 1]), await made.tensor('mix', [rows, width]), await made.tensor('mean', [1])];
      await made.op(addInterpolatedPenalty(graph, ctx as RunContext, { u, mix, grad, real, fake, rows, seed: 9, call: 3, lambda: LAMBDA, meanLoss: { out: mean } }));
      return { u, mix, mean };
    });
    assert.ok(out.u.every((v) => v >= 0 && v < 1) && new Set(out.u).size === rows, `u: ${Array.from(out.u)}`);
    check('x^', out.mix, Array.from(out.mix, (_, e) => fakeX[e] + out.u[Math.floor(e / width)] * (realX[e] - fakeX[e])), { atol: 1e-6, rtol: 1e-6 });
    const host = await Promise.all(params.params.map(async (p) => Float64Array.from(await readF32(p.value))));
    const penalty = (vals: readonly Float64Array[]) => {
      const net: DenseReference[] = [{ weight: vals[0], bias: vals[1], inputs: width, outputs: 6, activation: 'tanh' }, { weight: vals[2], bias: vals[3], inputs: 6, outputs: 1, activation: 'identity' }];
      return Array.from({ length: rows }, (_, r) => gradientPenalty(criticReference(net, out.mix.subarray(r * width, (r + 1) * width)).inputGrad, LAMBDA)).reduce((a, b) => a + b, 0) / rows;
    };
    check('mean penalty', out.mean, [penalty(host)], { atol: 1e-5, rtol: 1e-4 });
    for (const [i, p] of params.params.entries()) {
      const fd = centralDifferences((v) => penalty(host.map((h, j) => (j === i ? v : h))), host[i]);
      check(`d penalty / d ${p.name}`, await readF32(p.grad), Array.from(fd, (v, e) => v + before[i][e]), { atol: 2e-4 * Math.max(...fd.map(Math.abs), 1e-3), rtol: 1e-3 });
    }
    grad.release();
    params.release();
  }));

test('refused: a stack not ending in one identity output, mismatched layers, backward before forward; the penalty of a non-matrix or with nothing to compute', () =>
  withGpu(async (ctx) => {
    const params = await ParamSet.create(ctx, { seed: 1, params: [...denseParams('a', 3, 4), ...denseParams('b', 4, 2), ...denseParams('c', 5, 1)] });
    const [a, b, c] = [denseLayer(params, 'a', 'tanh'), denseLayer(params, 'b', 'identity'), denseLayer(params, 'c', 'identity')];
    await expectError(() => InputGradient.create(ctx, [a, b], 4), InputError, 'input gradient', 'one identity output', '2 identity');
    await expectError(() => InputGradient.create(ctx, [a, c], 4), InputError, 'layer c takes 5 inputs, a gives 4');
    const graph = new KernelGraph('errors');
    const ok = await InputGradient.create(ctx, [c], 4);
    assert.throws(() => ok.addBackward(graph, ctx), /addForward comes before addBackward/);
    assert.throws(() => ok.addInputGradient(graph, ctx), /addForward comes before addInputGradient/);
    const flat = await ctx.pool.tensor('flat', 'f32', [8]);
    await expectError(() => addGradientPenalty(graph, ctx, { grad: flat, lambda: 1, meanLoss: undefined, gradOut: undefined }), InputError, 'gradient_penalty', 'grad must be [rows, width]');
    await expectError(() => addGradientPenalty(graph, ctx, { grad: ok.input, lambda: 1 }), InputError, 'nothing to compute');
    await expectError(() => addGradientPenalty(graph, ctx, { grad: ok.input, lambda: Number.NaN, gradOut: ok.dInput }), InputError, 'lambda');
    assert.is(graph.nodes.length, 0);
    [ok, flat, params].forEach((x) => x.release());
  }));

test.run();
