// The 'vae-train', 'vae-eval' and 'vae-images' jobs: a VAE trained (the training feature, train.ts), its
// test ELBO and IWAE estimate of log p(x) in nats, and pictures of it; plain JSON in and out, the same
// in Node and in a page.
import type { RunContext } from '../../engine/index.js';
import type { DeviceDataset, LabelledBytes } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { formatLatent, Vae } from '../../models/vae.js';
import { IwaeEvaluator, VaeEvaluator } from '../../models/vae_eval.js';

import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import type { DataParams } from '../data/source.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import type { TrainParams } from '../train/feature.js';
import { runTraining, trainJob, type TrainHooks } from '../train/job.js';
import { uploadBinaryTestDigits } from './data.js';
import { VAE_EVAL_JOB, VAE_IMAGES_JOB, type VAE_TRAIN_FLAGS } from './flags.js';
import { vaeImages } from './images.js';
import { VAE_FEATURE } from './train.js';

export const runVaeTrain = (ctx: JobContext, p: TrainParams<typeof VAE_TRAIN_FLAGS>, hooks?: TrainHooks): Promise<JsonObject> => runTraining(VAE_FEATURE, ctx, p, hooks);

/** A model from a job's base64 bytes, with the binarised test digits uploaded; released together. */
async function withModel<T>(
  ctx: RunContext,
  model: string,
  data: DataParams,
  body: (vae: Vae, test: DeviceDataset, digits: LabelledBytes, metadata: Record<string, string>, owned: Owned) => Promise<T>,
): Promise<T> {
  const { vae, metadata } = await Vae.fromSafetensors(ctx, fromBase64(model), 'the model');
  const owned = new Owned();
  await owned.add(vae);
  try {
    const { test, digits } = await uploadBinaryTestDigits(ctx, data, vae.config.inputs, owned);
    return await body(vae, test, digits, metadata, owned);
  } finally {
    owned.release();
  }
}

export type VaeEvalParams = Values<typeof VAE_EVAL_JOB>;

export async function runVaeEval(ctx: JobContext, p: VaeEvalParams): Promise<JsonObject> {
  return withModel(ctx, p.model, p, async (vae, test, _digits, metadata, owned) => {
    const start = performance.now();
    const elbo = await (await owned.add(VaeEvaluator.create(ctx, vae, test, { seed: p.seed }))).evaluate();
    let iwae = null;
    if (p.iwae > 0 && vae.latent.kind === 'gaussian') {
      const evaluator = await owned.add(IwaeEvaluator.create(ctx, vae, test, { k: p.iwae, seed: p.seed, maxRows: p['max-rows'] }));
      iwae = await evaluator.evaluate(ctx.onProgress);
    }
    return {
      elbo: elbo.elbo,
      reconstruction: elbo.reconstruction,
      kl: elbo.kl,
      iwae_log_px: iwae ? iwae.logPx : null,
      k: iwae ? iwae.k : 0,
      iwae_note: iwae || p.iwae === 0 ? null : 'the IWAE estimate is for gaussian latents; a categorical VAE reports its ELBO',
      test_count: test.count,
      latent: formatLatent(vae.latent),
      hidden: vae.config.hidden as number[],
      epochs: Number(metadata.epochs ?? NaN),
      steps: vae.params.iteration,
      wall_ms: performance.now() - start,
      adapter: { ...ctx.gpu.adapter },
    };
  });
}

export type VaeImagesParams = Values<typeof VAE_IMAGES_JOB>;

export async function runVaeImages(ctx: JobContext, p: VaeImagesParams): Promise<JsonObject> {
  // Reconstructions and traversals need test digits (the first `count`); the others none but one.
  const needed = p.kind === 'reconstruct' ? p.count : 1;
  return withModel(ctx, p.model, { ...p, 'test-count': Math.min(needed, p['test-count'] ?? needed) }, async (vae, _test, testBinary) => {
    const digits = Float32Array.from(testBinary.images, (b) => b / 255);
    const image = await vaeImages(ctx, vae, p.kind, { count: p.count, steps: p.steps, seed: p.seed, digits });
    return { kind: p.kind, width: image.width, height: image.height, columns: image.columns, tiles: image.tiles, pixels_base64: toBase64(image.pixels), latent: formatLatent(vae.latent), adapter: { ...ctx.gpu.adapter } };
  });
}

export const vaeTrainJob = trainJob(VAE_FEATURE);
export const vaeEvalJob = defineJob(VAE_EVAL_JOB, runVaeEval);
export const vaeImagesJob = defineJob(VAE_IMAGES_JOB, runVaeImages);
