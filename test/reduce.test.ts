import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph, InputError, type Tensor } from '../engine/index.js';
import { addReduce, addSoftmax, addSigmoidCrossEntropy, addSoftmaxCrossEntropy, addUnary, type ReduceOp, type ReducePer } from '../engine/ops/index.js';
import { planPasses, segmentsOf } from '../engine/ops/reduce.js';
import {
  argmax,
  bernoulliCrossEntropyReference,
  bernoulliLoss,
  categoricalCrossEntropyReference,
  logSumExp,
  reduceReference,
  softmaxReference,
} from '../harness/reference/reduce.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { check, f32, Made, runAndRead } from './ops_util.js';
import { randomF32 as random } from './random.js';

const OPS: ReduceOp[] = ['sum', 'mean', 'max', 'sumsq', 'logsumexp'];
const PERS: ReducePer[] = ['row', 'column', 'all'];
const FLUSH = 2 ** -126;
const ULP = 2 ** -23;

/**
 * The most roundings on any path from an element to a result (shaders/reduce.wgsl): per pass,
 * PER_LANE / 4 serial combines of pairwise-combined fours (2 levels) and log2(WG_E) tree levels, for
 * the passes engine/ops/reduce.ts plans; plus one for the mean's division.
 */
function roundings(shape: readonly number[], per: ReducePer): number {
  return planPasses(segmentsOf(shape, per)).reduce((n, p) => n + p.shape.perLane / 4 + 2 + Math.log2(p.shape.wgE), 1);
}

/**
 * Tolerance of a sum-like result: each rounding errs by at most 2^-24 of a partial sum, which is at
 * most the sum of |terms|, so |error| <= roundings * 2^-24 * sum |terms| (the largest over the
 * results, terms being x, x^2 or the Bernoulli losses). Max is exact; log-sum-exp = m + log(s) errs
 * by the relative error of s (the same bound, with exp's few ulp per term) plus log's few ulp.
 */
function tolerance(op: ReduceOp, absSum: number, depth: number): { atol: number; rtol: number } {
  if (op === 'max') return { atol: 0, rtol: 0 };
  if (op === 'logsumexp') return { atol: (depth + 8) * 2 ** -24, rtol: 4 * ULP };
  return { atol: depth * 2 ** -24 * absSum + FLUSH, rtol: 2 ** -24 };
}

/** The largest sum of |terms| over the results of a reduction, over finite terms. */
function largestAbsSum(op: ReduceOp, x: ArrayLike<number>, rows: number, cols: number, per: ReducePer): number {
  const terms = Float64Array.from(x, (v) => (Number.isFinite(v) ? (op === 'sumsq' ? v * v : Math.abs(v)) : 0));
  const sums = reduceReference('sum', terms, rows, cols, per);
  const scale = op === 'mean' ? 1 / (per === 'row' ? cols : per === 'column' ? rows : rows * cols) : 1;
  return Math.max(...sums) * scale;
}

/** rows x cols values in [-4, 4); with `specials`, NaN, +-Inf and a row of -Inf among them. */
function matrix(rows: number, cols: number, seed: number, specials: boolean): Float32Array {
  const x = random(rows * cols, seed, 4);
  if (!specials) return x;
  const n = rows * cols;
  x[Math.floor(n / 2)] = Infinity;
  x[n - 1] = -Infinity;
  if (n > 1) x[1] = NaN;
  if (rows >= 3) x.fill(-Infinity, 2 * cols, 3 * cols);
  return x;
}

const SHAPES: number[][] = [[1, 1], [3, 33], [31, 7], [1000, 3], [2, 3000], [1], [31], [33], [1000]];
const matrixOf = (shape: readonly number[]) => ({ rows: shape.length > 1 ? shape[0] : 1, cols: shape[shape.length - 1] });

// ---------------------------------------------------------------------------------------------
const reference = suite('reduce reference (no GPU)');

