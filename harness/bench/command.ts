// harmonium bench <name> (npm run bench -- <name>): each result is printed as a table (or one JSON
// object with --json) and written to <out>/<name>-<backend>.json.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { runOn, type Backend } from '../backends/index.js';
import { defineCommand } from '../cli/command.js';
import { adapter, json } from '../cli/flags.js';
import { progressReporter } from '../cli/progress.js';
import { choice, text, type Values } from '../cli/schema.js';
import { writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';
import { packageRoot } from '../io/package.js';
import type { Benchmark } from './definition.js';
import { reps, sizes } from './flags.js';
import { FEATURES } from '../features.js';

/** Every benchmark by its name (its feature's, unless it names itself; harness/features.ts). */
export const BENCHMARKS: Readonly<Record<string, Benchmark>> = Object.fromEntries(FEATURES.flatMap((f) => (f.benchmark ? [[f.benchmark.name ?? f.name, f.benchmark]] : [])));

const BENCH_FLAGS = {
  backend: choice(['node', 'chrome', 'both'] as const, { default: 'both', help: 'node, chrome (headless Chromium), or both' }),
  adapter,
  sizes,
  reps,
  out: text({ value: 'DIR', defaultText: 'harness/results in a checkout, else results', help: 'where the result JSON goes' }),
  json,
} as const;

/** harness/results in a repository checkout; ./results for an installed package. */
function defaultOut(): string {
  const results = join(packageRoot(), 'harness', 'results');
  return existsSync(results) ? results : 'results';
}

/** The benchmarks' names, aligned in --help with two spaces after the longest. */
const NAME_WIDTH = Math.max(...Object.keys(BENCHMARKS).map((name) => name.length)) + 2;

export const benchCommand = defineCommand({
  name: 'bench',
  summary: 'benchmarks: each checked against its reference first, warmed up, then the median and spread of timed repetitions',
  flags: BENCH_FLAGS,
  positional: { name: 'benchmark', help: 'what to measure (below)', choices: Object.keys(BENCHMARKS) },
  details: [
    'Benchmarks (default sizes):',
    ...Object.entries(BENCHMARKS).map(([name, b]) => `  ${name.padEnd(NAME_WIDTH)}${b.summary} (${b.sizes.join(',')})`),
    '',
    'With --json the last line of stdout is one JSON object; with both backends its top-level fields are',
    "the chrome run's and `backends` holds each backend's.",
  ].join('\n'),
  run: runBench,
});

async function runBench(values: Values<typeof BENCH_FLAGS>, name: string | undefined): Promise<void> {
  const bench = BENCHMARKS[name!];
  const backends: Backend[] = values.backend === 'both' ? ['node', 'chrome'] : [values.backend];
  const spec: JsonObject = { job: bench.job, reps: values.reps };
  if (values.sizes) spec.sizes = values.sizes;
  const out = values.out ?? defaultOut();
  const results: Record<string, JsonObject> = {};
  for (const backend of backends) {
    const progress = progressReporter(`bench ${name} (${backend})`);
    progress.unit('running');
    const result = await runOn(backend, spec, { adapter: values.adapter, onUnit: progress.unit });
    progress.done();
    result.backend = backend;
    results[backend] = result;
    writeFileAtomic(join(out, `${name}-${backend}.json`), `${JSON.stringify(result, null, 1)}\n`);
    if (!values.json) process.stdout.write(`${bench.table(result, backend)}\n\n`);
  }
  if (values.json) {
    // One object: the last backend's summary at the top level (chrome, with both), every backend's in `backends`.
    const summaries = backends.map((b) => ({ backend: b, ...bench.summaryOf(results[b]) }));
    const last = summaries[summaries.length - 1];
    process.stdout.write(`${JSON.stringify(summaries.length === 1 ? last : { ...last, backends: summaries })}\n`);
  }
}
