// The 'mlp-train' and 'mlp-eval' jobs: an MLP classifier trained (the training feature, train.ts) and
// evaluated on the held-out examples on the GPU, plain JSON in and out, the same in Node and in a page.
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { Mlp, MlpEvaluator } from '../../models/mlp.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { loadData } from '../data/source.js';
import { fromBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import type { TrainParams } from '../train/feature.js';
import { runTraining, trainJob, type TrainHooks } from '../train/job.js';
import { MLP_EVAL_JOB, type MLP_TRAIN_FLAGS } from './flags.js';
import { checkModelWidth, labelledBytes } from '../data/dataset.js';
import { MLP_FEATURE } from './train.js';

export const runMlpTrain = (ctx: JobContext, p: TrainParams<typeof MLP_TRAIN_FLAGS>, hooks?: TrainHooks): Promise<JsonObject> => runTraining(MLP_FEATURE, ctx, p, hooks);

export type MlpEvalParams = Values<typeof MLP_EVAL_JOB>;

export async function runMlpEval(ctx: JobContext, p: MlpEvalParams): Promise<JsonObject> {
  const { test } = await loadData(ctx.gpu.adapter.runtime, p);
  const { mlp, metadata } = await Mlp.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(mlp);
  try {
    const inputs = test.rows * test.cols;
    checkModelWidth(mlp.inputs, inputs);
    const data = await owned.add(DeviceDataset.upload(ctx, labelledBytes(test), 'test'));
    const e = await (await owned.add(MlpEvaluator.create(ctx, mlp, data))).evaluate();
    return {
      test_error: e.error,
      test_loss: e.loss,
      test_count: e.count,
      test_errors: e.errors,
      layers: mlp.config.layers as number[],
      activation: mlp.config.activation,
      // A model saved by the library rather than `mlp train` may not say how long it trained.
      epochs: metadata.epochs === undefined ? null : Number(metadata.epochs),
      steps: mlp.params.iteration,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    owned.release();
  }
}

export const mlpTrainJob = trainJob(MLP_FEATURE);
export const mlpEvalJob = defineJob(MLP_EVAL_JOB, runMlpEval);
