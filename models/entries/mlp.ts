// harmonium/mlp: Dense layers with backprop, minibatches on the GPU, the training core, and the MLP classifier (the training substrate's first client; the RBM and VAE build on its layers and minibatches).
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
// The public surface, kept on purpose: the models, their checks and what a user needs to run them; the
// helpers the models share stay internal (test/api.test.ts compares the declarations with api-report.md).
export { addDenseForward, addDenseBackward, denseParams, denseLayer, type DenseActivation, type DenseLayer, type DenseForward, type DenseBackward } from '../dense.js';
export { DeviceDataset, addBatchGather, type LabelledBytes, type BatchGather } from '../minibatch.js';
export { Trainer, TrainingDivergedError, type TrainingPlan, type StepParts, type StepBuilder, type MetricSpec, type MetricSpecs, type TrainedEpoch, type TrainerParts } from '../training.js';
export {
  Mlp,
  MlpTrainer,
  MlpEvaluator,
  mlpOptimizerState,
  readMlpConfig,
  validateMlpConfig,
  validateMlpTraining,
  type MlpConfig,
  type MlpBatch,
  type MlpDropout,
  type MlpEpoch,
  type MlpEvaluation,
  type MlpOptimizer,
  type MlpTrainingOptions,
  type CheckedMlpTraining,
} from '../mlp.js';
export type { Releasable } from '../owned.js';
