// The flags every `<model> train` command and its job add to the model's own, declared once.
import { adapter, backend, json } from '../cli/flags.js';
import { boolean, text } from '../cli/schema.js';

/** The command's: where the model goes, resuming, where it runs. */
export const TRAIN_RUN_FLAGS = {
  out: text({ help: 'the model file (safetensors), written after every epoch (node backend) or at the end (chrome)' }),
  resume: boolean({ help: 'continue from the model in --out; ends bit-identical to an uninterrupted run' }),
  backend,
  adapter,
  json,
} as const;

/** The job's: a checkpoint to continue from and whether to send the model back (a page cannot write files). */
export const TRAIN_JOB_FLAGS = {
  'resume-model': text({ hidden: true, help: 'the safetensors bytes of a checkpoint to continue, base64' }),
  'return-model': boolean({ hidden: true, help: 'return the trained model as base64 safetensors' }),
} as const;
