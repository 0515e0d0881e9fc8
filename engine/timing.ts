// The validate-then-time loop every measurement uses (benchmarks and the autotuner): check once,
// warm up, then time repetitions and report the median with the spread, in the same run.

export interface Timing {
  /** Median of the timed repetitions, in milliseconds. */
  median_ms: number;
  min_ms: number;
  max_ms: number;
  reps: number;
}

export interface TimeOptions {
  warmup?: number;
  reps?: number;
}

/**
 * `run` does one repetition and returns how long it took in ms (wall time to onSubmittedWorkDone,
 * or GPU time from timestamps). `validate`, when given, runs first and throws on a wrong result, so
 * a benchmark never times a kernel that is wrong.
 */
export async function timeRuns(run: () => Promise<number>, options: TimeOptions & { validate?: () => Promise<void> } = {}): Promise<Timing> {
  if (options.validate) await options.validate();
  for (let i = 0; i < (options.warmup ?? 1); i++) await run();
  const times: number[] = [];
  for (let i = 0; i < (options.reps ?? 5); i++) times.push(await run());
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { median_ms: median, min_ms: times[0], max_ms: times[times.length - 1], reps: times.length };
}
