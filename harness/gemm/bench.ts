// The 'bench-gemm' job: GFLOP/s of the f32 GEMM variants (v1 naive, v2 workgroup tiles, v3 register
// tiles with the default or tuned config), tf.matMul of tfjs-backend-webgpu on the same device, and
// G binary ops/s of the XNOR GEMM, at square and RBM shapes, next to the adapter's limits measured in
// the same run. Every timed kernel is checked first (harness/gemm/check.ts). Ours and tfjs are timed
// the same two ways (harness/gemm/modes.ts): batched (N products, then one readback) for every kernel,
// and per call (one product, then a readback) for v3 and tfjs; f32_over_tfjs compares the batched rows.
import { InputError, KernelGraph, type Gpu, type Tensor } from '../../engine/index.js';
import { addGemm, GEMM_F32_CONFIGS, type GemmVariantName } from '../../engine/ops/gemm.js';
import { addXnorGemm, XNOR_CONFIGS } from '../../engine/ops/xnor.js';
import { MemoryTuneStore, Tuner, type TuneResult } from '../../engine/ops/tune.js';
import type { TileConfig } from '../../engine/ops/common.js';
import type { TfjsPeer } from './tfjs_peer.js';
import type { JobContext } from '../backends/context.js';
import type { Json, JsonObject } from '../io/json.js';
import { measureLimits } from '../bench/limits.js';
import { checkAgainst, checkF32Gemm, checkXnor, philoxSignWords, philoxUniform, type GemmShape } from './check.js';
import { BENCH_MODES, HEADLINE_MODE, modeLabel, type BenchMode } from './modes.js';
import { batchOfOne, MAX_BATCH, timeOurModes, timeProducts, type Budget, type Measured, type Modes } from './timed_modes.js';
import { defineJob } from '../backends/context.js';
import { boolean, choice, integer, number, text, withDefault, type Values } from '../cli/schema.js';
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

export type PeerState = { peer: TfjsPeer; version: string } | { reason: string };

/** Loads the tfjs peer bundle (dist/peers/tfjs.js in pages, tfjs.node.js in Node) by a URL known only at run time. */
/** A result's `tfjs` field: the peer's version, or why there is none. */
export function tfjsStatus(state: PeerState): { available: true; version: string } | { available: false; reason: string } {
  return 'peer' in state ? { available: true, version: state.version } : { available: false, reason: state.reason };
}

export async function loadTfjs(gpu: Gpu, url?: string): Promise<PeerState> {
  const runtime = gpu.adapter.runtime;
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
    const peer = await module.createTfjsPeer(gpu.device, gpu.adapter);
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
  'target-ms': number({ hidden: true, min: 1, default: 200, help: 'each batched repetition runs enough products (N) to take about this long' }),
  batch: integer({ hidden: true, min: 1, max: MAX_BATCH, help: 'N, the products per batched repetition, for every kernel and shape (default: sized by target-ms)' }),
  'max-rep-s': number({ hidden: true, min: 0, default: 3, help: 'v1 and v2 run where a repetition is estimated under this' }),
  'peer-max-rep-s': number({ hidden: true, min: 0, default: 20, help: 'tfjs runs (each mode) where a repetition is estimated under this' }),
  'no-rbm': boolean({ hidden: true, help: 'leave out the RBM shapes' }),
  'no-tfjs': boolean({ hidden: true, help: 'leave the tfjs peer out' }),
  config: choice(['auto', 'default', ...GEMM_F32_CONFIGS.map((c) => c.name)], { hidden: true, default: 'auto', help: "v3's tile config: tuned in this run, the default, or a named one" }),
  'tfjs-url': text({ hidden: true, help: "where a page loads the tfjs peer from (default: next to the runner's bundle)" }),
} as const;

