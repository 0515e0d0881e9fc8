// harmonium/ops: the engine's generic ops, each a kernel graph node builder (GEMM, XNOR-popcount,
// element-wise, reductions, samplers, losses, optimisers, ...). Apart from harmonium/engine so that a page
// using one model loads the ops that model uses and no others; `harmonium` exports both.
export { addGemm, type Activation, type GemmBernoulli, type GemmOptions } from './gemm.js';
export { addXnorGemm, addXnorU8Gemm, type XnorGemmOptions, type XnorU8Options } from './xnor.js';
export { addPackBits, addUnpackBits, addPackBitPlanes, packedWords, type PackOptions, type UnpackOptions, type PackPlanesOptions } from './pack.js';
export { addEncodePlanes, addXnorPlanesGemm, planeCode, type PlaneCode, type EncodePlanesOptions, type XnorPlanesGemmOptions } from './xnor_planes.js';
export {
  addGlauberUpdate,
  addGlauberSweep,
  addGlauberSummary,
  glauberThresholds,
  type UnitKind,
  type GlauberRule,
  type GlauberChains,
  type GlauberStream,
  type GlauberStatus,
  type GlauberDetect,
  type GlauberTable,
  type GlauberUpdateOptions,
  type GlauberSweepOptions,
  type GlauberSummaryOptions,
} from './glauber.js';
export { Tuner, MemoryTuneStore, type TuneStore, type TunerOptions, type TuneResult, type TuneShape } from './tune.js';
export {
  addSample,
  addCategorical,
  addDropout,
  addDropoutBackward,
  type SampleOptions,
  type SampleStream,
  type SampleParameter,
  type Distribution,
  type CategoricalOptions,
  type DropoutOptions,
  type DropoutBackwardOptions,
} from './sample.js';
export { addPermutation, type PermutationOptions, type PermutationDispatch } from './permute.js';
export { addGather, type GatherOptions, type GatherFormat } from './gather.js';
export { addOptimizerStep, optimizerState, type OptimizerOptions, type OptimizerStep, type SgdOptions, type AdamOptions } from './optim.js';
export {
  addUnary,
  addUnaryBackward,
  addBinary,
  type UnaryOp,
  type UnaryOpInfo,
  type UnaryParam,
  type BinaryOp,
  type Broadcast,
  type UnaryOptions,
  type UnaryBackwardOptions,
  type BinaryOptions,
} from './elementwise.js';
export { addReduce, type ReduceOp, type ReducePer, type ReduceOptions, type ReduceTarget, type SeriesSlot } from './reduce.js';
export {
  addSoftmax,
  addSigmoidCrossEntropy,
  addSoftmaxCrossEntropy,
  addSquareHinge,
  type SoftmaxOptions,
  type CrossEntropyOutputs,
  type SigmoidCrossEntropyOptions,
  type SoftmaxCrossEntropyOptions,
  type SquareHingeOptions,
} from './loss.js';
export { addBinaryCodes, type BinaryCodesOptions } from './codes.js';
export {
  addAnnealedSample,
  addAnnealedLogWeight,
  type AnnealedDistribution,
  type AnnealedSampleOptions,
  type AnnealedLogWeightOptions,
  type BetaTable,
} from './anneal.js';
export {
  addReparameterize,
  addReparameterizeBackward,
  addGaussianKl,
  addGaussianNll,
  type ReparameterizeOptions,
  type ReparameterizeBackwardOptions,
  type GaussianKlOptions,
  type GaussianNllOptions,
} from './gaussian.js';
export {
  addGumbelSoftmax,
  addGumbelSoftmaxBackward,
  addCategoricalKl,
  type Temperature,
  type GumbelSoftmaxOptions,
  type GumbelSoftmaxBackwardOptions,
  type CategoricalKlOptions,
} from './gumbel_softmax.js';
export { addLogMeanExp, type LogMeanExpOptions } from './log_mean_exp.js';
export { addThreshold, type ThresholdOptions } from './threshold.js';
export { addSegmentArgmin, type SegmentArgminOptions } from './argmin.js';
export { addBatchNorm, addBatchNormBackward, type BatchNormOptions, type BatchNormBackwardOptions, type BatchNormState } from './batch_norm.js';
