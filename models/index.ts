// The models' public API.
export { IsingChain, ISING_TC, validateIsingConfig, isingStatistics, type IsingConfig, type IsingContext, type IsingMeasurement } from './ising.js';
export { ISING_ALGORITHMS, type IsingAlgorithm } from './ising_rule.js';
export { DENSE_ACTIVATIONS, addDenseForward, addDenseBackward, denseParams, denseLayer, type DenseActivation, type DenseLayer, type DenseForward, type DenseBackward } from './dense.js';
export { DeviceDataset, addBatchGather, type LabelledBytes, type BatchGather } from './minibatch.js';
export {
  Mlp,
  MlpTrainer,
  MlpEvaluator,
  MLP_MODEL,
  MLP_OPTIMIZERS,
  mlpLayerName,
  mlpOptimizerState,
  readMlpConfig,
  validateMlpConfig,
  validateMlpTraining,
  type MlpConfig,
  type MlpContext,
  type MlpBatch,
  type MlpDropout,
  type MlpEpoch,
  type MlpEvaluation,
  type MlpOptimizer,
  type MlpTrainingOptions,
} from './mlp.js';
export type { Releasable } from './owned.js';
export {
  HopfieldNetwork,
  RecallRun,
  HOPFIELD_RULES,
  HOPFIELD_PATHS,
  HOPFIELD_UPDATES,
  MAX_HEBBIAN_FIELD,
  validateRecallOptions,
  type HopfieldRule,
  type HopfieldPath,
  type HopfieldUpdate,
  type HopfieldContext,
  type HopfieldStore,
  type RecallOptions,
  type HopfieldRecall,
  type ProbeOutcome,
} from './hopfield.js';
export { checkPatterns, randomPatterns, addNoise, overlaps, letterPatterns, HOPFIELD_LETTERS } from './hopfield_patterns.js';
export { hopfieldCapacity, validateCapacityOptions, type CapacityOptions, type CapacityPoint } from './hopfield_capacity.js';
