// harmonium gan train / sample: a GAN on the ring of Gaussians or on MNIST, trained on the GPU in Node or
// in headless Chrome, its model file (safetensors, train.ts) on disk; samples drawn from it as JSON and
// as a PNG (a scatter on the ring, a grid of digits).
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { runWithProgress } from '../cli/run.js';
import { integer, text, toSpec, type Values } from '../cli/schema.js';
import { readGanConfig } from '../../models/gan.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';
import { readModelFile } from '../io/model_file.js';
import { rasterPng, writeGreyPng } from '../io/png.js';
import { trainCommand } from '../train/command.js';
import { GAN_SAMPLE_JOB } from './flags.js';
import { ringRaster } from './ring_plot.js';
import { RING_DEFAULTS } from '../data/ring.js';
import { GAN_FEATURE } from './train.js';

export const ganTrainCommand = trainCommand(GAN_FEATURE);

const SAMPLE_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by gan train' }),
  count: GAN_SAMPLE_JOB.count,
  png: text({ value: 'FILE', help: 'the samples as a PNG: on the ring a scatter (the modes in red), else a grid of the first 100 digits' }),
  scale: integer({ min: 1, max: 16, default: 2, help: 'pixels per digit pixel in a grid of digits' }),
  seed,
  backend,
  adapter,
  json,
} as const;

export const ganSampleCommand = defineCommand({
  name: 'gan sample',
  summary: "draws samples from a trained GAN's generator; on the ring, scores them (modes covered, high-quality share)",
  flags: SAMPLE_FLAGS,
  details: `Draws --count samples z ~ N(0, I) (Philox, --seed) through the generator. On the ring, modes_covered
counts the modes holding at least 1/16 of their fair share of high-quality samples, high_quality the
share within 3 std of the nearest mode. With --json one object: data, count, seed, loss, epochs, steps,
on the ring modes_covered, high_quality, per_mode, ring_std and samples (x, y pairs), wall_ms, adapter,
backend (and png).`,
  async run(values: Values<typeof SAMPLE_FLAGS>) {
    const { bytes } = readModelFile('--model', values.model, readGanConfig, { evaluation: true });
    if (values.png) checkWritable('--png', values.png);
    const spec = toSpec('gan-sample', GAN_SAMPLE_JOB, { ...values, model: toBase64(bytes) });
    const { picture, ...result } = await runWithProgress('gan sample', spec, values);
    if (values.png) {
      if (result.data === 'ring') writeFileAtomic(values.png, rasterPng(ringRaster(result.samples as number[], result.ring_std as number)));
      else writeGreyPng(values.png, fromBase64((picture as JsonObject).pixels_base64 as string), (picture as JsonObject).width as number, (picture as JsonObject).height as number, values.scale);
      result.png = values.png;
    }
    if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
    const lines = [`gan sample: ${String(result.count)} samples (seed ${String(result.seed)}) from a ${String(result.loss)} GAN after ${String(result.steps)} steps`];
    if (result.data === 'ring') lines.push(`  modes covered  ${String(result.modes_covered)} of ${RING_DEFAULTS.modes} (${(result.per_mode as number[]).join(', ')})`, `  high quality   ${(100 * (result.high_quality as number)).toFixed(1)}% within 3 std of a mode`);
    if (values.png) lines.push(`  png  ${values.png}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [ganTrainCommand, ganSampleCommand];
