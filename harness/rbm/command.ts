// harmonium rbm train / eval / sample / filters: a restricted Boltzmann machine on --data (MNIST's
// split by default), trained, evaluated in nats and sampled on the GPU in Node or in headless Chrome,
// its model file (safetensors, train.ts) on disk, its filters and samples as PNG grids.
import type { Command } from '../cli/command.js';
import { InputError } from '../../engine/index.js';
import { readRbmConfig } from '../../models/rbm.js';
import { defineCommand } from '../cli/command.js';
import { runEvalCommand, runWithProgress } from '../cli/run.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { integer, pick, text, toSpec, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable } from '../io/files.js';
import { imageGrid } from '../io/image_grid.js';
import type { JsonObject } from '../io/json.js';
import { readModelFile } from '../io/model_file.js';
import { writeGreyPng } from '../io/png.js';
import { trainCommand } from '../train/command.js';
import { RBM_AIS_FLAGS, RBM_EVAL_JOB, RBM_SAMPLE_JOB } from './flags.js';
import { filterImages, squareSide } from './images.js';
import { RBM_FEATURE } from './train.js';

export const rbmTrainCommand = trainCommand(RBM_FEATURE);

const EVAL_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by rbm train' }),
  ...pick(DATA_FLAGS, ['data', 'test']),
  exact: RBM_EVAL_JOB.exact,
  ...RBM_AIS_FLAGS,
  seed,
  backend,
  adapter,
  json,
} as const;

export const rbmEvalCommand = defineCommand({
  name: 'rbm eval',
  summary: "an RBM's log partition function (exact, or AIS with its standard error) and average log-probability in nats",
  flags: EVAL_FLAGS,
  details: `Without --exact, log Z comes from annealed importance sampling (Salakhutdinov & Murray 2008): --ais-runs
runs from a base-rate model fitted to the training digits, through --ais-betas intermediate distributions.
The digits are binarised (or standardised) as the model was trained. With --json one object: log_z,
log_z_stderr, exact, test_avg_log_prob, train_avg_log_prob, reconstruction_error, test_free_energy,
train_free_energy, ais_runs, ais_steps, visible, hidden, test_count, train_count, epochs, steps, adapter, backend.`,
  run: runEval,
});

async function runEval(values: Values<typeof EVAL_FLAGS>): Promise<void> {
  await runEvalCommand('rbm eval', 'rbm-eval', RBM_EVAL_JOB, values, readRbmConfig, {
    check: (config) => {
      if (values.exact && config.hidden > 24) throw new InputError(`--exact sums over 2^hidden states: at most 24 hidden units, the model has ${config.hidden} (leave --exact out for AIS)`);
    },
    text: (result) => {
      const r = result as Record<string, number>;
      const how = result.exact ? 'exact' : `AIS, ${r.ais_runs} runs x ${r.ais_steps} transitions`;
      return [
        `log Z                 ${r.log_z.toFixed(4)}${result.exact ? '' : ` +- ${r.log_z_stderr.toFixed(4)}`} (${how})`,
        `test log-probability  ${r.test_avg_log_prob.toFixed(4)} nats per digit (${r.test_count} digits)`,
        `train log-probability ${r.train_avg_log_prob.toFixed(4)} nats per digit (${r.train_count} digits)`,
        `reconstruction error  ${r.reconstruction_error.toFixed(4)} per test digit`,
      ].join('\n');
    },
  });
}

/** Writes images (count x rows x cols intensities) as one PNG grid, each pixel `scale` x `scale`. */
export function writeGrid(path: string, images: ArrayLike<number>, count: number, visible: number, scale: number): void {
  const side = squareSide(visible);
  const grid = side ? imageGrid(images, { count, height: side, width: side }) : imageGrid(images, { count, height: 1, width: visible, columns: 1 });
  writeGreyPng(path, grid.pixels, grid.width, grid.height, scale);
}

