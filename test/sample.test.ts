import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph, InputError, LimitError, bernoulli24, rngBits, uniform24, type Tensor } from '../engine/index.js';
import { addSample, addCategorical, addDropout, addDropoutBackward, type SampleOptions } from '../engine/ops/index.js';
import { addGemm } from '../engine/ops/gemm.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';
import {
  bernoulliReference,
  bernoulliLogitsReference,
  categoricalReference,
  dropoutReference,
  elementWord,
  gaussianReference,
  gumbelReference,
  gumbelVariate,
  sigmoid,
  uniformReference,
  type StreamReference,
} from '../harness/reference/sample.js';
import { validateExact } from '../harness/bench/validate.js';
import { chiSquare, chiSquareCritical, ksTest, normalCdf } from './stats_util.js';
import { expectError } from './expect.js';
import { withGpu, type GpuContext } from './gpu.js';
import { randomF32 as random } from './random.js';

// Every statistical test below runs at a stated significance alpha with a fixed seed, so its outcome
// is fixed too; a correct sampler fails one with probability alpha.
const ALPHA = 0.001;
const SIZE = Number(process.env.SAMPLE_N ?? 24000);

const gumbelCdf = (x: number) => Math.exp(-Math.exp(-x));

/** Pearson's chi-square of 0/1 draws against P(1) = p, summed over groups: one degree of freedom per group. */
function bernoulliChiSquare(groups: Array<{ p: number; ones: number; n: number }>): { statistic: number; dof: number } {
  return groups.reduce(
    (acc, g) => {
      const r = chiSquare([g.n - g.ones, g.ones], [1 - g.p, g.p]);
      return { statistic: acc.statistic + r.statistic, dof: acc.dof + 1 };
    },
    { statistic: 0, dof: 0 },
  );
}

// ---------------------------------------------------------------------------------------------
const reference = suite('sampler references (no GPU)');

reference('bernoulli24: p = 0, negative or NaN never, p >= 1 always, else the top 24 bits below floor(p 2^24)', () => {
  for (const word of [0, 1, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff]) {
    for (const p of [0, -0.5, NaN, -Infinity]) assert.is(bernoulli24(word, p), 0);
    for (const p of [1, 1.5, Infinity]) assert.is(bernoulli24(word, p), 1);
    // p = 0.5: 2^23 of the 2^24 values of word >> 8 lie below 2^23.
    assert.is(bernoulli24(word, 0.5), word >>> 8 < 2 ** 23 ? 1 : 0);
  }
  // The smallest p that ever samples 1 is 2^-24 (word >> 8 = 0); below it the threshold is 0.
  assert.is(bernoulli24(0xff, 2 ** -24), 1);
  assert.is(bernoulli24(0xff, 2 ** -25), 0);
});

reference('gumbelVariate: u = (2 (word >> 9) + 1) / 2^24 keeps -log(-log u) finite at both ends', () => {
  // word 0: u = 2^-24, -log(-log u) = -log(24 ln 2) = -2.8116; word 2^32 - 1: u = 1 - 2^-24, about 16.64.
  assert.ok(Math.abs(gumbelVariate(0) + Math.log(24 * Math.LN2)) < 1e-12);
  assert.ok(Math.abs(gumbelVariate(0xffffffff) - -Math.log(-Math.log1p(-(2 ** -24)))) < 1e-9);
  assert.ok(gumbelVariate(0xffffffff) > 16.6 && gumbelVariate(0xffffffff) < 16.7);
});

reference('ksTest accepts Philox uniforms and rejects them shifted by 1%', () => {
  const u = Float64Array.from({ length: 20000 }, (_, e) => uniform24(rngBits(3, RNG_PURPOSES.test, 0, e >> 2, 0)[e & 3]));
  assert.ok(ksTest(u, (x) => x).pValue > ALPHA);
  assert.ok(ksTest(u.map((x) => x * 0.98), (x) => x).pValue < ALPHA);
});

reference('chiSquare of Bernoulli groups rejects p off by 5%', () => {
  const s: StreamReference = { seed: 9, step: 0 };
  const p = new Float64Array(20000).fill(0.5);
  const ones = bernoulliReference(p, s).reduce((a, b) => a + b, 0);
  assert.ok(bernoulliChiSquare([{ p: 0.5, ones, n: p.length }]).statistic < 10.83, 'P(1) = 0.5 accepted (chi2_1 critical 10.83)');
  assert.ok(bernoulliChiSquare([{ p: 0.475, ones, n: p.length }]).statistic > 10.83, 'P(1) = 0.475 rejected');
});
reference.run();