reference('log-sum-exp, argmax and the losses by hand, with -Inf, +Inf, NaN and ties', () => {
  // log(e^0 + e^0) = log 2; log(e^1000 + e^1000) = 1000 + log 2 without overflow.
  assert.ok(Math.abs(logSumExp([0, 0]) - Math.LN2) < 1e-15);
  assert.ok(Math.abs(logSumExp([1000, 1000]) - (1000 + Math.LN2)) < 1e-12);
  assert.is(logSumExp([-Infinity, -Infinity]), -Infinity);
  assert.is(logSumExp([1, Infinity]), Infinity);
  assert.ok(Number.isNaN(logSumExp([Infinity, NaN])));
  assert.is(argmax([1, 3, 3, 2]), 1);
  assert.is(argmax([1, NaN, 5, NaN]), 1);
  // softplus(z) - t z at z = 0 is log 2 for any t; large |z| does not overflow.
  assert.ok(Math.abs(bernoulliLoss(0, 0.3) - Math.LN2) < 1e-15);
  assert.is(bernoulliLoss(1000, 1), 0);
  assert.is(bernoulliLoss(-1000, 0), 0);
  assert.is(bernoulliLoss(1000, 0), 1000);
  // Two classes with logits (0, log 3): p = (1/4, 3/4); label 0 loses log 4 and is an error.
  const r = categoricalCrossEntropyReference([0, Math.log(3)], [0], 1, 2);
  assert.ok(Math.abs(r.losses[0] - Math.log(4)) < 1e-15);
  assert.equal([...r.grad].map((g) => +g.toFixed(12)), [-0.75, 0.75]);
  assert.is(r.errors[0], 1);
});

/** Central differences in float64 of a function of one element of z. */
function centralDifference(f: (z: Float64Array) => number, z: ArrayLike<number>, i: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(z[i]));
  const plus = Float64Array.from(z);
  const minus = Float64Array.from(z);
  plus[i] += h;
  minus[i] -= h;
  return (f(plus) - f(minus)) / (2 * h);
}

/** d(scale * sum of the per-row losses) / dz by central differences: only z's own row changes. */
function lossGradientByDifferences(loss: (row: Float64Array, r: number) => number, z: ArrayLike<number>, rows: number, cols: number, scale: number): Float64Array {
  const grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = Float64Array.from({ length: cols }, (_, c) => z[r * cols + c]);
    for (let c = 0; c < cols; c++) grad[r * cols + c] = scale * centralDifference((v) => loss(v, r), row, c);
  }
  return grad;
}

reference('the loss gradients of the reference agree with central differences of its losses', () => {
  const [rows, cols] = [3, 5];
  const z = random(rows * cols, 5, 3);
  const t = random(rows * cols, 6, 0.5).map((v) => v + 0.5);
  const labels = [4, 0, 2];
  const bern = bernoulliCrossEntropyReference(z, t, rows, cols, 0.5);
  const bernFd = lossGradientByDifferences((row, r) => bernoulliCrossEntropyReference(row, t.subarray(r * cols, r * cols + cols), 1, cols).losses[0], z, rows, cols, 0.5);
  check('bernoulli reference gradient', bern.grad, bernFd, { atol: 1e-9, rtol: 1e-7 });
  const cat = categoricalCrossEntropyReference(z, labels, rows, cols, 0.5);
  const catFd = lossGradientByDifferences((row, r) => categoricalCrossEntropyReference(row, [labels[r]], 1, cols).losses[0], z, rows, cols, 0.5);
  check('categorical reference gradient', cat.grad, catFd, { atol: 1e-9, rtol: 1e-7 });
});
reference.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('reduce kernels (GPU)');

