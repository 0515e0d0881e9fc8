// The 'ae-train' and 'ae-eval' jobs: an autoencoder trained and evaluated by the training feature
// (train.ts), and evaluated against PCA with as many components as its code has units; plain JSON in
// and out in Node or a page.
import { Autoencoder } from '../../models/autoencoder.js';
import { AutoencoderEvaluator, encodeDataset } from '../../models/autoencoder_training.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { fitPca, pcaProject, pcaReconstruct, pcaSquaredError, type Pca } from '../../models/pca.js';
import { InputError } from '../../engine/index.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { checkModelWidth, labelledBytes } from '../data/dataset.js';
import { loadData } from '../data/source.js';
import { fromBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import type { TrainParams } from '../train/feature.js';
import { runTraining, trainJob, type TrainHooks } from '../train/job.js';
import { AE_EVAL_JOB, type AE_TRAIN_FLAGS } from './flags.js';
import { digitRows } from './pictures.js';
import { AE_FEATURE } from './train.js';

export const runAeTrain = (ctx: JobContext, p: TrainParams<typeof AE_TRAIN_FLAGS>, hooks?: TrainHooks): Promise<JsonObject> => runTraining(AE_FEATURE, ctx, p, hooks);

export const aeTrainJob = trainJob(AE_FEATURE);

export type AeEvalParams = Values<typeof AE_EVAL_JOB>;

/**
 * The test digits' squared reconstruction error per digit (summed over pixels of intensities in
 * [0, 1]) of the autoencoder and of PCA with as many components as the code has units, fitted to the
 * training digits (Hinton & Salakhutdinov 2006's baseline).
 */
export async function runAeEval(ctx: JobContext, p: AeEvalParams): Promise<JsonObject> {
  const split = await loadData(ctx.gpu.adapter.runtime, p);
  const { ae, metadata } = await Autoencoder.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(ae);
  try {
    const [train, test] = [labelledBytes(split.train), labelledBytes(split.test)];
    checkModelWidth(ae.inputs, test.width);
    const testSet = await owned.add(DeviceDataset.upload(ctx, test, 'test'));
    const evaluator = await owned.add(AutoencoderEvaluator.create(ctx, ae, testSet));
    const e = await evaluator.evaluate();
    const code = ae.config.layers[ae.config.layers.length - 1];
    const pca = await fitPca(ctx, await owned.add(DeviceDataset.upload(ctx, train, 'train')), code, { seed: p.seed });
    // The test digits as the GPU sees them: bytes / 255 in f32.
    const pixels = Float32Array.from(test.images, (b) => b / 255);
    const pcaError = pcaSquaredError(pca, pixels, test.count);
    const codes: JsonObject = p['return-codes'] ? { codes_2d: await codes2d(ctx, ae, testSet, pca, pixels, test.labels) } : {};
    const shown = Math.min(p['return-images'], test.count);
    const images: JsonObject = shown > 0 ? { images: await reconstructions(evaluator, pca, pixels, shown, split.test) } : {};
    return {
      ...codes,
      ...images,
      test_squared_error: e.squaredError,
      pca_squared_error: pcaError,
      pca_components: code,
      layers: [...ae.config.layers],
      test_count: test.count,
      train_count: train.count,
      epochs: metadata.epochs === undefined ? null : Number(metadata.epochs),
      steps: ae.params.iteration,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    owned.release();
  }
}

export const aeEvalJob = defineJob(AE_EVAL_JOB, runAeEval);

/** `count` test digits over the autoencoder's reconstructions and PCA's (digitRows). */
async function reconstructions(evaluator: AutoencoderEvaluator, pca: Pca, pixels: Float32Array, count: number, shape: { rows: number; cols: number }): Promise<JsonObject> {
  const { clean, reconstructed } = await evaluator.examples(count);
  return digitRows([clean, reconstructed, pcaReconstruct(pca, pixels, count)], count, shape);
}

/** A 2-unit code's picture data: the test digits' codes, their projections on PCA's two components, their labels. */
async function codes2d(ctx: JobContext, ae: Autoencoder, test: DeviceDataset, pca: Pca, pixels: Float32Array, labels: ArrayLike<number>): Promise<JsonObject> {
  if (ae.code !== 2) throw new InputError(`ae eval: the picture of codes is for a code of 2 units; this model's has ${ae.code}`);
  return { autoencoder: Array.from(await encodeDataset(ctx, ae, test)), pca: Array.from(pcaProject(pca, pixels, test.count)), labels: Array.from(labels, Number) };
}
