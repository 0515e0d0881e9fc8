// The VAE demo page (harness/vae/demo.ts) in headless Chromium (SwiftShader WebGPU): it trains a 2-D
// VAE in the page, and dragging the point to other latents decodes other digits.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startChrome, type ChromeSession } from '../harness/backends/chrome.js';
import type { VaeDemoHook, VaeDemoState } from '../harness/vae/demo.js';

const page = suite('vae demo page (chrome, GPU)');
let chrome: ChromeSession | null = null;
page.before(async () => {
  chrome = await startChrome('dist');
});
page.after(async () => {
  await chrome?.close();
});

type DemoWindow = Window & { harmoniumVaeDemo?: VaeDemoHook };

page('trains one epoch on 500 digits, then each latent point decodes to its own digit; no console errors', async () => {
  const { page: p, errors } = await chrome!.open('demos/vae.html?epochs=1&train=500');
  await p.waitForFunction(() => (window as DemoWindow).harmoniumVaeDemo !== undefined, { timeout: 10_000 });
  const ready = await p.evaluate(() =>
    (window as DemoWindow).harmoniumVaeDemo!.trained.then(
      (s): { ok: true; state: VaeDemoState } => ({ ok: true, state: s }),
      (e: Error): { ok: false; message: string } => ({ ok: false, message: `${e.name}: ${e.message}` }),
    ),
  );
  if (!ready.ok) throw new Error(`the demo failed: ${ready.message}`);
  const s = ready.state;
  assert.equal([s.epoch, s.epochs], [1, 1]);
  assert.ok(s.testElbo < 0 && s.testElbo > -600, `test ELBO ${s.testElbo}`);
  const at = (z1: number, z2: number) => p.evaluate((a, b) => (window as DemoWindow).harmoniumVaeDemo!.moveTo(a, b), z1, z2);
  const [a, b, again] = [await at(-2, -2), await at(2, 2), await at(-2, -2)];
  assert.equal(b.z, [2, 2]);
  assert.ok(b.decodes > a.decodes, 'each move decodes');
  // Pixel probabilities sum to the expected ink: positive, far below 784, and the same point gives the same digit.
  for (const x of [a, b]) assert.ok(x.inkSum > 1 && x.inkSum < 400, `ink ${x.inkSum}`);
  assert.ok(Math.abs(a.inkSum - b.inkSum) > 1e-3, `different points, different digits: ${a.inkSum} vs ${b.inkSum}`);
  assert.is(again.inkSum, a.inkSum);
  assert.equal(errors, []);
});
page.run();
