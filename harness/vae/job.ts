// The 'vae-train', 'vae-eval' and 'vae-images' jobs: a VAE trained on MNIST (our split) on the GPU,
// its test ELBO and IWAE estimate of log p(x) in nats, and pictures of it; plain JSON in and out, the
// same in Node and in a page. Training can save the model after every epoch (`save`, the Node
// command's --out) and continue from a model file (`resume`), ending bit-identical to an uninterrupted
// run: the file holds the parameters, Adam's state and the step, and every random number
// (permutations, binarisation, draws) is keyed by the step. A loss that becomes NaN (or infinite)
// stops training with an error naming the step; the last good checkpoint stays as it was.
import { InputError } from '../../engine/index.js';
import { DeviceDataset, type LabelledBytes } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { formatLatent, Vae } from '../../models/vae.js';
import { IwaeEvaluator, VaeEvaluator } from '../../models/vae_eval.js';
import { VAE_OPTIMIZER_STATE, VaeTrainer, type VaeContext } from '../../models/vae_training.js';
import { trainEpochs } from '../backends/epochs.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { Json, JsonObject } from '../io/json.js';
import { emptyVaeHistory, restoreOrCreate, resumeOf, resumeVaeHistory, vaeFileExtra, type VaeHistory } from './checkpoint.js';
import { loadVaeMnist } from './data.js';
import { VAE_EVAL_JOB, VAE_IMAGES_JOB, VAE_TRAIN_JOB } from './flags.js';
import { vaeImages } from './images.js';
import { checkVaeTrainParams, MNIST_PIXELS, vaeConfigOf, vaeTrainingOf, type VaeTrainParams } from './settings.js';

