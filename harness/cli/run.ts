// How a command runs its job: on the backend its flags name, with progress on stderr (a bar on a TTY,
// a line per finished unit), the result saying which backend ran it.
import { runOn, type Backend } from '../backends/index.js';
import type { JobOptions } from '../backends/context.js';
import type { JsonObject } from '../io/json.js';
import { progressReporter } from './progress.js';

/**
 *   const result = await runWithProgress('rbm eval', spec, values);   // values: its --backend and --adapter
 */
export async function runWithProgress(name: string, spec: JsonObject, values: { backend: Backend; adapter: JobOptions['adapter'] }): Promise<JsonObject> {
  const progress = progressReporter(name);
  const result = await runOn(values.backend, spec, { adapter: values.adapter, onProgress: progress.onProgress, onUnit: progress.unit });
  progress.done();
  result.backend = values.backend;
  return result;
}
