// Bundles harmonium with esbuild: WGSL is imported as text (comments stripped, lines kept, so WGSL
// error line numbers still hold), and the built-in kernels' reflection is computed here once.
//   dist/harmonium.js   the library (index.ts): minified browser ESM that Node imports too; the WGSL
//                       parser is a chunk loaded only for kernels of one's own (dist/chunks/)
//   dist/types/         its type declarations (tsc)
//   dist/runner.js      the chrome backend's page bundle (runJob); dist/demos/*.js the demo pages
//   dist/data/          the MNIST cache and the Federalist Papers, for pages and the jobs
//   dist/cli.js         the Node CLI (`harmonium ...`); the `webgpu` and `puppeteer-core` packages stay external
//   dist/test/*.js      the uvu suites, one bundle per test file (run by `uvu dist/test`)
// `--if-stale` rebuilds only when a source file is newer than dist/.stamp.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';

const SOURCE_DIRS = ['engine', 'models', 'harness', 'shaders', 'test', 'types'];
const STAMP = 'dist/.stamp';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'results' && entry.name !== 'node_modules') newest = Math.max(newest, newestSource(path));
    } else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const stale = () => {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  const inputs = [...SOURCE_DIRS.map(newestSource), ...['build.mjs', 'package.json', 'index.ts'].map((f) => statSync(f).mtimeMs)];
  return Math.max(...inputs) > built;
};

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

/** WGSL as text without comments or indentation; every line stays, so line numbers in WGSL errors hold. */
const wgslText = {
  name: 'wgsl-text',
  setup(build) {
    build.onLoad({ filter: /\.wgsl$/ }, (args) => {
      // WGSL has no string literals, so '//' always starts a comment, and runs of blanks are one separator.
      const lines = readFileSync(args.path, 'utf8').split('\n').map((line) => line.replace(/\/\/.*$/, '').replace(/\s+/g, ' ').trim());
      return { contents: lines.join('\n'), loader: 'text' };
    });
  },
};

/** The module 'harmonium:reflections': the built-in kernels' reflection table (engine/reflections.ts). */
const reflections = (table) => ({
  name: 'reflections',
  setup(build) {
    build.onResolve({ filter: /^harmonium:reflections$/ }, () => ({ path: 'reflections', namespace: 'harmonium' }));
    build.onLoad({ filter: /.*/, namespace: 'harmonium' }, () => ({ contents: JSON.stringify(table), loader: 'json' }));
  },
});

const base = {
  bundle: true,
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  target: 'es2022',
  // wgsl_reflect's 'main' (its Node build) exports nothing to ESM; its 'module' build is the real one.
  mainFields: ['module', 'main'],
};
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

// Reflect every built-in kernel once, with the parser, in Node: the bundles then carry the table.
const bootstrap = 'dist/.reflect-library.mjs';
await esbuild.build({ ...base, plugins: [wgslText, reflections({ files: {}, structs: [] })], platform: 'node', sourcemap: false, entryPoints: ['engine/reflect_library.ts'], outfile: bootstrap });
const table = await (await import(pathToFileURL(bootstrap).href)).reflectLibrary();
rmSync(bootstrap);
const common = { ...base, plugins: [wgslText, reflections(table)] };

const nodeExternal = ['webgpu', 'puppeteer-core', 'uvu', 'uvu/assert'];
// Node bundles are ESM; some dependencies still call require() for Node built-ins.
const nodeBanner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };

const tests = readdirSync('test').filter((f) => f.endsWith('.test.ts'));
// Each feature folder of the harness with a demo.ts/demo.html pair is one demo page: dist/demos/<feature>.html.
const demoFeatures = readdirSync('harness', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`harness/${d.name}/demo.ts`))
  .map((d) => d.name);
