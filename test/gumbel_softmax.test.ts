// Categorical latents (engine/ops/gumbel_softmax.ts): the Gumbel-softmax draw and its straight-through
// variant against the float64 reference, their backward pass and the KL to the uniform prior against
// central differences at odd shapes, the one-hot against addCategorical's draw of the same stream, and
// the draws' frequencies against the softmax probabilities (chi-square) as tau becomes small.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph, Schedule, type ScheduleSpec } from '../engine/index.js';
import { addCategorical, addCategoricalKl, addGumbelSoftmax, addGumbelSoftmaxBackward, addSample } from '../engine/ops/index.js';
import { categoricalKlReference, gumbelSoftmaxReference } from '../harness/reference/gumbel_softmax.js';
import { gumbelReference } from '../harness/reference/sample.js';
import { scheduleReference } from '../harness/reference/schedule.js';
import { expectError } from './expect.js';
import { withGpu, type GpuContext } from './gpu.js';
import { centralDifferences, check, runAndRead } from './ops_util.js';
import { randomF32 } from './random.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

const CLOSE = { atol: 1e-6, rtol: 1e-5 };
const GRAD = { atol: 1e-5, rtol: 1e-4 };
const ALPHA = 0.001;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const softmax = (v: number[]) => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

// ---------------------------------------------------------------------------------------------
const reference = suite('Gumbel-softmax references (no GPU)');

reference('the KL to uniform is 0 for equal logits and log K for a one-hot limit; the draw sums to 1 and is one-hot as tau -> 0', () => {
  const kl = categoricalKlReference([2, 2, 2, 2, 0, 0, 0, 60], 2, 4);
  assert.ok(Math.abs(kl[0]) < 1e-15, String(kl[0]));
  assert.ok(Math.abs(kl[1] - Math.log(4)) < 1e-12, String(kl[1]));
  const noise = [0.3, -0.2, 1.1, 0.4];
  const soft = gumbelSoftmaxReference([0, 0.5, -1, 0.2], 1, 4, 1, noise);
  assert.ok(Math.abs(soft.y.reduce((a, b) => a + b, 0) - 1) < 1e-15);
  const cold = gumbelSoftmaxReference([0, 0.5, -1, 0.2], 1, 4, 1e-3, noise);
  // Argmax of logits + noise: [0.3, 0.3, 0.1, 0.6] -> class 3.
  assert.equal([...cold.hard], [0, 0, 0, 1]);
  assert.ok(cold.y[3] > 1 - 1e-12, String(cold.y[3]));
  assert.ok(Math.abs(cold.logProb[0] - (0.2 - Math.log(1 + Math.exp(0.5) + Math.exp(-1) + Math.exp(0.2)))) < 1e-12);
});
reference.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('Gumbel-softmax kernels (GPU)');

/** The GPU's own Gumbel variates of a stream at an iteration (the Gumbel sampler's draws). */
async function gpuGumbels(ctx: GpuContext, count: number, stream: { seed: number; step: number; call: number }, iteration: number): Promise<Float32Array> {
  const r = await runAndRead(ctx, async (graph, made) => {
    const out = await made.tensor('g', [count]);
    await made.op(addSample(graph, ctx, { distribution: 'gumbel', output: out, ...stream }));
    return { out };
  }, { firstIteration: iteration });
  return r.out;
}

const TAUS: Array<[string, number | ScheduleSpec]> = [
  ['tau 0.7', 0.7],
  ['tau linear 1 -> 0.5 over 10 steps, at step 3', { kind: 'linear', from: 1, to: 0.5, steps: 10 }],
];
for (const [what, tau] of TAUS) {
  gpu(`forward 5 x 7 (${what}): y, one-hot and log q against the reference; backward against central differences of y`, () =>
    withGpu(async (ctx) => {
      const [rows, classes, iteration] = [5, 7, 3];
      const stream = { seed: 13, step: 6, call: 1 };
      const logits = randomF32(rows * classes, 31, 2);
      const dy = randomF32(rows * classes, 32);
      const noise = await gpuGumbels(ctx, rows * classes, stream, iteration);
      const noiseRef = gumbelReference(rows * classes, 0, 1, { ...stream, step: stream.step + iteration });
      noise.forEach((g, e) => assert.ok(Math.abs(g - noiseRef[e]) <= 1e-4 + 1e-5 * Math.abs(noiseRef[e]), `gumbel ${e}: ${g} vs ${noiseRef[e]}`));
      const schedule = typeof tau === 'number' ? null : await Schedule.create(ctx, tau);
      const tauNow = typeof tau === 'number' ? tau : scheduleReference(tau, iteration);
      const scale = 0.5;
      try {
        const out = await runAndRead(ctx, async (graph, made) => {
          const l = await made.tensor('logits', [rows, classes], logits);
          const y = await made.tensor('y', [rows, classes]);
          const hard = await made.tensor('hard', [rows, classes]);
          const logProb = await made.tensor('logProb', [rows]);
          const grad = await made.tensor('grad', [rows, classes]);
          const temperature = schedule ?? (tau as number);
          await made.op(addGumbelSoftmax(graph, ctx, { logits: l, rows, classes, temperature, y, hard, logProb, ...stream }));
          await made.op(addGumbelSoftmaxBackward(graph, ctx, { y, dy: await made.tensor('dy', [rows, classes], dy), grad, rows, classes, temperature, gradScale: scale }));
          return { y, hard, logProb, grad };
        }, { firstIteration: iteration });
        const ref = gumbelSoftmaxReference(logits, rows, classes, tauNow, noise);
        check('gumbel-softmax y', out.y, ref.y, CLOSE);
        check('gumbel-softmax one-hot', out.hard, ref.hard, { atol: 0, rtol: 0 });
        check('gumbel-softmax log q', out.logProb, ref.logProb, CLOSE);
        // The straight-through gradient is by definition that of the soft draw: both against L = sum(dy * y).
        const loss = (v: ArrayLike<number>) => scale * dot(dy, gumbelSoftmaxReference(v, rows, classes, tauNow, noise).y);
        check('gumbel-softmax backward', out.grad, centralDifferences(loss, logits), GRAD);
      } finally {
        schedule?.release();
      }
    }));
}