// ---------------------------------------------------------------------------------------------
type Draw = SampleOptions extends infer T ? (T extends SampleOptions ? Omit<T, 'output' | 'seed' | 'step'> : never) : never;

/** Runs the ops `build` adds to a fresh graph (repeat and firstIteration as given), reads `outputs`, releases the ops. */
async function run(
  { scheduler }: GpuContext,
  outputs: Tensor[],
  build: (graph: KernelGraph) => Promise<{ release(): void }[]>,
  options: { repeat?: number; firstIteration?: number } = {},
): Promise<ArrayBuffer[]> {
  const graph = new KernelGraph('sample test');
  const ops = await build(graph);
  await scheduler.run(graph, options);
  const read = await Promise.all(outputs.map((t) => t.read()));
  ops.forEach((op) => op.release());
  return read;
}

/** One addSample of `draw` into a fresh f32 output of `count` elements; returns the draws. */
async function sample(ctx: GpuContext, count: number, draw: Draw, stream: { seed: number; step: number; call?: number; workgroupSize?: number }, options: { repeat?: number; firstIteration?: number } = {}): Promise<Float32Array> {
  const output = await ctx.pool.tensor('samples', 'f32', [count]);
  const [bytes] = await run(ctx, [output], async (graph) => [await addSample(graph, ctx, { ...draw, ...stream, output } as SampleOptions)], options);
  output.release();
  return new Float32Array(bytes);
}

const upload = (ctx: GpuContext, label: string, data: Float32Array) => ctx.pool.tensor(label, 'f32', [data.length], { data });

const gpu = suite('samplers (GPU)');

gpu('bernoulli from probabilities: bits equal the reference; p <= 0, NaN never, p >= 1 always; chi-square at alpha = 0.001; two workgroup sizes agree', () =>
  withGpu(async (ctx) => {
    // Element e has probability P[e % P.length]: groups interleave across the four words of a call.
    const P = [0, 1, -0.25, NaN, 1.5, 0.002, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1 / 3];
    const p = Float32Array.from({ length: SIZE }, (_, e) => P[e % P.length]);
    const probabilities = await upload(ctx, 'p', p);
    const stream = { seed: 2024, step: 17, call: 3 };
    const got = await sample(ctx, SIZE, { distribution: 'bernoulli', probabilities }, stream);
    const want = bernoulliReference(p, stream);
    const v = validateExact('sample.bernoulli', got, want);
    assert.ok(v.ok, v.message);
    const other = await sample(ctx, SIZE, { distribution: 'bernoulli', probabilities }, { ...stream, workgroupSize: 256 });
    assert.ok(validateExact('sample.bernoulli workgroup 256', other, got).ok, 'workgroup size 256 draws other bits');
    probabilities.release();

    const groups = P.map((q) => ({ p: q, ones: 0, n: 0 }));
    got.forEach((x, e) => {
      groups[e % P.length].ones += x;
      groups[e % P.length].n++;
    });
    for (const g of groups) {
      if (!(g.p > 0)) assert.is(g.ones, 0, `p = ${g.p} sampled 1`);
      if (g.p >= 1) assert.is(g.ones, g.n, `p = ${g.p} sampled 0`);
    }
    // The exact law: P(1) = floor(f32(p) 2^24) / 2^24.
    const undecided = groups.filter((g) => g.p > 0 && g.p < 1).map((g) => ({ ...g, p: Math.floor(Math.fround(g.p) * 2 ** 24) / 2 ** 24 }));
    const chi = bernoulliChiSquare(undecided);
    assert.ok(chi.statistic < chiSquareCritical(chi.dof, ALPHA), `chi2 = ${chi.statistic.toFixed(2)} with ${chi.dof} dof`);
  }));

