// harmonium/engine, the engine's public API: device and context, tensors and pool, kernels and graphs,
// scheduler, typed errors, Philox, safetensors, schedules and parameters. The generic ops are
// harmonium/ops (engine/ops/index.ts). Internals (error scopes, the kernel cache, reflection, grid
// checks) are imported from their modules.
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
