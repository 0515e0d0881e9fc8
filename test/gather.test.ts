import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph, InputError, type Tensor } from '../engine/index.js';
import { addGather, addPermutation, type GatherFormat, type GatherOptions } from '../engine/ops/index.js';
import { UNIT_BYTE_VALUES } from '../engine/ops/gather.js';
import { gatherReference } from '../harness/reference/gather.js';
import { permutationReference } from '../harness/reference/permute.js';
import { validateExact } from '../harness/bench/validate.js';
import { expectError } from './expect.js';
import { withGpu, readU32, type GpuContext } from './gpu.js';
import { randomWords } from './random.js';

/** A source of rows x width values as the kernel reads it: words (f32 bits or u32), or bytes packed 4 per word. */
function sourceData(format: GatherFormat, rows: number, width: number, seed: number): { host: Uint32Array | Uint8Array; words: Uint32Array } {
  if (format !== 'u8' && format !== 'bytes') {
    // f32 rows: any bit pattern but NaN, so that bits survive; NaN payloads are covered by u32 (the same copy).
    const words = randomWords(rows * width, seed).map((w) => (format === 'f32' && (w & 0x7f800000) === 0x7f800000 ? w & 0xbfffffff : w));
    return { host: words, words };
  }
  const words = randomWords(Math.ceil((rows * width) / 4), seed);
  return { host: new Uint8Array(words.buffer, 0, rows * width), words };
}

interface Case extends Omit<GatherOptions, 'source' | 'indices' | 'output'> {
  format: GatherFormat;
  indices: Uint32Array;
}

/** Uploads, gathers at iteration `firstIteration` (after `repeat` repetitions), reads the output words. */
async function runGather(ctx: GpuContext, c: Case, source: Uint32Array, options: { firstIteration?: number; repeat?: number } = {}): Promise<Uint32Array> {
  const made: Tensor[] = [];
  const make = async (label: string, dtype: 'f32' | 'u32', shape: number[], data?: Uint32Array) => {
    const t = await ctx.pool.tensor(label, dtype, shape, { data });
    made.push(t);
    return t;
  };
  const bytes = c.format === 'u8' || c.format === 'bytes';
  const src = bytes ? await make('pixels', 'u32', [source.length], source) : await make('source', c.format as 'f32' | 'u32', [c.rows, c.width], source);
  const indices = await make('indices', 'u32', [c.indices.length], c.indices);
  const output = c.format === 'bytes' ? await make('batch bytes', 'u32', [Math.ceil((c.batchSize * c.width) / 4)]) : await make('batch', c.format === 'u32' ? 'u32' : 'f32', [c.batchSize, c.width]);
  const graph = new KernelGraph('gather test');
  const { indices: _, ...rest } = c;
  const op = await addGather(graph, ctx, { ...rest, source: src, indices, output });
  await ctx.scheduler.run(graph, options);
  const out = await readU32(output);
  op.release();
  made.forEach((t) => t.release());
  return out;
}

const reference = suite('gather reference (no GPU)');

reference('2 x 3 by hand: rows by index, bytes through the table, poisoned rows, wrap-around', () => {
  // Bytes of rows [1, 2, 3] and [250, 0, 255], packed as one stream.
  const bytes = Uint8Array.of(1, 2, 3, 250, 0, 255);
  const o = { format: 'u8' as const, rows: 2, width: 3, batchSize: 1 };
  const f = (words: Uint32Array) => [...new Float32Array(words.buffer)];
  assert.equal(f(gatherReference(bytes, [1, 0], o, 0)), [Math.fround(250 / 255), 0, 1]);
  assert.equal(f(gatherReference(bytes, [1, 0], o, 1)), [Math.fround(1 / 255), Math.fround(2 / 255), Math.fround(3 / 255)]);
  // Two batches per epoch: iteration 2 wraps to batch 0.
  assert.equal(gatherReference(bytes, [1, 0], o, 2), gatherReference(bytes, [1, 0], o, 0));
  assert.ok(f(gatherReference(bytes, [7], o, 0)).every(Number.isNaN));
  assert.equal([...gatherReference(Uint32Array.of(5, 6), [1, 9], { format: 'u32', rows: 2, width: 1, batchSize: 2 })], [6, 0xffffffff]);
});

reference('the byte table is byte / 255 rounded once, with 0 and 255 exact', () => {
  assert.is(UNIT_BYTE_VALUES[0], 0);
  assert.is(UNIT_BYTE_VALUES[255], 1);
  for (let b = 0; b < 256; b++) assert.is(UNIT_BYTE_VALUES[b], Math.fround(b / 255));
});
reference.run();

const gpu = suite('gather (GPU)');

