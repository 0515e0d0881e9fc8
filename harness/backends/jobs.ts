// runJob: the one function both backends call. A job spec is plain JSON ({ job: 'ising', ... }) and so
// is its result, so that the Node backend (in-process) and the chrome backend (inside a page) run
// the same code and a Node-versus-browser comparison is one equality.
import { Gpu, BufferPool, Scheduler, HarmoniumError, InputError } from '../../engine/index.js';
import type { JsonObject } from '../io/json.js';
import { runIsingJob } from '../ising/job.js';
import { runBenchIsingJob } from '../ising/bench.js';
import { runBenchGemmJob } from '../gemm/bench.js';
import { runGemmBernoulliJob } from '../gemm/bernoulli.js';

export interface JobContext {
  gpu: Gpu;
  pool: BufferPool;
  scheduler: Scheduler;
  /** Progress of long jobs (done of total units); the CLI draws a bar from it on a TTY. */
  onProgress?: (done: number, total: number) => void;
}

export type JobRunner = (ctx: JobContext, spec: JsonObject) => Promise<JsonObject>;

/** Every job by name. A new job is one line here and a file in harness/jobs/. */
const JOBS: Record<string, JobRunner> = {
  ising: runIsingJob,
  'bench-ising': runBenchIsingJob,
  'bench-gemm': runBenchGemmJob,
  'gemm-bernoulli': runGemmBernoulliJob,
};

export const jobNames = (): string[] => Object.keys(JOBS);

export interface RunJobOptions {
  /** An open device to reuse; otherwise one is opened and closed around the job. */
  gpu?: Gpu;
  onProgress?: (done: number, total: number) => void;
}

/**
 *   const result = await runJob({ job: 'ising', size: 64, temperature: 2.3, sweeps: 1000, ... });
 */
export async function runJob(spec: JsonObject, options: RunJobOptions = {}): Promise<JsonObject> {
  const name = spec.job;
  const runner = typeof name === 'string' ? JOBS[name] : undefined;
  if (!runner) throw new InputError(`unknown job '${String(name)}'; known jobs: ${jobNames().join(', ')}`);
  return withJobContext((ctx) => runner(ctx, spec), options);
}

/** Opens (or reuses) a device, makes a pool and scheduler, runs `body`, and cleans up. */
export async function withJobContext<T>(body: (ctx: JobContext) => Promise<T>, options: RunJobOptions = {}): Promise<T> {
  const gpu = options.gpu ?? (await Gpu.open());
  const pool = new BufferPool(gpu);
  const scheduler = new Scheduler(gpu, pool);
  try {
    return await Promise.race([body({ gpu, pool, scheduler, onProgress: options.onProgress }), gpu.lost]);
  } finally {
    await scheduler.dispose().catch(() => undefined);
    pool.trim();
    if (!options.gpu) gpu.close();
  }
}

let pageGpu: Promise<Gpu> | null = null;

/** runJob for a page: one device per page, errors returned as data (a rejected evaluate loses their type). */
export async function runJobForPage(
  spec: JsonObject,
): Promise<{ ok: true; result: JsonObject } | { ok: false; name: string; message: string; exitCode: number }> {
  try {
    pageGpu ??= Gpu.open();
    return { ok: true, result: await runJob(spec, { gpu: await pageGpu }) };
  } catch (e) {
    const err = e as Error;
    const exitCode = e instanceof HarmoniumError ? e.exitCode : 1;
    return { ok: false, name: err.name, message: err.message, exitCode };
  }
}
