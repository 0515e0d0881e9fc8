// harmonium study: the main job (npm start). An Ising study across the critical point for two sizes,
// in headless Chrome by default, next to the exact curves; the Ising (and, when registered, GEMM)
// benchmarks in the same run; everything in one self-contained results/report.html plus JSON.
// Every finished point is saved to results/study.json at once, so an interrupted study resumes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Gpu, InputError, type AdapterPreference } from '../../engine/index.js';
import { startChrome, runJobInChrome, type ChromeSession } from '../backends/chrome.js';
import type { Backend } from '../backends/index.js';
import { runJob } from '../backends/jobs.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { progressReporter, type ProgressReporter } from '../cli/progress.js';
import { boolean, choice, integers, text, toSpec, withDefault, type Values } from '../cli/schema.js';
import { writeFileAtomic } from '../io/files.js';
import type { Json, JsonObject } from '../io/json.js';
import { distDir, packageRoot } from '../io/package.js';
import { ISING_JOB, ISING_RUN_FLAGS } from '../ising/flags.js';
import { onsagerEnergy, yangMagnetization, TC } from '../ising/onsager.js';
import type { ReportData, StudyPoint } from './data.js';
import { reportHtml } from './template.js';
import { REPORT_SECTIONS } from './sections.js';
import type { StudyScale } from './section.js';
import { BENCHMARKS } from '../bench/command.js';

const FULL_TEMPERATURES = [1.6, 1.8, 2.0, 2.1, 2.2, 2.25, 2.27, 2.3, 2.35, 2.4, 2.5, 2.7, 3.0, 3.5];
const QUICK_TEMPERATURES = [1.8, 2.27, 3.0];

/** The Ising study's size at each scale. */
const ISING_SCALES: Record<StudyScale, { temperatures: number[]; sweeps: number; burnIn: number }> = {
  quick: { temperatures: QUICK_TEMPERATURES, sweeps: 2000, burnIn: 500 },
  cpu: { temperatures: FULL_TEMPERATURES, sweeps: 5000, burnIn: 1000 },
  full: { temperatures: FULL_TEMPERATURES, sweeps: 20000, burnIn: 2000 },
};

const STUDY_FLAGS = {
  backend: withDefault(backend, 'chrome'),
  adapter,
  scale: choice(['auto', 'cpu', 'full'] as const, { default: 'auto', help: 'the study\'s size: full on a hardware GPU, cpu (smaller models, shorter runs: minutes on the CPU fallback), or auto: by the adapter (the report says which)' }),
  sizes: integers({ default: [64, 128], help: 'lattice sides (multiples of 64 for multispin)' }),
  algorithm: withDefault(ISING_RUN_FLAGS.algorithm, 'multispin'),
  sweeps: withDefault(ISING_RUN_FLAGS.sweeps, undefined, '20000; 5000 at the cpu scale, 2000 with --quick'),
  'burn-in': withDefault(ISING_RUN_FLAGS['burn-in'], undefined, '2000; 1000 at the cpu scale, 500 with --quick'),
  seed: withDefault(seed, 2026),
  out: text({ value: 'DIR', default: 'results', help: 'where report.html, report.json and study.json go' }),
  resume: boolean({ help: 'reuse the points already in DIR/study.json that match these settings' }),
  quick: boolean({ help: 'three temperatures, fewer sweeps, tiny models, small benchmarks (a smoke run)' }),
  'no-bench': boolean({ help: 'skip the benchmarks' }),
  'no-sections': boolean({ help: "skip the models' sections (Hopfield, TSP, ...): the Ising study alone" }),
  json,
} as const;

export const studyCommand = defineCommand({
  name: 'study',
  summary: 'the main job (npm start): an Ising study across Tc and the benchmarks in one results/report.html',
  flags: STUDY_FLAGS,
  details: `Energy, |m| and the Binder cumulant against T across the critical point for each size, next to the
exact infinite-lattice curves, plus the benchmarks, in one self-contained report.html (charts by uPlot,
data inside) and report.json. Each finished point is saved to study.json at once; --resume reuses the
points that match the settings. A line per finished point goes to stderr.`,
  run: runStudy,
});

/** Runs jobs on one backend, keeping one browser (or device) for the whole study. */
class JobRunner {
  private chrome: ChromeSession | null = null;
  private gpu: Gpu | null = null;
  constructor(
    readonly backend: Backend,
    readonly adapter: AdapterPreference | undefined,
  ) {}
  /** Runs a job; its finished units (an epoch, a point) go to `onUnit`. */
  async run(spec: JsonObject, onUnit?: (line: string) => void): Promise<JsonObject> {
    if (this.backend === 'chrome') {
      this.chrome ??= await startChrome();
      return runJobInChrome(spec, { session: this.chrome, adapter: this.adapter, onUnit });
    }
    this.gpu ??= await Gpu.open({ adapter: this.adapter });
    return runJob(spec, { gpu: this.gpu, onUnit });
  }
  async close(): Promise<void> {
    await this.chrome?.close();
    this.gpu?.close();
  }
}

async function runStudy(values: Values<typeof STUDY_FLAGS>): Promise<void> {
  const runner = new JobRunner(values.backend, values.adapter);
  // A line at least every 30 s in a log, naming what runs (a study can take many minutes).
  const progress = progressReporter('study', process.stderr, { heartbeat: true });
  try {
    await study(values, runner, progress);
  } finally {
    progress.done();
    await runner.close();
  }
}

