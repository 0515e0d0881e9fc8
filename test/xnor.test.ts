import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph, InputError, LimitError, type Tensor } from '../engine/index.js';
import { addPackBits, addUnpackBits, addPackBitPlanes, planeWords } from '../engine/ops/pack.js';
import { addXnorGemm, addXnorU8Gemm, XNOR_CONFIGS } from '../engine/ops/xnor.js';
import { packBits, unpackBits, packedWords, xnorGemm, packBitPlanes, u8Gemm, u8GemmByPlanes } from '../harness/reference/xnor.js';
import { validateExact, validateClose } from '../harness/bench/validate.js';
import { expectError } from './expect.js';
import { withGpu, readU32, readF32, type GpuContext } from './gpu.js';
import { randomWords } from './random.js';

/** A rows x cols ±1 matrix as f32. */
const randomPm1 = (rows: number, cols: number, seed: number) => Float32Array.from(randomWords(rows * cols, seed), (w) => (w & 1 ? 1 : -1));
/** A rows x cols u8 matrix, row-major, 4 per u32 word. */
const randomBytes = (rows: number, cols: number, seed: number) => {
  const words = randomWords(Math.ceil((rows * cols) / 4), seed);
  new Uint8Array(words.buffer).fill(0, rows * cols); // bytes past the matrix
  return words;
};

const KS = [1, 31, 33, 100, 784];

// ---------------------------------------------------------------------------------------------
const reference = suite('xnor reference (no GPU)');

reference('packing: sign rule, bit order, zero padding, round trip', () => {
  // Row [+1, -1, 0, -0, NaN, 2.5] -> bits 1, 0, 1, 1, 0, 1 at positions 0..5 = 0b101101.
  assert.equal([...packBits([1, -1, 0, -0, NaN, 2.5], 1, 6)], [0b101101]);
  const x = randomPm1(3, 33, 1);
  const bits = packBits(x, 3, 33);
  assert.is(bits.length, 3 * 2);
  for (let r = 0; r < 3; r++) assert.is(bits[r * 2 + 1] >>> 1, 0, 'padding bits are 0');
  assert.equal(unpackBits(bits, 3, 33), x);
});

reference('XNOR GEMM equals the ±1 dot product, any K', () => {
  for (const k of KS) {
    const [m, n] = [3, 5];
    const a = randomPm1(m, k, 2);
    const b = randomPm1(n, k, 3);
    const got = xnorGemm(packBits(a, m, k), packBits(b, n, k), m, n, k);
    for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let t = 0; t < k; t++) dot += a[r * k + t] * b[j * k + t];
      assert.is(got[r * n + j], dot, `K=${k} [${r}, ${j}]`);
    }
  }
});

reference('8-bit inputs: the bit-plane popcount identity equals the plain sum', () => {
  for (const k of KS) {
    const [m, n] = [3, 4];
    const x = randomBytes(m, k, 4);
    const w = packBits(randomPm1(n, k, 5), n, k);
    assert.equal(u8GemmByPlanes(packBitPlanes(x, m, k), w, m, n, k), u8Gemm(x, w, m, n, k), `K=${k}`);
  }
  // All 255 against all +1: 255 K.
  const k = 33;
  const x = new Uint32Array(Math.ceil(k / 4)).fill(0xffffffff);
  assert.is(u8Gemm(x, Uint32Array.of(0xffffffff, 1), 1, 1, k)[0], 255 * k);
});
reference.run();

// ---------------------------------------------------------------------------------------------
async function upload(ctx: GpuContext, made: Tensor[], name: string, dtype: 'u32' | 'f32' | 'i32' | 'bits', data: ArrayBufferView & { length: number }, shape = [data.length]) {
  const t = await ctx.pool.tensor(name, dtype, shape, { data });
  made.push(t);
  return t;
}
async function empty(ctx: GpuContext, made: Tensor[], name: string, dtype: 'u32' | 'f32' | 'i32', n: number) {
  const t = await ctx.pool.tensor(name, dtype, [n]);
  made.push(t);
  return t;
}
/** Runs what `build` adds, then releases every tensor and params it made. */
async function run(ctx: GpuContext, made: Tensor[], build: (g: KernelGraph) => Promise<Array<{ release(): void }>>) {
  const graph = new KernelGraph('xnor test');
  const ops = await build(graph);
  await ctx.scheduler.run(graph);
  ops.forEach((o) => o.release());
}

const gpu = suite('xnor kernels (GPU)');

