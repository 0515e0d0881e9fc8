// The segmented argmin (engine/ops/argmin.ts) against its reference, bit for bit: random scores, ties
// (the first index wins), a segment of one, the one-hot, and bad shapes refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addSegmentArgmin } from '../engine/ops/index.js';
import { segmentArgminReference } from '../harness/reference/argmin.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { randomF32 } from './random.js';

const gpu = suite('segment argmin (GPU)');

gpu('indices, minima and one-hot equal the reference: random scores, rounded ones with ties, width 1', () =>
  withGpu(async (ctx) => {
    const cases: Array<[number, number, number, (s: Float32Array) => Float32Array]> = [
      [37, 3, 10, (s) => s],
      [50, 2, 7, (s) => s.map((v) => Math.round(4 * v) / 4)],
      [9, 4, 1, (s) => s],
    ];
    for (const [rows, segments, width, shape] of cases) {
      const values = shape(randomF32(rows * segments * width, rows + width, 3));
      const scores = await ctx.pool.tensor('scores', 'f32', [rows, segments * width], { data: values });
      const indices = await ctx.pool.tensor('indices', 'u32', [rows, segments]);
      const minima = await ctx.pool.tensor('minima', 'f32', [rows, segments]);
      const oneHot = await ctx.pool.tensor('one-hot', 'f32', [rows, segments * width]);
      const graph = new KernelGraph('argmin test');
      await addSegmentArgmin(graph, ctx, { scores, rows, segments, width, indices, minima, oneHot });
      await ctx.scheduler.run(graph);
      const want = segmentArgminReference(values, rows, segments, width);
      const got = new Uint32Array(await indices.read());
      assert.equal(Array.from(got), Array.from(want.indices), `${rows} x ${segments} x ${width}: indices`);
      assert.equal(Array.from(new Float32Array(await minima.read())), Array.from(want.minima), 'minima');
      const hot = new Float32Array(await oneHot.read());
      assert.equal(Array.from(hot), Array.from({ length: hot.length }, (_, e) => (e % width === want.indices[Math.floor(e / width)] ? 1 : 0)), 'one-hot');
      if (width === 7) assert.ok(Array.from(want.indices).some((at, i) => values.subarray(i * width, i * width + at).includes(values[i * width + at]) === false && values.subarray(i * width + at + 1, (i + 1) * width).includes(values[i * width + at])), 'the rounded case has ties after the first minimum');
      for (const t of [scores, indices, minima, oneHot]) t.release();
    }
    const scores = await ctx.pool.tensor('scores', 'f32', [4, 6]);
    const indices = await ctx.pool.tensor('indices', 'u32', [4, 2]);
    const minima = await ctx.pool.tensor('minima', 'f32', [4, 3]);
    await expectError(() => addSegmentArgmin(new KernelGraph('bad'), ctx, { scores, rows: 4, segments: 2, width: 3, indices, minima }), InputError, 'minima');
    for (const t of [scores, indices, minima]) t.release();
  }),
);

gpu.run();
