// The 'mlp-train' and 'mlp-eval' jobs: an MLP classifier trained and evaluated on MNIST (our split)
// on the GPU, plain JSON in and out, the same in Node and in a page. Training can save the model
// after every epoch (`save`, the Node command's --out) and continue from a model file (`resume`),
// ending bit-identical to an uninterrupted run: the model file holds the parameters, the optimiser
// state and the step, and every random number (permutations, dropout) is keyed by the step.
import { InputError } from '../../engine/index.js';
import { DeviceDataset, type LabelledBytes } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { Mlp, MlpEvaluator, MlpTrainer, mlpOptimizerState, validateMlpConfig, validateMlpTraining, type MlpConfig, type MlpTrainingOptions } from '../../models/mlp.js';
import { trainEpochs } from '../backends/epochs.js';
import { defineJob, type JobContext } from '../backends/context.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { Json, JsonObject } from '../io/json.js';
import type { Values } from '../cli/schema.js';
import { mlpFileExtra, resumeHistory, type MlpHistory, type MlpTrainParams } from './checkpoint.js';
import { loadMnistSplit } from './data.js';
import type { LabelledDataset } from '../data/index.js';
import { MLP_EVAL_JOB, MLP_TRAIN_JOB } from './flags.js';

const MNIST_PIXELS = 784;
const MNIST_CLASSES = 10;

/** The network of a run: MNIST's 784 inputs, the hidden widths, 10 classes. */
export function mlpConfig(p: Pick<MlpTrainParams, 'hidden' | 'activation'>): MlpConfig {
  return { layers: [MNIST_PIXELS, ...p.hidden, MNIST_CLASSES], activation: p.activation };
}

/** The training options of a run. */
export function mlpTraining(p: MlpTrainParams): MlpTrainingOptions {
  return { optimizer: p.optimizer, lr: p.lr, momentum: p.momentum, batch: p.batch, seed: p.seed, dropout: p.dropout, epochs: p.epochs };
}

/** The model's own rules on a run's values (InputErrors naming the parameter), before any device is opened. */
export function checkMlpTrainParams(p: MlpTrainParams): void {
  validateMlpConfig(mlpConfig(p));
  validateMlpTraining(mlpTraining(p));
}

export interface MlpTrainHooks {
  /** Receives the model file's bytes after every epoch (the Node command writes them to --out). */
  save?: (bytes: Uint8Array) => Promise<void> | void;
  /** A model file to continue from (else the spec's resume-model, else a fresh model). */
  resume?: { bytes: Uint8Array; source: string };
}

/** A split of the MNIST cache (u8 pixels) as the device dataset takes it. */
const bytesOf = (d: LabelledDataset): LabelledBytes => ({ images: d.images as Uint8Array, labels: d.labels, count: d.count, width: d.rows * d.cols });

/** A one-line account of an epoch, as the CLI logs it. */
function epochLine(epoch: number, epochs: number, h: MlpHistory, steps: number): string {
  const losses = h.trainLoss.slice(-steps);
  const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return `epoch ${epoch + 1}/${epochs}: train loss ${mean.toFixed(4)}, test error ${pct(h.testError[epoch])}, test loss ${h.testLoss[epoch].toFixed(4)}`;
}

