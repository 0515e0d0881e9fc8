import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferPool, Gpu, KernelGraph, InputError, LimitError, Scheduler, type Tensor } from '../engine/index.js';
import { addGemm, GEMM_F32_CONFIGS, GEMM_F32_VARIANTS, type Activation, type GemmOptions, type GemmVariantName } from '../engine/ops/gemm.js';
import { gemmReference, activate, bernoulliSample } from '../harness/reference/gemm.js';
import { rngBits } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';
import { validateClose, validateExact } from '../harness/bench/validate.js';
import { withGpu, readF32, type GpuContext } from './gpu.js';
import { randomF32 as random } from './random.js';

// Tolerance for f32 against the float64 reference, inputs in [-1, 1]: each of the K products and
// partial sums rounds by at most 2^-24 relative, so |error| stays far below K * 2^-24 * 4 (the atol);
// rtol 1e-5 covers exp and tanh in the activations (a few ulp of WGSL's bound at |x| < 20).
const tolerance = (k: number) => ({ atol: 4 * k * 2 ** -24, rtol: 1e-5 });

const TRANSPOSES: Array<[boolean, boolean]> = [[false, false], [false, true], [true, false], [true, true]];
const label = (t: [boolean, boolean]) => (t[0] ? 'T' : 'N') + (t[1] ? 'T' : 'N');

// ---------------------------------------------------------------------------------------------
const reference = suite('gemm reference (no GPU)');

reference('2x2 by hand, every transpose, alpha, beta and bias', () => {
  // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]: A B = [[19, 22], [43, 50]].
  const A = [1, 2, 3, 4];
  const B = [5, 6, 7, 8];
  const AT = [1, 3, 2, 4];
  const BT = [5, 7, 6, 8];
  const dims = { m: 2, n: 2, k: 2 };
  assert.equal([...gemmReference(A, B, null, dims).c], [19, 22, 43, 50]);
  assert.equal([...gemmReference(AT, BT, null, { ...dims, transA: true, transB: true }).c], [19, 22, 43, 50]);
  // A^T B = [[1*5 + 3*7, 1*6 + 3*8], [2*5 + 4*7, 2*6 + 4*8]] = [[26, 30], [38, 44]].
  assert.equal([...gemmReference(A, B, null, { ...dims, transA: true }).c], [26, 30, 38, 44]);
  // 2 * A B - 1 * C + row bias [10, 20] with C = 1: [[38 - 1 + 10, ...]].
  const r = gemmReference(A, B, [1, 1, 1, 1], { ...dims, alpha: 2, beta: -1, bias: [10, 20], biasAxis: 'row' });
  assert.equal([...r.c], [47, 53, 105, 119]);
});

reference('beta = 0 does not read C (NaN stays out, as in BLAS)', () => {
  const r = gemmReference([1], [2], [NaN], { m: 1, n: 1, k: 1, beta: 0 });
  assert.equal([...r.c], [2]);
  assert.ok(Number.isNaN(gemmReference([1], [2], [NaN], { m: 1, n: 1, k: 1, beta: 1 }).c[0]));
});

reference('activations, NaN passes through each', () => {
  assert.is(activate(0, 'sigmoid'), 0.5);
  assert.is(activate(-3, 'relu'), 0);
  assert.is(activate(-3, 'hardtanh'), -1);
  assert.is(activate(0.25, 'hardtanh'), 0.25);
  for (const kind of ['identity', 'sigmoid', 'tanh', 'relu', 'hardtanh'] as Activation[]) assert.ok(Number.isNaN(activate(NaN, kind)), kind);
});

reference('bernoulli: p = 0 never, p = 1 always, else the 24-bit rule on the keyed Philox word', () => {
  for (let e = 0; e < 64; e++) {
    assert.is(bernoulliSample(0, 1, 2, 0, e), 0);
    assert.is(bernoulliSample(1, 1, 2, 0, e), 1);
    const word = rngBits(1, RNG_PURPOSES.bernoulli, 2, e >> 2, 0)[e & 3];
    assert.is(bernoulliSample(0.5, 1, 2, 0, e), word >>> 8 < 2 ** 23 ? 1 : 0);
  }
});
reference.run();

