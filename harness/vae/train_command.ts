// What `vae train` and `ae train` share beyond every training command's flow (harness/cli/train_run.ts):
// the model's rules checked before a device is opened, and the job spec built from the schema.
import { InputError } from '../../engine/index.js';
import type { JobContext } from '../backends/context.js';
import { runTrainingCommand, TRAIN_RUN_FLAGS } from '../cli/train_run.js';
import { toSpec, type Schema, type Values } from '../cli/schema.js';
import type { JsonObject } from '../io/json.js';

export { TRAIN_RUN_FLAGS };
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
  // json: false, so the result comes back for the command to print (the flow prints it otherwise).
  const result = await runTrainingCommand({
    name: o.command,
    values: { ...values, json: false },
    readFile: (flag, path) => ({ bytes: o.readModel(flag, path) }),
    runHere: (ctx, hooks) => o.train(ctx, params, hooks),
    spec: (resumeModel) => toSpec(o.job, o.schema, { ...params, 'resume-model': resumeModel }),
  });
  if (!result) throw new Error(`${o.command}: the training flow printed its result instead of returning it`);
  return result;
}