export interface VaeTrainHooks {
  /** Receives the model file's bytes after every epoch (the Node command writes them to --out). */
  save?: (bytes: Uint8Array) => Promise<void> | void;
  /** A model file to continue from (else the spec's resume-model, else a fresh model). */
  resume?: { bytes: Uint8Array; source: string };
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

/** A one-line account of an epoch, as the CLI logs it. */
function epochLine(epoch: number, epochs: number, h: VaeHistory, steps: number): string {
  const train = -mean(h.trainReconstruction.slice(-steps)) - mean(h.trainKl.slice(-steps));
  return `epoch ${epoch + 1}/${epochs}: train ELBO ${train.toFixed(2)}, test ELBO ${h.testElbo[epoch].toFixed(2)} (reconstruction ${h.testReconstruction[epoch].toFixed(2)}, KL ${h.testKl[epoch].toFixed(2)}) nats`;
}

export async function runVaeTrain(ctx: JobContext, p: VaeTrainParams, hooks: VaeTrainHooks = {}): Promise<JsonObject> {
  checkVaeTrainParams(p);
  const { train, testBinary } = await loadVaeMnist(ctx.gpu.adapter.runtime, { trainCount: p['train-count'], testCount: p['test-count'] });
  const options = vaeTrainingOf(p);
  const resume = resumeOf(hooks.resume, p['resume-model']);
  let history = emptyVaeHistory();
  const vae = await restoreOrCreate(
    resume,
    (bytes, source) => Vae.fromSafetensors(ctx, bytes, source),
    (r) => r.vae,
    (r) => void (history = resumeVaeHistory(resume!.source, r, r.vae.params.iteration, p, train.count)),
    () => Vae.create(ctx, vaeConfigOf(p), { seed: p.seed, state: VAE_OPTIMIZER_STATE }),
  );
  const owned = new Owned();
  await owned.add(vae);
  try {
    const trainData = await owned.add(DeviceDataset.upload(ctx, train, 'mnist train'));
    const testData = await owned.add(DeviceDataset.upload(ctx, testBinary, 'mnist test (binarised)'));
    const trainer = await owned.add(VaeTrainer.create(ctx, vae, trainData, options));
    const evaluator = await owned.add(VaeEvaluator.create(ctx, vae, testData, { seed: p.seed }));
    const steps = trainer.batchesPerEpoch;
    const counts = { train: train.count, test: testBinary.count };
    const { wallMs, examples } = await trainEpochs(ctx, trainer, p.epochs, async (epoch) => {
      const e = await evaluator.evaluate();
      history = {
        trainReconstruction: [...history.trainReconstruction, ...epoch.reconstruction],
        trainKl: [...history.trainKl, ...epoch.kl],
        testElbo: [...history.testElbo, e.elbo],
        testReconstruction: [...history.testReconstruction, e.reconstruction],
        testKl: [...history.testKl, e.kl],
      };
      ctx.onUnit?.(epochLine(epoch.epoch, p.epochs, history, steps));
      if (hooks.save) await hooks.save(await vae.toSafetensors(vaeFileExtra(p, counts, history)));
    });
    const last = history.testElbo.length - 1;
    const perEpoch = (series: number[], e: number) => mean(series.slice(e * steps, (e + 1) * steps));
    const result: JsonObject = {
      model: 'vae',
      hidden: vae.config.hidden as number[],
      latent: formatLatent(vae.latent),
      activation: vae.config.activation,
      beta: p.beta,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      epochs: p.epochs,
      train_count: train.count,
      test_count: testBinary.count,
      steps_per_epoch: steps,
      test_elbo: history.testElbo[last],
      test_reconstruction: history.testReconstruction[last],
      test_kl: history.testKl[last],
      history: history.testElbo.map((testElbo, e): Json => ({
        epoch: e + 1,
        train_elbo: -perEpoch(history.trainReconstruction, e) - perEpoch(history.trainKl, e),
        train_reconstruction: perEpoch(history.trainReconstruction, e),
        train_kl: perEpoch(history.trainKl, e),
        test_elbo: testElbo,
        test_reconstruction: history.testReconstruction[e],
        test_kl: history.testKl[e],
      })),
      train_reconstruction: history.trainReconstruction,
      train_kl: history.trainKl,
      // This run's training steps only, evaluation excluded.
      examples_per_s: wallMs > 0 ? (1000 * examples) / wallMs : null,
      wall_ms: wallMs,
      adapter: { ...ctx.gpu.adapter },
    };
    if (p['return-model']) result.model_base64 = toBase64(await vae.toSafetensors(vaeFileExtra(p, counts, history)));
    return result;
  } finally {
    owned.release();
  }
}

/** A model from a job's base64 bytes, with the binarised test digits uploaded; released together. */
async function withModel<T>(
  ctx: VaeContext,
  model: string,
  testCount: number | undefined,
  body: (vae: Vae, test: DeviceDataset, digits: LabelledBytes, metadata: Record<string, string>, owned: Owned) => Promise<T>,
): Promise<T> {
  const { vae, metadata } = await Vae.fromSafetensors(ctx, fromBase64(model), 'the model');
  const owned = new Owned();
  await owned.add(vae);
  try {
    if (vae.config.inputs !== MNIST_PIXELS) throw new InputError(`the model has ${vae.config.inputs} inputs; MNIST needs ${MNIST_PIXELS}`);
    const { testBinary } = await loadVaeMnist(ctx.gpu.adapter.runtime, { testCount });
    const test = await owned.add(DeviceDataset.upload(ctx, testBinary, 'mnist test (binarised)'));
    return await body(vae, test, testBinary, metadata, owned);
  } finally {
    owned.release();
  }
}

export type VaeEvalParams = Values<typeof VAE_EVAL_JOB>;

export async function runVaeEval(ctx: JobContext, p: VaeEvalParams): Promise<JsonObject> {
  return withModel(ctx, p.model, p['test-count'], async (vae, test, _digits, metadata, owned) => {
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
  return withModel(ctx, p.model, needed, async (vae, _test, testBinary) => {
    const digits = Float32Array.from(testBinary.images, (b) => b / 255);
    const image = await vaeImages(ctx, vae, p.kind, { count: p.count, steps: p.steps, seed: p.seed, digits });
    return { kind: p.kind, width: image.width, height: image.height, columns: image.columns, tiles: image.tiles, pixels_base64: toBase64(image.pixels), latent: formatLatent(vae.latent), adapter: { ...ctx.gpu.adapter } };
  });
}

export const vaeTrainJob = defineJob(VAE_TRAIN_JOB, (ctx, p) => runVaeTrain(ctx, p), checkVaeTrainParams);
export const vaeEvalJob = defineJob(VAE_EVAL_JOB, runVaeEval);
export const vaeImagesJob = defineJob(VAE_IMAGES_JOB, runVaeImages);
