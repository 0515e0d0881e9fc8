// The 'bench-gemm' job: GFLOP/s of the f32 GEMM variants (v1 naive, v2 workgroup tiles, v3 register
// tiles with the default or tuned config), tf.matMul of tfjs-backend-webgpu on the same device, and
// G binary ops/s of the XNOR GEMM, at square and RBM shapes, next to the adapter's limits measured in
// the same run. Every timed kernel is checked first (harness/gemm/check.ts).
import { InputError, KernelGraph, type Tensor } from '../../engine/index.js';
import { addGemm, GEMM_F32_CONFIGS, type GemmVariantName } from '../../engine/ops/gemm.js';
import { addXnorGemm, XNOR_CONFIGS } from '../../engine/ops/xnor.js';
import { MemoryTuneStore, Tuner, type TuneResult } from '../../engine/ops/tune.js';
import type { TileConfig } from '../../engine/ops/common.js';
import type { TfjsPeer } from './tfjs_peer.js';
import type { JobContext } from '../backends/context.js';
import type { Json, JsonObject } from '../io/json.js';
import { measureLimits } from '../bench/limits.js';
import { timeRuns, type Timing } from '../bench/timing.js';
import { checkAgainst, checkF32Gemm, checkXnor, philoxSignWords, philoxUniform, type GemmShape } from './check.js';
import { defineJob } from '../backends/context.js';
import { boolean, choice, number, text, withDefault, type Values } from '../cli/schema.js';
import { reps, sizes } from '../bench/flags.js';

export type GemmOp = 'NN' | 'NT' | 'TN';

export interface BenchShape extends GemmShape {
  op: GemmOp;
  label: string;
}

const square = (s: number): BenchShape => ({ m: s, n: s, k: s, transA: false, transB: false, op: 'NN', label: `${s}^3` });

/** The RBM's products at batch 100, 784 visible and 500 hidden units (M x N x K). */
export const RBM_SHAPES: readonly BenchShape[] = [
  { m: 100, n: 784, k: 500, transA: false, transB: false, op: 'NN', label: 'RBM' },
  { m: 100, n: 500, k: 784, transA: false, transB: true, op: 'NT', label: 'RBM' },
  { m: 784, n: 100, k: 500, transA: true, transB: false, op: 'TN', label: 'RBM' },
];

/** 2 M N K: a multiply and an add per term of each dot product. */
const opsOf = (s: GemmShape) => 2 * s.m * s.n * s.k;
const shapeName = (s: GemmShape) => `${s.m}x${s.n}x${s.k}`;

interface Budget {
  reps: number;
  /** Small products repeat within one timed run until it takes about this long. */
  targetMs: number;
  /** Whether a probe run sizes the repeat count; false where one dispatch is known to exceed targetMs. */
  probe: boolean;
}

/**
 * Checks once (that run also compiles and warms up), probes one run to size the repeat count, then
 * times `budget.reps` runs through timeRuns; returns ms per dispatch.
 */
async function timeGraph(ctx: JobContext, graph: KernelGraph, budget: Budget, check: () => Promise<void>): Promise<Timing & { repeat: number }> {
  let repeat = 1;
  const timing = await timeRuns(async () => (await ctx.scheduler.run(graph, { repeat })).wallMs / repeat, {
    warmup: 0,
    reps: budget.reps,
    validate: async () => {
      await check();
      if (!budget.probe) return;
      const probe = (await ctx.scheduler.run(graph)).wallMs;
      repeat = Math.max(1, Math.min(256, Math.round(budget.targetMs / Math.max(probe, 0.01))));
    },
  });
  return { ...timing, repeat };
}

export type PeerState = { peer: TfjsPeer; version: string } | { reason: string };

/** Loads the tfjs peer bundle (dist/peers/tfjs.js in pages, tfjs.node.js in Node) by a URL known only at run time. */
export async function loadTfjs(ctx: JobContext, url: string | undefined): Promise<PeerState> {
  const runtime = ctx.gpu.adapter.runtime;
  try {
    let href = url;
    if (!href) {
      if (runtime === 'browser') href = new URL('peers/tfjs.js', import.meta.url).href;
      else {
        // dist/cli.js and dist/test/*.js both find dist/peers/.
        const { existsSync } = await import('node:fs');
        const { fileURLToPath } = await import('node:url');
        href = ['peers/tfjs.node.js', '../peers/tfjs.node.js'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(fileURLToPath(u)))?.href;
        if (!href) throw new Error('dist/peers/tfjs.node.js not found (run node build.mjs)');
      }
    }
    const module = (await import(/* @vite-ignore */ href)) as typeof import('./tfjs_peer.js');
    const peer = await module.createTfjsPeer(ctx.gpu.device, ctx.gpu.adapter);
    return { peer, version: peer.version };
  } catch (e) {
    return { reason: `tfjs-backend-webgpu unavailable in ${runtime}: ${(e as Error).message}` };
  }
}

