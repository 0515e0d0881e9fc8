// runJob: the one function both backends call. A job spec is plain JSON ({ job: 'ising', ... }) and so
// is its result, so that the Node backend (in-process) and the chrome backend (inside a page) run
// the same code and a Node-versus-browser comparison is one equality.
import { Gpu, HarmoniumError, InputError, type AdapterPreference } from '../../engine/index.js';
import type { JsonObject } from '../io/json.js';
import { defineJob, withJobContext, type Job, type JobOptions } from './context.js';
import { FEATURES } from '../features.js';

/** The device a job would run on, as results name it (the study sizes itself by it). */
const adapterJob = defineJob({}, async (ctx) => ({ adapter: { ...ctx.gpu.adapter } }));

/** Every job by name: each feature registers its own (harness/features.ts), beside the adapter's. */
const JOBS: Readonly<Record<string, Job>> = Object.assign({ adapter: adapterJob }, ...FEATURES.map((f) => f.jobs));

export const jobNames = (): string[] => Object.keys(JOBS);

/** The job a spec names; an InputError for an unknown one. */
export function jobOf(spec: JsonObject): Job {
  const name = spec.job;
  const job = typeof name === 'string' ? JOBS[name] : undefined;
  if (!job) throw new InputError(`unknown job '${String(name)}'; known jobs: ${jobNames().join(', ')}`);
  return job;
}

/**
 * Checks the spec against the job's schema, then runs it on a device.
 *
 *   const result = await runJob({ job: 'ising', size: 64, temperature: 2.3, sweeps: 1000 });
 */
export async function runJob(spec: JsonObject, options: JobOptions = {}): Promise<JsonObject> {
  // The spec is read before a device is opened, so that a bad one fails at once.
  const work = jobOf(spec).prepare(spec, spec.job as string);
  return withJobContext(work, options);
}

/** What a page hands back to the chrome backend: errors as data (a rejected evaluate loses their type). */
export type PageOutcome = { ok: true; result: JsonObject } | { ok: false; name: string; message: string; exitCode: number };

/** Hooks the chrome backend exposes on the page's window (page.exposeFunction) to hear progress. */
interface PageHooks {
  harmoniumProgress?: (done: number, total: number) => void;
  harmoniumUnit?: (line: string) => void;
}

const pageGpus = new Map<string, Promise<Gpu>>();

/** runJob for a page: one device per page and adapter preference, progress through the window's hooks. */
export async function runJobForPage(spec: JsonObject, adapter: AdapterPreference = 'auto'): Promise<PageOutcome> {
  try {
    let gpu = pageGpus.get(adapter);
    if (!gpu) {
      pageGpus.set(adapter, (gpu = Gpu.open({ adapter })));
      // The page outlives its jobs (runJobInChrome keeps it for a session): a lost device is not reused.
      const opened = gpu;
      void opened.then((g) => g.lost.catch(() => pageGpus.get(adapter) === opened && pageGpus.delete(adapter)), () => pageGpus.delete(adapter));
    }
    const hooks = globalThis as PageHooks;
    const result = await runJob(spec, { gpu: await gpu, onProgress: hooks.harmoniumProgress, onUnit: hooks.harmoniumUnit });
    return { ok: true, result };
  } catch (e) {
    const err = e as Error;
    const exitCode = e instanceof HarmoniumError ? e.exitCode : 1;
    return { ok: false, name: err.name, message: err.message, exitCode };
  }
}