/** The study's scale: --quick, --scale, or by the adapter (full on a hardware GPU, cpu on the fallback). */
async function scaleOf(values: Values<typeof STUDY_FLAGS>, runner: JobRunner): Promise<{ scale: StudyScale; adapter: JsonObject }> {
  const { adapter } = await runner.run({ job: 'adapter' });
  const scale = values.quick ? 'quick' : values.scale !== 'auto' ? values.scale : (adapter as JsonObject).fallback ? 'cpu' : 'full';
  return { scale, adapter: adapter as JsonObject };
}

async function study(values: Values<typeof STUDY_FLAGS>, runner: JobRunner, progress: ProgressReporter): Promise<void> {
  const { backend, algorithm, sizes, seed, out } = values;
  const studyFile = join(out, 'study.json');
  const found = await scaleOf(values, runner);
  const scale = found.scale;
  let adapter = found.adapter;
  const ising = ISING_SCALES[scale];
  const sweeps = values.sweeps ?? ising.sweeps;
  const burnIn = values['burn-in'] ?? ising.burnIn;
  const temperatures = ising.temperatures;
  progress.unit(`${scale} scale on ${String(adapter.description)}${adapter.fallback ? ' (CPU fallback)' : ''}`);

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
    progress.unit(`resuming, ${done.size} points already in ${studyFile}`);
  }

  const points: (StudyPoint & { key: string })[] = [];
  const snapshots: ReportData['study']['snapshots'] = [];
  const snapshotTs = new Set([temperatures[0], 2.27, temperatures[temperatures.length - 1]]);
  const total = sizes.length * temperatures.length;
  for (const size of sizes) {
    for (const temperature of temperatures) {
      progress.phase(`ising L=${size} T=${temperature} (point ${points.length + 1} of ${total})`);
      const k = key(size, temperature);
      const wantSnapshot = size === sizes[sizes.length - 1] && snapshotTs.has(temperature);
      let point = done.get(k) as (StudyPoint & { key: string; sites_base64?: string }) | undefined;
      if (!point || (wantSnapshot && !point.sites_base64)) {
        const params = { size, temperature, sweeps, 'burn-in': burnIn, seed, algorithm, 'return-sites': wantSnapshot };
        const r = await runner.run(toSpec('ising', ISING_JOB, params));
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
      progress.unit(`L=${size} T=${temperature}: e = ${point.energy_per_site.toFixed(5)}, |m| = ${point.magnetization_abs.toFixed(5)} (${points.length}/${total})`);
      progress.onProgress?.(points.length, total);
    }
  }

  const sections: Record<string, JsonObject> = {};
  for (const section of values['no-sections'] ? [] : REPORT_SECTIONS) {
    progress.phase(section.name);
    const unit = (line: string) => progress.unit(line);
    sections[section.name] = await section.collect({ run: (spec) => runner.run(spec, unit), scale, seed, unit, phase: (name) => progress.phase(name) });
    progress.unit(`${section.name} done`);
  }

  const benchmarks: Record<string, JsonObject> = {};
  if (!values['no-bench']) {
    for (const bench of Object.values(BENCHMARKS)) {
      if (!bench.study) continue;
      progress.phase(bench.job);
      const result = await runner.run(bench.study(scale));
      benchmarks[bench.job] = { ...result, backend };
      adapter = result.adapter as JsonObject;
      progress.unit(`${bench.job} done`);
    }
  }

  const fine: number[] = [];
  for (let T = 1.0; T <= 4.0 + 1e-9; T += 0.02) fine.push(Math.round(T * 100) / 100);
  const exactTs = [...new Set([...fine, ...temperatures])].sort((a, b) => a - b);
  const data: ReportData = {
    title: 'harmonium report',
    date: new Date().toISOString(),
    backend,
    adapter,
    scale,
    study: {
      algorithm, sweeps, burn_in: burnIn, seed, sizes,
      points: points.map(({ key: _key, sites_base64: _s, ...p }: StudyPoint & { key: string; sites_base64?: string }) => p),
      exact: { temperature: exactTs, energy: exactTs.map(onsagerEnergy), magnetization: exactTs.map(yangMagnetization) },
      tc: TC,
      snapshots,
    },
    sections,
    benchmarks,
    recorded: readRecordedResults(),
  };
  const dist = distDir();
  const html = reportHtml(data, readFileSync(join(dist, 'report-page.js'), 'utf8'), readFileSync(join(dist, 'report-page.css'), 'utf8'));
  const reportPath = join(out, 'report.html');
  writeFileAtomic(reportPath, html);
  writeFileAtomic(join(out, 'report.json'), `${JSON.stringify(data, null, 1)}\n`);
  progress.unit(`wrote ${resolve(reportPath)} and ${join(out, 'report.json')}`);
  if (values.json) {
    const summary: Json = { report: reportPath, backend, adapter, scale, points: data.study.points as unknown as Json, benchmarks: Object.keys(benchmarks) };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
}

/** Benchmark results recorded under harness/results/ (for instance on a lent GPU), by file name. */
function readRecordedResults(): Record<string, JsonObject> {
  const dir = join(packageRoot(), 'harness', 'results');
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
