// harmonium study: the main job (npm start). An Ising study across the critical point for two sizes,
// in headless Chrome by default, next to the exact curves; the Ising (and, when registered, GEMM)
// benchmarks in the same run; everything in one self-contained results/report.html plus JSON.
// Every finished point is saved to results/study.json at once, so an interrupted study resumes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../engine/errors.js';
import { ISING_ALGORITHMS } from '../../models/ising_rule.js';
import { startChrome, runJobInChrome, type ChromeSession } from '../backends/chrome.js';
import { BACKENDS, type Backend } from '../backends/index.js';
import { choiceFlag, numberFlag, parseFlags } from '../cli_util.js';
import { writeFileAtomic } from '../io/files.js';
import { jobNames, runJob } from '../backends/jobs.js';
import type { Json, JsonObject } from '../io/json.js';
import { progressBar } from '../cli/progress.js';
import { onsagerEnergy, yangMagnetization, TC } from '../ising/onsager.js';
import type { ReportData, StudyPoint } from './data.js';
import { reportHtml } from './template.js';
import { Gpu } from '../../engine/device.js';

const FULL_TEMPERATURES = [1.6, 1.8, 2.0, 2.1, 2.2, 2.25, 2.27, 2.3, 2.35, 2.4, 2.5, 2.7, 3.0, 3.5];
const QUICK_TEMPERATURES = [1.8, 2.27, 3.0];

export const STUDY_HELP = `usage: harmonium study [--backend chrome|node] [--sizes 64,128] [--algorithm multispin] [--sweeps N] [--burn-in B]
                      [--seed S] [--out DIR] [--resume] [--quick] [--no-bench] [--json]
  (npm start runs it with the defaults)

  --backend B     chrome (default: headless Chromium) or node
  --sizes ...     lattice sides, comma-separated (default 64,128; multiples of 64 for multispin)
  --algorithm A   heatbath, metropolis or multispin (default multispin)
  --sweeps N      measured sweeps per temperature (default 20000; --quick 2000)
  --burn-in B     sweeps discarded first (default 2000; --quick 500)
  --out DIR       where report.html and study.json go (default results)
  --resume        reuse the points already in DIR/study.json that match these settings
  --quick         three temperatures, fewer sweeps, small benchmarks (a smoke run)
  --no-bench      skip the benchmarks
  --json          print the report data's summary as one JSON object`;

