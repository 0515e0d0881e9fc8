// The square hinge loss (engine/ops/loss.ts addSquareHinge, shaders/hinge.wgsl): the reference's
// gradient against central differences (no GPU), then the kernel's losses, gradient, mean and error
// count against the reference, NaN kept (GPU).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addSquareHinge } from '../engine/ops/index.js';
import { squareHingeReference } from '../harness/reference/reduce.js';
import { withGpu } from './gpu.js';
import { centralDifferences, check, f32, runAndRead } from './ops_util.js';
import { randomF32 } from './random.js';

const ROWS = 9;
const COLS = 4;
const scores = randomF32(ROWS * COLS, 21, 2);
const labels = Uint32Array.from({ length: ROWS }, (_, r) => (r * 3) % COLS);

const reference = suite('square hinge reference (no GPU)');

reference('the gradient is the derivative of the mean loss (away from the kink at margin 0)', () => {
  const mean = (y: Float64Array) => squareHingeReference(y, labels, ROWS, COLS).losses.reduce((a, b) => a + b, 0) / ROWS;
  const grad = squareHingeReference(scores, labels, ROWS, COLS, 1 / ROWS).grad;
  check('grad', grad, centralDifferences(mean, scores), { atol: 1e-6, rtol: 1e-6 });
});

const gpu = suite('square hinge kernel (GPU)');

gpu('losses, gradient, mean loss and error count as the reference; a NaN score gives a NaN loss and an error', () =>
  withGpu(async (ctx) => {
    const y = Float32Array.from(scores);
    y[5] = NaN;
    const got = await runAndRead(ctx, async (graph, made) => {
      const losses = await made.tensor('losses', [ROWS]);
      const grad = await made.tensor('grad', [ROWS, COLS]);
      const meanLoss = await made.tensor('mean', [1]);
      const errors = await made.tensor('errors', [1], undefined, 'u32');
      await made.op(addSquareHinge(graph, ctx, { logits: await made.tensor('y', [ROWS, COLS], y), labels: await made.tensor('labels', [ROWS], labels), losses, grad, gradScale: 1 / ROWS, meanLoss: { out: meanLoss }, errors: { out: errors } }));
      return { losses, grad, meanLoss, errors };
    });
    const want = squareHingeReference(y, labels, ROWS, COLS, 1 / ROWS);
    assert.ok(Number.isNaN(got.losses[1]), 'row 1 holds the NaN');
    const finite = (v: ArrayLike<number>, skip: (i: number) => boolean) => Array.from(v).filter((_, i) => !skip(i));
    check('losses', finite(got.losses, (r) => r === 1), finite(f32(want.losses), (r) => r === 1), { atol: 1e-6, rtol: 1e-6 });
    check('grad', finite(got.grad, (i) => Math.floor(i / COLS) === 1), finite(f32(want.grad), (i) => Math.floor(i / COLS) === 1), { atol: 1e-7, rtol: 1e-6 });
    assert.ok(Number.isNaN(got.meanLoss[0]));
    assert.is(new Uint32Array(got.errors.buffer)[0], want.errors.reduce((a, b) => a + b, 0));
  }));

reference.run();
gpu.run();