gpu('bernoulli from logits: +-Inf and |z| >= 20 decided exactly, the rest as sigmoid (chi-square at alpha = 0.001); bits equal the reference but within 1e-6 of p', () =>
  withGpu(async (ctx) => {
    const Z = [-Infinity, -1e30, -100, -20, -4, -1, 0, 0.5, 2, 20, 100, 1e30, Infinity, NaN];
    const z = Float32Array.from({ length: SIZE }, (_, e) => Z[e % Z.length]);
    const logits = await upload(ctx, 'z', z);
    const stream = { seed: 5, step: 0 };
    const got = await sample(ctx, SIZE, { distribution: 'bernoulliLogits', logits }, stream);
    logits.release();
    const want = bernoulliLogitsReference(z, stream);
    let disagreements = 0;
    got.forEach((x, e) => {
      if (x === want[e]) return;
      // Only a word within f32 rounding of exp of p may be decided otherwise.
      const u = (elementWord('bernoulli', stream, e) >>> 8) / 2 ** 24;
      assert.ok(Math.abs(u - sigmoid(z[e])) < 1e-6, `element ${e} (z = ${z[e]}): gpu ${x}, reference ${want[e]}, u ${u}`);
      disagreements++;
    });
    assert.ok(disagreements <= 2, `${disagreements} disagreements`);
    const groups = Z.map((logit) => ({ p: sigmoid(logit), ones: 0, n: 0, logit }));
    got.forEach((x, e) => {
      groups[e % Z.length].ones += x;
      groups[e % Z.length].n++;
    });
    for (const g of groups) {
      // sigmoid(-20) = 2e-9 lies below the 24-bit resolution; sigmoid(20) rounds to 1 in f32.
      if (g.logit <= -20 || Number.isNaN(g.logit)) assert.is(g.ones, 0, `z = ${g.logit} sampled 1`);
      if (g.logit >= 20) assert.is(g.ones, g.n, `z = ${g.logit} sampled 0`);
    }
    const chi = bernoulliChiSquare(groups.filter((g) => Math.abs(g.logit) < 20));
    assert.ok(chi.statistic < chiSquareCritical(chi.dof, ALPHA), `chi2 = ${chi.statistic.toFixed(2)} with ${chi.dof} dof`);
  }));

gpu('gaussian, uniform, gumbel: KS against the exact CDFs at alpha = 0.001 and the reference within the WGSL accuracy of log, cos and sin', () =>
  withGpu(async (ctx) => {
    const stream = { seed: 77, step: 4, call: 1 };
    // Box-Muller: cos and sin err by 2^-11 absolute on [-pi, pi] (times a radius up to 5.8), log by
    // 2^-21 near 1, sqrt by 2.5 ulp: |gpu - ref| <= 1e-3 (1 + |n|) std (as the Philox test).
    const gauss = await sample(ctx, SIZE, { distribution: 'gaussian', mean: 3, std: 2 }, stream);
    const gaussRef = gaussianReference(SIZE, 3, 2, stream);
    gauss.forEach((x, e) => assert.ok(Math.abs(x - gaussRef[e]) <= 2e-3 * (1 + Math.abs(gaussRef[e] - 3) / 2), `gaussian ${e}: gpu ${x}, ref ${gaussRef[e]}`));
    const ksGauss = ksTest(gauss, (x) => normalCdf((x - 3) / 2));
    assert.ok(ksGauss.pValue > ALPHA, `gaussian KS D = ${ksGauss.statistic}, p = ${ksGauss.pValue}`);

    // lo + (hi - lo) u in f32: two roundings of at most half an ulp of 5 each.
    const unif = await sample(ctx, SIZE, { distribution: 'uniform', low: -2, high: 5 }, stream);
    const unifRef = uniformReference(SIZE, -2, 5, stream);
    unif.forEach((x, e) => {
      assert.ok(Math.abs(x - unifRef[e]) <= 2 ** -20, `uniform ${e}: gpu ${x}, ref ${unifRef[e]}`);
      assert.ok(x >= -2 && x <= 5, `uniform ${e} = ${x} outside [-2, 5]`);
    });
    const ksUnif = ksTest(unif, (x) => (x + 2) / 7);
    assert.ok(ksUnif.pValue > ALPHA, `uniform KS D = ${ksUnif.statistic}, p = ${ksUnif.pValue}`);

    // -log(E), E = -log(u) within 1.5e-5 relative (log's 2^-21 absolute at u <= 1 - 2^-5) or by
    // series: |gpu - ref| <= 1e-4 + 1e-5 |ref|.
    const gum = await sample(ctx, SIZE, { distribution: 'gumbel' }, stream);
    const gumRef = gumbelReference(SIZE, 0, 1, stream);
    gum.forEach((x, e) => assert.ok(Math.abs(x - gumRef[e]) <= 1e-4 + 1e-5 * Math.abs(gumRef[e]), `gumbel ${e}: gpu ${x}, ref ${gumRef[e]}`));
    const ksGum = ksTest(gum, gumbelCdf);
    assert.ok(ksGum.pValue > ALPHA, `gumbel KS D = ${ksGum.statistic}, p = ${ksGum.pValue}`);
  }));

