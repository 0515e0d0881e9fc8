// RBM model files (safetensors; checkpoints and finished models alike), made by Rbm.toSafetensors
// (models/rbm.ts) with the run's settings and history beside the parameters:
//   weights F32 [visible, hidden], visible_bias F32 [visible], hidden_bias F32 [hidden]
//       the model: E(v, h) = -b.v - c.h - v'W h (Bernoulli) or |v - b|^2 / 2 - c.h - v'W h (Gaussian)
//   momentum/weights, momentum/visible_bias, momentum/hidden_bias   SGD's momentum buffers
//   chains F32 [chains, visible]          PCD: the persistent chains' visible states
//   hidden_activity F32 [hidden]          with a sparsity target: the running estimate of each unit's activity
//   pixel_mean, pixel_std F32 [visible]   Gaussian units: the standardisation v = (x - mean) / std of pixels x in [0, 1]
//   train_reconstruction_error F32 [steps]   per step, the batch's mean |v0 - E[v | h0]|^2
//   test_reconstruction_error, train_free_energy, test_free_energy F64 [epochs]   after each epoch
//       (train_free_energy over the first test-count training examples: the gap is test - train)
// metadata: model 'rbm', visible 'bernoulli' | 'gaussian', hidden, the training settings (data, k,
// pcd, chains, lr, lr_decay, momentum, final_momentum, momentum_epochs, weight_decay, batch,
// sparsity_target, sparsity_cost, binarize, seed, train_count, test_count), epochs (done), dataset;
// and the ParamSet's own 'harmonium.*' keys (format, seed, iteration = steps done, the Philox step
// of the next update). Browser-safe: file I/O is in model_file.ts.
import { InputError, type CheckpointExtra, type SafetensorsTensor } from '../../engine/index.js';
import type { RbmTrainingState } from '../../models/rbm_trainer.js';
import type { Standardization } from '../../models/rbm_data.js';
import type { Values } from '../cli/schema.js';
import type { RBM_TRAIN_JOB } from './flags.js';

export type RbmTrainParams = Values<typeof RBM_TRAIN_JOB>;

/** What the run has measured so far: per step, or per epoch. */
export interface RbmHistory {
  trainReconstruction: number[];
  testReconstruction: number[];
  trainFreeEnergy: number[];
  testFreeEnergy: number[];
}

export const emptyHistory = (): RbmHistory => ({ trainReconstruction: [], testReconstruction: [], trainFreeEnergy: [], testFreeEnergy: [] });

/** The per-epoch series and their tensor names. */
const EPOCH_SERIES = { testReconstruction: 'test_reconstruction_error', trainFreeEnergy: 'train_free_energy', testFreeEnergy: 'test_free_energy' } as const;

export const RBM_DATASET_NOTE = 'mnist-10k split per class 0.8 (harness/data splitPerClass)';

/** The settings a checkpoint must share with the run that resumes it, as metadata strings, by flag name (underscores for dashes). */
export function runSettings(p: RbmTrainParams, trainCount: number): Record<string, string> {
  const text = (v: number | boolean | string | undefined) => (v === undefined ? 'none' : String(v));
  return {
    data: p.data,
    hidden: String(p.hidden),
    k: String(p.cd),
    pcd: String(p.pcd),
    chains: p.pcd ? String(p.chains) : 'none',
    lr: String(p.lr),
    lr_decay: String(p['lr-decay']),
    momentum: String(p.momentum),
    final_momentum: String(p['final-momentum']),
    momentum_epochs: String(p['momentum-epochs']),
    weight_decay: String(p['weight-decay']),
    batch: String(p.batch),
    sparsity_target: text(p['sparsity-target']),
    sparsity_cost: p['sparsity-target'] === undefined ? 'none' : String(p['sparsity-cost']),
    binarize: p.visible === 'bernoulli' ? p.binarize : 'none',
    seed: String(p.seed),
    train_count: String(trainCount),
  };
}

/** The flag a metadata key of runSettings comes from. */
const flagOf = (key: string) => (key === 'k' ? 'cd' : key === 'visible' ? 'visible' : key.replace(/_/g, '-'));

const f32 = (values: ArrayLike<number>, shape: number[]): SafetensorsTensor => ({ dtype: 'F32', shape, data: Float32Array.from(values) });
const f64 = (values: number[]): SafetensorsTensor => ({ dtype: 'F64', shape: [values.length], data: Float64Array.from(values) });

