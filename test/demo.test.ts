// The browser demos and `harmonium serve`: settings and lattice arithmetic in Node (no GPU), the CLI's
// flag checks and path confinement (no GPU), and the Ising page in headless Chromium (SwiftShader WebGPU):
// it must sweep, draw a lattice with both spin colours, change temperature without restarting, and
// explain itself when WebGPU is missing.
// HARMONIUM_DEMO_SCREENSHOT=/tmp/demo.png saves a screenshot of the whole page for a look.
import { yangMagnetization } from '../harness/ising/onsager.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { startChrome, type ChromeSession } from '../harness/backends/chrome.js';
import { latticeObservables, paintSites, parseSettings, settingsQuery, DEFAULT_SETTINGS, LIGHT, DARK } from '../harness/ising/lattice.js';
import type { DemoHook, DemoState } from '../harness/ising/demo.js';
import { ISING_TC } from '../models/ising.js';
import type { RbmDemoHook, RbmDemoState } from '../harness/rbm/demo.js';
import { parseRbmDemoSettings, rbmDemoQuery, RBM_DEMO_DEFAULTS } from '../harness/rbm/demo_settings.js';

// ---------------------------------------------------------------- host arithmetic (no GPU)
const host = suite('demo arithmetic (no GPU)');

host('parseSettings reads the query string and names what it ignores', () => {
  const { settings, warnings } = parseSettings('?size=128&temperature=2.0&seed=3&algorithm=heatbath&start=cold&spf=5');
  assert.equal(settings, { size: 128, temperature: 2, seed: 3, algorithm: 'heatbath', start: 'cold', sweepsPerFrame: 5 });
  assert.equal(warnings, []);
  const bad = parseSettings('?size=7&temperature=-1&seed=x&algorithm=wolff&start=warm&spf=0');
  assert.equal(bad.settings, DEFAULT_SETTINGS);
  assert.equal(bad.warnings.map((w) => w.split('=')[0]), ['?size', '?temperature', '?seed', '?algorithm', '?start', '?spf']);
  assert.equal(parseSettings(settingsQuery(DEFAULT_SETTINGS)).settings, DEFAULT_SETTINGS);
});

host('latticeObservables: all +1, checkerboard, one flipped site', () => {
  const L = 4, n = L * L;
  // All aligned: every one of the 2N bonds is satisfied, E/N = -2, |m| = 1.
  assert.equal(latticeObservables(new Uint8Array(n).fill(1), L), { energyPerSite: -2, magnetizationAbs: 1 });
  // Checkerboard: every bond anti-aligned, E/N = +2, m = 0.
  const chess = Uint8Array.from({ length: n }, (_, i) => ((i % L) + Math.floor(i / L)) & 1);
  assert.equal(latticeObservables(chess, L), { energyPerSite: 2, magnetizationAbs: 0 });
  // One -1 in a sea of +1: 4 broken bonds, E = -(2N - 8) / N = -(32 - 8) / 16 = -1.5; |m| = (15 - 1) / 16.
  const one = new Uint8Array(n).fill(1);
  one[5] = 0;
  assert.equal(latticeObservables(one, L), { energyPerSite: -1.5, magnetizationAbs: 14 / 16 });
});

host('paintSites and the Onsager magnetization', () => {
  const rgba = new Uint8ClampedArray(8);
  paintSites(Uint8Array.of(1, 0), rgba);
  assert.equal([...rgba], [...LIGHT, 255, ...DARK, 255]);
  assert.is(yangMagnetization(ISING_TC), 0);
  assert.is(yangMagnetization(3), 0);
  // T = 2: sinh(1)^-4 = 1.17520^-4 = 0.524296, (1 - 0.524296)^(1/8) = 0.911319.
  assert.ok(Math.abs(yangMagnetization(2) - 0.911319) < 1e-6, String(yangMagnetization(2)));
});

host.run();

// ---------------------------------------------------------------- harmonium serve (no GPU)
const serve = suite('harmonium serve (no GPU)');