gpu('per-element parameters: gaussian mean and std tensors, gumbel location and scale tensors; two workgroup sizes agree', () =>
  withGpu(async (ctx) => {
    const n = 4099; // not a multiple of 4: the last Philox call serves three elements
    const meanData = random(n, 1, 10);
    const stdData = random(n, 2, 1).map((x) => 0.5 + Math.abs(x));
    const mean = await upload(ctx, 'mean', meanData);
    const std = await upload(ctx, 'std', stdData);
    const stream = { seed: 1, step: 2 };
    const got = await sample(ctx, n, { distribution: 'gaussian', mean, std }, stream);
    const want = gaussianReference(n, meanData, stdData, stream);
    got.forEach((x, e) => assert.ok(Math.abs(x - want[e]) <= 2e-3 * stdData[e] * (1 + Math.abs(want[e] - meanData[e]) / stdData[e]) + 1e-5 * Math.abs(want[e]), `gaussian ${e}: gpu ${x}, ref ${want[e]}`));
    // Standardised, the draws are N(0, 1).
    const ks = ksTest(got.map((x, e) => (x - meanData[e]) / stdData[e]), normalCdf);
    assert.ok(ks.pValue > ALPHA, `standardised KS p = ${ks.pValue}`);
    const wide = await sample(ctx, n, { distribution: 'gaussian', mean, std }, { ...stream, workgroupSize: 1 });
    assert.ok(validateExact('gaussian workgroup 1', new Uint32Array(wide.buffer), new Uint32Array(got.buffer)).ok, 'workgroup size 1 draws other numbers');

    const gum = await sample(ctx, n, { distribution: 'gumbel', location: mean, scale: 2 }, stream);
    const gumRef = gumbelReference(n, meanData, 2, stream);
    gum.forEach((x, e) => assert.ok(Math.abs(x - gumRef[e]) <= 2e-4 + 1e-5 * Math.abs(gumRef[e]), `gumbel ${e}: gpu ${x}, ref ${gumRef[e]}`));
    mean.release();
    std.release();
  }));

gpu('the step advances with the iteration index; call separates draws; a run of 3 ends with step + 2', () =>
  withGpu(async (ctx) => {
    const n = 1000;
    const draw: Draw = { distribution: 'uniform' };
    const base = await sample(ctx, n, draw, { seed: 4, step: 6 });
    assert.equal(base, Float32Array.from(uniformReference(n, 0, 1, { seed: 4, step: 6 })));
    assert.equal(await sample(ctx, n, draw, { seed: 4, step: 5 }, { firstIteration: 1 }), base);
    assert.equal(await sample(ctx, n, draw, { seed: 4, step: 4 }, { repeat: 3 }), base);
    assert.not.equal(await sample(ctx, n, draw, { seed: 4, step: 6, call: 1 }), base);
    assert.not.equal(await sample(ctx, n, draw, { seed: 5, step: 6 }), base);
  }));

gpu('bernoulli draws exactly what the GEMM epilogue draws from the same probabilities', () =>
  withGpu(async (ctx) => {
    const [m, n, k] = [13, 37, 8];
    const a = await upload(ctx, 'A', random(m * k, 3, 2));
    const b = await upload(ctx, 'B', random(k * n, 4));
    const c = await ctx.pool.tensor('C', 'f32', [m * n]);
    const fused = await ctx.pool.tensor('fused', 'f32', [m * n]);
    const unfused = await ctx.pool.tensor('unfused', 'f32', [m * n]);
    const bernoulli = { seed: 8, step: 3 };
    const [fusedBytes, unfusedBytes] = await run(ctx, [fused, unfused], async (graph) => [
      await addGemm(graph, ctx, { a, b, c, m, n, k, activation: 'sigmoid', bernoulli: { ...bernoulli, samples: fused } }),
      await addSample(graph, ctx, { distribution: 'bernoulli', probabilities: c, output: unfused, ...bernoulli }),
    ], { firstIteration: 5 });
    const v = validateExact('sample.bernoulli vs gemm epilogue', new Float32Array(unfusedBytes), new Float32Array(fusedBytes));
    assert.ok(v.ok, v.message);
    [a, b, c, fused, unfused].forEach((t) => t.release());
  }));

