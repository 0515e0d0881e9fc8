// Binary codes (engine/ops/codes.ts): rows of the bits of consecutive numbers, against the
// reference bit for bit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addBinaryCodes } from '../engine/ops/index.js';
import { binaryCodesReference } from '../harness/reference/codes.js';
import { expectError } from './expect.js';
import { readF32, withGpu } from './gpu.js';
import { Made } from './ops_util.js';

// ---------------------------------------------------------------------------------------------
const host = suite('binary codes reference (no GPU)');

host('binary codes reference: rows of bits, least significant first', () => {
  // Iteration 1 of 3-row blocks from 4: numbers 7, 8, 9 = 111, 0001, 1001.
  assert.equal([...binaryCodesReference(3, 4, 4, 1)], [1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1]);
});
host.run();

// ---------------------------------------------------------------------------------------------
const kernels = suite('binary codes kernel against its reference (GPU)');

kernels('binary codes: 37 rows x 7 bits from 5, repetition 2, bit for bit; bad arguments name the op', () =>
  withGpu(async (ctx) => {
    const made = new Made(ctx);
    try {
      const output = await made.tensor('codes', [37, 7]);
      const graph = new KernelGraph('codes test');
      const op = await addBinaryCodes(graph, ctx, { output, rows: 37, bits: 7, first: 5 });
      await ctx.scheduler.run(graph, { repeat: 1, firstIteration: 2 });
      assert.equal([...(await readF32(output))], [...binaryCodesReference(37, 7, 5, 2)]);
      op.release();
      await expectError(() => addBinaryCodes(graph, ctx, { output, rows: 37, bits: 33 }), InputError, 'codes', 'at most 32');
      await expectError(() => addBinaryCodes(graph, ctx, { output, rows: 36, bits: 7 }), InputError, 'codes', 'operand output', '[36, 7]');
    } finally {
      made.release();
    }
  }));
kernels.run();
