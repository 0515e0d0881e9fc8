// Where a job runs: 'node' (in this process, Dawn) or 'chrome' (headless Chromium, the same runJob).
import type { JsonObject } from '../io/json.js';
import type { Backend, JobOptions } from './context.js';
import { runJob } from './jobs.js';

export { BACKENDS, type Backend } from './context.js';

/** Runs a job spec on a backend; progress and finished units come back through `options` from either. */
export async function runOn(backend: Backend, spec: JsonObject, options: Omit<JobOptions, 'gpu'> = {}): Promise<JsonObject> {
  if (backend === 'chrome') {
    const { runJobInChrome } = await import('./chrome.js');
    return runJobInChrome(spec, options);
  }
  return runJob(spec, options);
}
