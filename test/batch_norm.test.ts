// Batch normalisation (engine/ops/batch_norm.ts): the float64 reference's backward pass against
// central differences of its forward (no GPU), then the kernels against the reference: training
// (the batch's statistics, y, the running averages), inference, backward (in place too), and the
// shift-based form (GPU).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addBatchNorm, addBatchNormBackward, type BatchNormState } from '../engine/ops/index.js';
import { ap2, batchNormBackwardReference, batchNormInferReference, batchNormTrainReference } from '../harness/reference/batch_norm.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { centralDifferences, check, f32, Made, runAndRead } from './ops_util.js';
import { randomF32 } from './random.js';

const ROWS = 7;
const COLS = 5;
const EPS = 1e-4;
const x = randomF32(ROWS * COLS, 11, 3);
const gamma = randomF32(COLS, 12, 2);
const beta = randomF32(COLS, 13);
const running = { mean: randomF32(COLS, 14), var: Float32Array.from(randomF32(COLS, 15), (v) => 1 + Math.abs(v)) };
const state = { gamma, beta, runningMean: running.mean, runningVar: running.var };

const reference = suite('batch norm reference (no GPU)');

reference('the backward pass is the gradient of sum(dy * y) by central differences, through the batch statistics', () => {
  const dy = randomF32(ROWS * COLS, 16);
  const loss = (xs: Float64Array, g: ArrayLike<number>, b: ArrayLike<number>) => {
    const { y } = batchNormTrainReference(xs, ROWS, COLS, { ...state, gamma: g, beta: b }, { eps: EPS, momentum: 0.1 });
    return y.reduce((s, v, i) => s + v * dy[i], 0);
  };
  const r = batchNormBackwardReference(dy, x, ROWS, COLS, gamma, { eps: EPS });
  const tol = { atol: 1e-6, rtol: 1e-6 };
  check('dx', r.dx, centralDifferences((v) => loss(v, gamma, beta), x), tol);
  check('dgamma', r.dGamma, centralDifferences((g) => loss(Float64Array.from(x), g, beta), gamma), tol);
  check('dbeta', r.dBeta, centralDifferences((b) => loss(Float64Array.from(x), gamma, b), beta), tol);
  assert.equal([ap2(0.3), ap2(-5), ap2(0), ap2(0.75)], [0.25, -4, 0, 1]);
});

const gpu = suite('batch norm kernels (GPU)');

/** The batch norm's state on the device: the test's gamma, beta and running averages, empty batch statistics. */
async function stateTensors(made: Made): Promise<BatchNormState> {
  return {
    gamma: await made.tensor('gamma', [COLS], gamma),
    beta: await made.tensor('beta', [COLS], beta),
    runningMean: await made.tensor('rm', [COLS], running.mean),
    runningVar: await made.tensor('rv', [COLS], running.var),
    batchMean: await made.tensor('bm', [COLS]),
    batchInvstd: await made.tensor('bi', [COLS]),
  };
}

// f32 sums of 7 rows and a square root: a few ulp of the largest term.
const TOL = { atol: 1e-5, rtol: 1e-5 };

