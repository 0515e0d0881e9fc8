// What `vae train` and `ae train` share: the --out/--resume/--backend flags and the run around the job
// (checks before a device is opened, the checkpoint to continue, the node backend writing the model
// after every epoch, the chrome backend sending the checkpoint in the spec and the model back in the result).
import { existsSync } from 'node:fs';
import { InputError } from '../../engine/index.js';
import { runOn } from '../backends/index.js';
import { withJobContext, type JobContext } from '../backends/context.js';
import { adapter, backend, json } from '../cli/flags.js';
import { progressReporter } from '../cli/progress.js';
import { boolean, text, toSpec, type Schema, type Values } from '../cli/schema.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';

export const TRAIN_RUN_FLAGS = {
  out: text({ help: 'the model file (safetensors), written after every epoch (node backend) or at the end (chrome)' }),
  resume: boolean({ help: 'continue from the model in --out; ends bit-identical to an uninterrupted run' }),
  backend,
  adapter,
  json,
} as const;

export interface TrainingRun<S extends Schema> {
  /** The command's name, for messages ('vae train'). */
  command: string;
  job: string;
  schema: S;
  /** The model's rules on the run's values (InputErrors), before anything is read or opened. */
  check(params: Values<S>): void;
  /** Reads and checks a model file of this kind (InputErrors naming the flag and the file). */
  readModel(flag: string, path: string): Uint8Array;
  /** The job in this process. */
  train(ctx: JobContext, params: Values<S>, hooks: { save?: (bytes: Uint8Array) => void; resume?: { bytes: Uint8Array; source: string } }): Promise<JsonObject>;
}

/**
 * Runs a training command's job on its backend; the result without the model's bytes, with `backend`.
 *
 *   const result = await runTraining(values, params, { command: 'vae train', job: 'vae-train', schema: VAE_TRAIN_JOB, check, readModel, train: runVaeTrain });
 */
export async function runTraining<S extends Schema>(values: Values<typeof TRAIN_RUN_FLAGS>, runValues: Omit<Values<S>, 'resume-model' | 'return-model'>, o: TrainingRun<S>): Promise<JsonObject> {
  const out = values.out;
  if (values.resume && !out) throw new InputError('--resume needs --out FILE (the model to continue)');
  const params = { ...runValues, 'resume-model': undefined, 'return-model': values.backend === 'chrome' && out !== undefined } as Values<S>;
  o.check(params);
  if (out) checkWritable('--out', out);
  const resume = values.resume && out && existsSync(out) ? o.readModel('--out', out) : undefined;
  if (values.resume && !resume) process.stderr.write(`${o.command}: no model at ${out}; starting from the beginning\n`);
  const progress = progressReporter(o.command);
  const reporting = { adapter: values.adapter, onProgress: progress.onProgress, onUnit: progress.unit };
  let result: JsonObject;
  if (values.backend === 'node') {
    const save = out ? (bytes: Uint8Array) => writeFileAtomic(out, bytes) : undefined;
    result = await withJobContext((ctx) => o.train(ctx, params, { save, resume: resume && { bytes: resume, source: `--out ${out}` } }), reporting);
  } else {
    // A page cannot write files: the model comes back in the result, the checkpoint goes in the spec.
    const spec = toSpec(o.job, o.schema, { ...params, 'resume-model': resume ? toBase64(resume) : undefined });
    result = await runOn('chrome', spec, reporting);
    if (out) writeFileAtomic(out, fromBase64(result.model_base64 as string));
  }
  progress.done();
  delete result.model_base64;
  result.backend = values.backend;
  return result;
}
