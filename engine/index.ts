// The engine's public API: what library users import (through index.ts) and what models build on.
// Internals (error scopes, the kernel cache, reflection, grid checks) are imported from their modules.
export * from './errors.js';
export { Gpu, type AdapterSummary, type GpuOptions } from './device.js';
export { openContext, createContext, type EngineContext, type RunContext } from './context.js';
export type { ShaderLibrary, ShaderSource, BindingInfo, KernelReflection } from './shaders.js';
export { BufferPool, Tensor, type TensorView, type Binding, type BufferPoolOptions, type DType, type TensorRole } from './buffers.js';
export { Kernel, defineKernel, type Bindings, type KernelSpec, type KernelSource } from './kernel.js';
export { KernelGraph, Scheduler, linearGrid, type RunOptions, type RunStats, type Workgroups } from './graph.js';
export { timeRuns, type Timing, type TimeOptions } from './timing.js';
export { library } from './library.js';
export { philox4x32, rngBits, uniform24, normal2, bernoulli24 } from './philox.js';
export { RNG_PURPOSES, type RngPurpose } from './rng_purposes.js';
export type { AdapterPreference } from './adapter.js';
export type { OpContext, OpDispatch, OpDispatches, SplitDispatch, TileConfig } from './ops/common.js';
export { addGemm, type Activation, type GemmBernoulli, type GemmOptions } from './ops/gemm.js';
export { addXnorGemm, addXnorU8Gemm, type XnorGemmOptions, type XnorU8Options } from './ops/xnor.js';
export { addPackBits, addUnpackBits, addPackBitPlanes, packedWords, planeWords, type PackOptions, type UnpackOptions, type PackPlanesOptions } from './ops/pack.js';
export { addEncodePlanes, addXnorPlanesGemm, planeCode, type PlaneCode, type EncodePlanesOptions, type XnorPlanesGemmOptions } from './ops/xnor_planes.js';
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
} from './ops/glauber.js';
export { Tuner, MemoryTuneStore, type TuneStore, type TunerOptions, type TuneResult, type TuneShape } from './ops/tune.js';
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
} from './ops/sample.js';
export { addPermutation, type PermutationOptions, type PermutationDispatch } from './ops/permute.js';
export { addGather, type GatherOptions, type GatherFormat } from './ops/gather.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  type Safetensors,
  type SafetensorsArrays,
  type SafetensorsData,
  type SafetensorsDType,
  type SafetensorsTensor,
} from './safetensors.js';
export { Schedule, type ScheduleSpec, type ScheduleKind } from './schedule.js';
export {
  ParamSet,
  type Param,
  type ParamInit,
  type ParamSpec,
  type ParamSetOptions,
  type ParamCheckpoint,
  type CheckpointExtra,
} from './params.js';
export { addOptimizerStep, optimizerState, type OptimizerOptions, type OptimizerStep, type SgdOptions, type AdamOptions } from './ops/optim.js';
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
} from './ops/elementwise.js';
export { addReduce, type ReduceOp, type ReducePer, type ReduceOptions, type ReduceTarget, type SeriesSlot } from './ops/reduce.js';
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
} from './ops/loss.js';
export { addBinaryCodes, type BinaryCodesOptions } from './ops/codes.js';
export {
  addAnnealedSample,
  addAnnealedLogWeight,
  type AnnealedDistribution,
  type AnnealedSampleOptions,
  type AnnealedLogWeightOptions,
  type BetaTable,
} from './ops/anneal.js';
export {
  addReparameterize,
  addReparameterizeBackward,
  addGaussianKl,
  addGaussianNll,
  type ReparameterizeOptions,
  type ReparameterizeBackwardOptions,
  type GaussianKlOptions,
  type GaussianNllOptions,
} from './ops/gaussian.js';
export {
  addGumbelSoftmax,
  addGumbelSoftmaxBackward,
  addCategoricalKl,
  type Temperature,
  type GumbelSoftmaxOptions,
  type GumbelSoftmaxBackwardOptions,
  type CategoricalKlOptions,
} from './ops/gumbel_softmax.js';
export { addLogMeanExp, type LogMeanExpOptions } from './ops/log_mean_exp.js';
export { addThreshold, type ThresholdOptions } from './ops/threshold.js';
export { addBatchNorm, addBatchNormBackward, type BatchNormOptions, type BatchNormBackwardOptions, type BatchNormState } from './ops/batch_norm.js';