gpu('categorical: softmax frequencies (chi-square at alpha = 0.001), extreme and infinite logits, NaN; equal to the reference off near-ties, to argmax(logits + the Gumbel sampler) and on three workgroup sizes', () =>
  withGpu(async (ctx) => {
    const classes = 7;
    const NaN_ = Number.NaN;
    const rowKinds = [
      [0, 1, 2, 3, -2, -Infinity, 0.5], // softmax over six classes, one impossible
      [100, 0, -100, 0, 0, 0, 0], // class 0 (the others have e^-100)
      [1e30, -1e30, 1e30, 1e30, -Infinity, -5, 1e30], // huge equal logits: uniform over 0, 2, 3, 6
      [NaN_, 0, 3, NaN_, 0, -Infinity, Infinity], // +Inf wins, NaN never
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity], // no finite logit: the first
      [NaN_, NaN_, NaN_, NaN_, NaN_, NaN_, NaN_], // no candidate: 0xFFFFFFFF
    ];
    const rows = Math.floor(SIZE / 4);
    // Of every 13 rows: 6 softmax, 3 huge, one of each other kind.
    const KINDS = [0, 0, 0, 0, 0, 0, 2, 2, 2, 1, 3, 4, 5];
    const kindOf = (r: number) => KINDS[r % KINDS.length];
    const z = new Float32Array(rows * classes);
    for (let r = 0; r < rows; r++) z.set(rowKinds[kindOf(r)], r * classes);
    const logits = await upload(ctx, 'logits', z);
    const stream = { seed: 31, step: 2, call: 1 };
    const classify = async (workgroupSize: number) => {
      const output = await ctx.pool.tensor('classes', 'u32', [rows]);
      const [bytes] = await run(ctx, [output], async (graph) => [await addCategorical(graph, ctx, { logits, output, rows, classes, ...stream, workgroupSize })]);
      output.release();
      return new Uint32Array(bytes);
    };
    const got = await classify(64);
    for (const wg of [1, 256]) assert.equal(await classify(wg), got, `workgroup size ${wg}`);

    // The Gumbel sampler's draws of the same stream, added in f32 as the kernel adds them.
    const g = await sample(ctx, rows * classes, { distribution: 'gumbel' }, stream);
    logits.release();
    for (let r = 0; r < rows; r++) {
      const row = z.subarray(r * classes, (r + 1) * classes);
      const finite = [...row].filter(Number.isFinite);
      const m = finite.length ? Math.max(...finite) : 0;
      let winner = 0xffffffff, best = 0;
      row.forEach((logit, j) => {
        const score = Math.fround(Math.fround(logit - m) + g[r * classes + j]);
        if (!Number.isNaN(score) && (winner === 0xffffffff || score > best)) [winner, best] = [j, score];
      });
      assert.is(got[r], winner, `row ${r}: categorical ${got[r]}, argmax of logits + gumbel ${winner}`);
    }

    // Against the float64 reference: equal wherever the winner leads by more than f32 rounding of
    // the scores (and of log) could move it.
    const want = categoricalReference(z, rows, classes, stream);
    let nearTies = 0;
    for (let r = 0; r < rows; r++) {
      if (want.margins[r] > 1e-4 || kindOf(r) >= 3) assert.is(got[r], want.classes[r], `row ${r} (margin ${want.margins[r]})`);
      else if (got[r] !== want.classes[r]) nearTies++;
    }
    assert.ok(nearTies <= 2, `${nearTies} near-ties decided otherwise`);

    const counts = (kind: number) => {
      const c = new Array(classes).fill(0);
      for (let r = 0; r < rows; r++) if (kindOf(r) === kind) c[got[r]]++;
      return c;
    };
    const softmax = (row: number[]) => {
      const m = Math.max(...row);
      const e = row.map((x) => Math.exp(x - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / s);
    };
    // The impossible class (-Inf) must never come; the others by chi-square (bins merged to expect >= 5).
    const soft = counts(0);
    assert.is(soft[5], 0, 'a -Inf logit won');
    const chi = chiSquare(soft, softmax(rowKinds[0]));
    assert.ok(chi.statistic < chiSquareCritical(chi.dof, ALPHA), `softmax chi2 = ${chi.statistic.toFixed(2)}, dof ${chi.dof}`);
    const huge = counts(2);
    assert.equal([huge[1], huge[4], huge[5]], [0, 0, 0]);
    const chiHuge = chiSquare([huge[0], huge[2], huge[3], huge[6]], [0.25, 0.25, 0.25, 0.25]);
    assert.ok(chiHuge.statistic < chiSquareCritical(chiHuge.dof, ALPHA), `huge logits chi2 = ${chiHuge.statistic.toFixed(2)}`);
    for (let r = 0; r < rows; r++) {
      const expected = [undefined, 0, undefined, 6, 0, 0xffffffff][kindOf(r)];
      if (expected !== undefined) assert.is(got[r], expected, `row ${r} of kind ${kindOf(r)}`);
    }
  }));

