/**
 * How a long command shows progress on stderr: a bar on a TTY, and one line per finished unit (a
 * study point, a benchmark row) everywhere, so that a log shows progress too. Off a TTY `onProgress`
 * is undefined, so callers pass nothing to the scheduler and it never waits for the GPU just to
 * draw a bar.
 *
 *   const progress = progressReporter('sweeps');
 *   await chain.sweep(1000, progress.onProgress);
 *   progress.unit('L=64 T=2.27 done');
 *   progress.done();
 */
export interface ProgressReporter {
  onProgress: ((done: number, total: number) => void) | undefined;
  /** Logs one finished unit of work (above the bar on a TTY). */
  unit(line: string): void;
  done(): void;
}

export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const tty = !!stream.isTTY;
  const start = Date.now();
  let bar = '';
  const draw = (done: number, total: number) => {
    const width = 30;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - start) / 1000;
    const eta = fraction > 0 ? seconds / fraction - seconds : 0;
    bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds.toFixed(1)}s eta ${eta.toFixed(1)}s `;
    stream.write(`\r${bar}`);
  };
  return {
    onProgress: tty ? draw : undefined,
    unit(line: string) {
      // On a TTY the line replaces the bar, which is drawn again below it.
      if (tty && bar) stream.write(`\r${' '.repeat(bar.length)}\r`);
      stream.write(`${label}: ${line}\n`);
      if (tty && bar) stream.write(bar);
    },
    done() {
      if (tty && bar) stream.write('\n');
      bar = '';
    },
  };
}
