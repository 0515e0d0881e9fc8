// The 'rbm-train', 'rbm-eval' and 'rbm-sample' jobs: an RBM trained (the training feature, train.ts),
// evaluated in nats and sampled on the GPU, plain JSON in and out, the same in Node and in a page.
import { checkModelWidth } from '../data/dataset.js';
import { InputError } from '../../engine/index.js';
import { Rbm, sampleRbm } from '../../models/rbm.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { RbmEvaluator } from '../../models/rbm_evaluate.js';
import { aisBaseBiases, rbmAis, rbmExactLogZ } from '../../models/rbm_partition.js';
import { Owned } from '../../models/owned.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { loadData } from '../data/source.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import type { TrainParams } from '../train/feature.js';
import { runTraining, trainJob, type TrainHooks } from '../train/job.js';
import { rbmData, type RbmBinarize } from './data.js';
import { RBM_EVAL_JOB, RBM_SAMPLE_JOB, type RBM_TRAIN_FLAGS } from './flags.js';
import { greyBytes, visibleImages } from './images.js';
import { fileStandardization, RBM_FEATURE } from './train.js';

export const runRbmTrain = (ctx: JobContext, p: TrainParams<typeof RBM_TRAIN_FLAGS>, hooks?: TrainHooks): Promise<JsonObject> => runTraining(RBM_FEATURE, ctx, p, hooks);

export type RbmEvalParams = Values<typeof RBM_EVAL_JOB>;

/** The binarisation a model was trained with (its metadata), for its evaluation data. */
function binarizeOf(metadata: Record<string, string>): RbmBinarize {
  return metadata.binarize === 'threshold' ? 'threshold' : 'sample';
}

/**
 * log Z (exact or AIS), the average log-probability of the test and training digits, and the test
 * reconstruction error; the data binarised or standardised as the model file says.
 */
export async function runRbmEval(ctx: JobContext, p: RbmEvalParams): Promise<JsonObject> {
  const { rbm, metadata, tensors } = await Rbm.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(rbm);
  try {
    if (p.exact && rbm.hidden > 24) throw new InputError(`--exact sums over 2^hidden states: at most 24 hidden units, the model has ${rbm.hidden} (use AIS)`);
    const standardization = rbm.visibleType === 'gaussian' ? fileStandardization('the model', tensors, rbm.visible) : undefined;
    const data = rbmData(await loadData(ctx.gpu.adapter.runtime, p), { visible: rbm.visibleType, binarize: binarizeOf(metadata), standardization });
    checkModelWidth(rbm.visible, data.train.width, 'visible units');
    const test = await owned.add(RbmDataset.upload(ctx, data.test, 'test', standardization));
    const train = await owned.add(RbmDataset.upload(ctx, data.train, 'train', standardization));
    const onTest = await (await owned.add(RbmEvaluator.create(ctx, rbm, test, { seed: p.seed }))).evaluate();
    const onTrain = await (await owned.add(RbmEvaluator.create(ctx, rbm, train, { seed: p.seed }))).evaluate();
    const partition = p.exact
      ? { logZ: await rbmExactLogZ(ctx, rbm), logZStderr: 0, runs: null, steps: null }
      : await rbmAis(ctx, rbm, { runs: p['ais-runs'], betas: p['ais-betas'], base: aisBaseBiases(rbm.visibleType, data.means), seed: p.seed, onProgress: ctx.onProgress });
    return {
      log_z: partition.logZ,
      log_z_stderr: partition.logZStderr,
      exact: p.exact,
      test_avg_log_prob: -onTest.meanFreeEnergy - partition.logZ,
      train_avg_log_prob: -onTrain.meanFreeEnergy - partition.logZ,
      reconstruction_error: onTest.reconstructionError,
      test_free_energy: onTest.meanFreeEnergy,
      train_free_energy: onTrain.meanFreeEnergy,
      ais_runs: partition.runs,
      ais_steps: partition.steps,
      visible: rbm.visibleType,
      hidden: rbm.hidden,
      test_count: data.test.count,
      train_count: data.train.count,
      epochs: Number(metadata.epochs ?? NaN),
      steps: rbm.params.iteration,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    owned.release();
  }
}

export type RbmSampleParams = Values<typeof RBM_SAMPLE_JOB>;

/** Fantasy particles: `count` chains of `steps` Gibbs steps, their last means as grey bytes (base64), pixels as the data's. */
export async function runRbmSample(ctx: JobContext, p: RbmSampleParams): Promise<JsonObject> {
  const { rbm, tensors } = await Rbm.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  try {
    const standardization = rbm.visibleType === 'gaussian' ? fileStandardization('the model', tensors, rbm.visible) : undefined;
    const means = await sampleRbm(ctx, rbm, { count: p.count, steps: p.steps, seed: p.seed, onProgress: ctx.onProgress });
    const images = visibleImages(means, rbm.visible, standardization);
    return { count: p.count, steps: p.steps, visible: rbm.visible, images_base64: toBase64(greyBytes(images)), adapter: { ...ctx.gpu.adapter } };
  } finally {
    rbm.release();
  }
}

export const rbmTrainJob = trainJob(RBM_FEATURE);
export const rbmEvalJob = defineJob(RBM_EVAL_JOB, runRbmEval);
export const rbmSampleJob = defineJob(RBM_SAMPLE_JOB, runRbmSample);
