// harmonium, the library: the engine (device, tensors, kernels, graphs, scheduler, typed errors and the
// generic ops) and the models. `import { Gpu, IsingChain, addGemm } from 'harmonium'` in Node, or
// `import { ... } from './harmonium.js'` in a page. The CLI, jobs, benchmarks and references are the
// harness's and are not part of it.

// Device and errors
export { Gpu, type GpuOptions, type AdapterSummary } from './engine/device.js';
export { ADAPTER_PREFERENCES, type AdapterPreference } from './engine/adapter.js';
export { HarmoniumError, InputError, LimitError, ValidationError, OutOfMemoryError, DeviceLostError, NoAdapterError } from './engine/errors.js';

// Tensors, kernels, graphs
export { BufferPool, Tensor, TensorView, type Binding, type BufferPoolOptions, type DType, type TensorRole } from './engine/buffers.js';
export { Kernel, defineKernel, type Bindings, type KernelSpec } from './engine/kernel.js';
export type { ShaderLibrary, KernelReflection, BindingInfo } from './engine/shaders.js';
export { KernelGraph, Scheduler, linearGrid, type RunOptions, type RunStats, type Workgroups } from './engine/graph.js';
export { timeRuns, type Timing, type TimeOptions } from './engine/timing.js';
export { library } from './engine/library.js';

// Random numbers: the host side of shaders/rng.wgsl
export { philox4x32, rngBits, uniform24, normal2 } from './engine/philox.js';
export { RNG_PURPOSES, type RngPurpose } from './engine/rng_purposes.js';

// Ops
export type { OpContext, OpDispatch, SplitDispatch, TileConfig } from './engine/ops/common.js';
export { addGemm, ACTIVATIONS, GEMM_F32_CONFIGS, type Activation, type GemmBernoulli, type GemmOptions } from './engine/ops/gemm.js';
export { addXnorGemm, addXnorU8Gemm, XNOR_CONFIGS, type XnorGemmOptions, type XnorU8Options } from './engine/ops/xnor.js';
export {
  addPackBits,
  addUnpackBits,
  addPackBitPlanes,
  packedWords,
  planeWords,
  type PackOptions,
  type UnpackOptions,
  type PackPlanesOptions,
} from './engine/ops/pack.js';
export { Tuner, MemoryTuneStore, setDefaultTuner, type TuneStore, type TunerOptions, type TuneResult, type TuneShape } from './engine/ops/tune.js';

// Models
export { IsingChain, ISING_TC, validateIsingConfig, isingStatistics, type IsingConfig, type IsingContext, type IsingMeasurement } from './models/ising.js';
export { ISING_ALGORITHMS, type IsingAlgorithm } from './models/ising_rule.js';
