// harmonium/binarynet: BinaryNet (Courbariaux et al. 2016), +-1 weights and activations trained by the
// straight-through estimator, and its inference folded to integer thresholds, by f32 GEMMs or by
// XNOR-popcount on packed bits with bit-identical scores.
// The public surface, kept on purpose: the model, its trainer and evaluator, the folding and the two
// inference paths; their option checks run in create and throw InputError naming the option
// (test/api.test.ts compares the declarations with api-report.md).
export { BinaryNet, type Binarization, type BinaryNetConfig, type CheckedBinaryNetConfig, type BinaryLayer, type BinaryDropout, type BinaryNetBatch } from '../binarynet.js';
export {
  BinaryNetTrainer,
  BinaryNetEvaluator,
  type BinaryNetLoss,
  type BinaryNetEpoch,
  type BinaryNetEvaluation,
  type BinaryNetTrainingOptions,
  type CheckedBinaryNetTraining,
} from '../binarynet_training.js';
export { BinaryNetInference, foldBinaryNet, type FoldedNetwork, type FoldedLayer, type HostLayer, type InferencePath } from '../binarynet_inference.js';
