import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferPool, defineKernel, InputError, KernelGraph, LimitError, type ShaderLibrary, type Tensor } from '../engine/index.js';
import { planRowBlocks, type PlannedOperand } from '../engine/ops/common.js';
import { addGemm, type GemmOptions } from '../engine/ops/gemm.js';
import { addXnorGemm } from '../engine/ops/xnor.js';
import { gemmTolerance, philoxSignWords, philoxUniform } from '../harness/gemm/check.js';
import { gemmReference } from '../harness/reference/gemm.js';
import { xnorGemm } from '../harness/reference/xnor.js';
import { validateClose, validateExact } from '../harness/bench/validate.js';
import { expectError } from './expect.js';
import { withGpu, readF32, readU32, type GpuContext } from './gpu.js';

// A binding limit of 64 KiB, far below SwiftShader's 1 GiB, so that small products need splitting.
const SMALL = 1 << 16;
const LIMIT = { bytes: SMALL, name: "the pool's maxBindingBytes" };

// ---------------------------------------------------------------------------------------------
const plan = suite('row blocks (no GPU)');

// The products of the GPU tests: M = 1000, K = 33, N = 40 f32 (A 132 and C 160 bytes a row).
const A: PlannedOperand = { name: 'A', what: 'M x K', bytes: 1000 * 132, rowBytes: 132 };
const B: PlannedOperand = { name: 'B', what: 'K x N', bytes: 33 * 160 };
const C: PlannedOperand = { name: 'C', what: 'M x N', bytes: 1000 * 160, rowBytes: 160 };

plan('one block when everything fits one binding', () => {
  assert.equal(planRowBlocks('k', 1000, [A, B, C], { bytes: 2 ** 20, name: 'big' }, 256), [{ row0: 0, rows: 1000 }]);
});

plan('even blocks whose views start at aligned offsets and fit the limit', () => {
  // Rows start at multiples of 64 (132-byte rows: 256 / gcd(256, 132) = 64; 160-byte rows need 8);
  // at most floor(65536 / 160) = 409 rows of C, so 384 a block, three blocks made even: 334 -> 384.
  const blocks = planRowBlocks('k', 1000, [A, B, C], LIMIT, 256);
  assert.equal(blocks, [{ row0: 0, rows: 384 }, { row0: 384, rows: 384 }, { row0: 768, rows: 232 }]);
  // C alone: blocks of multiples of 8 rows, ceil(1000 / 408) = 3 blocks of 336.
  assert.equal(planRowBlocks('k', 1000, [C], LIMIT, 256), [{ row0: 0, rows: 336 }, { row0: 336, rows: 336 }, { row0: 672, rows: 328 }]);
  for (const { row0, rows } of blocks) {
    for (const o of [A, C]) {
      assert.is((row0 * o.rowBytes!) % 256, 0, `${o.name} offset`);
      assert.ok(rows * o.rowBytes! <= SMALL, `${o.name} size`);
    }
  }
});

