// Benchmark timing: the engine's validate-then-time loop, and host time of plain TypeScript.
export { timeRuns, type Timing, type TimeOptions } from '../../engine/timing.js';

/** Host time of a synchronous function, in ms. */
export function timeHost(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** How many times faster ours ran than theirs, by medians; null when ours took no measurable time. */
export function speedup(ours: { median_ms: number }, theirs: { median_ms: number }): number | null {
  return ours.median_ms > 0 ? theirs.median_ms / ours.median_ms : null;
}
