// The flow every model's `<model> train` command shares: check that --out can be written, read the
// model to resume, run the training job in Node (the file saved after every epoch) or in a page (the
// model sent back, the checkpoint sent in the spec), then print the result as JSON or hand it back.
import { existsSync } from 'node:fs';
import type { AdapterPreference } from '../../engine/adapter.js';
import { runOn } from '../backends/index.js';
import { withJobContext, type JobContext } from '../backends/context.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';
import { adapter, backend, json } from './flags.js';
import { progressReporter } from './progress.js';
import { boolean, text } from './schema.js';

/** The flags every `<model> train` command adds to its model's: where the model goes, resuming, backend. */
export const TRAIN_RUN_FLAGS = {
  out: text({ help: 'the model file (safetensors), written after every epoch (node backend) or at the end (chrome)' }),
  resume: boolean({ help: 'continue from the model in --out; ends bit-identical to an uninterrupted run' }),
  backend,
  adapter,
  json,
} as const;

export interface TrainRunOptions {
  /** The command, as its messages name it ('rbm train'). */
  name: string;
  values: { backend: 'node' | 'chrome'; adapter?: AdapterPreference; resume: boolean; out?: string; json: boolean };
  /** Reads a model file (exit 2 naming `flag` on a bad one). */
  readFile(flag: string, path: string): { bytes: Uint8Array };
  /** The training in this process, with the save and resume hooks. */
  runHere(ctx: JobContext, hooks: { save?: (bytes: Uint8Array) => void; resume?: { bytes: Uint8Array; source: string } }): Promise<JsonObject>;
  /** The job spec for a page, with the checkpoint to resume as base64 (or undefined). */
  spec(resumeModel: string | undefined): JsonObject;
}

/**
 * Runs a training command; returns the result (backend added, model bytes removed) for the command to
 * print, or null when --json printed it.
 *
 *   const result = await runTrainingCommand({ name: 'mlp train', values, readFile: readMlpFile, runHere, spec });
 */
export async function runTrainingCommand(o: TrainRunOptions): Promise<JsonObject | null> {
  const { values } = o;
  const out = values.out;
  // Fail before training, not after it, when the model cannot be written or resumed.
  if (out) checkWritable('--out', out);
  const resume = values.resume && out && existsSync(out) ? o.readFile('--out', out) : undefined;
  if (values.resume && !resume) process.stderr.write(`${o.name}: no model at ${out}; starting from the beginning\n`);
  const progress = progressReporter(o.name);
  const reporting = { adapter: values.adapter, onProgress: progress.onProgress, onUnit: progress.unit };
  let result: JsonObject;
  if (values.backend === 'node') {
    const save = out ? (bytes: Uint8Array) => writeFileAtomic(out, bytes) : undefined;
    result = await withJobContext((ctx) => o.runHere(ctx, { save, resume: resume && { bytes: resume.bytes, source: `--out ${out}` } }), reporting);
  } else {
    // A page cannot write files: the model comes back in the result, the checkpoint goes in the spec.
    result = await runOn('chrome', o.spec(resume ? toBase64(resume.bytes) : undefined), reporting);
    if (out) writeFileAtomic(out, fromBase64(result.model_base64 as string));
  }
  progress.done();
  delete result.model_base64;
  result.backend = values.backend;
  if (!values.json) return result;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return null;
}
