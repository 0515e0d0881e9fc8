export * from './errors.js';
export { Gpu, type AdapterSummary, type GpuOptions } from './device.js';
export { scoped } from './scopes.js';
export { resolveIncludes, type ShaderLibrary, type BindingInfo, type KernelReflection } from './shaders.js';
export { loadReflector } from './reflections.js';
export { BufferPool, Tensor, TensorView, byteLengthOf, type Binding, type BindingLimit, type BufferPoolOptions, type DType, type TensorRole } from './buffers.js';
export { Kernel, defineKernel, cachedKernel, ITERATION_BINDING, type Bindings, type KernelSpec } from './kernel.js';
export { KernelGraph, Scheduler, linearGrid, checkGrid, type RunOptions, type RunStats, type Workgroups } from './graph.js';
export { timeRuns, type Timing, type TimeOptions } from './timing.js';
export { library } from './library.js';
export { philox4x32, rngBits, uniform24, normal2, bernoulli24 } from './philox.js';
export { RNG_PURPOSES, type RngPurpose } from './rng_purposes.js';
export { ADAPTER_PREFERENCES, chooseAdapter, type AdapterPreference, type AdapterCandidate, type AdapterSearch, type AdapterDecision } from './adapter.js';
export { type OpContext, type OpDispatch } from './ops/common.js';
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
export { addGather, UNIT_BYTE_VALUES, type GatherOptions, type GatherFormat } from './ops/gather.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  toFloat32,
  SAFETENSORS_DTYPES,
  type Safetensors,
  type SafetensorsArrays,
  type SafetensorsData,
  type SafetensorsDType,
  type SafetensorsTensor,
} from './safetensors.js';
export { Schedule, SCHEDULE_KINDS, type ScheduleSpec, type ScheduleKind } from './schedule.js';
export {
  ParamSet,
  initialValues,
  paramStreamStep,
  type Param,
  type ParamInit,
  type ParamSpec,
  type ParamSetOptions,
  type ParamCheckpoint,
  type CheckpointExtra,
} from './params.js';
export { addOptimizerStep, optimizerState, type OptimizerOptions, type OptimizerStep, type SgdOptions, type AdamOptions } from './ops/optim.js';