gpu('every reduction per row, per column and in all, at 1x1, 3x33, 31x7, 1000x3, 2x3000 and vectors of 1, 31, 33, 1000, clean and with NaN/Inf', () =>
  withGpu(async (ctx) => {
    for (const shape of SHAPES) {
      const { rows, cols } = matrixOf(shape);
      for (const specials of [false, true]) {
        const x = matrix(rows, cols, rows * 131 + cols, specials);
        const results = (per: ReducePer) => (per === 'row' ? [rows] : per === 'column' ? [cols] : [1]);
        const got = await runAndRead(ctx, async (graph, made) => {
          const xt = await made.tensor('x', shape, x);
          const outs: Record<string, Tensor> = {};
          for (const per of PERS) {
            for (const op of OPS) {
              outs[`${op} ${per}`] = await made.tensor(`${op} ${per}`, results(per));
              await made.op(addReduce(graph, ctx, { op, per, x: xt, out: outs[`${op} ${per}`] }));
            }
          }
          return outs;
        });
        for (const per of PERS) {
          for (const op of OPS) {
            const want = f32(reduceReference(op, x, rows, cols, per));
            const tol = tolerance(op, largestAbsSum(op, x, rows, cols, per), roundings(shape, per));
            check(`${op} per ${per} of [${shape.join(', ')}]${specials ? ' with NaN/Inf' : ''}`, got[`${op} ${per}`], want, tol);
          }
        }
      }
    }
  }));

gpu('results into series slots: one per iteration from base, per-row results, u32 counts accumulated every 2 iterations, the end of the series dropped', () =>
  withGpu(async (ctx) => {
    const [rows, cols] = [31, 7];
    const x = random(rows * cols, 77, 2);
    const repeat = 5;
    const got = await runAndRead(
      ctx,
      async (graph, made) => {
        const xt = await made.tensor('x', [rows, cols], x);
        const ones = await made.tensor('ones', [13], new Float32Array(13).fill(1));
        const means = await made.tensor('mean series', [2 + repeat]);
        const rowSums = await made.tensor('row sum series', [repeat, rows]);
        const counts = await made.tensor('count series', [4], new Uint32Array([100, 0, 0, 0]));
        const short = await made.tensor('short series', [3]);
        // Each iteration first adds 1 to x, so that every slot differs.
        await made.op(addUnary(graph, ctx, { op: 'affine', x: xt, out: xt, alpha: 1, beta: 1 }));
        await made.op(addReduce(graph, ctx, { op: 'mean', per: 'all', x: xt, out: means, series: { base: 2 } }));
        await made.op(addReduce(graph, ctx, { op: 'sum', per: 'row', x: xt, out: rowSums, series: {} }));
        await made.op(addReduce(graph, ctx, { op: 'sum', per: 'all', x: ones, out: counts, series: { every: 2 }, accumulate: true }));
        await made.op(addReduce(graph, ctx, { op: 'max', per: 'all', x: xt, out: short, series: {} }));
        return { means, rowSums, counts, short };
      },
      { repeat },
    );
    // x after iteration k (k = 0 ..): x + k + 1, rounded to f32 at each step as the kernel does.
    const steps: Float32Array[] = [];
    for (let k = 0, v = x; k < repeat; k++) steps.push((v = v.map((e) => e + 1)));
    // Every element of x + k + 1 lies in [-2, 7]: the sum tolerance with |terms| <= 7.
    const meanWant = [0, 0, ...steps.map((s) => reduceReference('mean', s, 1, rows * cols, 'all')[0])];
    check('mean series from base 2', got.means, f32(meanWant), tolerance('mean', 7, roundings([rows * cols], 'all')));
    const rowWant = steps.flatMap((s) => [...reduceReference('sum', s, rows, cols, 'row')]);
    check('per-row sum series', got.rowSums, f32(rowWant), tolerance('sum', 7 * cols, roundings([rows, cols], 'row')));
    // Iterations 0, 1 add to slot 0 (which held 100), 2 and 3 to slot 1, 4 to slot 2: 13 each.
    assert.equal([...new Uint32Array(got.counts.buffer)], [100 + 26, 26, 13, 0]);
    // Three slots for five iterations: the max of x + k + 1 for k < 3, the last two not written.
    check('short series', got.short, f32(steps.slice(0, 3).map((s) => Math.max(...s))), { atol: 0, rtol: 0 });
  }));