plan('no split: an operand read whole, a transposed A, a block too wide for the alignment', () => {
  const bigB = { ...B, bytes: SMALL + 4 };
  assert.throws(() => planRowBlocks('gemm', 1000, [A, bigB, C], LIMIT, 256), (e: Error) => e instanceof LimitError && /gemm: operand B .* over the pool's maxBindingBytes of 65536 bytes; every block/.test(e.message));
  const transA = { ...A, rowBytes: undefined, preventsSplit: 'A is stored K x M (transA)' };
  assert.throws(() => planRowBlocks('gemm', 1000, [transA, B, C], { bytes: 140000, name: 'L' }, 256), (e: Error) => e instanceof LimitError && /operand C .* cannot be split .*transA/.test(e.message));
  // 64 rows of 1028 bytes (gcd(256, 1028) = 4) are over the limit.
  const wide = { name: 'C', what: 'M x N', bytes: 1000 * 1028, rowBytes: 1028 };
  assert.throws(() => planRowBlocks('gemm', 1000, [wide], LIMIT, 256), (e: Error) => e instanceof LimitError && /operand C .* cannot be split finer than 64 rows/.test(e.message));
});
plan.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('split products and views (GPU)');

/** Runs `body` with a pool of the small binding limit beside the normal one. */
function withSmallPool(body: (ctx: GpuContext, small: BufferPool) => Promise<void>): Promise<void> {
  return withGpu(async (ctx) => {
    const small = new BufferPool(ctx.gpu, { maxBindingBytes: SMALL });
    try {
      await body(ctx, small);
    } finally {
      small.trim();
    }
  });
}

type Data = { a: Float32Array; b: Float32Array; c?: Float32Array; bias?: Float32Array };

/** Uploads into `pool`, runs one GEMM, reads C and the samples back. */
async function runGemm(ctx: GpuContext, pool: BufferPool, data: Data, o: Omit<GemmOptions, 'a' | 'b' | 'c' | 'bias' | 'bernoulli'> & { bernoulli?: { seed: number; step: number } }) {
  const made: Tensor[] = [];
  const upload = async (label: string, values: Float32Array) => {
    made.push(await pool.tensor(label, 'f32', [values.length], { data: values }));
    return made[made.length - 1];
  };
  const a = await upload('A', data.a);
  const b = await upload('B', data.b);
  const c = await upload('C', data.c ?? new Float32Array(o.m * o.n));
  const bias = data.bias && (await upload('bias', data.bias));
  const samples = o.bernoulli && (await upload('samples', new Float32Array(o.m * o.n)));
  const graph = new KernelGraph('gemm split test');
  const op = await addGemm(graph, { gpu: ctx.gpu, pool }, { ...o, a, b, c, bias, bernoulli: o.bernoulli && samples && { ...o.bernoulli, samples } });
  await ctx.scheduler.run(graph);
  const out = { blocks: op.blocks.length, c: await readF32(c), samples: samples ? await readU32(samples) : null };
  op.release();
  made.forEach((t) => t.release());
  return out;
}

const [m, k, n] = [1000, 33, 40];

gpu('NN with beta, row bias and sigmoid: A, C and the bias split into 3 blocks, C as the reference', () =>
  withSmallPool(async (ctx, small) => {
    const data = { a: philoxUniform(m * k, 3, 0), b: philoxUniform(k * n, 3, 1), c: philoxUniform(m * n, 3, 2), bias: philoxUniform(m, 3, 3) };
    const o = { m, n, k, beta: 0.5, activation: 'sigmoid', biasAxis: 'row' } as const;
    const got = await runGemm(ctx, small, data, o);
    assert.is(got.blocks, 3);
    const v = validateClose('gemm_f32.v3 split NN', got.c, gemmReference(data.a, data.b, data.c, { ...o, bias: data.bias }).c, gemmTolerance(k));
    assert.ok(v.ok, v.message);
  }));

gpu('NT with column bias, sigmoid and Bernoulli: C as the reference, the same bits as the unsplit product', () =>
  withSmallPool(async (ctx, small) => {
    // B stored N x K; inputs scaled so that the probabilities spread over (0, 1).
    const data = { a: philoxUniform(m * k, 4, 0).map((x) => 2 * x), b: philoxUniform(n * k, 4, 1), bias: philoxUniform(n, 4, 2) };
    const o = { m, n, k, transB: true, activation: 'sigmoid', bernoulli: { seed: 11, step: 3 } } as const;
    const split = await runGemm(ctx, small, data, o);
    const whole = await runGemm(ctx, ctx.pool, data, o);
    assert.equal([split.blocks, whole.blocks], [3, 1]);
    const v = validateClose('gemm_f32.v3 split NT', split.c, gemmReference(data.a, data.b, null, { ...o, bias: data.bias }).c, gemmTolerance(k));
    assert.ok(v.ok, v.message);
    const bits = validateExact('gemm_f32.v3 split bernoulli', split.samples!, whole.samples!);
    assert.ok(bits.ok, bits.message);
    assert.ok(split.samples!.some((x) => x !== 0) && split.samples!.some((x) => x === 0), 'both outcomes drawn');
  }));

gpu('XNOR GEMM: A and C split into 3 blocks, exact', () =>
  withSmallPool(async (ctx, small) => {
    // K = 630: 20 words a row (vec4 loads), the last word partial; A 80 and C 160 bytes a row.
    const kx = 630;
    const a = philoxSignWords(m, kx, 5, 0);
    const b = philoxSignWords(n, kx, 5, 1);
    const ta = await small.tensor('A bits', 'u32', [a.length], { data: a });
    const tb = await small.tensor('B bits', 'u32', [b.length], { data: b });
    const tc = await small.tensor('C', 'i32', [m * n]);
    const graph = new KernelGraph('xnor split test');
    const op = await addXnorGemm(graph, { gpu: ctx.gpu, pool: small }, { a: ta, b: tb, c: tc, m, n, k: kx });
    assert.is(op.blocks.length, 3);
    await ctx.scheduler.run(graph);
    const v = validateExact('xnor_gemm split', new Int32Array(await tc.read()), xnorGemm(a, b, m, n, kx));
    assert.ok(v.ok, v.message);
    op.release();
    [ta, tb, tc].forEach((t) => t.release());
  }));

gpu('LimitErrors where no split helps: B over the limit, C over it with transA', () =>
  withSmallPool(async (ctx, small) => {
    const ctxSmall = { gpu: ctx.gpu, pool: small };
    const t = await small.tensor('t', 'f32', [4]);
    const graph = new KernelGraph('errors');
    // B = K x N = 200 x 100 f32 = 80000 bytes, read whole by every block of rows.
    await expectError(() => addGemm(graph, ctxSmall, { a: t, b: t, c: t, m: 8, n: 100, k: 200 }), LimitError, 'gemm_f32.v3', 'operand B', "the pool's maxBindingBytes", '65536');
    // B = N x 20 words = 240000 bytes.
    await expectError(() => addXnorGemm(graph, ctxSmall, { a: t, b: t, c: t, m: 8, n: 3000, k: 640 }), LimitError, 'xnor_gemm', 'operand B');
    // op(A) = A^T: its rows are columns of the stored matrix, so C = 1000 x 40 cannot be split.
    await expectError(() => addGemm(graph, ctxSmall, { a: t, b: t, c: t, m, n, k: 4, transA: true }), LimitError, 'operand C', 'transA');
    assert.is(graph.nodes.length, 0);
    t.release();
  }));

// Writes params.base + i into out[i] for i < arrayLength(out): shows where a view lands.
const LIB: ShaderLibrary = {
  'fill.wgsl': `struct Params { base: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x < arrayLength(&out)) { out[gid.x] = params.base + gid.x; }
}`,
};

gpu('views: bound at their offset and size; misaligned or overrunning views and whole over-limit tensors refused', () =>
  withSmallPool(async ({ scheduler }, small) => {
    const kernel = await defineKernel(LIB, { name: 'fill', file: 'fill.wgsl' });
    const params = await small.uniform('params', Uint32Array.of(1000));
    // 128 KiB: allocated although over the 64 KiB binding limit, since it can be bound in views.
    const big = await small.tensor('big', 'u32', [32768]);
    await expectError(() => new KernelGraph('g').add(kernel, { params, out: big }, [1]), LimitError, 'fill', "binding 'out'", '131072', "the pool's maxBindingBytes", '65536');
    await expectError(() => big.view(100, 256), LimitError, 'big', 'offset 100', 'minStorageBufferOffsetAlignment', '256');
    await expectError(() => big.view(256, 6), InputError, 'multiple of 4');
    await expectError(() => big.view(131072 - 256, 512), InputError, 'overruns');
    // A view may be made over the limit; binding it is refused.
    await expectError(() => new KernelGraph('g').add(kernel, { params, out: big.view(0, SMALL + 256) }, [1]), LimitError, "binding 'out'", 'big [bytes 0..65792)');
    // Words 64..127 (bytes 256..512) get 1000..1063; the rest stays zero.
    await scheduler.run(new KernelGraph('g').add(kernel, { params, out: big.view(256, 256) }, [1]));
    const words = await readU32(big);
    assert.equal([...words.subarray(60, 68)], [0, 0, 0, 0, 1000, 1001, 1002, 1003]);
    assert.equal([words[127], words[128]], [1063, 0]);
    assert.is(words.reduce((s, w) => s + w, 0), 64 * 1000 + (63 * 64) / 2);
    assert.throws(() => new BufferPool(small.gpu, { maxBindingBytes: 6 }), (e: Error) => e instanceof InputError && /maxBindingBytes/.test(e.message));
    params.release();
    big.release();
  }));
gpu.run();
