// Bundles harmonium with esbuild: WGSL is imported as text.
//   dist/harmonium.js   browser ESM (the engine, models and runJob) for pages and the chrome backend
//   dist/cli.js         the Node CLI (`harmonium ...`); the `webgpu` and `puppeteer-core` packages stay external
//   dist/test/*.js      the uvu suites, one bundle per test file (run by `uvu dist/test`)
// `--if-stale` rebuilds only when a source file is newer than dist/.stamp.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, writeFileSync, existsSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['engine', 'models', 'harness', 'shaders', 'test'];
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
  const inputs = [...SOURCE_DIRS.map(newestSource), statSync('build.mjs').mtimeMs, statSync('package.json').mtimeMs];
  return Math.max(...inputs) > built;
};

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

const common = {
  bundle: true,
  format: 'esm',
  loader: { '.wgsl': 'text' },
  sourcemap: 'linked',
  logLevel: 'warning',
  target: 'es2022',
  // wgsl_reflect's 'main' (its Node build) exports nothing to ESM; its 'module' build is the real one.
  mainFields: ['module', 'main'],
};
const nodeExternal = ['webgpu', 'puppeteer-core', 'uvu', 'uvu/assert'];
// Node bundles are ESM; some dependencies still call require() for Node built-ins.
const nodeBanner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };

const tests = readdirSync('test').filter((f) => f.endsWith('.test.ts'));
// Each feature folder of the harness with a demo.ts/demo.html pair is one demo page: dist/demos/<feature>.html.
const demoFeatures = readdirSync('harness', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`harness/${d.name}/demo.ts`))
  .map((d) => d.name);
rmSync('dist', { recursive: true, force: true });
await Promise.all([
  esbuild.build({ ...common, platform: 'browser', entryPoints: ['harness/backends/page.ts'], outfile: 'dist/harmonium.js', external: ['webgpu', 'node:*'] }),
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
// Pages: the chrome backend's runner and the demos, next to the bundles they import.
mkdirSync('dist/demos', { recursive: true });
copyFileSync('harness/backends/runner.html', 'dist/runner.html');
copyFileSync('harness/server/demos.html', 'dist/demos/index.html');
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/report-page.css');
for (const f of demoFeatures) copyFileSync(`harness/${f}/demo.html`, `dist/demos/${f}.html`);
writeFileSync(STAMP, new Date().toISOString());