gpu('softmax and log-softmax per row at 1x1, 3x33, 31x7, 1000x3, 2x3000, with NaN/Inf rows, and in place', () =>
  withGpu(async (ctx) => {
    for (const shape of SHAPES.slice(0, 5)) {
      const [rows, cols] = shape;
      // Logits up to +-40: exp(x) alone would overflow f32 at 88, exp(x - max) never does.
      const clean = random(rows * cols, rows + cols, 40);
      const special = matrix(rows, cols, rows + 2 * cols, true);
      const got = await runAndRead(ctx, async (graph, made) => {
        const outs: Record<string, Tensor> = {};
        for (const [name, x] of [['clean', clean], ['special', special]] as const) {
          const xt = await made.tensor(name, shape, x);
          const inPlace = await made.tensor(`${name} in place`, shape, x);
          outs[`${name} softmax`] = await made.tensor(`${name} softmax`, shape);
          outs[`${name} log`] = await made.tensor(`${name} log-softmax`, shape);
          outs[`${name} in place`] = inPlace;
          await made.op(addSoftmax(graph, ctx, { x: xt, out: outs[`${name} softmax`] }));
          await made.op(addSoftmax(graph, ctx, { x: xt, out: outs[`${name} log`], log: true }));
          await made.op(addSoftmax(graph, ctx, { x: inPlace, out: inPlace }));
        }
        return outs;
      });
      for (const [name, x] of [['clean', clean], ['special', special]] as const) {
        // The row's log-sum-exp errs by up to (depth + 8) 2^-24 absolutely (see tolerance()); exp(x - lse)
        // carries that relative error, x - lse it absolutely, plus a few ulp of x's size.
        const lseError = (roundings(shape, 'row') + 8) * 2 ** -24;
        const soft = f32(softmaxReference(x, rows, cols));
        check(`softmax ${name} [${shape.join(', ')}]`, got[`${name} softmax`], soft, { atol: FLUSH, rtol: lseError + 48 * ULP });
        check(`softmax in place ${name} [${shape.join(', ')}]`, got[`${name} in place`], soft, { atol: FLUSH, rtol: lseError + 48 * ULP });
        check(`log-softmax ${name} [${shape.join(', ')}]`, got[`${name} log`], f32(softmaxReference(x, rows, cols, true)), { atol: lseError + 48 * ULP, rtol: 2 * ULP });
      }
    }
  }));

/** Targets in [0, 1] with exact 0s and 1s; logits with large ones that a naive log(sigmoid) would overflow. */
function bernoulliData(rows: number, cols: number, seed: number): { z: Float32Array; t: Float32Array } {
  const z = random(rows * cols, seed, 6);
  const t = random(rows * cols, seed + 1, 0.5).map((v) => v + 0.5);
  for (let i = 0; i < z.length; i += 7) t[i] = i % 2;
  for (let i = 3; i < z.length; i += 11) z[i] = i % 2 ? 60 : -60;
  return { z, t };
}

