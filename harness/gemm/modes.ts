// The two ways bench gemm times a product, named once for the job, its table and the report page
// (which bundles this file alone, so it imports nothing).

/** How a benchmark row was timed. The headline f32/tfjs ratio compares 'batched' rows. */
export type BenchMode = 'batched' | 'per_call';

/** What each mode measures, as the result records it. */
export const BENCH_MODES: Readonly<Record<BenchMode, string>> = {
  batched: 'batched: N products on the same inputs, then one readback of C; ms per product = ms per repetition / N',
  per_call: 'per call: one product, then a readback of C',
};

/** What the headline f32_over_tfjs compares. */
export const HEADLINE_MODE = 'batched N then one readback';

/** A row's mode in a few words: 'batched (N = 12)', 'per call'. Rows recorded before modes existed have none. */
export function modeLabel(mode: unknown, products?: unknown): string {
  if (mode === 'per_call') return 'per call';
  if (mode === 'batched') return typeof products === 'number' ? `batched (N = ${products})` : 'batched';
  return '';
}