gpu('pack (f32 signs and i32 ±1), unpack and bit planes equal the reference bit for bit', () =>
  withGpu(async (ctx) => {
    for (const k of KS) {
      const rows = 7;
      const made: Tensor[] = [];
      // Signs of awkward f32: ±0, NaN, ±Inf, subnormals, and random values.
      const x = Float32Array.from(randomWords(rows * k, k), (w, i) => [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45][i % 9] ?? (w / 2 ** 31 - 1));
      const xi = Int32Array.from(randomPm1(rows, k, k + 1));
      const bytes = randomBytes(rows, k, k + 2);
      const words = rows * packedWords(k);
      const [fIn, iIn, bIn] = [await upload(ctx, made, 'x', 'f32', x), await upload(ctx, made, 'xi', 'i32', xi), await upload(ctx, made, 'bytes', 'u32', bytes)];
      const [fBits, iBits, planes, back] = [
        await empty(ctx, made, 'x bits', 'u32', words),
        await empty(ctx, made, 'xi bits', 'u32', words),
        await empty(ctx, made, 'planes', 'u32', planeWords(rows, k)),
        await empty(ctx, made, 'unpacked', 'f32', rows * k),
      ];
      await run(ctx, made, async (g) => [
        await addPackBits(g, ctx, { input: fIn, output: fBits, rows, cols: k }),
        await addPackBits(g, ctx, { input: iIn, output: iBits, rows, cols: k }),
        await addPackBitPlanes(g, ctx, { input: bIn, output: planes, rows, cols: k }),
        await addUnpackBits(g, ctx, { input: iBits, output: back, rows, cols: k }),
      ]);
      for (const [name, got, want] of [
        ['pack_bits f32', await readU32(fBits), packBits(x, rows, k)],
        ['pack_bits i32', await readU32(iBits), packBits(xi, rows, k)],
        ['pack_planes', await readU32(planes), packBitPlanes(bytes, rows, k)],
      ] as const) {
        const v = validateExact(`${name} K=${k}`, got, want);
        assert.ok(v.ok, v.message);
      }
      const v = validateExact(`unpack_bits K=${k}`, await readF32(back), Float32Array.from(xi));
      assert.ok(v.ok, v.message);
      made.forEach((t) => t.release());
    }
  }));

/** Packs on the host, runs the XNOR GEMM, returns C. `dirty` sets every padding bit to 1 first. */
async function runXnor(ctx: GpuContext, a: Uint32Array, b: Uint32Array, m: number, n: number, k: number, config: string, f32?: number) {
  const made: Tensor[] = [];
  // dtype 'bits' with the logical shape: rows x K values, ceil(K / 32) words a row.
  const ta = await upload(ctx, made, 'A bits', 'bits', a, [m, k]);
  const tb = await upload(ctx, made, 'B bits', 'bits', b, [n, k]);
  const c = await empty(ctx, made, 'C', f32 === undefined ? 'i32' : 'f32', m * n);
  await run(ctx, made, async (g) => [await addXnorGemm(g, ctx, { a: ta, b: tb, c, m, n, k, config, alpha: f32 })]);
  const out = await c.read();
  made.forEach((t) => t.release());
  return out;
}

function dirty(bits: Uint32Array, rows: number, k: number): Uint32Array {
  const words = packedWords(k);
  const out = bits.slice();
  if (k % 32) for (let r = 0; r < rows; r++) out[r * words + words - 1] |= ~((1 << k % 32) - 1);
  return out;
}

gpu('XNOR GEMM: bit-exact for K = 1, 31, 33, 100, 784, 256 on every tile config, whatever the padding holds', () =>
  withGpu(async (ctx) => {
    const [m, n] = [19, 37];
    for (const k of [...KS, 256]) {
      const a = packBits(randomPm1(m, k, 10 + k), m, k);
      const b = packBits(randomPm1(n, k, 20 + k), n, k);
      const want = xnorGemm(a, b, m, n, k);
      for (const config of XNOR_CONFIGS) {
        // Padding garbage in one operand only: its XOR with the other's zeros would count.
        const got = new Int32Array(await runXnor(ctx, a, dirty(b, n, k), m, n, k, config.name));
        const v = validateExact(`xnor_gemm ${config.name} ${m}x${n}x${k}`, got, want);
        assert.ok(v.ok, v.message);
      }
    }
  }));

gpu('XNOR GEMM: 100x500x784 and 500x100x784, and f32 output with alpha', () =>
  withGpu(async (ctx) => {
    for (const [m, n, k] of [[100, 500, 784], [500, 100, 784]]) {
      const a = packBits(randomPm1(m, k, 31), m, k);
      const b = packBits(randomPm1(n, k, 32), n, k);
      const want = xnorGemm(a, b, m, n, k);
      const v = validateExact(`xnor_gemm ${m}x${n}x${k}`, new Int32Array(await runXnor(ctx, a, b, m, n, k, XNOR_CONFIGS[0].name)), want);
      assert.ok(v.ok, v.message);
    }
    const [m, n, k] = [9, 11, 70];
    const a = packBits(randomPm1(m, k, 41), m, k);
    const b = packBits(randomPm1(n, k, 42), n, k);
    // alpha * dot with |dot| <= 70: exact in f32, so compare exactly (atol 0).
    const want = Float64Array.from(xnorGemm(a, b, m, n, k), (d) => Math.fround(0.125 * d));
    const v = validateClose('xnor_gemm f32', new Float32Array(await runXnor(ctx, a, b, m, n, k, XNOR_CONFIGS[0].name, 0.125)), want, { atol: 0, rtol: 0 });
    assert.ok(v.ok, v.message);
  }));

