// harmonium ae train / ae eval: an autoencoder on --data as intensities (plain, denoising or contractive;
// tied or untied), trained and evaluated on the GPU in Node or in headless Chrome, its model file on
// disk; its test reconstruction error against PCA's with as many components as its code.
import type { Command } from '../cli/command.js';
import { readAutoencoderConfig } from '../../models/autoencoder.js';
import { defineCommand } from '../cli/command.js';
import { runEvalCommand } from '../cli/run.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { pick, text, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { trainCommand } from '../train/command.js';
import { AE_EVAL_JOB } from './flags.js';
import { AE_FEATURE } from './train.js';

export const aeTrainCommand = trainCommand(AE_FEATURE);

const EVAL_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by ae train' }),
  ...pick(DATA_FLAGS, ['data', 'test']),
  seed,
  backend,
  adapter,
  json,
} as const;

export const aeEvalCommand = defineCommand({
  name: 'ae eval',
  summary: "an autoencoder's test reconstruction error against PCA's with as many components as its code has units",
  flags: EVAL_FLAGS,
  details: `Both are the mean over the test digits of the squared error summed over the pixels (intensities in
[0, 1]); PCA is fitted to the training digits (the covariance by a GEMM on the GPU, its leading
eigenvectors in float64). With --json one object: test_squared_error, pca_squared_error,
pca_components, layers, test_count, train_count, epochs, steps, adapter, backend.`,
  run: runEval,
});

async function runEval(values: Values<typeof EVAL_FLAGS>): Promise<void> {
  await runEvalCommand('ae eval', 'ae-eval', AE_EVAL_JOB, values, readAutoencoderConfig, {
    text: (r) => `test squared error ${(r.test_squared_error as number).toFixed(3)} per digit; PCA with ${r.pca_components} components ${(r.pca_squared_error as number).toFixed(3)} (${r.test_count} test digits)`,
  });
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [aeTrainCommand, aeEvalCommand];
