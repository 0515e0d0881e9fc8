/**
 * A progress bar on stderr. Only on a TTY: elsewhere `onProgress` is undefined, so callers pass
 * nothing to the scheduler and it never waits for the GPU just to report progress.
 *
 *   const bar = progressBar('sweeps');
 *   await chain.sweep(1000, bar.onProgress);
 *   bar.done();
 */
export function progressBar(label: string): { onProgress: ((done: number, total: number) => void) | undefined; done(): void } {
  if (!process.stderr.isTTY) return { onProgress: undefined, done: () => undefined };
  const start = Date.now();
  let drawn = false;
  const onProgress = (done: number, total: number) => {
    const width = 30;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - start) / 1000;
    const eta = fraction > 0 ? seconds / fraction - seconds : 0;
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds.toFixed(1)}s eta ${eta.toFixed(1)}s `);
    drawn = true;
  };
  return {
    onProgress,
    done() {
      if (drawn) process.stderr.write('\n');
    },
  };
}
