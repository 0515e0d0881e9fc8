// The bench-gemm result as a table (one row per kernel, mode and shape, with the operation count, the
// products per repetition and the times that give each rate) and as the summary of `bench gemm --json`
// (the 1024^3 numbers, batched and per call).
import type { Benchmark } from '../bench/definition.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_GEMM_JOB } from './bench.js';
import { HEADLINE_MODE, modeLabel, type BenchMode } from './modes.js';
import { benchParts, benchTitle, formatTable } from '../bench/table.js';

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const exp = (x: number) => x.toExponential(3).replace('e+', 'e');
const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);

/** The shape the summary reports. */
const SUMMARY_SHAPE = '1024x1024x1024';

export function gemmBenchTable(result: JsonObject, backend: string): string {
  const { rows, limits, adapter, tfjs } = benchParts(result);
  const table = formatTable(
    ['kernel', 'variant/config', 'mode', 'shape MxNxK', 'op', 'ops = 2MNK', 'N', 'median ms/rep', 'ms/product', 'rate G/s', 'unit', 'of peak', 'ratio', 'check'],
    rows.map((r) => {
      const rate = num(r.gflops) ?? num(r.gbinops);
      const n = num(r.products_per_rep);
      const ratioText =
        num(r.f32_over_tfjs) !== null
          ? `f32/tfjs ${(r.f32_over_tfjs as number).toFixed(2)}x`
          : num(r.f32_over_tfjs_per_call) !== null
            ? `f32/tfjs ${(r.f32_over_tfjs_per_call as number).toFixed(2)}x`
            : num(r.xnor_over_f32) !== null
              ? `xnor/f32 ${(r.xnor_over_f32 as number).toFixed(2)}x`
              : '';
      return [
        r.kernel as string,
        [r.variant, r.config].filter((x) => typeof x === 'string').join(' '),
        modeLabel(r.mode),
        r.shape as string,
        r.op as string,
        exp(r.ops as number),
        r.skipped || n === null ? '-' : n,
        r.skipped || n === null ? '-' : (r.median_ms as number) * n,
        r.skipped ? '-' : (r.median_ms as number),
        r.skipped ? (num(r.est_s) !== null ? `skipped (est. ${(r.est_s as number).toFixed(1)} s)` : 'unavailable') : (rate as number),
        r.kernel === 'xnor_gemm' ? 'Gbinop/s' : 'GFLOP/s',
        r.skipped ? '' : `${(100 * (r.fraction_of_peak as number)).toFixed(1)}%`,
        ratioText,
        (r.check as string | undefined) ?? '',
      ];
    }),
  );
  const s = gemmBenchSummary(result);
  const fmt = (x: unknown, digits = 2) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
  const submitEvery = num(tfjs.submit_batch_size);
  return [
    benchTitle('gemm', adapter, backend),
    `adapter limits measured in this run: f32 FMA ${limits.fma_gflops.toFixed(2)} GFLOP/s, xor+popcount ${limits.popcount_gops.toFixed(2)} Gop/s ` +
      `(= ${limits.xnor_peak_gbinops.toFixed(1)} G binary ops/s: 64 per 32-bit xor+popcount), copy ${limits.copy_gbps.toFixed(2)} GB/s`,
    'ms/product = median ms/rep / N; rate = 2*M*N*K / ms/product (one multiply and one add per term; XNOR: per bit); ' +
      'of peak = rate / FMA peak (f32) or / binary-op peak (XNOR)',
    'modes, wall time around products and readback: batched = N products on the same inputs, then one readback of C ' +
      '(ours: one graph run with repeat N, then read C; tfjs: N tf.matMul calls, each result disposed, then data() of the last); ' +
      'per call = one product, then a readback (ours: repeat 1 then read C; tfjs: tf.matMul then data()). ' +
      'v3 and tfjs use the same N at a shape; where N = 1 one measurement serves both modes.',
    `tfjs: ${
      tfjs.available
        ? `tfjs-core ${String(tfjs.version)} on tfjs-backend-webgpu, on the same device` + (submitEvery !== null ? `; it submits every ${submitEvery} dispatches and before each readback` : '')
        : String(tfjs.reason)
    }`,
    table,
    `1024^3, ${String(s.f32_over_tfjs_mode)} (N = ${fmt(s.batch_products, 0)}): f32 ${fmt(s.f32_gflops)} GFLOP/s, tfjs ${fmt(s.tfjs_gflops)} GFLOP/s, ` +
      `f32/tfjs ${fmt(s.f32_over_tfjs)}x; per call: f32 ${fmt(s.f32_gflops_per_call)}, tfjs ${fmt(s.tfjs_gflops_per_call)} GFLOP/s, f32/tfjs ${fmt(s.f32_over_tfjs_per_call)}x`,
    `1024^3: XNOR ${fmt(s.xnor_gbinops)} G binary ops/s, XNOR/f32 ${fmt(s.xnor_over_f32)}x (batched); ` +
      `f32 at ${fmt(typeof s.f32_fraction_of_peak === 'number' ? 100 * s.f32_fraction_of_peak : null, 1)}% of FMA peak`,
  ].join('\n');
}

/**
 * The headline numbers at `shape` (default 1024^3; null where a row is missing or skipped): the
 * f32/tfjs ratio of the batched rows, and the per-call one beside it.
 */
export function gemmBenchSummary(result: JsonObject, shape = SUMMARY_SHAPE): JsonObject {
  const rows = result.rows as JsonObject[];
  const limits = result.limits as Record<string, number>;
  const at = (kernel: string, mode: BenchMode, variant?: string) =>
    rows.find((r) => r.kernel === kernel && r.shape === shape && r.mode === mode && (variant === undefined || r.variant === variant) && !r.skipped);
  const f32Row = at('gemm_f32', 'batched', 'v3');
  const f32 = num(f32Row?.gflops);
  const tfjs = num(at('tfjs_matmul', 'batched')?.gflops);
  const f32PerCall = num(at('gemm_f32', 'per_call', 'v3')?.gflops);
  const tfjsPerCall = num(at('tfjs_matmul', 'per_call')?.gflops);
  const xnor = num(at('xnor_gemm', 'batched')?.gbinops);
  return {
    shape,
    f32_gflops: f32,
    tfjs_gflops: tfjs,
    f32_over_tfjs: ratio(f32, tfjs),
    f32_over_tfjs_mode: HEADLINE_MODE,
    batch_products: num(f32Row?.products_per_rep),
    f32_gflops_per_call: f32PerCall,
    tfjs_gflops_per_call: tfjsPerCall,
    f32_over_tfjs_per_call: ratio(f32PerCall, tfjsPerCall),
    xnor_gbinops: xnor,
    xnor_over_f32: ratio(xnor, f32),
    fma_peak_gflops: limits.fma_gflops,
    f32_fraction_of_peak: f32 !== null ? f32 / limits.fma_gflops : null,
    xnor_peak_gbinops: limits.xnor_peak_gbinops,
    adapter: result.adapter,
  };
}

export const gemmBenchmark: Benchmark = {
  job: 'bench-gemm',
  summary:
    'f32 GEMM v1/v2/v3 and XNOR-popcount GEMM in G(binary) ops/s, beside tfjs-backend-webgpu matMul on the same device (batched and per call), at M = N = K and the RBM shapes',
  sizes: BENCH_GEMM_JOB.sizes.default ?? [],
  table: gemmBenchTable,
  summaryOf: (result) => gemmBenchSummary(result),
};