gpu('bit-exact against the reference: f32, u32, u8 and packed-byte gathers, awkward widths and batch sizes, wrap-around, two workgroup sizes', () =>
  withGpu(async (ctx) => {
    const rows = 37;
    for (const format of ['f32', 'u32', 'u8', 'bytes'] as const) {
      for (const [width, batchSize] of [[1, 7], [3, 5], [5, 33], [783, 2], [784, 3]]) {
        const { host, words } = sourceData(format, rows, width, width * 7 + batchSize);
        // An index list of 40 draws from the rows (repeats allowed), starting at entry 2.
        const indices = randomWords(40, width + 3).map((w) => w % rows);
        const batches = Math.floor(38 / batchSize);
        const c: Case = { format, rows, width, batchSize, indices, first: 2, batch: Math.min(1, batches - 1) };
        for (const t of [0, 2]) {
          const got = await runGather(ctx, c, words, { firstIteration: t });
          const v = validateExact(`gather ${format} width ${width} batch ${batchSize} iteration ${t}`, got, gatherReference(host, indices, c, t));
          assert.ok(v.ok, v.message);
        }
        // batches + 1 repetitions end on batch (batch + batches) % batches, where the first began.
        const wrapped = await runGather(ctx, c, words, { repeat: batches + 1 });
        assert.equal(wrapped, gatherReference(host, indices, c, 0), `${format} width ${width}: wrap-around`);
        if (width === 783) assert.equal(await runGather(ctx, { ...c, workgroupSize: 256 }, words), wrapped, `${format}: workgroup size 256`);
      }
    }
  }));

gpu('the last partial batch is dropped: 100 indices in batches of 32 make 3 batches, the 4th repetition wraps to batch 0; first and batchSize reach the rest', () =>
  withGpu(async (ctx) => {
    const [rows, width] = [100, 3];
    const { host, words } = sourceData('f32', rows, width, 1);
    const indices = permutationReference(rows, 3, 0);
    const c: Case = { format: 'f32', rows, width, batchSize: 32, indices };
    assert.equal(await runGather(ctx, c, words, { firstIteration: 3 }), gatherReference(host, indices, c, 0));
    // The 4 indices left over, gathered apart.
    const rest: Case = { ...c, first: 96, batchSize: 4 };
    const got = await runGather(ctx, rest, words);
    const want = Float32Array.from(Array.from(indices.subarray(96)).flatMap((r) => Array.from(new Float32Array(words.buffer, r * width * 4, width))));
    assert.equal(got, new Uint32Array(want.buffer));
  }));

gpu('a stride of n x batchSize: n gathers from first = 0, batchSize, .. take the n batches of a step apart and together cover the epoch (a GAN critic)', () =>
  withGpu(async (ctx) => {
    const [rows, width, batchSize, n] = [30, 3, 4, 3];
    const { host, words } = sourceData('f32', rows, width, 5);
    const indices = permutationReference(rows, 7, 0);
    const seen: number[] = [];
    // 30 indices make 2 steps of 3 batches of 4: iteration 2 wraps to the first step's batches, all three together.
    const batches = 2;
    for (const t of [0, 1, 2]) {
      for (let j = 0; j < n; j++) {
        const c: Case = { format: 'f32', rows, width, batchSize, indices, first: j * batchSize, stride: n * batchSize, batches };
        const got = await runGather(ctx, c, words, { firstIteration: t });
        assert.equal(got, gatherReference(host, indices, c, t), `iteration ${t}, gather ${j}`);
        // The reference's rows are the entries t n batchSize + j batchSize + r of the permutation.
        const step = t % batches;
        const want = Array.from(indices.subarray((step * n + j) * batchSize, (step * n + j + 1) * batchSize));
        assert.equal(Array.from({ length: batchSize }, (_, r) => got[r * width]), want.map((row) => host[row * width]));
        if (t < batches) seen.push(...want);
      }
    }
    assert.is(new Set(seen).size, 2 * n * batchSize, 'two steps of 3 batches of 4 read 24 distinct rows');
  }));

gpu('out-of-range row numbers poison their rows (NaN for f32 output, 0xFFFFFFFF for u32, 0xFF bytes); custom byte values', () =>
  withGpu(async (ctx) => {
    const indices = Uint32Array.of(0, 5, 1, 0xffffffff);
    const bytes = await runGather(ctx, { format: 'bytes', rows: 2, width: 6, batchSize: 4, indices }, sourceData('bytes', 2, 6, 9).words);
    assert.equal(bytes, gatherReference(sourceData('bytes', 2, 6, 9).host, indices, { format: 'bytes', rows: 2, width: 6, batchSize: 4 }));
    assert.ok([...new Uint8Array(bytes.buffer).subarray(6, 12), ...new Uint8Array(bytes.buffer).subarray(18)].every((b) => b === 0xff), 'bytes');
    for (const format of ['f32', 'u32', 'u8'] as const) {
      const { host, words } = sourceData(format, 2, 6, 9);
      const c: Case = { format, rows: 2, width: 6, batchSize: 4, indices };
      const got = await runGather(ctx, c, words);
      assert.equal(got, gatherReference(host, indices, c));
      const poison = format === 'u32' ? 0xffffffff : 0x7fc00000;
      assert.ok([...got.subarray(6, 12), ...got.subarray(18)].every((w) => w === poison), format);
    }
    // Binarised pixels: 1.0 above 127.
    const binary = Float32Array.from({ length: 256 }, (_, b) => (b > 127 ? 1 : 0));
    const { host, words } = sourceData('u8', 3, 5, 4);
    const c: Case = { format: 'u8', rows: 3, width: 5, batchSize: 3, indices: Uint32Array.of(2, 0, 1), byteValues: binary };
    const got = await runGather(ctx, c, words);
    assert.equal(got, gatherReference(host, c.indices, c));
    assert.ok([...new Float32Array(got.buffer)].every((x) => x === 0 || x === 1));
  }));