// ---------------------------------------------------------------------------------------------
interface HostData {
  a: Float32Array;
  b: Float32Array;
  c?: Float32Array;
  bias?: Float32Array;
}
type RunOptions = Omit<GemmOptions, 'a' | 'b' | 'c' | 'bias' | 'bernoulli'> & {
  bernoulli?: { seed: number; step: number; call?: number };
  firstIteration?: number;
};

/** Uploads, runs one GEMM, reads C (and the samples) back, releases everything. */
async function runGemm({ gpu, pool, scheduler }: GpuContext, data: HostData, o: RunOptions): Promise<{ c: Float32Array; samples: Float32Array | null }> {
  const made: Tensor[] = [];
  const make = async (name: string, values: Float32Array) => {
    const t = await pool.tensor(name, 'f32', [values.length], { data: values });
    made.push(t);
    return t;
  };
  const a = await make('A', data.a);
  const b = await make('B', data.b);
  const c = await make('C', data.c ?? new Float32Array(o.m * o.n));
  const bias = data.bias ? await make('bias', data.bias) : undefined;
  const samples = o.bernoulli ? await make('samples', new Float32Array(o.m * o.n)) : undefined;
  const graph = new KernelGraph('gemm test');
  const op = await addGemm(graph, { gpu, pool }, { ...o, a, b, c, bias, bernoulli: o.bernoulli && samples ? { ...o.bernoulli, samples } : undefined });
  await scheduler.run(graph, { firstIteration: o.firstIteration });
  const out = { c: await readF32(c), samples: samples ? await readF32(samples) : null };
  made.forEach((t) => t.release());
  op.release();
  return out;
}

const referenceCache = new Map<string, Float64Array>();
function expected(data: HostData, o: RunOptions, key: string): Float64Array {
  let r = referenceCache.get(key);
  if (!r) {
    r = gemmReference(data.a, data.b, data.c ?? null, { ...o, bias: data.bias }).c;
    referenceCache.set(key, r);
  }
  return r;
}

function check(kernel: string, actual: Float32Array, want: Float64Array, k: number) {
  const v = validateClose(kernel, actual.subarray(0, want.length), want, tolerance(k));
  assert.ok(v.ok, v.message);
}

const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [17, 33, 65],
  [100, 784, 500],
  [500, 100, 784],
];
const dataFor = (m: number, n: number, k: number): HostData => ({ a: random(m * k, m + 1), b: random(k * n, n + 2) });

const gpu = suite('gemm_f32 kernels (GPU)');

gpu('every variant, every transpose, on 1x1x1 and 17x33x65; v3 also on 100x784x500 and 500x100x784', () =>
  withGpu(async (ctx) => {
    for (const [m, n, k] of shapes) {
      // One logical op(A), op(B) per shape, stored transposed where a case asks: one reference.
      const data = dataFor(m, n, k);
      const want = gemmReference(data.a, data.b, null, { m, n, k }).c;
      for (const variant of Object.keys(GEMM_F32_VARIANTS) as GemmVariantName[]) {
        // v1 and v2 run at 0.1 GFLOP/s on SwiftShader: the large shapes are for the benchmark.
        if (variant !== 'v3' && m * n * k > 1e6) continue;
        for (const t of TRANSPOSES) {
          const stored = { a: t[0] ? transpose(data.a, m, k) : data.a, b: t[1] ? transpose(data.b, k, n) : data.b };
          const got = await runGemm(ctx, stored, { m, n, k, transA: t[0], transB: t[1], variant });
          check(`gemm_f32.${variant} ${m}x${n}x${k} ${label(t)}`, got.c, want, k);
        }
      }
    }
  }));

