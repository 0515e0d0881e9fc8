// Thresholds of integer sums (engine/ops/threshold.ts): f32 or i32 sums into f32 +-1 or packed bits,
// bit-exact against the reference, ties and infinite thresholds included (GPU).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addThreshold } from '../engine/ops/index.js';
import { packSignsReference, thresholdReference } from '../harness/reference/threshold.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { Made, runAndRead } from './ops_util.js';

const ROWS = 5;
const COLS = 37;
// Integer sums in [-20, 20], thresholds on and between them (ties), +-Infinity, both directions.
const sums = Float32Array.from({ length: ROWS * COLS }, (_, i) => ((i * 7919) % 41) - 20);
const thresholds = Float32Array.from({ length: COLS }, (_, c) => (c === 3 ? Infinity : c === 4 ? -Infinity : ((c * 13) % 21) - 10));
const directions = Float32Array.from({ length: COLS }, (_, c) => (c % 3 === 0 ? -1 : 1));

const gpu = suite('threshold kernel (GPU)');

for (const dtype of ['f32', 'i32'] as const) {
  gpu(`+-1 values and packed bits equal the reference bit for bit (${dtype} sums)`, () =>
    withGpu(async (ctx) => {
      const got = await runAndRead(ctx, async (graph, made) => {
        const words = dtype === 'f32' ? new Uint32Array(sums.buffer) : new Uint32Array(Int32Array.from(sums).buffer);
        const s = await made.tensor('sums', [ROWS, COLS], words, dtype);
        const t = await made.tensor('t', [COLS], thresholds);
        const d = await made.tensor('d', [COLS], directions);
        const values = await made.tensor('values', [ROWS, COLS]);
        const bits = await made.tensor('bits', [ROWS, Math.ceil(COLS / 32)], undefined, 'u32');
        await made.op(addThreshold(graph, ctx, { sums: s, rows: ROWS, cols: COLS, thresholds: t, directions: d, output: values }));
        await made.op(addThreshold(graph, ctx, { sums: s, rows: ROWS, cols: COLS, thresholds: t, directions: d, output: bits }));
        return { values, bits };
      });
      const want = thresholdReference(sums, ROWS, COLS, thresholds, directions);
      assert.equal([...got.values], [...want]);
      assert.equal([...new Uint32Array(got.bits.buffer)], [...packSignsReference(want, ROWS, COLS)]);
      // Column 4's threshold is -Infinity: s >= -Inf always holds (its direction is +1).
      assert.ok(want.every((v, i) => i % COLS !== 4 || v === 1));
    }));
}

gpu('operands of the wrong shape or kind are InputErrors naming the operand', () =>
  withGpu(async (ctx) => {
    const made = new Made(ctx);
    try {
      const graph = new KernelGraph('bad');
      const s = await made.tensor('sums', [ROWS, COLS]);
      const t = await made.tensor('t', [COLS]);
      const [short, bits] = [await made.tensor('d', [COLS - 1]), await made.tensor('bits', [ROWS, 1], undefined, 'u32')];
      await expectError(() => addThreshold(graph, ctx, { sums: s, rows: ROWS, cols: COLS, thresholds: t, directions: short, output: s }), InputError, 'threshold', 'directions');
      await expectError(() => addThreshold(graph, ctx, { sums: s, rows: ROWS, cols: COLS, thresholds: t, directions: t, output: bits }), InputError, 'threshold', 'output');
      assert.is(graph.nodes.length, 0);
    } finally {
      made.release();
    }
  }));

gpu.run();