for (const shift of [false, true]) {
  gpu(`training pass: y, the batch statistics and the running averages${shift ? ' (shift-based)' : ''}`, () =>
    withGpu(async (ctx) => {
      const got = await runAndRead(ctx, async (graph, made) => {
        const s = await stateTensors(made);
        const y = await made.tensor('y', [ROWS, COLS]);
        await made.op(addBatchNorm(graph, ctx, { x: await made.tensor('x', [ROWS, COLS], x), y, rows: ROWS, cols: COLS, state: s, mode: 'train', eps: EPS, momentum: 0.25, shift }));
        return { y, mean: s.batchMean, invstd: s.batchInvstd, rm: s.runningMean, rv: s.runningVar };
      });
      const want = batchNormTrainReference(x, ROWS, COLS, state, { eps: EPS, momentum: 0.25, shift });
      check('y', got.y, f32(want.y), TOL);
      check('mean', got.mean, f32(want.mean), TOL);
      check('invstd', got.invstd, f32(want.invstd), TOL);
      check('running mean', got.rm, f32(want.runningMean), TOL);
      check('running var', got.rv, f32(want.runningVar), TOL);
    }));

  gpu(`inference pass with the running averages, and the backward pass (in place and not)${shift ? ' (shift-based)' : ''}`, () =>
    withGpu(async (ctx) => {
      const dyValues = randomF32(ROWS * COLS, 17);
      const got = await runAndRead(ctx, async (graph, made) => {
        const s = await stateTensors(made);
        const xt = await made.tensor('x', [ROWS, COLS], x);
        const inferred = await made.tensor('inferred', [ROWS, COLS]);
        await made.op(addBatchNorm(graph, ctx, { x: xt, y: inferred, rows: ROWS, cols: COLS, state: s, mode: 'infer', eps: EPS, shift }));
        // The backward pass needs the training pass's statistics (frozen: the running averages stay).
        const y = await made.tensor('y', [ROWS, COLS]);
        await made.op(addBatchNorm(graph, ctx, { x: xt, y, rows: ROWS, cols: COLS, state: s, mode: 'train', eps: EPS, frozen: true, shift }));
        const dy = await made.tensor('dy', [ROWS, COLS], dyValues);
        const dx = await made.tensor('dx', [ROWS, COLS]);
        const [gg, gb, gg2, gb2] = await Promise.all(['gg', 'gb', 'gg2', 'gb2'].map((l) => made.tensor(l, [COLS])));
        await made.op(addBatchNormBackward(graph, ctx, { dy, x: xt, dx, rows: ROWS, cols: COLS, state: s, gradGamma: gg, gradBeta: gb, shift }));
        const inPlace = await made.tensor('in place', [ROWS, COLS], dyValues);
        await made.op(addBatchNormBackward(graph, ctx, { dy: inPlace, x: xt, dx: inPlace, rows: ROWS, cols: COLS, state: s, gradGamma: gg2, gradBeta: gb2, shift }));
        return { inferred, dx, gg, gb, inPlace, rm: s.runningMean };
      });
      check('inference', got.inferred, f32(batchNormInferReference(x, ROWS, COLS, state, { eps: EPS, shift })), TOL);
      const want = batchNormBackwardReference(dyValues, x, ROWS, COLS, gamma, { eps: EPS, shift });
      check('dx', got.dx, f32(want.dx), TOL);
      check('dgamma', got.gg, f32(want.dGamma), TOL);
      check('dbeta', got.gb, f32(want.dBeta), TOL);
      check('dx in place', got.inPlace, got.dx, { atol: 0, rtol: 0 });
      check('a frozen training pass leaves the running mean', got.rm, running.mean, { atol: 0, rtol: 0 });
    }));
}

gpu('bad operands and settings are InputErrors naming the op', () =>
  withGpu(async (ctx) => {
    const made = new Made(ctx);
    try {
      const t = (l: string, shape: number[]) => made.tensor(l, shape);
      const s = { gamma: await t('g', [COLS]), beta: await t('b', [COLS]), runningMean: await t('m', [COLS]), runningVar: await t('v', [COLS]), batchMean: await t('bm', [COLS]), batchInvstd: await t('bi', [COLS + 1]) };
      const xt = await t('x', [ROWS, COLS]);
      const [y, y2] = [await t('y', [ROWS, COLS]), await t('y2', [ROWS, COLS])];
      const graph = new KernelGraph('bad');
      await expectError(() => addBatchNorm(graph, ctx, { x: xt, y: xt, rows: ROWS, cols: COLS, state: { ...s, batchInvstd: s.batchMean }, mode: 'train' }), InputError, 'batch_norm.train');
      await expectError(() => addBatchNorm(graph, ctx, { x: xt, y, rows: ROWS, cols: COLS, state: s, mode: 'train' }), InputError, 'batchInvstd');
      await expectError(() => addBatchNorm(graph, ctx, { x: xt, y: y2, rows: ROWS, cols: COLS, state: { ...s, batchInvstd: s.batchMean }, mode: 'infer', momentum: 0 }), InputError, 'momentum = 0 must lie in (0, 1]');
      assert.is(graph.nodes.length, 0);
    } finally {
      made.release();
    }
  }));

reference.run();
gpu.run();
