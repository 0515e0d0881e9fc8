// The 'gan-train' and 'gan-sample' jobs: a GAN trained (the training feature, train.ts), and samples
// drawn from a model file; plain JSON in and out, the same in Node and in a page.
import { Gan } from '../../models/gan.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { RING_DEFAULTS, scoreRing } from '../data/ring.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { imageGrid } from '../io/image_grid.js';
import type { JsonObject } from '../io/json.js';
import { trainJob } from '../train/job.js';
import { GAN_SAMPLE_JOB } from './flags.js';
import { GAN_FEATURE } from './train.js';

/** Digits in a sample job's picture. */
export const PICTURE_DIGITS = 100;

export async function runGanSample(ctx: JobContext, p: Values<typeof GAN_SAMPLE_JOB>): Promise<JsonObject> {
  const started = performance.now();
  const { gan, metadata } = await Gan.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  try {
    const samples = await gan.sample(ctx, p.count, p.seed);
    const common = { count: p.count, seed: p.seed, loss: metadata.loss ?? null, epochs: Number(metadata.epochs ?? NaN), steps: gan.params.iteration };
    if (gan.config.output === 'identity' && gan.config.width === 2) {
      const std = Number(metadata.ring_std ?? RING_DEFAULTS.std);
      const s = scoreRing(samples, { std });
      return { data: 'ring', ...common, modes_covered: s.modesCovered, high_quality: s.highQuality, per_mode: s.perMode, ring_std: std, samples: Array.from(samples), wall_ms: performance.now() - started, adapter: { ...ctx.gpu.adapter } };
    }
    const side = Math.round(Math.sqrt(gan.config.width));
    const shown = Math.min(p.count, PICTURE_DIGITS);
    const grid = imageGrid(samples, { count: shown, height: side, width: side, columns: 10 });
    return { data: 'images', ...common, picture: { width: grid.width, height: grid.height, pixels_base64: toBase64(grid.pixels) }, wall_ms: performance.now() - started, adapter: { ...ctx.gpu.adapter } };
  } finally {
    gan.release();
  }
}

export const ganTrainJob = trainJob(GAN_FEATURE);
export const ganSampleJob = defineJob(GAN_SAMPLE_JOB, runGanSample);
