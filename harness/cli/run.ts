// How a command runs its job: on the backend its flags name, with progress on stderr (a bar on a TTY,
// a line per finished unit), the result saying which backend ran it; and the shape every eval command
// shares (a model file, the data flags, the job, the result as JSON or text).
import type { Safetensors } from '../../engine/index.js';
import { runOn, type Backend } from '../backends/index.js';
import type { JobOptions } from '../backends/context.js';
import { readDataFlags, type DataValues } from '../data/source_node.js';
import { toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { readModelFile } from '../io/model_file.js';
import { progressReporter } from './progress.js';
import { toSpec, type Schema } from './schema.js';

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

/** What every eval command's flags hold: the model file, the data, where to run, and --json. */
export type EvalValues = DataValues & { model: string; backend: Backend; adapter: JobOptions['adapter']; json: boolean };

/**
 * An eval command's run: the model file read and checked (`readConfig`, then `check` on its
 * configuration), sent without its optimiser state with the data flags to `job` (`schema` its spec),
 * and the result printed: one JSON line with --json, else `text`'s lines. Returns the result.
 *
 *   await runEvalCommand('mlp eval', 'mlp-eval', MLP_EVAL_JOB, values, readMlpConfig, { text: (r) => `test_error ${r.test_error}` });
 */
export async function runEvalCommand<C>(
  name: string,
  job: string,
  schema: Schema,
  values: EvalValues,
  readConfig: (file: Safetensors, source: string) => C,
  o: { check?: (config: C) => void; text: (result: JsonObject) => string },
): Promise<JsonObject> {
  const { bytes, config } = readModelFile('--model', values.model, readConfig, { evaluation: true });
  o.check?.(config);
  const spec = toSpec(job, schema, { ...values, ...readDataFlags(values), model: toBase64(bytes) });
  const result = await runWithProgress(name, spec, values);
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${o.text(result)}\n`);
  return result;
}