/** The line a finished row gives onUnit: 'gemm_f32 v3 1024x1024x1024 NN batched (N = 1): 3.1 GFLOP/s (median of 5)'. */
export function gemmRowLine(r: JsonObject): string {
  const name = [r.kernel, r.variant, r.shape, r.op, modeLabel(r.mode, r.products_per_rep)].filter((x) => typeof x === 'string' && x !== '').join(' ');
  if (r.skipped) return `${name}: skipped, ${String(r.reason)}`;
  const [rate, unit] = typeof r.gbinops === 'number' ? [r.gbinops, 'Gbinop/s'] : [r.gflops as number, 'GFLOP/s'];
  return `${name}: ${rate.toPrecision(3)} ${unit} (median of ${String(r.reps)})`;
}

export async function runBenchGemmJob(ctx: JobContext, p: Values<typeof BENCH_GEMM_JOB>): Promise<JsonObject> {
  const { sizes, reps, batch } = p;
  if (!sizes.every((s) => s <= 8192)) throw new InputError(`bench gemm: sizes must be at most 8192, got ${sizes.join(',')}`);
  const targetMs = p['target-ms'];
  // Where a repetition is estimated (from the last shape's rate) over 2 s, 3 repetitions (2048^3 f32
  // takes about 6 s here) and N = 1: one product is already longer than target_ms.
  const budgetFor = (est: number | null): Budget => ({
    reps: est !== null && est > 2 ? Math.min(reps, 3) : reps,
    targetMs,
    probe: est === null || est * 1000 < targetMs,
    batch,
  });
  // v1 and v2 run where a repetition is estimated under max_rep_s; tfjs (with readback) under peer_max_rep_s.
  const maxRepS = p['max-rep-s'];
  const peerMaxRepS = p['peer-max-rep-s'];
  const withRbm = !p['no-rbm'];
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
  const peerState: PeerState = withTfjs ? await loadTfjs(ctx.gpu, tfjsUrl) : { reason: 'tfjs disabled (tfjs: false)' };
  const estimates = new RateEstimate();
  const rows: JsonObject[] = [];
  /** Records a finished row and tells onUnit. */
  const finish = (row: JsonObject) => {
    rows.push(row);
    ctx.onUnit?.(gemmRowLine(row));
  };
  const base = (kernel: string, s: BenchShape) => ({ kernel, shape: shapeName(s), op: s.op, label: s.label, m: s.m, n: s.n, k: s.k, ops: opsOf(s) });
  /** A timed row's mode, N, ms per product and check; `rate` in G(binary) ops/s. */
  const timed = (m: Measured, mode: BenchMode, s: BenchShape) => ({ mode, ...timingJson(m), check: m.check, rate: rateOf(m, s) });
  const skipped = (mode: BenchMode, est: number, limit: number, products = 1) => ({
    mode,
    skipped: true,
    est_s: est,
    reason: `est. ${est.toFixed(1)} s per repetition${products > 1 ? ` (N = ${products})` : ''} > ${limit} s`,
  });

  // v1 and v2 are estimated from one probe each at 128^3 before any large shape is tried.
  for (const variant of ['v1', 'v2'] as const) {
    const probe = square(128);
    const t = await timeF32(ctx, variant, probe, undefined, { reps: 1, targetMs: 0, probe: false }, false);
    estimates.set(`gemm_f32.${variant}`, opsOf(probe), t.modes.batched.timing.median_ms);
  }

  try {
    for (const s of shapes) {
      // v3 first: its C is what tfjs is checked against, its rate what XNOR is compared with.
      const tuned = configSpec === 'auto' ? await tuner.lookup(ctx, 'gemm_f32', s) : null;
      if (tuned) tuning.push(tuningJson(tuned));
      const config = tuned ? tuned.choice : configSpec === 'default' ? GEMM_F32_CONFIGS[0].name : configSpec;
      const v3 = await timeF32(ctx, 'v3', s, config, budgetFor(estimates.seconds('gemm_f32.v3', opsOf(s))), true);
      const v3PerCall = v3.modes.perCall!;
      const v3Batched = v3.modes.batched;
      estimates.set('gemm_f32.v3', opsOf(s), v3Batched.timing.median_ms);
      const f32Gflops = rateOf(v3Batched, s);
      const v3Row = (m: Measured, mode: BenchMode) => {
        const { rate, ...t } = timed(m, mode, s);
        finish({ ...base('gemm_f32', s), variant: 'v3', config, config_source: tuned ? tuned.source : configSpec, gflops: rate, ...t, fraction_of_peak: rate / limits.fma_gflops });
      };
      v3Row(v3PerCall, 'per_call');
      v3Row(v3Batched, 'batched');

      for (const variant of ['v1', 'v2'] as const) {
        const kernel = `gemm_f32.${variant}`;
        const est = estimates.seconds(kernel, opsOf(s))!;
        if (est > maxRepS) {
          finish({ ...base('gemm_f32', s), variant, ...skipped('batched', est, maxRepS) });
          continue;
        }
        const t = (await timeF32(ctx, variant, s, undefined, budgetFor(est), false)).modes.batched;
        estimates.set(kernel, opsOf(s), t.timing.median_ms);
        const { rate, ...rest } = timed(t, 'batched', s);
        finish({ ...base('gemm_f32', s), variant, gflops: rate, ...rest, fraction_of_peak: rate / limits.fma_gflops });
      }

      if ('peer' in peerState) {
        // Per call first: its time per product estimates a batched repetition of the same N as v3's.
        const mm = peerState.peer.matmul(philoxUniform(s.m * s.k, 1, 0), philoxUniform(s.k * s.n, 1, 1), s);
        try {
          const check = (c: Float32Array) => checkAgainst(`tfjs matMul ${shapeName(s)} ${s.op}`, c, v3.c, s.k);
          const tfjsRow = (m: Measured, mode: BenchMode, ratio: JsonObject) => {
            const { rate, ...t } = timed(m, mode, s);
            finish({ ...base('tfjs_matmul', s), gflops: rate, ...t, fraction_of_peak: rate / limits.fma_gflops, ...ratio });
          };
          const est = estimates.seconds('tfjs', opsOf(s));
          let perCall: Measured | null = null;
          if (est !== null && est > peerMaxRepS) finish({ ...base('tfjs_matmul', s), ...skipped('per_call', est, peerMaxRepS) });
          else {
            perCall = await timeProducts((n) => mm.run(n), 1, budgetFor(est).reps, check);
            estimates.set('tfjs', opsOf(s), perCall.timing.median_ms);
            tfjsRow(perCall, 'per_call', { f32_over_tfjs_per_call: rateOf(v3PerCall, s) / rateOf(perCall, s) });
          }
          // The per-call time (with its readback) bounds a batched product's from above.
          const n = v3Batched.products;
          const batchEst = n * (perCall ? perCall.timing.median_ms / 1000 : est!);
          if (batchEst > peerMaxRepS) finish({ ...base('tfjs_matmul', s), ...skipped('batched', batchEst, peerMaxRepS, n) });
          else {
            const batched = n === 1 && perCall ? batchOfOne(perCall) : await timeProducts((k) => mm.run(k), n, budgetFor(batchEst).reps, check);
            tfjsRow(batched, 'batched', { f32_over_tfjs: f32Gflops / rateOf(batched, s), f32_over_tfjs_mode: HEADLINE_MODE });
          }
        } finally {
          mm.dispose();
        }
      } else {
        for (const mode of ['per_call', 'batched'] as const) finish({ ...base('tfjs_matmul', s), mode, skipped: true, reason: peerState.reason });
      }

      const xnorTuned = configSpec === 'auto' ? await tuner.lookup(ctx, 'xnor_gemm', s) : null;
      if (xnorTuned) tuning.push(tuningJson(xnorTuned));
      const xnorConfig = xnorTuned ? xnorTuned.choice : XNOR_CONFIGS[0].name;
      const x = await timeXnor(ctx, s, xnorConfig, budgetFor(estimates.seconds('xnor_gemm', opsOf(s))));
      estimates.set('xnor_gemm', opsOf(s), x.timing.median_ms);
      const { rate: gbinops, ...xt } = timed(x, 'batched', s);
      finish({
        ...base('xnor_gemm', s),
        // XNOR computes A B^T of packed ±1 rows whatever the f32 product's layout.
        op: 'NT',
        config: xnorConfig,
        gbinops,
        ...xt,
        fraction_of_peak: gbinops / xnorPeak,
        xnor_over_f32: gbinops / f32Gflops,
      });
    }
  } finally {
    if ('peer' in peerState) peerState.peer.dispose();
  }

  return {
    name: 'gemm',
    adapter: { ...ctx.gpu.adapter },
    params: { sizes: sizes as number[], rbm: withRbm, reps, target_ms: targetMs, batch: batch ?? null, max_rep_s: maxRepS, peer_max_rep_s: peerMaxRepS, config: configSpec },
    limits: { ...limits, xnor_peak_gbinops: xnorPeak },
    modes: { ...BENCH_MODES },
    f32_over_tfjs_mode: HEADLINE_MODE,
    tfjs: 'peer' in peerState ? tfjsJson(peerState.peer) : { available: false, reason: peerState.reason },
    rows,
    tuning,
    date: new Date().toISOString(),
  };
}