/** A sample command's flags: the model file (`writtenBy`'s), the chains and steps, the PNG grid. */
export const sampleFlags = (writtenBy: string) =>
  ({
    model: text({ required: true, help: `the model file (safetensors) written by ${writtenBy}` }),
    count: RBM_SAMPLE_JOB.count,
    steps: RBM_SAMPLE_JOB.steps,
    png: text({ required: true, help: 'the grid of samples (PNG)' }),
    scale: integer({ min: 1, max: 16, default: 2, help: 'pixels per image pixel in the PNG' }),
    seed,
    backend,
    adapter,
    json,
  }) as const;

export type SampleValues = Values<ReturnType<typeof sampleFlags>>;

/**
 * A sample command's run: the `job` (RBM_SAMPLE_JOB's spec, and `extra`'s fields in the spec and the
 * summary) on the model file's bytes, its images (`visible` pixels each) written as the PNG grid, and
 * a summary printed (`line` without --json).
 */
export async function runSampleCommand(name: string, job: string, values: SampleValues, model: { bytes: Uint8Array; visible: number }, line: string, extra: JsonObject = {}): Promise<void> {
  checkWritable('--png', values.png);
  const spec = { ...toSpec(job, RBM_SAMPLE_JOB, { model: toBase64(model.bytes), count: values.count, steps: values.steps, seed: values.seed }), ...extra };
  const result = await runWithProgress(name, spec, values);
  const images = Float32Array.from(fromBase64(result.images_base64 as string), (b) => b / 255);
  writeGrid(values.png, images, values.count, model.visible, values.scale);
  const summary = { count: values.count, steps: values.steps, ...extra, png: values.png, adapter: result.adapter, backend: result.backend };
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${line}\n`);
}

const SAMPLE_FLAGS = sampleFlags('rbm train');

export const rbmSampleCommand = defineCommand({
  name: 'rbm sample',
  summary: "fantasy particles of an RBM: independent Gibbs chains on the GPU, drawn as a PNG grid",
  flags: SAMPLE_FLAGS,
  details: `Each chain starts from p(v | h = 0) and runs --steps Gibbs steps; the grid shows E[v | h] of its last
step (Gaussian units mapped back to pixel intensities). With --json one object: count, steps, png, adapter, backend.`,
  run: async (values) => {
    const { bytes, config } = readModelFile('--model', values.model, readRbmConfig, { evaluation: true });
    await runSampleCommand('rbm sample', 'rbm-sample', values, { bytes, visible: config.visible }, `${values.count} samples after ${values.steps} Gibbs steps: ${values.png}`);
  },
});

const FILTERS_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by rbm train' }),
  png: text({ required: true, help: 'the grid of filters (PNG)' }),
  count: integer({ min: 1, default: 100, help: 'filters drawn: those of the first N hidden units' }),
  scale: SAMPLE_FLAGS.scale,
  json,
} as const;

export const rbmFiltersCommand = defineCommand({
  name: 'rbm filters',
  summary: "an RBM's filters (each hidden unit's weights) as a PNG grid; no GPU",
  flags: FILTERS_FLAGS,
  details: 'Each filter is scaled by its own largest |weight|: mid grey is 0, white positive, black negative. With --json one object: count, png.',
  run: runFilters,
});

async function runFilters(values: Values<typeof FILTERS_FLAGS>): Promise<void> {
  const { config, file } = readModelFile('--model', values.model, readRbmConfig);
  checkWritable('--png', values.png);
  const count = Math.min(values.count, config.hidden);
  writeGrid(values.png, filterImages(file.tensors.weights.data, config.visible, config.hidden, count), count, config.visible, values.scale);
  process.stdout.write(values.json ? `${JSON.stringify({ count, png: values.png })}\n` : `${count} filters: ${values.png}\n`);
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [rbmTrainCommand, rbmEvalCommand, rbmSampleCommand, rbmFiltersCommand];
