export * from './errors.js';
export { Gpu, type AdapterSummary, type GpuOptions } from './device.js';
export { scoped } from './scopes.js';
export { resolveIncludes, reflectKernel, type ShaderLibrary, type BindingInfo, type KernelReflection } from './shaders.js';
export { BufferPool, Tensor, TensorView, byteLengthOf, type Binding, type BindingLimit, type BufferPoolOptions, type DType, type TensorRole } from './buffers.js';
export { Kernel, defineKernel, cachedKernel, ITERATION_BINDING, type Bindings, type KernelSpec } from './kernel.js';
export { KernelGraph, Scheduler, linearGrid, checkGrid, type RunOptions, type RunStats, type Workgroups } from './graph.js';
export { timeRuns, type Timing, type TimeOptions } from './timing.js';
export { library } from './library.js';
export { philox4x32, rngBits, uniform24, normal2 } from './philox.js';
export { RNG_PURPOSES, type RngPurpose } from './rng_purposes.js';
export type { OpContext, OpDispatches } from './ops/common.js';
export {
  addUnary,
  addUnaryBackward,
  addBinary,
  UNARY_OPS,
  BINARY_OPS,
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
  type SoftmaxOptions,
  type CrossEntropyOutputs,
  type SigmoidCrossEntropyOptions,
  type SoftmaxCrossEntropyOptions,
} from './ops/loss.js';
