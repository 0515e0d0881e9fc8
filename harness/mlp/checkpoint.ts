// MLP model files (safetensors; checkpoints and finished models alike), made by Mlp.toSafetensors
// (models/mlp.ts) with the run's settings and history beside the parameters:
//   layer{i}.weight F32 [inputs, outputs], layer{i}.bias F32 [outputs]   the parameters (x W + b)
//   m/layer{i}.*, v/layer{i}.* (adam) or momentum/layer{i}.* (sgd)     the optimiser state
//   train_loss F32 [steps]      the mean cross-entropy of each step's batch
//   train_errors U32 [epochs]   training examples misclassified per epoch (while training on them)
//   test_error, test_loss F64 [epochs]   after each epoch
// metadata: model 'mlp', layers (JSON widths), activation, optimizer, lr, momentum, batch, dropout,
// seed, train_count, test_count, epochs (done), dataset; and the ParamSet's own 'harmonium.*' keys
// (format, seed, iteration = steps done, params, state). Browser-safe: file I/O is in model_file.ts.
import { InputError, type CheckpointExtra, type SafetensorsTensor } from '../../engine/index.js';
import type { Values } from '../cli/schema.js';
import type { MLP_TRAIN_JOB } from './flags.js';

export type MlpTrainParams = Values<typeof MLP_TRAIN_JOB>;

/** What the run has measured so far, one entry per step or per epoch. */
export interface MlpHistory {
  trainLoss: number[];
  trainErrors: number[];
  testError: number[];
  testLoss: number[];
}

export const MNIST_DATASET = 'mnist-10k split per class 0.8 (harness/data splitPerClass)';

/** The settings a checkpoint must share with the run that resumes it, as metadata strings, by flag name. */
export function runSettings(p: MlpTrainParams, trainCount: number): Record<string, string> {
  return {
    activation: p.activation,
    optimizer: p.optimizer,
    lr: String(p.lr),
    momentum: String(p.momentum),
    batch: String(p.batch),
    dropout: String(p.dropout),
    seed: String(p.seed),
    train_count: String(trainCount),
  };
}

/** The tensors and metadata saved beside the parameters. */
export function mlpFileExtra(p: MlpTrainParams, counts: { train: number; test: number }, history: MlpHistory): CheckpointExtra {
  const tensors: Record<string, SafetensorsTensor> = {
    train_loss: { dtype: 'F32', shape: [history.trainLoss.length], data: Float32Array.from(history.trainLoss) },
    train_errors: { dtype: 'U32', shape: [history.trainErrors.length], data: Uint32Array.from(history.trainErrors) },
    test_error: { dtype: 'F64', shape: [history.testError.length], data: Float64Array.from(history.testError) },
    test_loss: { dtype: 'F64', shape: [history.testLoss.length], data: Float64Array.from(history.testLoss) },
  };
  const metadata = { ...runSettings(p, counts.train), test_count: String(counts.test), epochs: String(history.testError.length), dataset: MNIST_DATASET };
  return { tensors, metadata };
}

/**
 * Checks that a checkpoint was made by this run's settings (an InputError naming the first flag that
 * differs) and returns its history; `model` is what the file restored (its widths, its steps done).
 */
export function resumeHistory(
  source: string,
  file: { tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> },
  model: { layers: readonly number[]; steps: number },
  p: MlpTrainParams,
  trainCount: number,
): MlpHistory {
  const differs = (flag: string, saved: string, now: string) =>
    new InputError(`${source} was made with --${flag} ${saved}; this run has --${flag} ${now} (resume with the checkpoint's settings)`);
  const { layers, steps } = model;
  const runLayers = JSON.stringify([layers[0], ...p.hidden, layers[layers.length - 1]]);
  if (JSON.stringify(layers) !== runLayers) throw differs('hidden', layers.slice(1, -1).join(','), p.hidden.join(','));
  for (const [key, now] of Object.entries(runSettings(p, trainCount))) {
    const saved = file.metadata[key];
    if (saved !== now) throw differs(key.replace(/_/g, '-'), saved ?? '(none)', now);
  }
  const series = (name: string, dtype: SafetensorsTensor['dtype'], length: number): number[] => {
    const t = Object.hasOwn(file.tensors, name) ? file.tensors[name] : undefined;
    if (!t || t.dtype !== dtype || t.shape.length !== 1 || t.shape[0] !== length) {
      throw new InputError(`${source}: tensor '${name}' must be ${dtype} [${length}]${t ? `, found ${t.dtype} [${t.shape.join(', ')}]` : ', found none'}`);
    }
    return [...t.data];
  };
  const epochs = Number(file.metadata.epochs);
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new InputError(`${source}: metadata 'epochs' = ${JSON.stringify(file.metadata.epochs ?? null)} is not a count`);
  // A checkpoint is taken at an epoch's end: its steps are whole epochs of whole batches.
  const stepsPerEpoch = Math.floor(trainCount / p.batch);
  if (steps !== epochs * stepsPerEpoch) {
    throw new InputError(`${source}: ${steps} steps done do not make the ${epochs} epochs of metadata 'epochs' (${stepsPerEpoch} steps each)`);
  }
  return {
    trainLoss: series('train_loss', 'F32', steps),
    trainErrors: series('train_errors', 'U32', epochs),
    testError: series('test_error', 'F64', epochs),
    testLoss: series('test_loss', 'F64', epochs),
  };
}