/** Per kernel, the last measured rate (ops/ms), to estimate a repetition before running it. */
class RateEstimate {
  private rates = new Map<string, number>();
  set(kernel: string, ops: number, ms: number): void {
    this.rates.set(kernel, ops / ms);
  }
  /** Estimated seconds of one repetition; null before any measurement. */
  seconds(kernel: string, ops: number): number | null {
    const rate = this.rates.get(kernel);
    return rate ? ops / rate / 1000 : null;
  }
}

export const BENCH_GEMM_JOB = {
  sizes: withDefault(sizes, [256, 512, 1024, 2048]),
  reps,
  'target-ms': number({ hidden: true, min: 1, default: 200, help: 'each timed repetition runs enough products to take about this long' }),
  'max-rep-s': number({ hidden: true, min: 0, default: 3, help: 'v1 and v2 run where a repetition is estimated under this' }),
  'peer-max-rep-s': number({ hidden: true, min: 0, default: 20, help: 'tfjs runs where a repetition is estimated under this' }),
  rbm: boolean({ hidden: true, help: 'also the RBM shapes' }),
  'no-tfjs': boolean({ hidden: true, help: 'leave the tfjs peer out' }),
  config: choice(['auto', 'default', ...GEMM_F32_CONFIGS.map((c) => c.name)], { hidden: true, default: 'auto', help: "v3's tile config: tuned in this run, the default, or a named one" }),
  'tfjs-url': text({ hidden: true, help: "where a page loads the tfjs peer from (default: next to the runner's bundle)" }),
} as const;