/** The tensors and metadata saved beside the parameters. */
export function rbmFileExtra(
  p: RbmTrainParams,
  counts: { train: number; test: number; visible: number },
  history: RbmHistory,
  state: RbmTrainingState,
  standardization: Standardization | undefined,
): CheckpointExtra {
  const tensors: Record<string, SafetensorsTensor> = {
    train_reconstruction_error: f32(history.trainReconstruction, [history.trainReconstruction.length]),
  };
  for (const [key, name] of Object.entries(EPOCH_SERIES)) tensors[name] = f64(history[key as keyof typeof EPOCH_SERIES]);
  if (state.chains) tensors.chains = f32(state.chains, [state.chains.length / counts.visible, counts.visible]);
  if (state.hiddenActivity) tensors.hidden_activity = f32(state.hiddenActivity, [state.hiddenActivity.length]);
  if (standardization) {
    tensors.pixel_mean = f32(standardization.mean, [counts.visible]);
    tensors.pixel_std = f32(standardization.std, [counts.visible]);
  }
  const metadata = { ...runSettings(p, counts.train), test_count: String(counts.test), epochs: String(history.testFreeEnergy.length), dataset: RBM_DATASET_NOTE };
  return { tensors, metadata };
}

/** A tensor of the file, checked to be `dtype` with `shape`; an InputError naming the file and the tensor otherwise. */
export function fileTensor(source: string, tensors: Record<string, SafetensorsTensor>, name: string, dtype: SafetensorsTensor['dtype'], shape: readonly number[]): SafetensorsTensor {
  const t = Object.hasOwn(tensors, name) ? tensors[name] : undefined;
  if (!t || t.dtype !== dtype || t.shape.join() !== shape.join()) {
    throw new InputError(`${source}: tensor '${name}' must be ${dtype} [${shape.join(', ')}]${t ? `, found ${t.dtype} [${t.shape.join(', ')}]` : ', found none'}`);
  }
  return t;
}

/** The standardisation a Gaussian model's file holds (pixel_mean, pixel_std). */
export function fileStandardization(source: string, tensors: Record<string, SafetensorsTensor>, visible: number): Standardization {
  return { mean: fileTensor(source, tensors, 'pixel_mean', 'F32', [visible]).data, std: fileTensor(source, tensors, 'pixel_std', 'F32', [visible]).data };
}

/**
 * Checks that a checkpoint was made by this run's settings (an InputError naming the first flag that
 * differs) and returns its history and training state; `model` is what the file restored.
 */
export function resumeState(
  source: string,
  file: { tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> },
  model: { visible: number; hidden: number; visibleType: string; steps: number },
  p: RbmTrainParams,
  trainCount: number,
): { history: RbmHistory; state: RbmTrainingState } {
  const differs = (flag: string, saved: string, now: string) =>
    new InputError(`${source} was made with --${flag} ${saved}; this run has --${flag} ${now} (resume with the checkpoint's settings)`);
  if (model.visibleType !== p.visible) throw differs('visible', model.visibleType, p.visible);
  for (const [key, now] of Object.entries(runSettings(p, trainCount))) {
    const saved = key === 'hidden' ? String(model.hidden) : file.metadata[key];
    if (saved !== now) throw differs(flagOf(key), saved ?? '(none)', now);
  }
  const epochs = Number(file.metadata.epochs);
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new InputError(`${source}: metadata 'epochs' = ${JSON.stringify(file.metadata.epochs ?? null)} is not a count`);
  const series = (name: string, dtype: SafetensorsTensor['dtype'], length: number) => [...fileTensor(source, file.tensors, name, dtype, [length]).data];
  const history: RbmHistory = {
    trainReconstruction: series('train_reconstruction_error', 'F32', model.steps),
    testReconstruction: series(EPOCH_SERIES.testReconstruction, 'F64', epochs),
    trainFreeEnergy: series(EPOCH_SERIES.trainFreeEnergy, 'F64', epochs),
    testFreeEnergy: series(EPOCH_SERIES.testFreeEnergy, 'F64', epochs),
  };
  const state: RbmTrainingState = {};
  if (p.pcd) state.chains = fileTensor(source, file.tensors, 'chains', 'F32', [p.chains, model.visible]).data as Float32Array;
  if (p['sparsity-target'] !== undefined) state.hiddenActivity = fileTensor(source, file.tensors, 'hidden_activity', 'F32', [model.hidden]).data as Float32Array;
  return { history, state };
}
