/**
 * A progress bar on stderr, drawn only when stderr is a TTY (so logs and --json output stay clean).
 *
 *   const bar = progressBar('sweeps');
 *   bar(500, 1000); ... bar.done();
 */
export function progressBar(label: string): ((done: number, total: number) => void) & { done(): void } {
  const tty = !!process.stderr.isTTY;
  const start = Date.now();
  let drawn = false;
  const draw = (done: number, total: number) => {
    if (!tty) return;
    const width = 30;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - start) / 1000;
    const eta = fraction > 0 ? seconds / fraction - seconds : 0;
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds.toFixed(1)}s eta ${eta.toFixed(1)}s `);
    drawn = true;
  };
  return Object.assign(draw, {
    done() {
      if (drawn) process.stderr.write('\n');
    },
  });
}
