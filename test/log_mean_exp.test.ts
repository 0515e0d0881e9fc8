// Log-mean-exp over importance samples (engine/ops/log_mean_exp.ts): one chunk against the float64
// reference with special values, K = 5,000 samples streamed in 10 chunks of 500 against the reference
// over all of them (and restarting at the next multiple of the chunk count), workgroup sizes, errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addGather, addLogMeanExp } from '../engine/ops/index.js';
import { logMeanExpReference } from '../harness/reference/log_mean_exp.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { check, runAndRead } from './ops_util.js';
import { randomF32 } from './random.js';

const gpu = suite('log-mean-exp (GPU)');

gpu('one chunk, 5 x 7: against the reference; a row of -Inf gives -Inf, +Inf gives +Inf, NaN gives NaN, 1e30 does not overflow', () =>
  withGpu(async (ctx) => {
    const [rows, samples] = [5, 7];
    const x = randomF32(rows * samples, 3, 20);
    x.set(new Array(samples).fill(-Infinity), 7);
    x.set([0, 1, Infinity, 2, 3, -Infinity, 4], 14);
    x.set([0, NaN, 1, 2, 3, 4, 5], 21);
    x.set([1e30, 1e30, -1e30, 1e30, 0, 0, 1e30], 28);
    for (const workgroupSize of [1, 64, 256]) {
      const { out } = await runAndRead(ctx, async (graph, made) => {
        const y = await made.tensor('out', [rows]);
        await made.op(addLogMeanExp(graph, ctx, { x: await made.tensor('x', [rows, samples], x), rows, samples, out: y, workgroupSize }));
        return { out: y };
      });
      const ref = logMeanExpReference(x, rows, samples);
      assert.equal([out[1], out[2]], [-Infinity, Infinity], `workgroup ${workgroupSize}`);
      assert.ok(Number.isNaN(out[3]), `NaN row: ${out[3]}`);
      // 1e30 + log(4/7): the log term is below half an ulp of 1e30.
      assert.is(out[4], Math.fround(1e30));
      check(`log-mean-exp (workgroup ${workgroupSize})`, [out[0]], [ref[0]], { atol: 1e-6, rtol: 1e-6 });
    }
  }));

// IWAE-like log-weights: around -90 with a spread of 8, so that a few samples dominate each row.
gpu('K = 5,000 in 10 chunks of 500 per row (4 rows, log-weights ~ -90 +- 8), from iteration 20: the last estimate against the reference over all 5,000; a second run restarts', () =>
  withGpu(async (ctx) => {
    const [rows, samples, chunks] = [4, 500, 10];
    const all = Float32Array.from(randomF32(chunks * rows * samples, 9), (u) => -90 + 8 * Math.tan(1.2 * u) * 0.4);
    const { out, first } = await runAndRead(ctx, async (graph, made) => {
      // Chunk c of row r is row c * rows + r of the source; the gather takes chunk (iteration mod 10).
      const source = await made.tensor('log-weights', [chunks * rows, samples], all);
      const order = await made.tensor('order', [chunks * rows], Uint32Array.from({ length: chunks * rows }, (_, i) => i));
      const x = await made.tensor('chunk', [rows, samples]);
      const state = await made.tensor('state', [rows, 2]);
      const y = await made.tensor('out', [rows]);
      await made.op(addGather(graph, ctx, { source, rows: chunks * rows, width: samples, indices: order, output: x, batchSize: rows }));
      await made.op(addLogMeanExp(graph, ctx, { x, rows, samples, chunks, state, out: y }));
      // Run the 10 chunks once, read, then again (the state restarts at iteration 30).
      await ctx.scheduler.run(graph, { repeat: chunks, firstIteration: 20 });
      const once = new Float32Array(await y.read());
      return { out: y, first: await made.tensor('first', [rows], once) };
    }, { repeat: chunks, firstIteration: 30 });
    // The samples of row r across the chunks.
    const perRow = new Float64Array(rows * chunks * samples);
    for (let c = 0; c < chunks; c++) for (let r = 0; r < rows; r++) for (let k = 0; k < samples; k++) perRow[r * chunks * samples + c * samples + k] = all[(c * rows + r) * samples + k];
    const ref = logMeanExpReference(perRow, rows, chunks * samples);
    // A sum of 5,000 f32 exponentials (each a few ulp) and two logs: 1e-6 relative of the ~100 result.
    check('log-mean-exp over 5,000 samples in chunks', out, ref, { atol: 1e-4, rtol: 1e-6 });
    check('the second run restarts the estimate', first, out, { atol: 0, rtol: 0 });
  }));

gpu('argument errors name the op and the operand', () =>
  withGpu(async (ctx) => {
    const graph = new KernelGraph('errors');
    const [x, out, state] = await Promise.all([ctx.pool.tensor('x', 'f32', [3, 4]), ctx.pool.tensor('out', 'f32', [3]), ctx.pool.tensor('state', 'f32', [6])]);
    try {
      await expectError(() => addLogMeanExp(graph, ctx, { x, rows: 3, samples: 5, out }), InputError, 'log_mean_exp', 'operand x must have shape [3, 5]');
      await expectError(() => addLogMeanExp(graph, ctx, { x, rows: 3, samples: 4, out, chunks: 2 }), InputError, 'chunks = 2 needs a state tensor');
      await expectError(() => addLogMeanExp(graph, ctx, { x, rows: 3, samples: 4, out: x }), InputError, 'operand out must have shape [3]');
      await expectError(() => addLogMeanExp(graph, ctx, { x, rows: 3, samples: 4, out, state, chunks: 2 ** 23 }), InputError, 'exceeds 2^24 samples');
      await expectError(() => addLogMeanExp(graph, ctx, { x, rows: 3, samples: 4, out, workgroupSize: 48 }), InputError, 'workgroupSize = 48 must be a power of two');
      assert.is(graph.nodes.length, 0, 'nothing added');
    } finally {
      [x, out, state].forEach((t) => t.release());
    }
  }));

gpu.run();