gpu('every tile config on an unaligned shape (scalar loads, masked last k step) and an aligned one (vec4 loads)', () =>
  withGpu(async (ctx) => {
    // The default config already ran every transpose on both kinds of shape above.
    const cases: Array<[number, number, number, [boolean, boolean]]> = [[17, 33, 65, [false, false]], [24, 40, 64, [true, true]]];
    for (const [m, n, k, t] of cases) {
      const data = dataFor(m, n, k);
      for (const config of GEMM_F32_CONFIGS) {
        const o = { m, n, k, transA: t[0], transB: t[1], config: config.name };
        const got = await runGemm(ctx, data, o);
        check(`gemm_f32.v3 ${config.name} ${m}x${n}x${k} ${label(t)}`, got.c, expected(data, o, `${m},${n},${k},${label(t)}`), k);
      }
    }
  }));

gpu('epilogues: bias per row and per column, each activation, alpha and beta', () =>
  withGpu(async (ctx) => {
    const [m, n, k] = [17, 33, 65];
    const base = dataFor(m, n, k);
    // Each case is a pipeline of its own (about a second to compile on SwiftShader), so the
    // switches are combined: every activation, both bias axes, alpha and beta, both transposes.
    const cases: RunOptions[] = [
      { m, n, k, alpha: 2.5, beta: 0.5, transA: true },
      { m, n, k, alpha: -1, beta: 1, activation: 'sigmoid', biasAxis: 'row' },
      { m, n, k, activation: 'tanh', biasAxis: 'column', transB: true },
      { m, n, k, activation: 'relu', biasAxis: 'row' },
      { m, n, k, activation: 'hardtanh', beta: -0.5 },
    ];
    for (const o of cases) {
      const data: HostData = {
        ...base,
        // Scale A so that sigmoid, tanh and hard tanh see their saturated ends too.
        a: random(m * k, 5, 4),
        c: random(m * n, 6),
        bias: o.biasAxis ? random(o.biasAxis === 'row' ? m : n, 7) : undefined,
      };
      const got = await runGemm(ctx, data, o);
      const want = gemmReference(data.a, data.b, data.c ?? null, { ...o, bias: data.bias }).c;
      check(`gemm_f32.v3 ${JSON.stringify(o)}`, got.c, want, k);
    }
  }));

gpu('beta = 0 ignores NaN in C; NaN and ±Inf in A and B propagate as in IEEE float64', () =>
  withGpu(async (ctx) => {
    for (const [m, n, k] of [[17, 33, 65], [24, 40, 64]] as const) {
      const data = dataFor(m, n, k);
      data.c = new Float32Array(m * n).fill(NaN);
      const clean = await runGemm(ctx, data, { m, n, k, beta: 0 });
      assert.ok(clean.c.every(Number.isFinite), 'beta = 0 read C');
      // Row 1 of A gets a NaN, row 2 a +Inf, row 3 a -Inf; column 5 of B a +Inf (row 1 of A meets it
      // as NaN, row 2 as Inf * x with signs mixed: Inf - Inf = NaN unless all signs agree).
      const a = data.a.slice();
      const b = data.b.slice();
      a[1 * k + 3] = NaN;
      a[2 * k + 4] = Infinity;
      a[3 * k + 0] = -Infinity;
      b[7 * n + 5] = Infinity;
      for (const t of TRANSPOSES) {
        // The same logical op(A), op(B) stored transposed where asked.
        const storeA = t[0] ? transpose(a, m, k) : a;
        const storeB = t[1] ? transpose(b, k, n) : b;
        const o = { m, n, k, transA: t[0], transB: t[1] };
        const got = await runGemm(ctx, { a: storeA, b: storeB }, o);
        const want = gemmReference(storeA, storeB, null, o).c;
        assert.ok(want.some(Number.isNaN) && want.some((x) => x === Infinity || x === -Infinity));
        check(`gemm_f32.v3 NaN/Inf ${m}x${n}x${k} ${label(t)}`, got.c, want, k);
      }
      // Through the activations, on the unaligned shape so that the pipelines are the epilogue
      // test's: tanh(±Inf) = ±1, ReLU(+Inf) = Inf, NaN stays NaN.
      if (k !== 65) continue;
      const tanh: RunOptions = { m, n, k, activation: 'tanh', biasAxis: 'column', transB: true };
      const relu: RunOptions = { m, n, k, activation: 'relu', biasAxis: 'row' };
      const bt = transpose(b, k, n);
      const gotTanh = await runGemm(ctx, { a, b: bt, bias: new Float32Array(n) }, tanh);
      check('gemm_f32.v3 NaN/Inf tanh', gotTanh.c, gemmReference(a, bt, null, { ...tanh, bias: new Float32Array(n) }).c, k);
      const gotRelu = await runGemm(ctx, { a, b, bias: new Float32Array(m) }, relu);
      check('gemm_f32.v3 NaN/Inf relu', gotRelu.c, gemmReference(a, b, null, { ...relu, bias: new Float32Array(m) }).c, k);
    }
  }));

