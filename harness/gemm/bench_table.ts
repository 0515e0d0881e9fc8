// The bench-gemm result as a table (one row per kernel and shape, the operation count and time that
// give each rate) and as the summary line of `bench gemm --json` (the 1024^3 numbers).
import type { Benchmark } from '../bench/definition.js';
import type { JsonObject } from '../io/json.js';
import { BENCH_GEMM_JOB } from './bench.js';
import { formatTable } from '../bench/table.js';

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const exp = (x: number) => x.toExponential(3).replace('e+', 'e');

export function gemmBenchTable(result: JsonObject, backend: string): string {
  const rows = result.rows as JsonObject[];
  const limits = result.limits as Record<string, number>;
  const adapter = result.adapter as Record<string, string>;
  const tfjs = result.tfjs as JsonObject;
  const table = formatTable(
    ['kernel', 'variant/config', 'shape MxNxK', 'op', 'ops = 2MNK', 'median ms', 'rate G/s', 'unit', 'of peak', 'ratio', 'check'],
    rows.map((r) => {
      const rate = num(r.gflops) ?? num(r.gbinops);
      const ratio = num(r.f32_over_tfjs) !== null ? `f32/tfjs ${(r.f32_over_tfjs as number).toFixed(2)}x` : num(r.xnor_over_f32) !== null ? `xnor/f32 ${(r.xnor_over_f32 as number).toFixed(2)}x` : '';
      return [
        r.kernel as string,
        [r.variant, r.config].filter((x) => typeof x === 'string').join(' '),
        r.shape as string,
        r.op as string,
        exp(r.ops as number),
        r.skipped ? '-' : (r.median_ms as number),
        r.skipped ? (num(r.est_s) !== null ? `skipped (est. ${(r.est_s as number).toFixed(1)} s)` : 'unavailable') : (rate as number),
        r.kernel === 'xnor_gemm' ? 'Gbinop/s' : 'GFLOP/s',
        r.skipped ? '' : `${(100 * (r.fraction_of_peak as number)).toFixed(1)}%`,
        ratio,
        (r.check as string | undefined) ?? '',
      ];
    }),
  );
  const s = gemmBenchSummary(result);
  const fmt = (x: unknown, digits = 2) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
  return [
    `bench gemm on ${adapter.description} (${adapter.vendor}/${adapter.architecture}, ${backend})`,
    `adapter limits measured in this run: f32 FMA ${limits.fma_gflops.toFixed(2)} GFLOP/s, xor+popcount ${limits.popcount_gops.toFixed(2)} Gop/s ` +
      `(= ${limits.xnor_peak_gbinops.toFixed(1)} G binary ops/s: 64 per 32-bit xor+popcount), copy ${limits.copy_gbps.toFixed(2)} GB/s`,
    'rate = 2*M*N*K / median time (one multiply and one add per term; XNOR: per bit); of peak = rate / FMA peak (f32) or / binary-op peak (XNOR)',
    'f32 and XNOR: wall time of the dispatches to onSubmittedWorkDone, no readback; tfjs: tf.matMul + data() readback per call',
    `tfjs: ${tfjs.available ? `tfjs-core ${String(tfjs.version)} on tfjs-backend-webgpu, on the same device` : String(tfjs.reason)}`,
    table,
    `1024^3: f32 ${fmt(s.f32_gflops)} GFLOP/s, tfjs ${fmt(s.tfjs_gflops)} GFLOP/s, f32/tfjs ${fmt(s.f32_over_tfjs)}x; ` +
      `XNOR ${fmt(s.xnor_gbinops)} G binary ops/s, XNOR/f32 ${fmt(s.xnor_over_f32)}x; f32 at ${fmt(typeof s.f32_fraction_of_peak === 'number' ? 100 * s.f32_fraction_of_peak : null, 1)}% of FMA peak`,
  ].join('\n');
}

/** The headline numbers at 1024^3 (null where a row is missing or skipped). */
export function gemmBenchSummary(result: JsonObject): JsonObject {
  const rows = result.rows as JsonObject[];
  const limits = result.limits as Record<string, number>;
  const at = (kernel: string, variant?: string) =>
    rows.find((r) => r.kernel === kernel && r.shape === '1024x1024x1024' && (variant === undefined || r.variant === variant) && !r.skipped);
  const f32 = num(at('gemm_f32', 'v3')?.gflops);
  const tfjs = num(at('tfjs_matmul')?.gflops);
  const xnor = num(at('xnor_gemm')?.gbinops);
  return {
    f32_gflops: f32,
    tfjs_gflops: tfjs,
    f32_over_tfjs: f32 !== null && tfjs !== null ? f32 / tfjs : null,
    xnor_gbinops: xnor,
    xnor_over_f32: xnor !== null && f32 !== null ? xnor / f32 : null,
    fma_peak_gflops: limits.fma_gflops,
    f32_fraction_of_peak: f32 !== null ? f32 / limits.fma_gflops : null,
    xnor_peak_gbinops: limits.xnor_peak_gbinops,
    adapter: result.adapter,
  };
}

export const gemmBenchmark: Benchmark = {
  job: 'bench-gemm',
  summary: 'f32 GEMM v1/v2/v3 and XNOR-popcount GEMM in G(binary) ops/s, beside tfjs-backend-webgpu matMul on the same device, at M = N = K and the RBM shapes',
  sizes: BENCH_GEMM_JOB.sizes.default ?? [],
  table: gemmBenchTable,
  summaryOf: gemmBenchSummary,
};