gpu('one submit per epoch: permutation (epochLength = batches) and gather repeated 2 epochs end on the reference batch', () =>
  withGpu(async (ctx) => {
    const [rows, width, batchSize] = [50, 13, 8];
    const batches = Math.floor(rows / batchSize);
    const { host, words } = sourceData('u8', rows, width, 5);
    const pixels = await ctx.pool.tensor('pixels', 'u32', [words.length], { data: words });
    const order = await ctx.pool.tensor('order', 'u32', [rows]);
    const batch = await ctx.pool.tensor('batch', 'f32', [batchSize, width]);
    const graph = new KernelGraph('epochs');
    const permutation = await addPermutation(graph, ctx, { output: order, n: rows, seed: 4, epoch: 10, epochLength: batches });
    const gather = await addGather(graph, ctx, { source: pixels, format: 'u8', rows, width, indices: order, output: batch, batchSize });
    // 2 epochs minus one batch: the last repetition (t = 2 batches - 2) is epoch 11, batch batches - 2.
    const repeat = 2 * batches - 1;
    await ctx.scheduler.run(graph, { repeat });
    const want = gatherReference(host, permutationReference(rows, 4, 11), { format: 'u8', rows, width, batchSize }, repeat - 1);
    assert.equal(await readU32(batch), want);
    [permutation, gather, pixels, order, batch].forEach((x) => x.release());
  }));

gpu('bad input: InputError naming gather, the operand and both shapes; nothing added or leaked', () =>
  withGpu(async (ctx) => {
    const source = await ctx.pool.tensor('source', 'f32', [10, 4]);
    const labels = await ctx.pool.tensor('labels', 'u32', [10]);
    const pixels = await ctx.pool.tensor('pixels', 'u32', [10]); // 10 x 4 bytes
    const indices = await ctx.pool.tensor('indices', 'u32', [10]);
    const output = await ctx.pool.tensor('output', 'f32', [3, 4]);
    const graph = new KernelGraph('errors');
    const live = ctx.pool.liveBytes;
    const ok: GatherOptions = { source, rows: 10, width: 4, indices, output, batchSize: 3 };
    const fails = (o: Partial<GatherOptions>, ...parts: string[]) => expectError(() => addGather(graph, ctx, { ...ok, ...o }), InputError, 'gather', ...parts);
    await fails({ width: 5 }, 'operand source', '[10, 5]', '[10, 4]');
    await fails({ rows: 11 }, 'operand source', '[11, 4]', '[10, 4]');
    await fails({ batchSize: 4 }, 'operand output', '[4, 4]', '[3, 4]');
    await fails({ source: labels, rows: 10, width: 1 }, 'operand output', 'u32', 'f32');
    await fails({ format: 'u32' }, 'operand source', 'u32', 'f32');
    await fails({ source: pixels, format: 'u8', rows: 10, width: 5 }, 'operand source', '[13]', '[10]', 'bytes');
    await fails({ source: pixels, format: 'u8', rows: 5, width: 4 }, 'operand source', '[5]', '[10]');
    await fails({ format: 'u16' as GatherFormat }, 'format');
    await fails({ indices: output }, 'operand indices', 'u32');
    await fails({ batches: 4 }, '4 batches', 'need 12 indices', 'indices has shape [10]');
    await fails({ first: 8 }, 'first = 8', 'indices has shape [10]');
    await fails({ first: -1 }, 'first = -1');
    await fails({ stride: 2 }, 'stride = 2', 'batchSize = 3');
    await fails({ stride: 4, batches: 3 }, '3 batches', 'stride 4', 'need 11 indices');
    await fails({ stride: 4 }, 'with stride = 4 give batches');
    await fails({ batch: 3 }, 'batch = 3', 'batches = 3');
    await fails({ byteValues: new Float32Array(255), source: pixels, format: 'u8' }, 'byteValues', '256');
    await fails({ byteValues: UNIT_BYTE_VALUES }, 'byteValues', "format 'u8'");
    await fails({ output: source }, 'operand output', '[3, 4]', '[10, 4]');
    await fails({ rows: 0 }, 'rows = 0');
    assert.is(graph.nodes.length, 0);
    assert.is(ctx.pool.liveBytes, live);
    [source, labels, pixels, indices, output].forEach((t) => t.release());
  }));
gpu.run();