/** G(binary) ops per second: 2 M N K over the median ms per product. */
const rateOf = (m: Measured, s: GemmShape) => opsOf(s) / (m.timing.median_ms * 1e6);

/** A row's timing: ms per product (median, spread), repetitions, and N products per repetition. */
function timingJson(m: Measured): JsonObject {
  const t = m.timing;
  return {
    products_per_rep: m.products,
    median_ms: t.median_ms,
    min_ms: t.min_ms,
    max_ms: t.max_ms,
    reps: t.reps,
    ...(m.sameAsPerCall ? { same_measurement_as: 'per_call' } : {}),
  };
}

/** The peer's version and how it batches its GPU work (what batched N products means for tfjs). */
function tfjsJson(peer: TfjsPeer): JsonObject {
  return {
    available: true,
    version: peer.version,
    submit_batch_size: peer.submitBatchSize,
    batching:
      `tfjs-backend-webgpu encodes each op's dispatches when the op is called (eager; nothing is skipped), ` +
      `in one compute pass, and submits after every ${peer.submitBatchSize} dispatches (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE, tfjs's default) ` +
      'and before each readback; a disposed result whose dispatch is still unsubmitted is freed at the next submit. ' +
      'Our scheduler submits up to 256 repetitions of a graph at once.',
  };
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

/** One f32 GEMM variant at one shape, batched and (with `perCall`) per call: each mode checked against the reference, then timed. */
async function timeF32(
  ctx: JobContext,
  variant: GemmVariantName,
  s: BenchShape,
  config: string | TileConfig | undefined,
  budget: Budget,
  perCall: boolean,
): Promise<{ modes: Modes; c: Float32Array }> {
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
    let c = new Float32Array(0);
    const modes = await timeOurModes(ctx, graph, tc, budget, perCall, (bytes) => {
      c = new Float32Array(bytes);
      return checkF32Gemm(`gemm_f32.${variant} ${shapeName(s)} ${s.op}`, c, a, b, s);
    });
    return { modes, c };
  } finally {
    made.forEach((t) => t.release());
  }
}

/** XNOR GEMM of random ±1 rows (A: M x K, B: N x K, packed), batched: checked exactly, then timed. */
async function timeXnor(ctx: JobContext, s: BenchShape, config: string, budget: Budget): Promise<Measured> {
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
    const modes = await timeOurModes(ctx, graph, tc, budget, false, (bytes) => checkXnor(`xnor_gemm ${shapeName(s)}`, new Int32Array(bytes), a, b, s.m, s.n, s.k));
    return modes.batched;
  } finally {
    made.forEach((t) => t.release());
  }
}

export const benchGemmJob = defineJob(BENCH_GEMM_JOB, runBenchGemmJob);