/** Row-major rows x cols -> cols x rows. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

gpu('bernoulli: frequencies match the sigmoid (z-tests, |z| < 4 per bucket, seed 2024), bits equal the reference away from p', () =>
  withGpu(async (ctx) => {
    // 40 x 1000 = 40000 samples; K = 8 with A scaled so that p covers (0, 1).
    const [m, n, k] = [40, 1000, 8];
    const data = { a: random(m * k, 11, 2), b: random(k * n, 12) };
    const o: RunOptions = { m, n, k, activation: 'sigmoid', bernoulli: { seed: 2024, step: 9 } };
    const got = await runGemm(ctx, data, o);
    const samples = got.samples!;
    const want = gemmReference(data.a, data.b, null, o);
    check('gemm_f32.v3 sigmoid probabilities', got.c, want.c, k);
    // Buckets of p by tenths: sum of samples vs sum of p, standardized by sqrt(sum p (1 - p)).
    // |z| < 4 is a two-sided 6e-5 test per bucket; the seed is fixed, so the outcome is too.
    const buckets = Array.from({ length: 10 }, () => ({ count: 0, hits: 0, mean: 0, variance: 0 }));
    let disagreements = 0;
    for (let e = 0; e < m * n; e++) {
      const p = want.c[e];
      assert.ok(samples[e] === 0 || samples[e] === 1, `sample ${e} = ${samples[e]}`);
      const bucket = buckets[Math.min(9, Math.floor(p * 10))];
      bucket.count++;
      bucket.hits += samples[e];
      bucket.mean += p;
      bucket.variance += p * (1 - p);
      // The GPU compares the same Philox word with its f32 p; only a word within 1e-5 of p may differ.
      if (samples[e] !== want.samples![e]) {
        const u = (rngBits(2024, RNG_PURPOSES.bernoulli, 9, e >> 2, 0)[e & 3] >>> 8) / 2 ** 24;
        assert.ok(Math.abs(u - p) < 1e-5, `sample ${e}: gpu ${samples[e]}, reference ${want.samples![e]}, u ${u}, p ${p}`);
        disagreements++;
      }
    }
    assert.ok(disagreements < 5, `${disagreements} samples differ from the reference`);
    buckets.forEach((b, i) => {
      if (b.count < 100) return;
      const z = (b.hits - b.mean) / Math.sqrt(b.variance);
      assert.ok(Math.abs(z) < 4, `bucket ${i / 10}..${(i + 1) / 10}: ${b.hits} hits, expected ${b.mean.toFixed(1)}, z = ${z.toFixed(2)}`);
    });
  }));

gpu('bernoulli: same seed, same bits on two runs and two tile configs; iteration index adds to step', () =>
  withGpu(async (ctx) => {
    const [m, n, k] = [37, 45, 29];
    const data = { a: random(m * k, 21, 2), b: random(k * n, 22), bias: random(n, 23) };
    const o: RunOptions = { m, n, k, activation: 'sigmoid', bernoulli: { seed: 5, step: 6, call: 1 }, transB: true };
    const first = await runGemm(ctx, data, { ...o, config: GEMM_F32_CONFIGS[0].name });
    const again = await runGemm(ctx, data, { ...o, config: GEMM_F32_CONFIGS[0].name });
    const other = await runGemm(ctx, data, { ...o, config: '4x4-wg16x16' });
    const u32 = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, m * n);
    for (const [name, run] of [['second run', again], ['config 4x4-wg16x16', other]] as const) {
      const v = validateExact(`gemm_f32.v3 bernoulli ${name}`, u32(run.samples!), u32(first.samples!));
      assert.ok(v.ok, v.message);
      const p = validateExact(`gemm_f32.v3 probabilities ${name}`, u32(run.c), u32(first.c));
      assert.ok(p.ok, p.message);
    }
    // step 5 at iteration 1 draws what step 6 draws at iteration 0.
    const shifted = await runGemm(ctx, data, { ...o, bernoulli: { seed: 5, step: 5, call: 1 }, firstIteration: 1 });
    const v = validateExact('gemm_f32.v3 bernoulli step + iteration', u32(shifted.samples!), u32(first.samples!));
    assert.ok(v.ok, v.message);
    const fresh = await runGemm(ctx, data, { ...o, bernoulli: { seed: 5, step: 7, call: 1 } });
    assert.not.equal([...fresh.samples!], [...first.samples!], 'another step draws other samples');
  }));

gpu('subgroups: the kernel sharing rows of A through the subgroup (8x8-wg4x1) equals the core kernel bit for bit', () =>
  withGpu(async (ctx) => {
    assert.ok(ctx.gpu.hasSubgroups, `${ctx.gpu.adapter.description} offers no subgroups (with 4 lanes or more): the subgroup kernel cannot run here`);
    const core = await Gpu.open({ subgroups: false });
    const pool = new BufferPool(core);
    try {
      assert.not.ok(core.hasSubgroups, 'subgroups: false opens a device without them');
      const coreCtx = { gpu: core, pool, scheduler: new Scheduler(core, pool) };
      // Edge tiles in M and N, K with a masked last quad, scalar and vec4 loads, every transpose,
      // the epilogues and the draws; the default config is the one with WG_Y = 1 and TM = 8.
      const cases: RunOptions[] = [
        { m: 17, n: 33, k: 65 },
        { m: 13, n: 41, k: 7, transA: true, alpha: -0.5, beta: 0.25 },
        { m: 100, n: 64, k: 28, transB: true, activation: 'sigmoid', bernoulli: { seed: 3, step: 1 } },
        { m: 24, n: 40, k: 64, transA: true, transB: true, activation: 'tanh' },
      ];
      for (const o of cases) {
        const { m, n, k } = o;
        const data = { ...dataFor(m, n, k), c: random(m * n, 31), bias: random(n, 32) };
        const run = { ...o, config: GEMM_F32_CONFIGS[0].name };
        const [ours, theirs] = [await runGemm(ctx, data, run), await runGemm(coreCtx, data, run)];
        const what = `gemm_f32.v3 ${m}x${n}x${k} ${label([!!o.transA, !!o.transB])}`;
        const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, m * n);
        const v = validateExact(`${what}: subgroup vs core`, bits(ours.c), bits(theirs.c));
        assert.ok(v.ok, v.message);
        if (o.bernoulli) assert.equal([...ours.samples!], [...theirs.samples!], `${what}: the same draws`);
      }
    } finally {
      pool.trim();
      core.close();
    }
  }));

gpu('bad input: InputError or LimitError naming the kernel and the operand', () =>
  withGpu(async ({ gpu, pool }) => {
    const ctx = { gpu, pool };
    const a = await pool.tensor('A', 'f32', [6]);
    const b = await pool.tensor('B', 'f32', [6]);
    const c = await pool.tensor('C', 'f32', [4]);
    const u = await pool.tensor('U', 'u32', [6]);
    const graph = new KernelGraph('errors');
    const ok: GemmOptions = { a, b, c, m: 2, n: 2, k: 3 };
    const throwsWith = async (o: Partial<GemmOptions> & Record<string, unknown>, type: typeof InputError, ...parts: string[]) => {
      try {
        await addGemm(graph, ctx, { ...ok, ...o } as GemmOptions);
      } catch (e) {
        assert.instance(e, type, `${JSON.stringify(Object.keys(o))}: ${(e as Error).message}`);
        for (const part of parts) assert.ok((e as Error).message.includes(part), `'${(e as Error).message}' should name ${part}`);
        return;
      }
      assert.unreachable(`no error for ${JSON.stringify(Object.keys(o))}`);
    };
    await throwsWith({ m: 0 }, InputError, 'gemm_f32', 'M = 0');
    await throwsWith({ n: -2 }, InputError, 'N = -2');
    await throwsWith({ k: 1.5 }, InputError, 'K = 1.5');
    await throwsWith({ k: 4 }, InputError, 'operand A', '2 x 4');
    await throwsWith({ n: 3 }, InputError, 'operand B');
    await throwsWith({ m: 3, k: 2 }, InputError, 'operand C');
    await throwsWith({ a: u }, InputError, 'operand A', 'f32');
    await throwsWith({ c: a }, InputError, 'operand C', 'same tensor');
    await throwsWith({ alpha: NaN }, InputError, 'alpha');
    // Shapes, where the tensors have them: a 3 x 2 A read as 2 x 3 is refused, its first rows are not.
    const a32 = await pool.tensor('A 3x2', 'f32', [3, 2]);
    const a43 = await pool.tensor('A 4x3', 'f32', [4, 3]);
    const c22 = await pool.tensor('C 2x2', 'f32', [2, 2]);
    await throwsWith({ a: a32 }, InputError, 'operand A', 'M x K = 2 x 3', "'A 3x2' is [3, 2]");
    await throwsWith({ a: a32, transA: true, c: a43 }, InputError, 'operand C', 'M x N = 2 x 2', "'A 4x3' is [4, 3]");
    const fits = new KernelGraph('fits');
    (await addGemm(fits, ctx, { ...ok, a: a43, c: c22 })).release();
    (await addGemm(fits, ctx, { ...ok, a: a32, transA: true })).release();
    assert.is(fits.nodes.length, 2);
    const tiny = await pool.tensor('tiny', 'f32', [1]);
    await throwsWith({ bias: tiny, biasAxis: 'row' }, InputError, 'operand bias', 'M = 2');
    await throwsWith({ activation: 'gelu' as Activation }, InputError, 'activation');
    await throwsWith({ bernoulli: { seed: 1, step: 0, samples: b } }, InputError, 'sigmoid');
    await throwsWith({ activation: 'sigmoid', bernoulli: { seed: -1, step: 0, samples: b } }, InputError, 'seed');
    await throwsWith({ activation: 'sigmoid', bernoulli: { seed: 1, step: 0, samples: c } }, InputError, 'samples', 'same tensor');
    await throwsWith({ variant: 'v1', activation: 'relu' }, InputError, 'v3');
    await throwsWith({ config: 'nope' }, InputError, 'tile config');
    await throwsWith({ config: { name: 'huge', tm: 8, tn: 8, wgX: 64, wgY: 64 } }, LimitError, 'workgroup');
    // Over the binding limit and not splittable: A stored transposed (rows of op(A) not contiguous),
    // B (read whole by every block of rows). test/gemm_split.test.ts has the products that split.
    const limit = gpu.limits.maxStorageBufferBindingSize;
    const big = Math.ceil(limit / 4 / 1024) + 1;
    await throwsWith({ m: 1024, k: big, n: 1, transA: true }, LimitError, 'operand A', 'maxStorageBufferBindingSize', 'transA');
    await throwsWith({ m: 1, k: big, n: 1024 }, LimitError, 'operand B', 'maxStorageBufferBindingSize');
    assert.is(graph.nodes.length, 0, 'nothing was added by a failed call');
  }));
gpu.run();