gpu('8-bit inputs x ±1 weights: planes and weights packed on the GPU, bit-exact on every config and K', () =>
  withGpu(async (ctx) => {
    const cases: Array<[number, number, number, readonly string[]]> = [
      ...KS.map((k): [number, number, number, readonly string[]] => [13, 21, k, XNOR_CONFIGS.map((c) => c.name)]),
      [100, 500, 784, [XNOR_CONFIGS[0].name]],
    ];
    for (const [m, n, k, configs] of cases) {
      const made: Tensor[] = [];
      const bytes = randomBytes(m, k, 50 + k);
      const weights = randomPm1(n, k, 60 + k);
      const want = u8Gemm(bytes, packBits(weights, n, k), m, n, k);
      const x = await upload(ctx, made, 'x bytes', 'u32', bytes);
      const wf = await upload(ctx, made, 'W', 'f32', weights);
      const planes = await empty(ctx, made, 'planes', 'u32', planeWords(m, k));
      const w = await empty(ctx, made, 'W bits', 'u32', n * packedWords(k));
      for (const config of configs) {
        const c = await empty(ctx, made, 'C', 'i32', m * n);
        await run(ctx, made, async (g) => [
          await addPackBitPlanes(g, ctx, { input: x, output: planes, rows: m, cols: k }),
          await addPackBits(g, ctx, { input: wf, output: w, rows: n, cols: k }),
          await addXnorU8Gemm(g, ctx, { x: planes, w, c, m, n, k, config }),
        ]);
        const v = validateExact(`xnor_u8 ${config} ${m}x${n}x${k}`, new Int32Array(await c.read()), want);
        assert.ok(v.ok, v.message);
      }
      made.forEach((t) => t.release());
    }
  }));

gpu('bad input: InputError or LimitError naming the kernel and the operand', () =>
  withGpu(async ({ gpu, pool }) => {
    const ctx = { gpu, pool };
    const graph = new KernelGraph('errors');
    const bits = await pool.tensor('bits', 'bits', [4, 64]); // 4 rows x 2 words
    const out = await pool.tensor('out', 'i32', [16]);
    const f = await pool.tensor('f', 'f32', [16]);
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: out, m: 4, n: 4, k: 0 }), InputError, 'xnor_gemm', 'K = 0');
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: out, m: 4, n: 4, k: 65 }), InputError, 'xnor_gemm', 'operand A');
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: out, m: 5, n: 3, k: 64 }), InputError, 'operand A');
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: out, m: 4, n: 5, k: 64 }), InputError, 'operand B');
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: f, m: 4, n: 4, k: 64, alpha: NaN }), InputError, 'alpha');
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: out, m: 4, n: 4, k: 64, alpha: 2 }), InputError, 'alpha', 'f32');
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: bits, m: 2, n: 2, k: 64 }), InputError, 'operand C');
    await expectError(() => addXnorU8Gemm(graph, ctx, { x: out, w: bits, c: f, m: 1, n: 4, k: 64 }), InputError, 'xnor_u8', 'operand x');
    await expectError(() => addXnorU8Gemm(graph, ctx, { x: bits, w: bits, c: out, m: 1, n: 4, k: 64 }), InputError, 'xnor_u8', 'operand x', 'u32');
    await expectError(() => addPackBits(graph, ctx, { input: f, output: bits, rows: 4, cols: 5 }), InputError, 'pack_bits', 'operand input');
    await expectError(() => addPackBits(graph, ctx, { input: f, output: out, rows: 2, cols: 8 }), InputError, 'pack_bits', 'operand output');
    await expectError(() => addUnpackBits(graph, ctx, { input: bits, output: bits, rows: 4, cols: 64 }), InputError, 'unpack_bits', 'operand output');
    await expectError(() => addPackBitPlanes(graph, ctx, { input: f, output: out, rows: 4, cols: 4 }), InputError, 'pack_planes', 'operand input');
    await expectError(() => addPackBits(graph, ctx, { input: f, output: bits, rows: -1, cols: 4 }), InputError, 'pack_planes'.replace('_planes', '_bits'), 'rows = -1');
    const limit = gpu.limits.maxStorageBufferBindingSize;
    // B is read whole by every block of rows, so it cannot be split (A and C can: gemm_split.test.ts).
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: out, m: 4, n: Math.ceil(limit / 8) + 1, k: 64 }), LimitError, 'operand B', 'maxStorageBufferBindingSize');
    await expectError(() => addXnorGemm(graph, ctx, { a: bits, b: bits, c: out, m: 4, n: 4, k: 64, config: { name: 'big', tm: 4, tn: 4, wgX: 1024, wgY: 1024 } }), LimitError, 'workgroup');
    assert.is(graph.nodes.length, 0);
  }));
gpu.run();