export async function runMlpTrain(ctx: JobContext, p: MlpTrainParams, hooks: MlpTrainHooks = {}): Promise<JsonObject> {
  checkMlpTrainParams(p);
  const { train, test } = await loadMnistSplit(ctx.gpu.adapter.runtime, { trainCount: p['train-count'], testCount: p['test-count'] });
  const options = mlpTraining(p);
  const resume = hooks.resume ?? (p['resume-model'] ? { bytes: fromBase64(p['resume-model']), source: 'the resumed model' } : undefined);
  let history: MlpHistory = { trainLoss: [], trainErrors: [], testError: [], testLoss: [] };
  let mlp: Mlp;
  if (resume) {
    const restored = await Mlp.fromSafetensors(ctx, resume.bytes, resume.source);
    mlp = restored.mlp;
    try {
      history = resumeHistory(resume.source, restored, { layers: mlp.config.layers, steps: mlp.params.iteration }, p, train.count);
    } catch (e) {
      mlp.release();
      throw e;
    }
  } else {
    mlp = await Mlp.create(ctx, mlpConfig(p), { seed: p.seed, state: mlpOptimizerState(options) });
  }
  const owned = new Owned();
  await owned.add(mlp);
  try {
    const trainData = await owned.add(DeviceDataset.upload(ctx, bytesOf(train), 'mnist train'));
    const testData = await owned.add(DeviceDataset.upload(ctx, bytesOf(test), 'mnist test'));
    const trainer = await owned.add(MlpTrainer.create(ctx, mlp, trainData, options));
    const evaluator = await owned.add(MlpEvaluator.create(ctx, mlp, testData));
    const steps = trainer.batchesPerEpoch;
    const { wallMs, examples } = await trainEpochs(ctx, trainer, p.epochs, async (epoch) => {
      const evaluation = await evaluator.evaluate();
      history = {
        trainLoss: [...history.trainLoss, ...epoch.losses],
        trainErrors: [...history.trainErrors, epoch.errors],
        testError: [...history.testError, evaluation.error],
        testLoss: [...history.testLoss, evaluation.loss],
      };
      ctx.onUnit?.(epochLine(epoch.epoch, p.epochs, history, steps));
      if (hooks.save) await hooks.save(await mlp.toSafetensors(mlpFileExtra(p, { train: train.count, test: test.count }, history)));
    });
    const last = history.testError.length - 1;
    const result: JsonObject = {
      model: 'mlp',
      layers: mlp.config.layers as number[],
      activation: mlp.config.activation,
      optimizer: p.optimizer,
      lr: p.lr,
      momentum: p.momentum,
      batch: p.batch,
      dropout: p.dropout,
      seed: p.seed,
      epochs: p.epochs,
      train_count: train.count,
      test_count: test.count,
      steps_per_epoch: steps,
      test_error: history.testError[last],
      test_loss: history.testLoss[last],
      history: history.testError.map((testError, e): Json => ({
        epoch: e + 1,
        train_loss: history.trainLoss.slice(e * steps, (e + 1) * steps).reduce((a, b) => a + b, 0) / steps,
        train_error: history.trainErrors[e] / (steps * p.batch),
        test_error: testError,
        test_loss: history.testLoss[e],
      })),
      train_loss: history.trainLoss,
      // This run's training steps only (a resumed run's earlier epochs are not timed), evaluation excluded.
      examples_per_s: wallMs > 0 ? (1000 * examples) / wallMs : null,
      wall_ms: wallMs,
      adapter: { ...ctx.gpu.adapter },
    };
    if (p['return-model']) result.model_base64 = toBase64(await mlp.toSafetensors(mlpFileExtra(p, { train: train.count, test: test.count }, history)));
    return result;
  } finally {
    owned.release();
  }
}

export type MlpEvalParams = Values<typeof MLP_EVAL_JOB>;

export async function runMlpEval(ctx: JobContext, p: MlpEvalParams): Promise<JsonObject> {
  const { test } = await loadMnistSplit(ctx.gpu.adapter.runtime, { testCount: p['test-count'] });
  const { mlp, metadata } = await Mlp.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(mlp);
  try {
    if (mlp.inputs !== MNIST_PIXELS || mlp.classes !== MNIST_CLASSES) {
      throw new InputError(`the model has ${mlp.inputs} inputs and ${mlp.classes} classes; MNIST needs ${MNIST_PIXELS} and ${MNIST_CLASSES}`);
    }
    const data = await owned.add(DeviceDataset.upload(ctx, bytesOf(test), 'mnist test'));
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

export const mlpTrainJob = defineJob(MLP_TRAIN_JOB, (ctx, p) => runMlpTrain(ctx, p), checkMlpTrainParams);
export const mlpEvalJob = defineJob(MLP_EVAL_JOB, runMlpEval);