gpu('Bernoulli cross-entropy: per-row losses, the mean into a series, and the gradient against central differences', () =>
  withGpu(async (ctx) => {
    for (const [rows, cols] of [[31, 7], [3, 33], [1000, 3], [2, 3000]]) {
      const { z, t } = bernoulliData(rows, cols, rows * cols);
      const scale = 1 / rows;
      const repeat = 2;
      const got = await runAndRead(
        ctx,
        async (graph, made) => {
          const zt = await made.tensor('logits', [rows, cols], z);
          const tt = await made.tensor('targets', [rows, cols], t);
          const losses = await made.tensor('losses', [rows]);
          const grad = await made.tensor('grad', [rows, cols]);
          const series = await made.tensor('mean loss series', [repeat]);
          await made.op(addSigmoidCrossEntropy(graph, ctx, { logits: zt, targets: tt, losses, grad, gradScale: scale, meanLoss: { out: series, series: {} } }));
          return { losses, grad, series };
        },
        { repeat },
      );
      const want = bernoulliCrossEntropyReference(z, t, rows, cols, scale);
      const name = `sigmoid cross-entropy ${rows}x${cols}`;
      // Sums of losses (each within 8 ulp: exp and log1p), by the sum tolerance over |losses|.
      const depth = roundings([rows, cols], 'row');
      const lossTol = { atol: depth * 2 ** -24 * Math.max(...want.losses) + FLUSH, rtol: 8 * ULP };
      check(`${name} losses`, got.losses, f32(want.losses), lossTol);
      const mean = want.losses.reduce((a, b) => a + b, 0) / rows;
      check(`${name} mean loss series`, got.series, [mean, mean], { atol: (roundings([rows], 'all') + depth) * 2 ** -24 * mean, rtol: 8 * ULP });
      // sigmoid(z) - t: sigmoid within 8 ulp of itself (<= 1), then a subtraction that may cancel, times scale.
      const gradTol = { atol: 9 * ULP * scale, rtol: 8 * ULP };
      check(`${name} gradient`, got.grad, f32(want.grad), gradTol);
      if (rows * cols <= 231) {
        const fd = lossGradientByDifferences((row, r) => bernoulliCrossEntropyReference(row, t.subarray(r * cols, (r + 1) * cols), 1, cols).losses[0], z, rows, cols, scale);
        check(`${name} gradient vs central differences`, got.grad, fd, { atol: gradTol.atol + 1e-9, rtol: gradTol.rtol });
      }
    }
  }));

gpu('Bernoulli cross-entropy with infinite and NaN logits behaves like the float64 reference', () =>
  withGpu(async (ctx) => {
    const z = Float32Array.from([Infinity, -Infinity, Infinity, -Infinity, NaN, 1e30, -1e30, 0]);
    const t = Float32Array.from([0, 1, 1, 0, 0.5, 0.25, 0.75, 1]);
    const got = await runAndRead(ctx, async (graph, made) => {
      const losses = await made.tensor('losses', [8]);
      const grad = await made.tensor('grad', [8, 1]);
      await made.op(addSigmoidCrossEntropy(graph, ctx, { logits: await made.tensor('z', [8, 1], z), targets: await made.tensor('t', [8, 1], t), losses, grad }));
      return { losses, grad };
    });
    const want = bernoulliCrossEntropyReference(z, t, 8, 1);
    // Inf where the loss is infinite, NaN where it is Inf * 0, exact zeros where it vanishes.
    check('losses at +-Inf, NaN, +-1e30', got.losses, f32(want.losses), { atol: FLUSH, rtol: 8 * ULP });
    check('gradient at +-Inf, NaN, +-1e30', got.grad, f32(want.grad), { atol: FLUSH, rtol: 8 * ULP });
  }));

/** Labels in [0, cols), with some rows where the label's logit ties an earlier maximum (an error by the first-index rule). */
function categoricalData(rows: number, cols: number, seed: number): { z: Float32Array; labels: Uint32Array } {
  const z = random(rows * cols, seed, 5);
  const labels = Uint32Array.from(random(rows, seed + 1), (v) => Math.floor(((v + 1) / 2) * cols) % cols);
  for (let r = 0; r < rows; r += 5) {
    // Make the label's logit the row's maximum (a correct row), tied with column 0 on every tenth row.
    const row = z.subarray(r * cols, (r + 1) * cols);
    row[labels[r]] = Math.max(...row) + 1;
    if (r % 10 === 0 && labels[r] > 0) row[0] = row[labels[r]];
  }
  return { z, labels };
}

