// harmonium binarynet train / binarynet eval: a BinaryNet classifier on --data (MNIST's split by
// default), trained and evaluated on the GPU in Node or in headless Chrome, its model file
// (safetensors, train.ts) on disk.
import type { Command } from '../cli/command.js';
import { readBinaryNetConfig } from '../../models/binarynet.js';
import { defineCommand } from '../cli/command.js';
import { runEvalCommand } from '../cli/run.js';
import { adapter, backend, json } from '../cli/flags.js';
import { pick, text, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { trainCommand } from '../train/command.js';
import { BINARYNET_EVAL_JOB } from './flags.js';
import { BINARYNET_FEATURE } from './train.js';

export const binaryNetTrainCommand = trainCommand(BINARYNET_FEATURE);

const EVAL_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by binarynet train' }),
  ...pick(DATA_FLAGS, ['data', 'test']),
  backend,
  adapter,
  json,
} as const;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export const binaryNetEvalCommand = defineCommand({
  name: 'binarynet eval',
  summary: "a BinaryNet's error on held-out examples, as trained and by its packed XNOR-popcount inference",
  flags: EVAL_FLAGS,
  details: `Evaluates the network as it trains (batch norm in f32, then Sign) and, with binary activations,
folded for inference (each hidden unit's batch norm and Sign one integer threshold) by f32 GEMMs and by
XNOR-popcount on packed bits; the two inference paths compute the same integer sums, so their scores
must be bit-identical. With --json one object with test_error, test_loss, test_count, test_errors,
test_error_float, test_error_packed, agree (the two paths' predictions identical on every example),
scores_identical (null for BinaryConnect), layers,
binary_activations, loss, epochs, steps, adapter, backend.`,
  run: runEval,
});

async function runEval(values: Values<typeof EVAL_FLAGS>): Promise<void> {
  const result = await runEvalCommand('binarynet eval', 'binarynet-eval', BINARYNET_EVAL_JOB, values, readBinaryNetConfig, {
    text: (r) => {
      const lines = [`test_error ${pct(r.test_error as number)}, test_loss ${(r.test_loss as number).toFixed(6)} (${r.test_errors} of ${r.test_count} wrong)`];
      if (r.test_error_packed !== null) {
        const same = r.scores_identical ? 'scores bit-identical' : r.agree ? 'predictions identical, scores DIFFER' : 'predictions DIFFER';
        lines.push(`folded: test_error_float ${pct(r.test_error_float as number)}, test_error_packed ${pct(r.test_error_packed as number)}, ${same} between the paths`);
      }
      return lines.join('\n');
    },
  });
  // The two paths disagreeing is a bug, not a property of the model: the command says so by its status.
  if (result.agree === false || result.scores_identical === false) process.exitCode = 1;
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [binaryNetTrainCommand, binaryNetEvalCommand];
