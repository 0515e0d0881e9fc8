// harmonium bench <name> [--backend node|chrome|both] [--json] [--sizes a,b,c] [--reps N]
// (npm run bench -- <name> ...). Each result is printed as a table (or one JSON line with --json)
// and written to harness/results/<name>-<backend>.json.
import { InputError } from '../../engine/errors.js';
import { runOn, type Backend } from '../backends/index.js';
import { choiceFlag, numberFlag, parseFlags } from '../cli_util.js';
import { writeFileAtomic } from '../io/files.js';
import type { Json, JsonObject } from '../io/json.js';
import { isingBenchTable } from '../ising/bench_table.js';
import { gemmBenchSummary, gemmBenchTable } from '../gemm/bench_table.js';

interface BenchDefinition {
  job: string;
  table: (result: JsonObject, backend: string) => string;
  /** The one JSON object printed last with --json. */
  summary: (result: JsonObject) => JsonObject;
}

/** Every benchmark by name. A new benchmark is one line here and a job in harness/jobs/. */
export const BENCHES: Record<string, BenchDefinition> = {
  ising: { job: 'bench-ising', table: isingBenchTable, summary: (r) => r },
  gemm: { job: 'bench-gemm', table: gemmBenchTable, summary: gemmBenchSummary },
};

export const BENCH_HELP = `usage: harmonium bench <${Object.keys(BENCHES).join('|')}> [--backend node|chrome|both] [--sizes a,b,...] [--reps N] [--json]
  (or: npm run bench -- <name> [...])

  --backend B   node, chrome (headless Chromium), or both (default)
  --sizes ...   comma-separated problem sizes (ising: lattice sides, multiples of 64, default 256,1024,4096;
                gemm: square M = N = K, default 256,512,1024,2048, the RBM shapes always run)
  --reps N      timed repetitions after warm-up (default 5); the median is reported
  --out DIR     where result JSON goes (default harness/results)
  --json        print one JSON object as the last line of stdout (with both backends: chrome's summary at
                the top level, each backend's under "backends")`;

export async function run(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help') {
    process.stdout.write(`${BENCH_HELP}\n`);
    if (!name) throw new InputError('bench: name a benchmark');
    return;
  }
  const bench = BENCHES[name];
  if (!bench) throw new InputError(`bench: unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}`);
  const { values } = parseFlags(
    rest,
    { backend: { type: 'string' }, sizes: { type: 'string' }, reps: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    `bench ${name}`,
  );
  const which = choiceFlag(values.backend, 'backend', ['node', 'chrome', 'both'] as const, 'both');
  const backends: Backend[] = which === 'both' ? ['node', 'chrome'] : [which];
  const spec: JsonObject = { job: bench.job, reps: numberFlag(values.reps, 'reps', 'positive-int', 5) };
  if (values.sizes !== undefined) spec.sizes = values.sizes.split(',').map((s) => numberFlag(s, 'sizes', 'positive-int'));
  const outDir = values.out ?? 'harness/results';
  const results: Record<string, Json> = {};
  for (const backend of backends) {
    process.stderr.write(`bench ${name}: running on ${backend}...\n`);
    const result = (await runOn(backend, spec)) as JsonObject;
    result.backend = backend;
    results[backend] = result;
    writeFileAtomic(`${outDir}/${name}-${backend}.json`, `${JSON.stringify(result, null, 1)}\n`);
    if (!values.json) process.stdout.write(`${bench.table(result, backend)}\n\n`);
  }
  if (values.json) {
    // One object: the last backend's summary at the top level (chrome, with both), every backend's in `backends`.
    const summaries = backends.map((b) => ({ backend: b, ...bench.summary(results[b] as JsonObject) }));
    const last = summaries[summaries.length - 1];
    process.stdout.write(`${JSON.stringify(summaries.length === 1 ? last : { ...last, backends: summaries })}\n`);
  }
}
