// harmonium mlp train / mlp eval: an MLP classifier on --data (MNIST's split by default), trained and
// evaluated on the GPU in Node or in headless Chrome, its model file (safetensors, train.ts) on disk.
import type { Command } from '../cli/command.js';
import { readMlpConfig } from '../../models/mlp.js';
import { defineCommand } from '../cli/command.js';
import { runEvalCommand } from '../cli/run.js';
import { adapter, backend, json } from '../cli/flags.js';
import { pick, text, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { trainCommand } from '../train/command.js';
import { MLP_EVAL_JOB } from './flags.js';
import { MLP_FEATURE } from './train.js';

export const mlpTrainCommand = trainCommand(MLP_FEATURE);

const EVAL_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by mlp train' }),
  ...pick(DATA_FLAGS, ['data', 'test']),
  backend,
  adapter,
  json,
} as const;

export const mlpEvalCommand = defineCommand({
  name: 'mlp eval',
  summary: "an MLP model's error and loss on held-out examples (MNIST's 2,000 test digits by default)",
  flags: EVAL_FLAGS,
  details: 'Prints test_error and test_loss; with --json one object with test_error, test_loss, test_count, test_errors, layers, activation, epochs, steps, adapter, backend.',
  run: runEval,
});

async function runEval(values: Values<typeof EVAL_FLAGS>): Promise<void> {
  await runEvalCommand('mlp eval', 'mlp-eval', MLP_EVAL_JOB, values, readMlpConfig, {
    text: (r) => `test_error ${(r.test_error as number).toFixed(6)}, test_loss ${(r.test_loss as number).toFixed(6)} (${r.test_errors} of ${r.test_count} test digits wrong)`,
  });
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [mlpTrainCommand, mlpEvalCommand];
