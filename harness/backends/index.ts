// Where a job runs: 'node' (in this process, Dawn) or 'chrome' (headless Chromium, same runJob).
import type { Json, JsonObject } from '../io/json.js';
import { runJob } from './jobs.js';

export type Backend = 'node' | 'chrome';
export const BACKENDS: readonly Backend[] = ['node', 'chrome'];

export async function runOn(backend: Backend, spec: JsonObject, onProgress?: (done: number, total: number) => void): Promise<Json> {
  if (backend === 'chrome') {
    const { runJobInChrome } = await import('./chrome.js');
    return runJobInChrome(spec);
  }
  return runJob(spec, { onProgress });
}
