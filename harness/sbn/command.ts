// harmonium sbn train / eval: a sigmoid belief net on --data (MNIST's split by default), trained by
// wake-sleep or NVIL and evaluated by importance sampling on the GPU in Node or in headless Chrome, its
// model file (safetensors, train.ts) on disk.
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { runEvalCommand } from '../cli/run.js';
import { pick, text, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { readSbnConfig } from '../../models/sbn.js';
import { trainCommand } from '../train/command.js';
import { SBN_EVAL_JOB, sbnK } from './flags.js';
import { SBN_FEATURE } from './train.js';

export const sbnTrainCommand = trainCommand(SBN_FEATURE);

const EVAL_FLAGS = { model: text({ required: true, help: 'the model file (safetensors) written by sbn train' }), ...pick(DATA_FLAGS, ['data', 'test']), k: sbnK, seed, backend, adapter, json } as const;

export const sbnEvalCommand = defineCommand({
  name: 'sbn eval',
  summary: "a sigmoid belief net's test log p(x) (nats) by importance sampling on MNIST's 2,000 binarised test digits",
  flags: EVAL_FLAGS,
  details: `log p(x) ~ log (1/K) sum_k p(x, h_k) / q(h_k | x) with h_k ~ q(h | x), the recognition network as
the proposal (a lower bound in expectation that tightens as K grows), K = --k draws per digit, streamed
in chunks of at most 5,000 rows. With --json one object: log_px, k, test_count, hidden, method, epochs,
steps, seed, wall_ms, adapter, backend.`,
  run: (values: Values<typeof EVAL_FLAGS>) =>
    runEvalCommand('sbn eval', 'sbn-eval', SBN_EVAL_JOB, values, readSbnConfig, { text: (r) => `log_px ${(r.log_px as number).toFixed(3)} nats per digit (K = ${r.k}, ${r.test_count} test digits)` }).then(() => undefined),
});

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [sbnTrainCommand, sbnEvalCommand];