gpu('the straight-through one-hot is the category addCategorical draws from the same stream (rows whose winner leads by more than f32 rounding)', () =>
  withGpu(async (ctx) => {
    const [rows, classes] = [300, 6];
    const stream = { seed: 99, step: 1, call: 3 };
    const logits = randomF32(rows * classes, 41, 3);
    const out = await runAndRead(ctx, async (graph, made) => {
      const l = await made.tensor('logits', [rows, classes], logits);
      const hard = await made.tensor('hard', [rows, classes]);
      const drawn = await made.tensor('classes', [rows], undefined, 'u32');
      await made.op(addGumbelSoftmax(graph, ctx, { logits: l, rows, classes, temperature: 0.3, y: await made.tensor('y', [rows, classes]), hard, ...stream }));
      await made.op(addCategorical(graph, ctx, { logits: l, output: drawn, rows, classes, ...stream }));
      return { hard, drawn };
    });
    const drawn = new Uint32Array(out.drawn.buffer);
    const { margins } = gumbelSoftmaxReference(logits, rows, classes, 1, { ...stream });
    let compared = 0;
    for (let r = 0; r < rows; r++) {
      if (margins[r] < 1e-4) continue;
      compared++;
      assert.is(out.hard[r * classes + drawn[r]], 1, `row ${r}: one-hot vs categorical class ${drawn[r]}`);
    }
    assert.ok(compared > rows - 3, `${compared} rows compared`);
  }));

gpu('backward and KL with accumulate add to what grad holds', () =>
  withGpu(async (ctx) => {
    const [rows, classes] = [3, 4];
    const logits = randomF32(rows * classes, 51);
    const before = randomF32(rows * classes, 52);
    const dy = randomF32(rows * classes, 53);
    const y = Float32Array.from(gumbelSoftmaxReference(logits, rows, classes, 1, new Float64Array(rows * classes)).y);
    const run = (accumulate: boolean) =>
      runAndRead(ctx, async (graph, made) => {
        const g1 = await made.tensor('g1', [rows, classes], before);
        const g2 = await made.tensor('g2', [rows, classes], before);
        await made.op(addGumbelSoftmaxBackward(graph, ctx, { y: await made.tensor('y', [rows, classes], y), dy: await made.tensor('dy', [rows, classes], dy), grad: g1, rows, classes, temperature: 0.5, accumulate }));
        await made.op(addCategoricalKl(graph, ctx, { logits: await made.tensor('l', [rows, classes], logits), rows, classes, grad: g2, accumulate }));
        return { g1, g2 };
      });
    const [plain, added] = [await run(false), await run(true)];
    check('accumulated backward', added.g1, plain.g1.map((v, i) => v + before[i]), { atol: 1e-6, rtol: 1e-6 });
    check('accumulated KL gradient', added.g2, plain.g2.map((v, i) => v + before[i]), { atol: 1e-6, rtol: 1e-6 });
  }));

gpu('KL of a categorical to the uniform prior, 7 x 5 (equal and peaked rows too): per row, mean, gradient against central differences', () =>
  withGpu(async (ctx) => {
    const [rows, classes] = [7, 5];
    const logits = randomF32(rows * classes, 61, 3);
    logits.set([1, 1, 1, 1, 1], 0);
    logits.set([12, 0, 0, -3, 0], 5);
    const scale = 1 / 3;
    const out = await runAndRead(ctx, async (graph, made) => {
      const losses = await made.tensor('losses', [rows]);
      const meanLoss = await made.tensor('meanLoss', [1]);
      const grad = await made.tensor('grad', [rows, classes]);
      await made.op(addCategoricalKl(graph, ctx, { logits: await made.tensor('logits', [rows, classes], logits), rows, classes, losses, meanLoss: { out: meanLoss }, grad, gradScale: scale }));
      return { losses, meanLoss, grad };
    });
    const ref = categoricalKlReference(logits, rows, classes);
    // KL = sum q log q + log K: near 0 (the equal row) its error is that of log K, 2^-24 * 1.6.
    check('KL per row', out.losses, ref, { atol: 5e-7, rtol: 1e-5 });
    check('KL mean', out.meanLoss, [ref.reduce((a, b) => a + b, 0) / rows], { atol: 5e-7, rtol: 1e-5 });
    const loss = (v: ArrayLike<number>) => scale * categoricalKlReference(v, rows, classes).reduce((a, b) => a + b, 0);
    check('KL gradient', out.grad, centralDifferences(loss, logits), GRAD);
  }));