/** A raw GET: node:http sends the path as written, where fetch() would normalize '..' away first. */
function get(base: string, path: string): Promise<number> {
  const url = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Starts `node dist/cli.js serve --port 0 ...` and waits for the URL it prints. */
async function startServe(extra: string[] = []): Promise<{ child: ChildProcess; base: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const base = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no URL in 10 s; stderr: ${err}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/ising\.html/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.on('exit', (code) => fail(new Error(`serve exited early (${code}): ${err}`)));
  });
  return { child, base, stderr: () => err };
}

serve('bad flags exit 2 with a message naming the flag', () => {
  for (const [args, flag] of [[['--port', 'abc'], '--port'], [['--port', '70000'], '--port'], [['--bogus'], '--bogus']] as const) {
    const r = spawnSync(process.execPath, ['dist/cli.js', 'serve', ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.is(r.status, 2, `${args.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
    assert.ok(r.stderr.includes(flag), `${args.join(' ')}: stderr should name ${flag}: ${r.stderr}`);
  }
});

serve('serves the demos folder only, on 127.0.0.1, and stops cleanly on SIGINT', async () => {
  const { child, base, stderr } = await startServe(['--open-log']);
  try {
    assert.is(await get(base, '/ising.html'), 200);
    assert.is(await get(base, '/'), 200, 'index.html lists the demos');
    assert.is(await get(base, '/ising.js'), 200);
    // dist/cli.js and package.json exist one and two levels up; none of these may reach them.
    for (const path of ['/../cli.js', '/../../package.json', '/%2e%2e/cli.js', '/%2E%2E/%2e%2e/package.json', '/..%2fcli.js', '/..%2f..%2fpackage.json', '/%2e%2e%2fcli.js', '/..\\cli.js']) {
      assert.is(await get(base, path), 404, path);
    }
    assert.ok(/ 404 GET \/\.\.%2fcli\.js/.test(stderr()), `--open-log logs requests: ${stderr()}`);
  } finally {
    child.kill('SIGINT');
  }
  const code = await new Promise<number | null>((ok) => child.on('exit', (c) => ok(c)));
  assert.is(code, 0, `exit after SIGINT: ${stderr()}`);
  assert.ok(stderr().includes('stopped (SIGINT)'), stderr());
});

serve.run();

// ---------------------------------------------------------------- the Ising page in Chromium (GPU)
const page = suite('ising demo page (chrome, GPU)');
let chrome: ChromeSession | null = null;

page.before(async () => {
  chrome = await startChrome('dist');
});
page.after(async () => {
  await chrome?.close();
});

type DemoWindow = Window & { harmoniumDemo?: DemoHook };

/** Fraction of light and dark pixels of a PNG (luminance split halfway between the two colours). */
function lightDark(png: Buffer): { light: number; dark: number; pixels: number } {
  const img = PNG.sync.read(png);
  const mid = (LIGHT[0] + DARK[0]) / 2;
  let light = 0;
  let dark = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const r = img.data[i];
    if (r > mid + 40) light++;
    else if (r < mid - 40) dark++;
  }
  const pixels = img.width * img.height;
  return { light: light / pixels, dark: dark / pixels, pixels };
}

page('sweeps, draws both spin colours, changes T without restarting, no console errors', async () => {
  const { page: p, errors } = await chrome!.open('demos/ising.html?size=128&temperature=2.0&seed=3&algorithm=multispin&start=hot&spf=2');
  await p.waitForFunction(() => (window as DemoWindow).harmoniumDemo !== undefined, { timeout: 10_000 });
  const ready = await p.evaluate(() =>
    (window as DemoWindow).harmoniumDemo!.ready.then(
      (s): { ok: true; state: DemoState } => ({ ok: true, state: s }),
      (e: Error): { ok: false; message: string } => ({ ok: false, message: `${e.name}: ${e.message}` }),
    ),
  );
  if (!ready.ok) throw new Error(`the demo needs a WebGPU adapter in headless Chromium and got none: ${ready.message}`);
  assert.equal(ready.state.settings, { size: 128, temperature: 2, seed: 3, algorithm: 'multispin', start: 'hot', sweepsPerFrame: 2 });
  assert.ok(ready.state.adapter.length > 0, 'adapter description shown');

  await p.waitForFunction(() => (window as DemoWindow).harmoniumDemo!.sweeps() >= 20, { timeout: 20_000, polling: 100 });
  const before = await p.evaluate(() => (window as DemoWindow).harmoniumDemo!.state());
  assert.ok(before.energyPerSite < 0 && before.energyPerSite >= -2, `E/site ${before.energyPerSite}`);
  assert.ok(before.magnetizationAbs >= 0 && before.magnetizationAbs <= 1, `|m| ${before.magnetizationAbs}`);

  // The readouts on the page show the same lattice.
  const shown = await p.$eval('#out-sweeps', (el) => Number((el.textContent ?? '').replace(/,/g, '')));
  assert.ok(shown >= 20, `sweeps readout ${shown}`);

  // Canvas pixels as the page renders them: a hot start at T = 2 after a few sweeps is a coarsening
  // domain pattern, so both colours cover a good share of the lattice.
  const canvas = await p.$('#lattice');
  const shot = Buffer.from(await canvas!.screenshot({ type: 'png' }));
  const { light, dark } = lightDark(shot);
  assert.ok(light > 0.05 && dark > 0.05, `light ${light.toFixed(3)}, dark ${dark.toFixed(3)}: the lattice should show both spins`);
  if (process.env.HARMONIUM_DEMO_SCREENSHOT) writeFileSync(process.env.HARMONIUM_DEMO_SCREENSHOT, await p.screenshot({ type: 'png', fullPage: true }));

  // The slider changes the temperature of the running chain: the sweep count keeps growing.
  await p.$eval('#temperature', (el) => {
    const input = el as HTMLInputElement;
    input.value = '3.5';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const at = await p.evaluate(() => (window as DemoWindow).harmoniumDemo!.sweeps());
  await p.waitForFunction((n: number) => (window as DemoWindow).harmoniumDemo!.sweeps() >= n + 6, { timeout: 10_000, polling: 100 }, at);
  const after = await p.evaluate(() => (window as DemoWindow).harmoniumDemo!.state());
  assert.is(after.settings.temperature, 3.5);
  assert.ok(after.sweeps > before.sweeps, `no restart: ${before.sweeps} -> ${after.sweeps}`);
  assert.ok(new URL(p.url()).search.includes('temperature=3.5'), `address follows the controls: ${p.url()}`);
  assert.is(after.error, null);
  await p.close();
  assert.equal(errors, [], 'console errors');
});

page('without WebGPU the page says so and how to fix it; ready rejects', async () => {
  const p = await chrome!.browser.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  // As in a browser without WebGPU: navigator.gpu is missing.
  await p.evaluateOnNewDocument(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await p.goto(`${chrome!.server.url}/demos/ising.html`, { waitUntil: 'load' });
  await p.waitForFunction(() => (window as DemoWindow).harmoniumDemo !== undefined, { timeout: 10_000 });
  const outcome = await p.evaluate(() => (window as DemoWindow).harmoniumDemo!.ready.then(() => 'resolved', (e: Error) => e.name));
  assert.is(outcome, 'NoAdapterError');
  const notice = await p.$eval('#notice', (el) => ({ hidden: (el as HTMLElement).hidden, text: el.textContent ?? '' }));
  assert.not.ok(notice.hidden);
  assert.match(notice.text, /WebGPU/);
  assert.match(notice.text, /enable-unsafe-webgpu/);
  assert.ok(await p.$eval('#reset', (el) => (el as HTMLButtonElement).disabled), 'controls disabled');
  await p.close();
  assert.equal(errors, [], 'page errors');
});

page.run();

// ---------------------------------------------------------------- the RBM page (settings in Node, the page in Chromium)
const rbmHost = suite('rbm demo settings (no GPU)');

rbmHost('parseRbmDemoSettings reads the query, names what it ignores, and round-trips', () => {
  const { settings, warnings } = parseRbmDemoSettings('?hidden=16&k=3&lr=0.1&batch=50&train=500&spf=2&seed=4');
  assert.equal(settings, { hidden: 16, k: 3, lr: 0.1, batch: 50, train: 500, stepsPerFrame: 2, seed: 4 });
  assert.equal(warnings, []);
  const bad = parseRbmDemoSettings('?hidden=0&k=x&lr=2&spf=-1&seed=1.5');
  assert.equal(bad.settings, RBM_DEMO_DEFAULTS);
  assert.equal(bad.warnings.map((w) => w.split('=')[0]), ['?hidden', '?k', '?spf', '?seed', '?lr']);
  // A batch larger than the training digits falls back to the default batch (or all digits).
  assert.equal(parseRbmDemoSettings('?train=50&batch=80').settings.batch, 50);
  assert.equal(parseRbmDemoSettings(rbmDemoQuery(settings)).settings, settings);
});

rbmHost.run();

const rbmPage = suite('rbm demo page (chrome, GPU)');
let rbmChrome: ChromeSession | null = null;

rbmPage.before(async () => {
  rbmChrome = await startChrome('dist');
});
rbmPage.after(async () => {
  await rbmChrome?.close();
});

type RbmDemoWindow = Window & { harmoniumRbmDemo?: RbmDemoHook };

rbmPage('trains live, draws filters, reconstructions and fantasy particles; lr and k change without a new model', async () => {
  const { page: p, errors } = await rbmChrome!.open('demos/rbm.html?hidden=16&train=500&batch=50&spf=2&k=1&lr=0.05&seed=2');
  await p.waitForFunction(() => (window as RbmDemoWindow).harmoniumRbmDemo !== undefined, { timeout: 10_000 });
  const ready = await p.evaluate(() =>
    (window as RbmDemoWindow).harmoniumRbmDemo!.ready.then(
      (s): { ok: true; state: RbmDemoState } => ({ ok: true, state: s }),
      (e: Error): { ok: false; message: string } => ({ ok: false, message: `${e.name}: ${e.message}` }),
    ),
  );
  if (!ready.ok) throw new Error(`the RBM demo failed to start: ${ready.message}`);
  assert.is(ready.state.settings.hidden, 16);
  await p.waitForFunction(() => (window as RbmDemoWindow).harmoniumRbmDemo!.state().steps >= 10, { timeout: 60_000, polling: 100 });
  // Each picture shows more than one grey level: filters of 16 units, 10 digits over their reconstructions, 25 particles.
  for (const [id, width] of [['filters', 10 * 29 + 1], ['reconstructions', 10 * 29 + 1], ['fantasy', 5 * 29 + 1]] as const) {
    const canvas = await p.$(`#${id}`);
    assert.is(await p.$eval(`#${id}`, (el) => (el as HTMLCanvasElement).width), width, id);
    const img = PNG.sync.read(Buffer.from(await canvas!.screenshot({ type: 'png' })));
    const greys = new Set<number>();
    for (let i = 0; i < img.data.length; i += 4) greys.add(img.data[i]);
    assert.ok(greys.size > 8, `#${id} shows ${greys.size} grey levels`);
  }
  const before = await p.evaluate(() => (window as RbmDemoWindow).harmoniumRbmDemo!.state());
  assert.ok(before.reconstructionError > 0 && before.reconstructionError < 784, `reconstruction error ${before.reconstructionError}`);
  // The controls: k from the menu, the learning rate through the hook; the step count keeps growing.
  await p.select('#k', '3');
  await p.evaluate(() => (window as RbmDemoWindow).harmoniumRbmDemo!.setLearningRate(0.02));
  await p.waitForFunction((n: number) => (window as RbmDemoWindow).harmoniumRbmDemo!.state().steps >= n + 6, { timeout: 60_000, polling: 100 }, before.steps);
  const after = await p.evaluate(() => (window as RbmDemoWindow).harmoniumRbmDemo!.state());
  assert.equal([after.settings.k, after.settings.lr], [3, 0.02]);
  assert.ok(after.steps > before.steps, `no new model: ${before.steps} -> ${after.steps}`);
  // The readout follows at the end of the frame that rebuilt the trainer.
  await p.waitForFunction(() => (document.getElementById('out-model')?.textContent ?? '').includes('CD-3'), { timeout: 10_000, polling: 100 });
  assert.ok(new URL(p.url()).search.includes('k=3'), `address follows the controls: ${p.url()}`);
  assert.is(after.error, null);
  await p.close();
  assert.equal(errors, [], 'console errors');
});

rbmPage.run();