export async function runBenchGemmJob(ctx: JobContext, p: Values<typeof BENCH_GEMM_JOB>): Promise<JsonObject> {
  const { sizes, reps } = p;
  if (!sizes.every((s) => s <= 8192)) throw new InputError(`bench gemm: sizes must be at most 8192, got ${sizes.join(',')}`);
  const targetMs = p['target-ms'];
  // Where a repetition is estimated (from the last shape's rate) over 2 s, 3 repetitions (2048^3 f32
  // takes about 6 s here) and no probe run: one dispatch is already longer than target_ms.
  const budgetFor = (est: number | null): Budget => ({
    reps: est !== null && est > 2 ? Math.min(reps, 3) : reps,
    targetMs,
    probe: est === null || est * 1000 < targetMs,
  });
  // v1 and v2 run where a repetition is estimated under max_rep_s; tfjs (with readback) under peer_max_rep_s.
  const maxRepS = p['max-rep-s'];
  const peerMaxRepS = p['peer-max-rep-s'];
  const withRbm = p.rbm;
  const withTfjs = !p['no-tfjs'];
  const configSpec = p.config;
  const tfjsUrl = p['tfjs-url'];
  const shapes: BenchShape[] = [...sizes.map(square), ...(withRbm ? RBM_SHAPES : [])];

  const limits = await measureLimits(ctx, { reps });
  // One 32-bit xor + popcount (+ add) handles 32 bits: 64 binary ops; popcount_gops counts it as 2.
  const xnorPeak = limits.popcount_gops * 32;
  // Tuned in this run (a memory store), so that node and chrome each tune on their own runtime.
  const tuner = new Tuner({ store: new MemoryTuneStore() });
  const tuning: Json[] = [];
  const peerState: PeerState = withTfjs ? await loadTfjs(ctx, tfjsUrl) : { reason: 'tfjs disabled (tfjs: false)' };
  const estimates = new RateEstimate();
  const rows: JsonObject[] = [];
  const base = (kernel: string, s: BenchShape) => ({ kernel, shape: shapeName(s), op: s.op, label: s.label, m: s.m, n: s.n, k: s.k, ops: opsOf(s) });

  // v1 and v2 are estimated from one probe each at 128^3 before any large shape is tried.
  for (const variant of ['v1', 'v2'] as const) {
    const probe = square(128);
    const t = await timeF32(ctx, variant, probe, undefined, { reps: 1, targetMs: 0, probe: false });
    estimates.set(`gemm_f32.${variant}`, opsOf(probe), t.timing.median_ms);
  }

  try {
    for (const s of shapes) {
      // v3 first: its C is what tfjs is checked against, its rate what XNOR is compared with.
      const tuned = configSpec === 'auto' ? await tuner.lookup(ctx, 'gemm_f32', s) : null;
      if (tuned) tuning.push(tuningJson(tuned));
      const config = tuned ? tuned.choice : configSpec === 'default' ? GEMM_F32_CONFIGS[0].name : configSpec;
      const v3 = await timeF32(ctx, 'v3', s, config, budgetFor(estimates.seconds('gemm_f32.v3', opsOf(s))));
      estimates.set('gemm_f32.v3', opsOf(s), v3.timing.median_ms);
      const f32Gflops = opsOf(s) / (v3.timing.median_ms * 1e6);
      rows.push({
        ...base('gemm_f32', s),
        variant: 'v3',
        config,
        config_source: tuned ? tuned.source : configSpec,
        gflops: f32Gflops,
        ...timingJson(v3.timing),
        readback_ms: v3.readbackMs,
        fraction_of_peak: f32Gflops / limits.fma_gflops,
        check: v3.check,
      });

      for (const variant of ['v1', 'v2'] as const) {
        const kernel = `gemm_f32.${variant}`;
        const est = estimates.seconds(kernel, opsOf(s))!;
        if (est > maxRepS) {
          rows.push({ ...base('gemm_f32', s), variant, skipped: true, est_s: est, reason: `est. ${est.toFixed(1)} s per repetition > ${maxRepS} s` });
          continue;
        }
        const t = await timeF32(ctx, variant, s, undefined, budgetFor(est));
        estimates.set(kernel, opsOf(s), t.timing.median_ms);
        const gflops = opsOf(s) / (t.timing.median_ms * 1e6);
        rows.push({ ...base('gemm_f32', s), variant, gflops, ...timingJson(t.timing), fraction_of_peak: gflops / limits.fma_gflops, check: t.check });
      }

      if ('peer' in peerState) {
        const est = estimates.seconds('tfjs', opsOf(s));
        if (est !== null && est > peerMaxRepS) {
          rows.push({ ...base('tfjs_matmul', s), skipped: true, est_s: est, reason: `est. ${est.toFixed(1)} s per repetition > ${peerMaxRepS} s` });
        } else {
          const t = await timeTfjs(peerState.peer, s, v3.c, budgetFor(est).reps);
          estimates.set('tfjs', opsOf(s), t.timing.median_ms);
          const gflops = opsOf(s) / (t.timing.median_ms * 1e6);
          rows.push({
            ...base('tfjs_matmul', s),
            gflops,
            ...timingJson(t.timing),
            includes_readback: true,
            fraction_of_peak: gflops / limits.fma_gflops,
            f32_over_tfjs: f32Gflops / gflops,
            check: t.check,
          });
        }
      } else {
        rows.push({ ...base('tfjs_matmul', s), skipped: true, reason: peerState.reason });
      }

      const xnorTuned = configSpec === 'auto' ? await tuner.lookup(ctx, 'xnor_gemm', s) : null;
      if (xnorTuned) tuning.push(tuningJson(xnorTuned));
      const xnorConfig = xnorTuned ? xnorTuned.choice : XNOR_CONFIGS[0].name;
      const x = await timeXnor(ctx, s, xnorConfig, budgetFor(estimates.seconds('xnor_gemm', opsOf(s))));
      estimates.set('xnor_gemm', opsOf(s), x.timing.median_ms);
      const gbinops = opsOf(s) / (x.timing.median_ms * 1e6);
      rows.push({
        ...base('xnor_gemm', s),
        // XNOR computes A B^T of packed ±1 rows whatever the f32 product's layout.
        op: 'NT',
        config: xnorConfig,
        gbinops,
        ...timingJson(x.timing),
        fraction_of_peak: gbinops / xnorPeak,
        xnor_over_f32: gbinops / f32Gflops,
        check: x.check,
      });
    }
  } finally {
    if ('peer' in peerState) peerState.peer.dispose();
  }

  return {
    name: 'gemm',
    adapter: { ...ctx.gpu.adapter },
    params: { sizes: sizes as number[], rbm: withRbm, reps, target_ms: targetMs, max_rep_s: maxRepS, peer_max_rep_s: peerMaxRepS, config: configSpec },
    limits: { ...limits, xnor_peak_gbinops: xnorPeak },
    tfjs: 'peer' in peerState ? { available: true, version: peerState.version } : { available: false, reason: peerState.reason },
    rows,
    tuning,
    date: new Date().toISOString(),
  };
}

function timingJson(t: Timing & { repeat: number }): JsonObject {
  return { median_ms: t.median_ms, min_ms: t.min_ms, max_ms: t.max_ms, reps: t.reps, dispatches_per_rep: t.repeat };
}