gpu('dropout: output and mask bit-exact against the reference, keep frequency (chi-square at alpha = 0.001), NaN dropped to 0, keep = 1 is the identity; backward redraws the same mask', () =>
  withGpu(async (ctx) => {
    const n = SIZE + 3;
    const xData = random(n, 11, 3);
    xData[5] = NaN;
    xData[6] = Infinity;
    const dyData = random(n, 12, 2);
    const x = await upload(ctx, 'x', xData);
    const dy = await upload(ctx, 'dy', dyData);
    const y = await ctx.pool.tensor('y', 'f32', [n]);
    const dx = await ctx.pool.tensor('dx', 'f32', [n]);
    const keep = 0.8;
    const stream = { seed: 12, step: 40, call: 2 };
    // Forward and backward in one graph, run 3 times from iteration 1: both draw at step 40 + 3.
    const [yBytes, dxBytes] = await run(ctx, [y, dx], async (graph) => [
      await addDropout(graph, ctx, { input: x, output: y, keep, ...stream }),
      await addDropoutBackward(graph, ctx, { gradOutput: dy, gradInput: dx, keep, ...stream }),
    ], { firstIteration: 1, repeat: 3 });
    const forward = dropoutReference(xData, keep, { ...stream, step: 43 });
    const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
    let v = validateExact('dropout', bits(new Float32Array(yBytes)), bits(forward.output));
    assert.ok(v.ok, v.message);
    // Backward from the forward pass's mask: dy * mask * f32(1 / keep).
    const scale = Math.fround(1 / Math.fround(keep));
    const backward = Float32Array.from(dyData, (g, e) => (forward.mask[e] ? Math.fround(g * scale) : 0));
    v = validateExact('dropout.backward', bits(new Float32Array(dxBytes)), bits(backward));
    assert.ok(v.ok, v.message);
    const kept = forward.mask.reduce((a, b) => a + b, 0);
    const pKeep = Math.floor(Math.fround(keep) * 2 ** 24) / 2 ** 24;
    const chi = bernoulliChiSquare([{ p: pKeep, ones: kept, n }]);
    assert.ok(chi.statistic < 10.828, `keep chi2 = ${chi.statistic.toFixed(2)} (chi2_1 critical 10.828 at alpha = 0.001)`);

    const [identity] = await run(ctx, [y], async (graph) => [await addDropout(graph, ctx, { input: x, output: y, keep: 1, seed: 1, step: 0 })]);
    assert.equal(bits(new Float32Array(identity)), bits(xData));
    [x, dy, y, dx].forEach((t) => t.release());
  }));

