// harmonium/mlp: Dense layers with backprop, minibatches on the GPU, and the MLP classifier (the training substrate's first client; the RBM and VAE build on its layers and minibatches).
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
export { DENSE_ACTIVATIONS, addDenseForward, addDenseBackward, denseParams, denseLayer, type DenseActivation, type DenseLayer, type DenseForward, type DenseBackward } from '../dense.js';
export { DeviceDataset, addBatchGather, type LabelledBytes, type BatchGather } from '../minibatch.js';
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
} from '../mlp.js';
export type { Releasable } from '../owned.js';