/** Runs jobs on one backend, keeping one browser (or device) for the whole study. */
class JobRunner {
  private chrome: ChromeSession | null = null;
  private gpu: Gpu | null = null;
  constructor(readonly backend: Backend) {}
  async run(spec: JsonObject): Promise<JsonObject> {
    if (this.backend === 'chrome') {
      this.chrome ??= await startChrome();
      return (await runJobInChrome(spec, this.chrome)) as JsonObject;
    }
    this.gpu ??= await Gpu.open();
    return runJob(spec, { gpu: this.gpu });
  }
  async close(): Promise<void> {
    await this.chrome?.close();
    this.gpu?.close();
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(
    argv,
    {
      backend: { type: 'string' }, sizes: { type: 'string' }, algorithm: { type: 'string' }, sweeps: { type: 'string' },
      'burn-in': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' },
      quick: { type: 'boolean' }, 'no-bench': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' },
    },
    'study',
  );
  if (values.help) {
    process.stdout.write(`${STUDY_HELP}\n`);
    return;
  }
  const quick = !!values.quick;
  const backend = choiceFlag(values.backend, 'backend', BACKENDS, 'chrome');
  const algorithm = choiceFlag(values.algorithm, 'algorithm', ISING_ALGORITHMS, 'multispin');
  const sizes = (values.sizes ?? '64,128').split(',').map((s) => numberFlag(s, 'sizes', 'positive-int'));
  const sweeps = numberFlag(values.sweeps, 'sweeps', 'positive-int', quick ? 2000 : 20000);
  const burnIn = numberFlag(values['burn-in'], 'burn-in', 'nonnegative-int', quick ? 500 : 2000);
  const seed = numberFlag(values.seed, 'seed', 'u32', 2026);
  const out = values.out ?? 'results';
  const temperatures = quick ? QUICK_TEMPERATURES : FULL_TEMPERATURES;
  const studyFile = join(out, 'study.json');

  // Points done before, reused only when every setting that shaped them matches.
  const done = new Map<string, StudyPoint>();
  const key = (size: number, T: number) => JSON.stringify({ size, T, algorithm, sweeps, burnIn, seed });
  if (values.resume && existsSync(studyFile)) {
    let saved: { points?: (StudyPoint & { key: string })[] };
    try {
      saved = JSON.parse(readFileSync(studyFile, 'utf8'));
    } catch (e) {
      throw new InputError(`--resume: ${studyFile} is not valid JSON (${(e as Error).message}); delete it or run without --resume`);
    }
    for (const p of saved.points ?? []) if (typeof p.key === 'string') done.set(p.key, p);
    process.stderr.write(`study: resuming, ${done.size} points already in ${studyFile}\n`);
  }

  const runner = new JobRunner(backend);
  try {
    const points: (StudyPoint & { key: string })[] = [];
    const snapshots: ReportData['study']['snapshots'] = [];
    const snapshotTs = new Set([temperatures[0], 2.27, temperatures[temperatures.length - 1]]);
    const bar = progressBar('study');
    let adapter: JsonObject = {};
    const total = sizes.length * temperatures.length;
    for (const size of sizes) {
      for (const temperature of temperatures) {
        const k = key(size, temperature);
        const wantSnapshot = size === sizes[sizes.length - 1] && snapshotTs.has(temperature);
        let point = done.get(k) as (StudyPoint & { key: string; sites_base64?: string }) | undefined;
        if (!point || (wantSnapshot && !point.sites_base64)) {
          const r = await runner.run({ job: 'ising', size, temperature, sweeps, burn_in: burnIn, seed, algorithm, return_sites: wantSnapshot });
          adapter = r.adapter as JsonObject;
          point = {
            key: k, size, temperature,
            energy_per_site: r.energy_per_site as number, energy_err: r.energy_err as number,
            magnetization_abs: r.magnetization_abs as number, magnetization_abs_err: r.magnetization_abs_err as number,
            binder: r.binder as number, binder_err: r.binder_err as number, energy_tau: r.energy_tau as number,
            flips_per_ns: r.flips_per_ns as number,
            ...(typeof r.sites_base64 === 'string' ? { sites_base64: r.sites_base64 } : {}),
          };
        }
        if (point.sites_base64) snapshots.push({ size, temperature, sites_base64: point.sites_base64 });
        points.push(point);
        writeFileAtomic(studyFile, `${JSON.stringify({ algorithm, sizes, sweeps, burn_in: burnIn, seed, backend, points }, null, 1)}\n`);
        bar.onProgress?.(points.length, total);
      }
    }
    bar.done();

    const benchmarks: Record<string, JsonObject> = {};
    if (!values['no-bench']) {
      process.stderr.write('study: benchmarks...\n');
      const isingBench = await runner.run({ job: 'bench-ising', sizes: quick ? [64, 256] : [256, 1024], reps: 3, target_ms: quick ? 50 : 200, reference_size: quick ? 64 : 256 });
      benchmarks['bench-ising'] = { ...isingBench, backend };
      adapter = isingBench.adapter as JsonObject;
      if (jobNames().includes('bench-gemm')) {
        const gemm = await runner.run({ job: 'bench-gemm', quick: true, reps: 3 });
        benchmarks['bench-gemm'] = { ...gemm, backend };
      }
    }
    if (Object.keys(adapter).length === 0) adapter = { description: 'unknown (all points resumed)', vendor: '', architecture: '' };

    const fine: number[] = [];
    for (let T = 1.0; T <= 4.0 + 1e-9; T += 0.02) fine.push(Math.round(T * 100) / 100);
    const exactTs = [...new Set([...fine, ...temperatures])].sort((a, b) => a - b);
    const data: ReportData = {
      title: 'harmonium report',
      date: new Date().toISOString(),
      backend,
      adapter,
      study: {
        algorithm, sweeps, burn_in: burnIn, seed, sizes,
        points: points.map(({ key: _key, sites_base64: _s, ...p }: StudyPoint & { key: string; sites_base64?: string }) => p),
        exact: { temperature: exactTs, energy: exactTs.map(onsagerEnergy), magnetization: exactTs.map(yangMagnetization) },
        tc: TC,
        snapshots,
      },
      benchmarks,
      recorded: readRecordedResults(),
    };
    const dist = dirname(fileURLToPath(import.meta.url));
    const html = reportHtml(data, readFileSync(join(dist, 'report-page.js'), 'utf8'), readFileSync(join(dist, 'report-page.css'), 'utf8'));
    const reportPath = join(out, 'report.html');
    writeFileAtomic(reportPath, html);
    writeFileAtomic(join(out, 'report.json'), `${JSON.stringify(data, null, 1)}\n`);
    process.stderr.write(`study: wrote ${resolve(reportPath)} and ${join(out, 'report.json')}\n`);
    if (values.json) {
      const summary: Json = { report: reportPath, backend, adapter, points: data.study.points as unknown as Json, benchmarks: Object.keys(benchmarks) };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    }
  } finally {
    await runner.close();
  }
}

/** Benchmark results recorded under harness/results/ (for instance on a lent GPU), by file name. */
function readRecordedResults(): Record<string, JsonObject> {
  const dir = 'harness/results';
  const recorded: Record<string, JsonObject> = {};
  if (!existsSync(dir)) return recorded;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    try {
      recorded[f] = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch {
      process.stderr.write(`study: skipping ${join(dir, f)}: not valid JSON\n`);
    }
  }
  return recorded;
}