gpu('bad input: InputError naming the op, the operand and both shapes; nothing added, nothing leaked', () =>
  withGpu(async (ctx) => {
    const f100 = await ctx.pool.tensor('p100', 'f32', [100]);
    const f99 = await ctx.pool.tensor('out99', 'f32', [99]);
    const out = await ctx.pool.tensor('out100', 'f32', [10, 10]);
    const u100 = await ctx.pool.tensor('u100', 'u32', [100]);
    const u9 = await ctx.pool.tensor('u9', 'u32', [9]);
    // A first op allocates the pool's placeholder, so that liveBytes counts only what errors leak.
    (await addSample(new KernelGraph('placeholder'), ctx, { distribution: 'uniform', output: out, seed: 0, step: 0 })).release();
    const graph = new KernelGraph('errors');
    const live = ctx.pool.liveBytes;
    const s = { seed: 1, step: 0 };
    await expectError(() => addSample(graph, ctx, { distribution: 'bernoulli', probabilities: f100, output: f99, ...s }), InputError, 'sample.bernoulli', 'operand probabilities', '[99]', '[100]');
    await expectError(() => addSample(graph, ctx, { distribution: 'bernoulli', probabilities: f100, output: u100, ...s }), InputError, 'sample.bernoulli', 'operand output', 'f32', 'u32');
    await expectError(() => addSample(graph, ctx, { distribution: 'bernoulliLogits', logits: u100, output: out, ...s }), InputError, 'operand logits', 'f32');
    await expectError(() => addSample(graph, ctx, { distribution: 'bernoulli', probabilities: out, output: out, ...s }), InputError, 'same tensor');
    await expectError(() => addSample(graph, ctx, { distribution: 'gaussian', mean: f99, output: out, ...s }), InputError, 'sample.gaussian', 'operand mean', '[10, 10]', '[99]');
    await expectError(() => addSample(graph, ctx, { distribution: 'gaussian', std: NaN, output: out, ...s }), InputError, 'std');
    await expectError(() => addSample(graph, ctx, { distribution: 'uniform', low: 2, high: 1, output: out, ...s }), InputError, 'low = 2');
    await expectError(() => addSample(graph, ctx, { distribution: 'uniform', high: 1e39, output: out, ...s }), InputError, 'high');
    await expectError(() => addSample(graph, ctx, { distribution: 'poisson', output: out, ...s } as unknown as SampleOptions), InputError, 'unknown distribution');
    await expectError(() => addSample(graph, ctx, { distribution: 'gumbel', output: out, seed: -1, step: 0 }), InputError, 'seed');
    await expectError(() => addSample(graph, ctx, { distribution: 'gumbel', output: out, seed: 0, step: 2 ** 32 }), InputError, 'step');
    await expectError(() => addSample(graph, ctx, { distribution: 'gumbel', output: out, ...s, workgroupSize: 48 }), InputError, 'power of two');
    await expectError(() => addSample(graph, ctx, { distribution: 'gumbel', output: out, ...s, workgroupSize: 4096 }), LimitError, 'workgroupSize');
    await expectError(() => addDropout(graph, ctx, { input: f100, output: out, keep: 0, ...s }), InputError, 'dropout', 'keep = 0');
    await expectError(() => addDropout(graph, ctx, { input: f100, output: out, keep: 1.5, ...s }), InputError, 'keep = 1.5');
    await expectError(() => addDropout(graph, ctx, { input: f100, output: f99, keep: 0.5, ...s }), InputError, 'dropout', 'operand output', '[100]', '[99]');
    await expectError(() => addDropoutBackward(graph, ctx, { gradOutput: f99, gradInput: f100, keep: 0.5, ...s }), InputError, 'dropout.backward', 'operand gradInput', '[99]', '[100]');
    await expectError(() => addCategorical(graph, ctx, { logits: f100, output: u9, rows: 10, classes: 10, ...s }), InputError, 'sample.categorical', 'operand output', '[10]', '[9]');
    await expectError(() => addCategorical(graph, ctx, { logits: f99, output: u9, rows: 9, classes: 10, ...s }), InputError, 'operand logits', '[9, 10]', '[99]');
    await expectError(() => addCategorical(graph, ctx, { logits: f100, output: f100, rows: 100, classes: 1, ...s }), InputError, 'operand output', 'u32');
    await expectError(() => addCategorical(graph, ctx, { logits: f100, output: u100, rows: 100, classes: 0, ...s }), InputError, 'classes = 0');
    assert.is(graph.nodes.length, 0, 'a failed op added a dispatch');
    assert.is(ctx.pool.liveBytes, live, 'a failed op leaked its params');
    [f100, f99, out, u100, u9].forEach((t) => t.release());
  }));
gpu.run();
