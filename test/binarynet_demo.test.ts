// The BinaryNet demo page (harness/binarynet/demo.ts) in headless Chromium (SwiftShader WebGPU): it
// trains a small BinaryNet in the page, and both inference paths classify a drawn digit with the same
// class and bit-identical scores.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startChrome, type ChromeSession } from '../harness/backends/chrome.js';
import type { BinaryNetDemoHook, BinaryNetDemoState } from '../harness/binarynet/demo.js';

const page = suite('binarynet demo page (chrome, GPU)');
let chrome: ChromeSession | null = null;
page.before(async () => {
  chrome = await startChrome('dist');
});
page.after(async () => {
  await chrome?.close();
});

type DemoWindow = Window & { harmoniumBinaryNetDemo?: BinaryNetDemoHook };

page('trains one epoch on 1,000 digits; test digits and a drawn stroke get the same class and scores from both paths; no console errors', async () => {
  const { page: p, errors } = await chrome!.open('demos/binarynet.html?epochs=1&train=1000&hidden=64');
  await p.waitForFunction(() => (window as DemoWindow).harmoniumBinaryNetDemo !== undefined, { timeout: 10_000 });
  const ready = await p.evaluate(() =>
    (window as DemoWindow).harmoniumBinaryNetDemo!.ready.then(
      (s): { ok: true; state: BinaryNetDemoState } => ({ ok: true, state: s }),
      (e: Error): { ok: false; message: string } => ({ ok: false, message: `${e.name}: ${e.message}` }),
    ),
  );
  if (!ready.ok) throw new Error(`the demo failed: ${ready.message}`);
  assert.equal([ready.state.epoch, ready.state.epochs], [1, 1]);
  assert.ok(ready.state.testError < 0.6, `test error ${ready.state.testError} after one epoch (chance 0.9)`);
  let right = 0;
  for (let i = 0; i < 8; i++) {
    const s = await p.evaluate(async (k) => {
      const demo = (window as DemoWindow).harmoniumBinaryNetDemo!;
      const digit = await demo.testDigit(k);
      return { label: digit.label, state: await demo.classify(digit.pixels) };
    }, i);
    assert.ok(s.state.identical, `digit ${i}: bit-identical scores`);
    assert.is(s.state.classes.float, s.state.classes.packed);
    assert.is(s.state.scores.float.length, 10);
    right += s.state.classes.float === s.label ? 1 : 0;
  }
  assert.ok(right >= 3, `${right} of 8 test digits right`);
  // A vertical stroke drawn with the pointer is classified too (by both paths alike).
  const box = (await (await p.$('#pad'))!.boundingBox())!;
  const before = (await p.evaluate(() => (window as DemoWindow).harmoniumBinaryNetDemo!.state())).classified;
  await p.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await p.mouse.down();
  for (let t = 0.2; t <= 0.8; t += 0.1) await p.mouse.move(box.x + box.width / 2, box.y + box.height * t);
  await p.mouse.up();
  await p.waitForFunction((n) => (window as DemoWindow).harmoniumBinaryNetDemo!.state().classified > n, { timeout: 20_000 }, before + 3);
  const drawn = await p.evaluate(() => (window as DemoWindow).harmoniumBinaryNetDemo!.state());
  assert.ok(drawn.identical);
  assert.equal(errors, []);
});
page.run();
