// harmonium as a user meets it: `npm pack`, installed into a fresh folder, then (a) the README's Node
// example runs against the installed package, (b) a TypeScript consumer type-checks with --strict against
// the shipped declarations, (c) the README's page example runs in headless Chrome from the shipped
// browser bundle, (d) the installed CLI runs from another folder (its chrome backend and `serve`
// find their pages in the package), and (e) the subpaths (harmonium/engine, harmonium/ising) share
// classes and stay small. Also: every locked dependency accepts Node 20.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startChrome } from '../harness/backends/chrome.js';
import { onsagerEnergy, yangMagnetization } from '../harness/ising/onsager.js';

const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'harmonium-package-'));
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'harmonium');

/** The code block after `<!-- example: NAME -->` in the README. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README.md has no example '${name}'`);
  return m[1];
}

// uvu forces colours on; the children's output is read as text.
const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };

function run(command: string, args: string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const pkg = suite('packed and installed (GPU, headless Chrome)');

pkg.before(() => {
  // dist/ is built (npm test builds it first): pack what it holds, as `npm publish` would after prepack.
  const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)) as { filename: string }[];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const tarball = join(work, packed[0].filename);
  writeFileSync(join(work, 'tarball.txt'), tarball);
  run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
});

pkg.after(() => rmSync(work, { recursive: true, force: true }));

pkg('the package holds the library, types and CLI, and installs no build tools or tests', () => {
  for (const f of ['dist/harmonium.js', 'dist/types/index.d.ts', 'dist/cli.js', 'dist/runner.html', 'dist/demos/ising.html', 'dist/data/mnist-10k.bin', 'bin/harmonium.mjs']) {
    assert.ok(existsSync(join(installed, f)), `${f} is shipped`);
  }
  for (const f of ['dist/test', 'build.mjs', 'test', 'harness']) assert.not.ok(existsSync(join(installed, f)), `${f} is not shipped`);
  for (const dev of ['esbuild', 'typescript', 'uvu', '@tensorflow/tfjs-core', 'wgsl_reflect']) {
    assert.not.ok(existsSync(join(app, 'node_modules', dev)), `${dev} is not installed for a user`);
  }
  assert.ok(existsSync(join(app, 'node_modules', 'webgpu')), 'the optional webgpu package is installed');
});

pkg("(a) the README's Node example runs against the installed package", () => {
  writeFileSync(join(app, 'example.mjs'), readmeExample('node'));
  const out = run(process.execPath, ['example.mjs'], app);
  assert.match(out, /C = \[ 4, 5, 10, 11 \]/);
  const m = /e = (-?[\d.]+), \|m\| = ([\d.]+)/.exec(out);
  assert.ok(m, out);
  // 1000 sweeps of L = 64 at T = 2: within 0.02 of the infinite lattice (Onsager, Yang).
  assert.ok(Math.abs(Number(m![1]) - onsagerEnergy(2)) < 0.02, out);
  assert.ok(Math.abs(Number(m![2]) - yangMagnetization(2)) < 0.02, out);
});

pkg('(b) a TypeScript consumer type-checks with tsc --strict against the shipped declarations', () => {
  const consumer = `import { openContext, IsingChain, KernelGraph, addGemm, InputError, type IsingConfig, type EngineContext, type Tensor } from 'harmonium';
import { Rbm, type RbmConfig } from 'harmonium/rbm';
import { defineKernel, type ShaderLibrary } from 'harmonium/engine';
export const rbmConfig: RbmConfig = { visible: 4, hidden: 2 };
export const own: ShaderLibrary = { 'mine.wgsl': async () => '@compute @workgroup_size(1) fn main() {}' };
export const kernels = [Rbm.name, defineKernel.name];

const config: IsingConfig = { size: 64, temperature: 2.3, algorithm: 'heatbath', seed: 1 };
// @ts-expect-error: 'wolff' is not one of the algorithms
const wrong: IsingConfig = { ...config, algorithm: 'wolff' };

export async function energy(): Promise<number> {
  const ctx: EngineContext = await openContext({ adapter: 'auto' });
  const chain = await IsingChain.create(ctx, config);
  const m = await chain.measure(10);
  const a: Tensor = await ctx.pool.tensor('a', 'f32', [4, 4]);
  const graph = new KernelGraph('square');
  const op = await addGemm(graph, ctx, { a, b: a, c: a, m: 4, n: 4, k: 4 }).catch((e: unknown) => (e instanceof InputError ? null : Promise.reject(e)));
  op?.release();
  await ctx.close();
  return m.energy_per_site + wrong.size;
}
`;
  writeFileSync(join(app, 'consumer.ts'), consumer);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'consumer.ts'], app);
  // The check can fail: a misuse of the API is an error.
  writeFileSync(join(app, 'misuse.ts'), `import { IsingChain } from 'harmonium';\nexport const n: string = IsingChain.create;\n`);
  const r = spawnSync(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'misuse.ts'], { cwd: app, encoding: 'utf8', env });
  assert.is(r.status, 2, 'tsc rejects a misuse');
  assert.match(r.stdout, /misuse\.ts.*TS2322/);
});

pkg('(e) the subpaths harmonium/engine and harmonium/ising share one copy of each class, and load under 120 KB', () => {
  writeFileSync(
    join(app, 'subpaths.mjs'),
    `import { openContext, InputError } from 'harmonium/engine';
import { IsingChain } from 'harmonium/ising';
import * as whole from 'harmonium';
const ctx = await openContext();
const chain = await IsingChain.create(ctx, { size: 32, temperature: 1.5, algorithm: 'heatbath', seed: 3 });
const m = await chain.measure(200);
let refused = '';
try { await IsingChain.create(ctx, { size: 33, temperature: 1.5, algorithm: 'heatbath', seed: 3 }); } catch (e) { refused = \`\${e instanceof InputError} \${e instanceof whole.InputError} \${e.name}\`; }
console.log(\`|m| = \${m.magnetization_abs.toFixed(3)}; refused: \${refused}; same class: \${whole.IsingChain === IsingChain}\`);
await ctx.close();
`,
  );
  const out = run(process.execPath, ['subpaths.mjs'], app);
  assert.match(out, /refused: true true InputError; same class: true/);
  // T = 1.5, far below T_c: |m| near Yang's 0.986.
  const m = Number(/\|m\| = ([\d.]+)/.exec(out)![1]);
  assert.ok(Math.abs(m - yangMagnetization(1.5)) < 0.02, out);
  // What a page importing both downloads before it compiles a kernel: the two files and the chunks they import statically.
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, 'utf8');
    // Minified static imports: import{...}from"./chunk-X.js" or import"./chunk-X.js" (dynamic ones are import("...")).
    for (const m of code.matchAll(/\bimport\s*(?:[^"'()]*?\bfrom\s*)?["'](\.[^"']+)["']/g)) visit(join(dirname(file), m[1]));
  };
  for (const entry of ['engine', 'ising']) visit(join(installed, 'dist', 'lib', `${entry}.js`));
  const bytes = [...files].reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(files.size > 2, `the entries import shared chunks: ${[...files].join(', ')}`);
  assert.ok(bytes < 120 * 1024, `harmonium/engine + harmonium/ising load ${bytes} bytes`);
  assert.not.ok([...files].some((f) => readFileSync(f, 'utf8').includes('@compute')), 'no WGSL text is loaded before a kernel is compiled');
});

pkg("(c) the README's page example runs in headless Chrome from the shipped browser bundle", async () => {
  const www = join(work, 'www');
  mkdirSync(www);
  cpSync(join(installed, 'dist', 'harmonium.js'), join(www, 'harmonium.js'));
  cpSync(join(installed, 'dist', 'chunks'), join(www, 'chunks'), { recursive: true });
  writeFileSync(join(www, 'index.html'), readmeExample('page'));
  writeFileSync(join(www, 'favicon.ico'), new Uint8Array(0)); // a browser asks for it; a 404 would be a console error
  const chrome = await startChrome(www);
  try {
    const { page, errors } = await chrome.open('index.html');
    await page.waitForFunction(() => document.querySelector('#out')?.textContent !== 'running...', { timeout: 120_000 });
    const text = await page.$eval('#out', (e) => e.textContent ?? '');
    assert.match(text, /: \d+ spins up$/);
    const up = Number(/(\d+) spins up/.exec(text)![1]);
    assert.ok(up > 0 && up < 128 * 128, text);
    // The canvas shows both spin colours.
    const colours = await page.$eval('#lattice', (c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 128, 128).data;
      let white = 0;
      for (let i = 0; i < data.length; i += 4) white += data[i] === 255 ? 1 : 0;
      return white;
    });
    assert.is(colours, up, 'one white pixel per +1 spin');
    assert.equal(errors, []);
  } finally {
    await chrome.close();
  }
});

pkg("without the optional 'webgpu' package, Node gets a clear error that says what to install", () => {
  const bare = join(work, 'bare');
  mkdirSync(bare);
  writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare', private: true, type: 'module' }));
  const tarball = readFileSync(join(work, 'tarball.txt'), 'utf8');
  run('npm', ['install', tarball, '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], bare);
  assert.not.ok(existsSync(join(bare, 'node_modules', 'webgpu')));
  writeFileSync(join(bare, 'open.mjs'), "import { openContext } from 'harmonium';\nawait openContext();\n");
  const r = spawnSync(process.execPath, ['open.mjs'], { cwd: bare, encoding: 'utf8', env });
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /NoAdapterError: the 'webgpu' package \(Dawn for Node\) could not be loaded .*npm install webgpu/);
});

pkg('(d) the installed CLI runs from another folder: node and chrome backends, serve', async () => {
  const cli = join(app, 'node_modules', '.bin', 'harmonium');
  const args = ['ising', '--size', '16', '--temperature', '2.5', '--sweeps', '20', '--burn-in', '5', '--json'];
  const node = JSON.parse(run(cli, args, work));
  const chrome = JSON.parse(run(cli, [...args, '--backend', 'chrome'], work));
  assert.is(chrome.energy_per_site, node.energy_per_site, 'the same chain in a page');
  assert.is(chrome.adapter.runtime, 'browser');
  const serve = spawn(cli, ['serve', '--port', '0'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env });
  try {
    const url = await new Promise<string>((ok, fail) => {
      serve.stdout.on('data', (d: Buffer) => {
        const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(String(d));
        if (m) ok(m[1]);
      });
      serve.on('exit', (code) => fail(new Error(`serve exited ${code}`)));
    });
    const response = await fetch(`${url}/ising.html`);
    assert.is(response.status, 200);
    assert.match(await response.text(), /<canvas/);
  } finally {
    serve.kill('SIGTERM');
  }
});

pkg.run();

const engines = suite('dependencies accept Node 20 (no GPU)');

/** Whether `version` satisfies a range made of ||-alternatives of space-separated >=, >, <, <=, ^ or plain versions. */
function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => v.replace(/^v/, '').split('.').map((x) => Number(x) || 0);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const v = parse(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((clause) => {
        const m = /^(>=|<=|>|<|\^|~|=)?(.*)$/.exec(clause)!;
        if (m[2] === '*' || m[2] === 'x') return true;
        const c = cmp(v, parse(m[2]));
        switch (m[1]) {
          case '>=': return c >= 0;
          case '>': return c > 0;
          case '<=': return c <= 0;
          case '<': return c < 0;
          case '^': return c >= 0 && v[0] === parse(m[2])[0];
          case '~': return c >= 0 && v[0] === parse(m[2])[0] && v[1] === parse(m[2])[1];
          default: return c === 0 || m[2].split('.').length < 3;
        }
      }),
  );
}

engines('every package in package-lock.json accepts Node 20.0 and the running Node (npm ci prints no EBADENGINE)', () => {
  assert.ok(satisfies('20.0.0', '>=18') && !satisfies('20.20.2', '>=22.12.0') && satisfies('20.1.0', '^18.0.0 || ^20.0.0'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } }> };
  const refused = Object.entries(lock.packages)
    .filter(([, p]) => typeof p.engines?.node === 'string')
    .filter(([, p]) => !satisfies('20.0.0', p.engines!.node!) || !satisfies(process.versions.node, p.engines!.node!))
    .map(([name, p]) => `${name} (${p.engines!.node})`);
  assert.equal(refused, []);
});

engines.run();