gpu('softmax cross-entropy: per-row losses, gradient against central differences, mean loss and error count into series', () =>
  withGpu(async (ctx) => {
    for (const [rows, cols] of [[1, 1], [31, 7], [3, 33], [1000, 3], [2, 3000]]) {
      const { z, labels } = categoricalData(rows, cols, 7 * rows + cols);
      const scale = 1 / rows;
      const repeat = 3;
      const got = await runAndRead(
        ctx,
        async (graph, made) => {
          const zt = await made.tensor('logits', [rows, cols], z);
          const lt = await made.tensor('labels', [rows], labels);
          const losses = await made.tensor('losses', [rows, 1]);
          const grad = await made.tensor('grad', [rows, cols]);
          const meanSeries = await made.tensor('mean loss series', [repeat]);
          const errorSeries = await made.tensor('error count', [2], new Uint32Array(2));
          const errorsF32 = await made.tensor('error count f32', [1]);
          await made.op(
            addSoftmaxCrossEntropy(graph, ctx, {
              logits: zt,
              labels: lt,
              losses,
              grad,
              gradScale: scale,
              meanLoss: { out: meanSeries, series: {} },
              errors: { out: errorSeries, series: { every: 2 }, accumulate: true },
            }),
          );
          await made.op(addSoftmaxCrossEntropy(graph, ctx, { logits: zt, labels: lt, errors: { out: errorsF32 } }));
          return { losses, grad, meanSeries, errorSeries, errorsF32 };
        },
        { repeat },
      );
      const want = categoricalCrossEntropyReference(z, labels, rows, cols, scale);
      const name = `softmax cross-entropy ${rows}x${cols}`;
      const lseError = (roundings([rows, cols], 'row') + 8) * 2 ** -24;
      check(`${name} losses`, got.losses, f32(want.losses), { atol: lseError + 16 * ULP * 5, rtol: 8 * ULP });
      const mean = want.losses.reduce((a, b) => a + b, 0) / rows;
      check(`${name} mean loss series`, got.meanSeries, [mean, mean, mean], { atol: lseError + 16 * ULP * 5 + roundings([rows], 'all') * 2 ** -24 * mean, rtol: 8 * ULP });
      // p = exp(z - lse) carries lse's error relatively, so p - 1 errs by that much of p <= 1 absolutely; times scale.
      const gradTol = { atol: (lseError + 16 * ULP) * scale, rtol: lseError + 16 * ULP };
      check(`${name} gradient`, got.grad, f32(want.grad), gradTol);
      if (rows * cols <= 231) {
        const fd = lossGradientByDifferences((row, r) => categoricalCrossEntropyReference(row, [labels[r]], 1, cols).losses[0], z, rows, cols, scale);
        check(`${name} gradient vs central differences`, got.grad, fd, { atol: gradTol.atol + 1e-9, rtol: gradTol.rtol });
      }
      // Counts are exact: iterations 0 and 1 accumulate into slot 0, iteration 2 into slot 1.
      const errors = want.errors.reduce((a, b) => a + b, 0);
      assert.ok(errors > 0 || rows === 1, `${name}: the data has errors to count`);
      assert.equal([...new Uint32Array(got.errorSeries.buffer)], [2 * errors, errors], `${name} error count series`);
      assert.is(got.errorsF32[0], errors, `${name} error count (f32)`);
    }
  }));