// 20,000 draws from one categorical (logits below), at falling temperatures. The argmax of a draw is
// a categorical draw at any tau (Gumbel-max): its counts against softmax(logits) by chi-square at
// alpha = 0.001. As tau -> 0 the relaxed draw becomes that one-hot: the mean mass off the argmax falls
// with tau, and at tau = 0.02 the draws' soft counts (sum of y over the draws) pass the same test.
gpu('frequencies: argmax counts and (at small tau) soft counts match softmax(logits) by chi-square at alpha = 0.001; the draw hardens as tau falls', () =>
  withGpu(async (ctx) => {
    const classes = 5;
    const row = [1, 0.2, -0.5, 0.8, -2];
    const p = softmax(row);
    const rows = 20000;
    const logits = Float32Array.from({ length: rows * classes }, (_, e) => row[e % classes]);
    const offMass: number[] = [];
    for (const tau of [2, 1, 0.5, 0.1, 0.02]) {
      const { y } = await runAndRead(ctx, async (graph, made) => {
        const out = await made.tensor('y', [rows, classes]);
        await made.op(addGumbelSoftmax(graph, ctx, { logits: await made.tensor('logits', [rows, classes], logits), rows, classes, temperature: tau, y: out, seed: 7, step: 0 }));
        return { y: out };
      });
      const hard = new Array(classes).fill(0);
      const soft = new Array(classes).fill(0);
      let off = 0;
      for (let r = 0; r < rows; r++) {
        const draw = [...y.subarray(r * classes, (r + 1) * classes)];
        const best = draw.indexOf(Math.max(...draw));
        hard[best]++;
        draw.forEach((v, j) => (soft[j] += v));
        off += 1 - draw[best];
      }
      const chiHard = chiSquare(hard, p);
      assert.ok(chiHard.statistic < chiSquareCritical(chiHard.dof, ALPHA), `tau ${tau}: argmax chi2 = ${chiHard.statistic.toFixed(2)} (${hard})`);
      offMass.push(off / rows);
      if (tau === 0.02) {
        const chiSoft = chiSquare(soft, p);
        assert.ok(chiSoft.statistic < chiSquareCritical(chiSoft.dof, ALPHA), `tau ${tau}: soft-count chi2 = ${chiSoft.statistic.toFixed(2)} (${soft.map((s) => s.toFixed(1))})`);
      }
    }
    offMass.forEach((m, i) => i > 0 && assert.ok(m < offMass[i - 1], `mean mass off the argmax falls with tau: ${offMass.map((x) => x.toFixed(4))}`));
    assert.ok(offMass[offMass.length - 1] < 0.02, `at tau 0.02 the draws are nearly one-hot: ${offMass[offMass.length - 1]}`);
  }));

gpu('argument errors name the op and the operand', () =>
  withGpu(async (ctx) => {
    const graph = new KernelGraph('errors');
    const [a, b] = await Promise.all([ctx.pool.tensor('a', 'f32', [4, 3]), ctx.pool.tensor('b', 'f32', [5])]);
    try {
      const s = { seed: 1, step: 0 };
      await expectError(() => addGumbelSoftmax(graph, ctx, { logits: a, rows: 4, classes: 3, temperature: 0, y: a, ...s }), InputError, 'gumbel_softmax', 'operand y must not be the same tensor as logits');
      await expectError(() => addGumbelSoftmax(graph, ctx, { logits: a, rows: 4, classes: 3, temperature: 0, y: b, ...s }), InputError, 'operand y must have shape [4, 3]');
      const y = await ctx.pool.tensor('y', 'f32', [12]);
      await expectError(() => addGumbelSoftmax(graph, ctx, { logits: a, rows: 4, classes: 3, temperature: -1, y, ...s }), InputError, 'temperature = -1 must be positive');
      await expectError(() => addGumbelSoftmax(graph, ctx, { logits: a, rows: 0, classes: 3, temperature: 1, y, ...s }), InputError, 'rows = 0');
      await expectError(() => addCategoricalKl(graph, ctx, { logits: a, rows: 4, classes: 3 }), InputError, 'nothing to compute');
      await expectError(() => addCategoricalKl(graph, ctx, { logits: a, rows: 4, classes: 3, losses: b }), InputError, 'operand losses must have shape [4]');
      y.release();
      assert.is(graph.nodes.length, 0, 'nothing added');
    } finally {
      [a, b].forEach((x) => x.release());
    }
  }));

gpu.run();
