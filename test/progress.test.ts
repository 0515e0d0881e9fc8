// Progress on stderr (harness/cli/progress.ts): off a terminal, a line per finished unit, and with a
// heartbeat a line naming the phase whenever nothing was printed for the interval (no GPU).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { progressReporter } from '../harness/cli/progress.js';

const progress = suite('progress in a log (no GPU)');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

progress('a log hears units as they finish, and the running phase when it would otherwise go quiet', async () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string | Uint8Array) => (lines.push(String(s)), true) };
  const p = progressReporter('study', stream, { heartbeat: true, everyMs: 60 });
  assert.is(p.onProgress, undefined, 'off a terminal nothing waits on the GPU to draw a bar');
  p.unit('point 1 done');
  p.phase('rbm CD-3 (run 2 of 3)');
  await pause(200);
  p.done();
  const after = lines.length;
  await pause(150);
  assert.is(lines[0], 'study: point 1 done\n');
  assert.ok(lines.slice(1).some((l) => /^study: rbm CD-3 \(run 2 of 3\), \d+ s in\n$/.test(l)), lines.join(''));
  assert.is(lines.length, after, 'done() stops the heartbeat');
});

progress('without a heartbeat, nothing but the units', async () => {
  const lines: string[] = [];
  const p = progressReporter('bench', { isTTY: false, write: (s: string | Uint8Array) => (lines.push(String(s)), true) }, { everyMs: 20 });
  await pause(80);
  p.unit('gemm done');
  p.done();
  assert.equal(lines, ['bench: gemm done\n']);
});

progress.run();