gpu('softmax cross-entropy with a NaN row, an infinite logit and a label out of range', () =>
  withGpu(async (ctx) => {
    const [rows, cols] = [4, 3];
    const z = Float32Array.from([0, NaN, 1, /**/ Infinity, 0, 1, /**/ -Infinity, 2, 1, /**/ 0.5, 0.25, 3]);
    const labels = Uint32Array.of(1, 0, 1, 3);
    const got = await runAndRead(ctx, async (graph, made) => {
      const losses = await made.tensor('losses', [rows]);
      const grad = await made.tensor('grad', [rows, cols]);
      const errors = await made.tensor('errors', [1, 1], new Uint32Array(1));
      const logits = await made.tensor('z', [rows, cols], z);
      await made.op(addSoftmaxCrossEntropy(graph, ctx, { logits, labels: await made.tensor('labels', [rows, 1], labels), losses, grad, errors: { out: errors } }));
      return { losses, grad, errors };
    });
    const want = categoricalCrossEntropyReference(z, labels, rows, cols);
    // Row 0: NaN everywhere, argmax is the NaN at the label (no error); row 1: +Inf logit at the
    // label: lse = Inf, loss Inf - Inf = NaN; row 2: -Inf is harmless; row 3: label 3 >= 3.
    check('losses', got.losses, f32(want.losses), { atol: 4 * ULP, rtol: 8 * ULP });
    check('gradient', got.grad, f32(want.grad), { atol: 4 * ULP, rtol: 8 * ULP });
    assert.is(new Uint32Array(got.errors.buffer)[0], want.errors.reduce((a, b) => a + b, 0));
  }));

gpu('10^7 elements: the sum and log-sum-exp in all within tolerance of float64, where a serial f32 sum is not; the same bits twice', () =>
  withGpu(async (ctx) => {
    const n = 1e7;
    // 0.1 plus up to 1%: a running f32 sum reaches 1e6, where an ulp is 0.0625, so every addition of
    // ~0.1 rounds by a large fraction of itself, all in the same direction.
    const x = random(n, 2024, 0.001).map((v) => 0.1 + v);
    const sumWant = x.reduce((a, b) => a + b, 0);
    const lseWant = logSumExp(x);
    let serial = 0;
    for (let i = 0; i < n; i++) serial = Math.fround(serial + x[i]);
    // The serial f32 log-sum-exp: the same kind of sum of exp(x - max).
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, x[i]);
    let serialS = 0;
    for (let i = 0; i < n; i++) serialS = Math.fround(serialS + Math.fround(Math.exp(x[i] - max)));
    const serialLse = max + Math.log(serialS);
    const depth = roundings([n], 'all');
    const sumTol = { atol: 0, rtol: depth * 2 ** -24 };
    const lseTol = tolerance('logsumexp', 0, depth);
    const outOf = (v: number, want: number, tol: { atol: number; rtol: number }) => Math.abs(v - want) > tol.atol + tol.rtol * Math.abs(want);
    assert.ok(outOf(serial, sumWant, sumTol), `serial f32 sum ${serial} should miss ${sumWant} by more than rtol ${sumTol.rtol}`);
    assert.ok(outOf(serialLse, lseWant, lseTol), `serial f32 log-sum-exp ${serialLse} should miss ${lseWant} by more than ${lseTol.atol}`);
    const graph = new KernelGraph('1e7');
    const xt = await ctx.pool.tensor('x', 'f32', [n], { data: x });
    const out = await ctx.pool.tensor('out', 'f32', [2]);
    const sum = await addReduce(graph, ctx, { op: 'sum', per: 'all', x: xt, out, series: { base: 0 } });
    const lse = await addReduce(graph, ctx, { op: 'logsumexp', per: 'all', x: xt, out, series: { base: 1 } });
    try {
      await ctx.scheduler.run(graph);
      const first = new Float32Array(await out.read());
      check('sum of 1e7', [first[0]], [sumWant], sumTol);
      check('log-sum-exp of 1e7', [first[1]], [lseWant], lseTol);
      await ctx.scheduler.run(graph);
      const second = new Float32Array(await out.read());
      assert.equal([...new Uint32Array(second.buffer)], [...new Uint32Array(first.buffer)], 'the same bits on a second run');
    } finally {
      [sum, lse].forEach((o) => o.release());
      [xt, out].forEach((t) => t.release());
    }
  }));