function tuningJson(r: TuneResult): JsonObject {
  return {
    kernel: r.kernel,
    shape_class: r.shapeClass,
    timed_shape: r.timedShape,
    source: r.source,
    choice: r.choice,
    candidates: r.candidates.map((c) => ({ config: c.config, ms: c.ms })),
  };
}

/** A tensor holding `data`, or zeros when only a length is given. */
/** What a benchmark frees when done: tensors and the ops' params. */
type Releasable = { release(): void };

async function upload(ctx: JobContext, made: Releasable[], label: string, dtype: 'f32' | 'u32' | 'i32', data: Float32Array | Uint32Array | number): Promise<Tensor> {
  const t = typeof data === 'number' ? await ctx.pool.tensor(label, dtype, [data]) : await ctx.pool.tensor(label, dtype, [data.length], { data });
  made.push(t);
  return t;
}

/** One f32 GEMM variant at one shape: checked against the reference, then timed. */
async function timeF32(
  ctx: JobContext,
  variant: GemmVariantName,
  s: BenchShape,
  config: string | TileConfig | undefined,
  budget: Budget,
): Promise<{ timing: Timing & { repeat: number }; check: string; c: Float32Array; readbackMs: number }> {
  const a = philoxUniform(s.m * s.k, 1, 0);
  const b = philoxUniform(s.k * s.n, 1, 1);
  const made: Releasable[] = [];
  try {
    const ta = await upload(ctx, made, 'bench A', 'f32', a);
    const tb = await upload(ctx, made, 'bench B', 'f32', b);
    const tc = await upload(ctx, made, 'bench C', 'f32', s.m * s.n);
    const graph = new KernelGraph(`bench gemm_f32.${variant}`);
    const op = await addGemm(graph, ctx, { a: ta, b: tb, c: tc, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB, variant, config });
    made.push(op);
    let check = '';
    let c = new Float32Array(0);
    const timing = await timeGraph(ctx, graph, budget, async () => {
      await ctx.scheduler.run(graph);
      c = new Float32Array(await tc.read());
      check = checkF32Gemm(`gemm_f32.${variant} ${shapeName(s)} ${s.op}`, c, a, b, s);
    });
    const t0 = performance.now();
    await tc.read();
    return { timing, check, c, readbackMs: performance.now() - t0 };
  } finally {
    made.forEach((t) => t.release());
  }
}

/** tf.matMul + data() of the same product: checked against our C, then timed per call. */
async function timeTfjs(peer: TfjsPeer, s: BenchShape, ours: Float32Array, reps: number): Promise<{ timing: Timing & { repeat: number }; check: string }> {
  const mm = peer.matmul(philoxUniform(s.m * s.k, 1, 0), philoxUniform(s.k * s.n, 1, 1), s);
  try {
    let check = '';
    const timing = await timeRuns(
      async () => {
        const t0 = performance.now();
        await mm.run();
        return performance.now() - t0;
      },
      {
        reps,
        // The checked run compiled tfjs's shaders and uploaded A and B: it is the warm-up.
        warmup: 0,
        validate: async () => {
          check = checkAgainst(`tfjs matMul ${shapeName(s)} ${s.op}`, await mm.run(), ours, s.k);
        },
      },
    );
    return { timing: { ...timing, repeat: 1 }, check };
  } finally {
    mm.dispose();
  }
}

/** XNOR GEMM of random ±1 rows (A: M x K, B: N x K, packed): checked exactly, then timed. */
async function timeXnor(ctx: JobContext, s: BenchShape, config: string, budget: Budget): Promise<{ timing: Timing & { repeat: number }; check: string }> {
  const a = philoxSignWords(s.m, s.k, 2, 0);
  const b = philoxSignWords(s.n, s.k, 2, 1);
  const made: Releasable[] = [];
  try {
    const ta = await upload(ctx, made, 'bench A bits', 'u32', a);
    const tb = await upload(ctx, made, 'bench B bits', 'u32', b);
    const tc = await upload(ctx, made, 'bench C', 'i32', s.m * s.n);
    const graph = new KernelGraph('bench xnor_gemm');
    const op = await addXnorGemm(graph, ctx, { a: ta, b: tb, c: tc, m: s.m, n: s.n, k: s.k, config });
    made.push(op);
    let check = '';
    const timing = await timeGraph(ctx, graph, budget, async () => {
      await ctx.scheduler.run(graph);
      check = checkXnor(`xnor_gemm ${shapeName(s)}`, new Int32Array(await tc.read()), a, b, s.m, s.n, s.k);
    });
    return { timing, check };
  } finally {
    made.forEach((t) => t.release());
  }
}

export const benchGemmJob = defineJob(BENCH_GEMM_JOB, runBenchGemmJob);