// The library's subpaths (package.json exports): harmonium/engine and one per model family, as entries of
// the same build, so that they share chunks (one copy of each class) with each other and with harmonium.js.
const modelFamilies = readdirSync('models/entries').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const libraryEntries = { harmonium: 'index.ts', 'lib/engine': 'engine/index.ts', 'lib/ops': 'engine/ops/index.ts', ...Object.fromEntries(modelFamilies.map((f) => [`lib/${f}`, `models/entries/${f}.ts`])) };
const [library] = await Promise.all([
  // The library: one minified ESM file for pages and Node ('webgpu' and node: are imported only in Node),
  // each WGSL file and the WGSL parser split off as chunks loaded on demand (shaders/index.ts, defineKernel).
  esbuild.build({
    ...common,
    platform: 'browser',
    entryPoints: libraryEntries,
    outdir: 'dist',
    splitting: true,
    minify: true,
    chunkNames: 'chunks/[name]-[hash]',
    external: ['webgpu', 'node:*'],
    metafile: true,
  }),
  esbuild.build({ ...common, platform: 'browser', entryPoints: { runner: 'harness/backends/page.ts' }, outdir: 'dist', external: ['webgpu', 'node:*'] }),
  esbuild.build({ ...common, platform: 'browser', entryPoints: Object.fromEntries(demoFeatures.map((f) => [`demos/${f}`, `harness/${f}/demo.ts`])), outdir: 'dist', external: ['webgpu', 'node:*'] }),
  // The report page script, inlined into results/report.html (so an IIFE, minified).
  esbuild.build({ ...common, format: 'iife', minify: true, sourcemap: false, platform: 'browser', entryPoints: ['harness/report/page.ts'], outfile: 'dist/report-page.js' }),
  // The tfjs peer of bench gemm, imported at run time: for pages, and for Node (tfjs-core's Node platform).
  esbuild.build({ ...common, platform: 'browser', entryPoints: { 'peers/tfjs': 'harness/gemm/tfjs_peer.ts' }, outdir: 'dist', external: ['webgpu', 'node:*'] }),
  esbuild.build({ ...common, platform: 'node', entryPoints: { 'peers/tfjs.node': 'harness/gemm/tfjs_peer.ts' }, outdir: 'dist', external: nodeExternal, banner: nodeBanner }),
  esbuild.build({ ...common, platform: 'node', entryPoints: ['harness/cli/main.ts'], outfile: 'dist/cli.js', external: nodeExternal, banner: nodeBanner }),
  esbuild.build({
    ...common,
    platform: 'node',
    entryPoints: tests.map((t) => `test/${t}`),
    outdir: 'dist/test',
    external: nodeExternal,
    banner: nodeBanner,
  }),
]);
// Type declarations of the library, for TypeScript users (tsc --strict consumers are tested).
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
const declarations = 'dist/types/index.d.ts';
writeFileSync(declarations, `/// <reference types="@webgpu/types" />\n${readFileSync(declarations, 'utf8')}`);

// The library's size, as a page loads it: an entry and the chunks it imports statically, transitively.
const outputs = library.metafile.outputs;
if (process.env.HARMONIUM_BUNDLE_REPORT) writeFileSync('dist/.meta.json', JSON.stringify(library.metafile));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const staticClosure = (entries, seen = new Set()) => {
  for (const file of entries) {
    if (seen.has(file)) continue;
    seen.add(file);
    staticClosure(outputs[file].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path), seen);
  }
  return [...seen];
};
const size = (files) => files.reduce((a, f) => a + statSync(f).size, 0);
const gzip = (files) => files.reduce((a, f) => a + gzipSync(readFileSync(f)).length, 0);
const everything = staticClosure(['dist/harmonium.js']);
const entries = staticClosure(Object.keys(outputs).filter((o) => Object.values(libraryEntries).includes(outputs[o].entryPoint)));
const lazy = Object.keys(outputs).filter((f) => f.endsWith('.js') && !entries.includes(f));
const isingPage = staticClosure(['dist/lib/engine.js', 'dist/lib/ising.js']);
process.stderr.write(
  `build: dist/harmonium.js ${kb(size(everything))} minified (${kb(gzip(everything))} gzip); harmonium/engine + harmonium/ising ${kb(size(isingPage))} (${kb(gzip(isingPage))} gzip); ` +
    `chunks loaded on demand (the WGSL files, the WGSL parser): ${kb(size(lazy))}; of the library, the built-in kernels' reflections ${kb(JSON.stringify(table).length)}\n`,
);

// MNIST for pages (the mlp jobs fetch dist/data/mnist-10k.bin, and read the same file in Node):
// harness/data's writeMnistCache, bundled for Node once here; it copies the user's cache (loadMnist).
const mnistBootstrap = 'dist/.mnist-cache.mjs';
await esbuild.build({ ...base, platform: 'node', sourcemap: false, entryPoints: ['harness/data/mnist_node.ts'], outfile: mnistBootstrap, banner: nodeBanner });
(await import(pathToFileURL(mnistBootstrap).href)).writeMnistCache('dist/data');
rmSync(mnistBootstrap);
// The topic models' real-text corpus (harness/data/federalist.ts reads it in Node and in a page).
copyFileSync('harness/data/federalist.txt', 'dist/data/federalist.txt');

// Pages: the chrome backend's runner and the demos, next to the bundles they import.
mkdirSync('dist/demos', { recursive: true });
copyFileSync('harness/backends/runner.html', 'dist/runner.html');
/** A page whose first line names its title gets the shared head (harness/server/head.html) in its place. */
const HEAD = readFileSync('harness/server/head.html', 'utf8');
const writePage = (from, to) => writeFileSync(to, readFileSync(from, 'utf8').replace(/^<!-- head: (.*?) \(.*?\) -->\n/, (_line, title) => HEAD.replace('{{title}}', title)));
writePage('harness/server/demos.html', 'dist/demos/index.html');
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/report-page.css');
for (const f of demoFeatures) writePage(`harness/${f}/demo.html`, `dist/demos/${f}.html`);
// Demos that train on MNIST or the Federalist Papers fetch them next to their bundle (harmonium serve serves dist/demos only).
mkdirSync('dist/demos/data', { recursive: true });
for (const f of readdirSync('dist/data')) copyFileSync(`dist/data/${f}`, `dist/demos/data/${f}`);
writeFileSync(STAMP, new Date().toISOString());
