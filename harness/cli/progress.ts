/**
 * How a long command shows progress on stderr: a bar on a TTY, and one line per finished unit (a
 * study point, a benchmark row, an epoch) everywhere, so that a log shows progress too. Off a TTY
 * `onProgress` is undefined, so callers pass nothing to the scheduler and it never waits for the GPU
 * just to report; with `heartbeat`, a line says what is running (the phase) whenever nothing was
 * printed for 30 s, so that a log never goes quiet for long.
 *
 *   const progress = progressReporter('sweeps');
 *   progress.phase('rbm CD-1');
 *   await chain.sweep(1000, progress.onProgress);
 *   progress.unit('L=64 T=2.27 done');
 *   progress.done();
 */
export interface ProgressReporter {
  onProgress: ((done: number, total: number) => void) | undefined;
  /** Logs one finished unit of work (above the bar on a TTY). */
  unit(line: string): void;
  /** Names the work now running, for the lines that follow. */
  phase(name: string): void;
  done(): void;
}

/** The longest a log goes without a line while work runs. */
export const LOG_EVERY_MS = 30_000;

export function progressReporter(label: string, stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr, o: { heartbeat?: boolean; everyMs?: number } = {}): ProgressReporter {
  const tty = !!stream.isTTY;
  const start = Date.now();
  let bar = '';
  let current = '';
  let lastLine = Date.now();
  const line = (text: string) => {
    stream.write(`${label}: ${text}\n`);
    lastLine = Date.now();
  };
  const elapsed = () => `${((Date.now() - start) / 1000).toFixed(0)} s`;
  const draw = (done: number, total: number) => {
    const width = 30;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - start) / 1000;
    const eta = fraction > 0 ? seconds / fraction - seconds : 0;
    bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds.toFixed(1)}s eta ${eta.toFixed(1)}s `;
    stream.write(`\r${bar}`);
  };
  const every = o.everyMs ?? LOG_EVERY_MS;
  const heartbeat = !tty && o.heartbeat ? setInterval(() => Date.now() - lastLine >= every && line(`${current || 'working'}, ${elapsed()} in`), every / 3) : undefined;
  heartbeat?.unref();
  return {
    onProgress: tty ? draw : undefined,
    unit(text: string) {
      // On a TTY the line replaces the bar, which is drawn again below it.
      if (tty && bar) stream.write(`\r${' '.repeat(bar.length)}\r`);
      line(text);
      if (tty && bar) stream.write(bar);
    },
    phase(name: string) {
      current = name;
    },
    done() {
      if (heartbeat) clearInterval(heartbeat);
      if (tty && bar) stream.write('\n');
      bar = '';
    },
  };
}