gpu('shape mismatches and bad targets are InputErrors naming the op and the shapes', () =>
  withGpu(async (ctx) => {
    const graph = new KernelGraph('errors');
    const made = new Made(ctx);
    const t = (label: string, shape: number[], dtype: 'f32' | 'u32' = 'f32') => made.tensor(label, shape, undefined, dtype);
    const x = await t('x', [100, 784]);
    const perRow = await t('per row', [100]);
    const scalar = await t('scalar', [1]);
    const counts = await t('counts', [1], 'u32');
    const labels = await t('labels', [100], 'u32');
    const badLabels = await t('bad labels', [99], 'u32');
    const f32Labels = await t('f32 labels', [100]);
    const series = await t('series', [4, 784]);
    await expectError(() => addReduce(graph, ctx, { op: 'sum', per: 'column', x, out: perRow }), InputError, 'sum: x is [100, 784], out is [100]: out must be [784] or [1, 784]');
    await expectError(() => addReduce(graph, ctx, { op: 'mean', per: 'all', x, out: perRow }), InputError, 'mean: x is [100, 784], out is [100]: out must be [1] or [1, 1]');
    await expectError(() => addReduce(graph, ctx, { op: 'mean', per: 'all', x, out: counts }), InputError, 'mean', 'out must be f32');
    await expectError(() => addReduce(graph, ctx, { op: 'sum', per: 'row', x, out: series, series: {} }), InputError, 'sum: x is [100, 784], out is [4, 784]: a series of 100 results per slot must be [slots, 100]');
    await expectError(() => addReduce(graph, ctx, { op: 'sum', per: 'column', x, out: series, series: { base: 4 } }), InputError, 'more than base = 4 slots');
    await expectError(() => addReduce(graph, ctx, { op: 'sum', per: 'all', x, out: scalar, series: { every: 0 } }), InputError, 'series.every');
    await expectError(() => addReduce(graph, ctx, { op: 'sum', per: 'rows' as ReducePer, x, out: perRow }), InputError, "per must be 'row', 'column' or 'all'");
    await expectError(() => addReduce(graph, ctx, { op: 'median' as ReduceOp, per: 'all', x, out: scalar }), InputError, "unknown op 'median'");
    await expectError(() => addSoftmax(graph, ctx, { x, out: series }), InputError, 'softmax: x is [100, 784], out is [4, 784]: out must be [100, 784]');
    await expectError(() => addSoftmaxCrossEntropy(graph, ctx, { logits: x, labels: badLabels, losses: perRow }), InputError, 'softmax_cross_entropy: logits is [100, 784], labels is [99]: labels must be [100] or [100, 1]');
    await expectError(() => addSoftmaxCrossEntropy(graph, ctx, { logits: x, labels: f32Labels, losses: perRow }), InputError, 'operand labels must be u32');
    await expectError(() => addSoftmaxCrossEntropy(graph, ctx, { logits: x, labels, grad: x }), InputError, 'grad must not be the same tensor as logits');
    await expectError(() => addSoftmaxCrossEntropy(graph, ctx, { logits: x, labels }), InputError, 'nothing to compute');
    await expectError(() => addSoftmaxCrossEntropy(graph, ctx, { logits: x, labels, errors: { out: perRow } }), InputError, 'logits is [100, 784], errors.out is [100]: errors.out must be [1] or [1, 1]');
    await expectError(() => addSigmoidCrossEntropy(graph, ctx, { logits: x, targets: series, losses: perRow }), InputError, 'sigmoid_cross_entropy: logits is [100, 784], targets is [4, 784]: targets must be [100, 784]');
    await expectError(() => addSigmoidCrossEntropy(graph, ctx, { logits: x, targets: x, losses: scalar }), InputError, 'losses must be [100] or [100, 1]');
    assert.is(graph.nodes.length, 0, 'a refused op adds nothing');
    made.release();
  }));

gpu.run();
