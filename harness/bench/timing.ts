// Benchmark timing: the engine's validate-then-time loop, and host time of plain TypeScript.
export { timeRuns, type Timing, type TimeOptions } from '../../engine/timing.js';

/** Host time of a synchronous function, in ms. */
export function timeHost(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
