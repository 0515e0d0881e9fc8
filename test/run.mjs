// `npm test`'s runner: the uvu suites of dist/test, one Node process per file, one file at a time
// unless HARMONIUM_TEST_JOBS=N asks for N side by side. Each file's output is printed whole when it
// ends, with a line naming it and its time, and uvu's totals over every file come last (Total,
// Passed, Skipped, Duration: the lines .ci/run reads). A process per file: on 2 cores with
// SwiftShader the suite took 577 s so, against 618 s in one uvu process.
// Why one at a time by default: two SwiftShader processes on 2 cores fight over them. Two at a time
// took 539 s once and 665 s the next time, when the Ising file ran beside the MNIST run for 264 s (39 s
// alone): SwiftShader's worker threads spin while they wait for work, so each process's spinning
// takes the other's core. Every file opens its own device, pages and temporary folders, so files
// may run side by side where there are cores to spare.
//
//   node test/run.mjs              every file
//   node test/run.mjs 'rbm|mlp'    the files whose names match
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = 'dist/test';
// With several at a time, these start first so that a long file does not start last (by their times
// two at a time on 2 cores; the rest in name order).
const LONGEST_FIRST = ['mlp_mnist', 'ising', 'vae', 'rbm_cli', 'rbm', 'autoencoder', 'report', 'chrome', 'package', 'gemm', 'mlp'];

const only = pattern(process.argv[2] ?? '.');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.test.js') && only.test(f))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const jobs = Number(process.env.HARMONIUM_TEST_JOBS ?? 1);
if (!(Number.isInteger(jobs) && jobs >= 1)) {
  process.stderr.write(`test/run.mjs: HARMONIUM_TEST_JOBS must be a positive integer, got '${process.env.HARMONIUM_TEST_JOBS}'\n`);
  process.exit(2);
}
if (files.length === 0) {
  process.stderr.write(`test/run.mjs: no test files in ${DIR} match ${only} (run node build.mjs first)\n`);
  process.exit(2);
}

function pattern(text) {
  try {
    return new RegExp(text);
  } catch (e) {
    process.stderr.write(`test/run.mjs: '${text}' is not a regular expression of file names: ${e.message}\n`);
    process.exit(2);
  }
}

function rank(file) {
  const i = LONGEST_FIRST.indexOf(file.replace(/\.test\.js$/, ''));
  return i < 0 ? LONGEST_FIRST.length : i;
}

/** Runs one file; resolves with its output (stdout and stderr as they came), exit status and totals. */
function runFile(file) {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(DIR, file)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => {
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
      const count = (name) => Number(new RegExp(`^\\s*${name}:\\s+(\\d+)`, 'm').exec(plain)?.[1] ?? NaN);
      resolve({ file, output, code: code ?? signal, seconds: (performance.now() - start) / 1000, total: count('Total'), passed: count('Passed'), skipped: count('Skipped') });
    });
  });
}

const started = performance.now();
const queue = [...files];
const results = [];
await Promise.all(
  Array.from({ length: Math.min(jobs, files.length) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file);
      results.push(r);
      process.stdout.write(`\n── ${r.file} (${r.seconds.toFixed(1)} s, exit ${r.code})\n${r.output}`);
    }
  }),
);

// A file that printed no totals (it crashed before uvu could) counts as one failed test.
let [total, passed, skipped] = [0, 0, 0];
const broken = [];
for (const r of results) {
  const counted = Number.isFinite(r.total) && Number.isFinite(r.passed);
  total += counted ? r.total : 1;
  passed += counted ? r.passed : 0;
  skipped += Number.isFinite(r.skipped) ? r.skipped : 0;
  if (r.code !== 0 || !counted || r.passed + (Number.isFinite(r.skipped) ? r.skipped : 0) < r.total) broken.push(r.file);
}
if (broken.length) process.stdout.write(`\nFailed or broken: ${broken.join(', ')}\n`);
process.stdout.write(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}\n  Duration:  ${(performance.now() - started).toFixed(2)}ms (${files.length} files, ${jobs} at a time)\n\n`);
process.exit(broken.length ? 1 : 0);
