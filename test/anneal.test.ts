// The annealing kernels of AIS (engine/ops/anneal.ts): tempered draws on the samplers' own Philox
// words and the log-weight increments between inverse temperatures, against the float64 reference.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addAnnealedLogWeight, addAnnealedSample } from '../engine/ops/index.js';
import { annealedLogWeightReference, annealedSampleReference } from '../harness/reference/anneal.js';
import { elementWord, sigmoid } from '../harness/reference/sample.js';
import { expectError } from './expect.js';
import { readF32, withGpu } from './gpu.js';
import { check, Made } from './ops_util.js';
import { randomF32 } from './random.js';

// ---------------------------------------------------------------------------------------------
const kernels = suite('annealing kernels against their references (GPU)');

// A table with uneven steps; repetition 1 from betaIndex 1 reads beta = 0.7 (sample) and 0.3 -> 0.7 (weight).
const BETAS = Float32Array.of(0, 0.3, 0.7, 0.95, 1);

for (const distribution of ['bernoulli', 'gaussian'] as const) {
  kernels(`annealed ${distribution} draws: z = beta x + (1 - beta) base on the sampler's words (5 x 13, beta = 0.7)`, () =>
    withGpu(async (ctx) => {
      const made = new Made(ctx);
      try {
        const [rows, cols] = [5, 13];
        const x = randomF32(rows * cols, 7, 4);
        const baseValues = randomF32(cols, 8, 2);
        const output = await made.tensor('draws', [rows, cols]);
        const graph = new KernelGraph('anneal test');
        const stream = { seed: 11, step: 3, call: 2 };
        const op = await addAnnealedSample(graph, ctx, {
          distribution, x: await made.tensor('x', [rows, cols], x), base: await made.tensor('base', [cols], baseValues), output, rows, cols,
          betas: await made.tensor('betas', [BETAS.length], BETAS), betaIndex: 1, ...stream,
        });
        await ctx.scheduler.run(graph, { firstIteration: 1 });
        op.release();
        const got = await readF32(output);
        // The GPU's step is the op's plus the repetition index.
        const s = { ...stream, step: stream.step + 1 };
        const want = annealedSampleReference(distribution, x, baseValues, cols, BETAS[2], s);
        if (distribution === 'gaussian') {
          // Box-Muller through WGSL's log, cos, sin (2^-11 absolute on the angle's functions).
          check('anneal.sample.gaussian', got, want, { atol: 2e-3, rtol: 1e-4 });
        } else {
          got.forEach((g, e) => {
            if (g === want[e]) return;
            const z = BETAS[2] * x[e] + (1 - BETAS[2]) * baseValues[e % cols];
            const u = (elementWord('bernoulli', s, e) >>> 8) / 2 ** 24;
            assert.ok(Math.abs(u - sigmoid(z)) < 1e-6, `element ${e}: gpu ${g}, reference ${want[e]}`);
          });
        }
      } finally {
        made.release();
      }
    }));
}

kernels('annealed log weights: three increments (0.3 -> 0.7 -> 0.95 -> 1) of 7 rows x 100 experts, Kahan-summed, against float64', () =>
  withGpu(async (ctx) => {
    const made = new Made(ctx);
    try {
      const [rows, cols] = [7, 100];
      // Inputs up to +-30: softplus nearly linear at one end and nearly 0 at the other.
      const x = randomF32(rows * cols, 21, 30);
      const linear = randomF32(rows, 22, 50);
      const logWeights = await made.tensor('log weights', [rows, 2]);
      const graph = new KernelGraph('anneal weights test');
      const op = await addAnnealedLogWeight(graph, ctx, {
        x: await made.tensor('x', [rows, cols], x), linear: await made.tensor('linear', [rows], linear), logWeights, rows, cols,
        betas: await made.tensor('betas', [BETAS.length], BETAS), betaIndex: 1,
      });
      // Repetitions 1, 2, 3 read entries 2, 3, 4; repetition 4 would read past the table and does nothing.
      await ctx.scheduler.run(graph, { repeat: 4, firstIteration: 1 });
      op.release();
      const sums = await readF32(logWeights);
      const got = Array.from({ length: rows }, (_, r) => sums[2 * r] - sums[2 * r + 1]);
      const want = new Float64Array(rows);
      for (let i = 2; i <= 4; i++) annealedLogWeightReference(x, linear, rows, cols, BETAS[i - 1], BETAS[i]).forEach((w, r) => (want[r] += w));
      // Each increment is a sum of 100 differences of O(10), each to a few f32 ulp of itself.
      check('anneal.log_weight', got, want, { atol: 1e-4, rtol: 1e-5 });
      await expectError(() => addAnnealedLogWeight(graph, ctx, { x: logWeights, linear: logWeights, logWeights, rows, cols, betas: logWeights, betaIndex: 1 }), InputError, 'anneal.log_weight', 'operand x');
    } finally {
      made.release();
    }
  }));
kernels.run();
