import type { Gpu } from './device.js';
import type { Binding } from './buffers.js';
import { InputError, LimitError, ValidationError } from './errors.js';
import { scoped } from './scopes.js';
import { builtinReflection, hash, loadReflector, parseReflection } from './reflections.js';
import { resolveIncludes, type BindingInfo, type KernelReflection, type ShaderLibrary, type StructLayout } from './shaders.js';
import { structWords, type UniformFields } from './uniforms.js';

/**
 * The binding the scheduler fills itself: `var<uniform> iteration: Iteration` holds the index of the
 * current repetition of a graph (a sweep, a training step), so that a long chain is one submit and
 * RNG counters advance without host round trips.
 */
export const ITERATION_BINDING = 'iteration';
/** Bytes between two iteration slots; WebGPU's minUniformBufferOffsetAlignment is at most 256. */
export const ITERATION_STRIDE = 256;

export interface KernelSpec {
  /** Label for pipelines, errors and profiles, e.g. 'ising.checkerboard'. */
  name: string;
  /** A file of the shader library (its includes are expanded). */
  file: string;
  entry?: string;
  /** `override` constants: tile sizes, workgroup sizes, mode switches. */
  overrides?: Readonly<Record<string, number>>;
}

/** A kernel's bindings by name: whole tensors or views of them (tensor.view). */
export type Bindings = Readonly<Record<string, Binding>>;

/** Where a kernel's include-resolved WGSL comes from: text at hand, or a built-in file loaded (once) when it is first compiled. */
export type KernelSource = { text: string } | { library: ShaderLibrary; sourceHash: string };

/**
 * A compute kernel: WGSL source with its reflection, compiled once per device and cached.
 *
 *   const k = await defineKernel(library, { name: 'fill', file: 'fill.wgsl', overrides: { WG: 64 } });
 *   graph.add(k, { out: tensor }, [Math.ceil(n / 64)]);
 */
export class Kernel {
  readonly entry: string;
  readonly overrides: Readonly<Record<string, number>>;
  private pipelines = new WeakMap<GPUDevice, Promise<CompiledKernel>>();
  private text: Promise<string> | null = null;

  /** Kernels come from defineKernel (one's own, reflected by the parser) and cachedKernel (built-in, reflected at build time). */
  constructor(
    readonly spec: KernelSpec,
    readonly reflection: KernelReflection,
    private readonly from: KernelSource,
  ) {
    this.entry = spec.entry ?? 'main';
    this.overrides = spec.overrides ?? {};
    const known = new Set(this.reflection.overrides);
    for (const key of Object.keys(this.overrides)) {
      if (!known.has(key)) throw new InputError(`${spec.name}: '${key}' is not an override constant of ${spec.file}`);
    }
    // The scheduler writes the repetition index at byte 0 of every iteration slot, for all kernels alike.
    const iteration = this.reflection.bindings.find((b) => b.name === ITERATION_BINDING)?.struct;
    if (iteration && !iteration.members.some((m) => m.name === 'index' && m.offset === 0 && m.type === 'u32' && m.length === undefined)) {
      throw new ValidationError(spec.name, `uniform '${ITERATION_BINDING}' (struct ${iteration.name}) must hold the repetition index as 'index: u32' at byte 0, where the scheduler writes it`);
    }
  }

  get name(): string {
    return this.spec.name;
  }

  /** The include-resolved WGSL; a built-in file's is loaded on first use and checked against the source its reflection was made from. */
  source(): Promise<string> {
    const from = this.from;
    if ('text' in from) return Promise.resolve(from.text);
    this.text ??= resolveIncludes(this.spec.file, from.library).then((text) => {
      if (hash(text) !== from.sourceHash) {
        throw new ValidationError(this.name, `${this.spec.file} differs from the built-in file reflected at build time (a library that replaces built-in files needs \`await defineKernel(...)\`)`);
      }
      return text;
    });
    return this.text;
  }

  /** An override's value as this kernel was defined with; the host reuses it in its dispatch arithmetic. */
  override(name: string): number {
    const value = this.overrides[name];
    if (value === undefined) throw new InputError(`${this.name}: override '${name}' was not set`);
    return value;
  }

  /**
   * The words of the uniform struct this kernel binds as `binding`, every member from the field of
   * its WGSL name (at its reflected offset, as its reflected type), for `pool.uniform`. A
   * ValidationError names the kernel, the binding and the field that is missing, unknown or of the
   * wrong kind (a u32 must be an integer in [0, 2^32)).
   *
   *   const params = await pool.uniform('fill params', kernel.uniformWords('params', { n, seed }));
   */
  uniformWords(binding: string, fields: UniformFields): Uint32Array {
    return structWords(this.uniformStruct(binding), fields, { kernel: this.name, binding });
  }

  /** The layout of the uniform struct bound as `binding`; a ValidationError when this entry point binds no such struct. */
  uniformStruct(binding: string): StructLayout {
    const struct = this.reflection.bindings.find((b) => b.name === binding)?.struct;
    if (!struct) throw new ValidationError(this.name, `'${binding}' is not a uniform struct that this entry point binds`);
    return struct;
  }

  /** The pipeline and its layout on `gpu`, compiled on first use. */
  compile(gpu: Gpu): Promise<CompiledKernel> {
    let compiled = this.pipelines.get(gpu.device);
    if (!compiled) {
      compiled = compileKernel(gpu.device, this);
      this.pipelines.set(gpu.device, compiled);
    }
    return compiled;
  }

  /**
   * Checks host bindings against the reflection: every binding present and known, each buffer large
   * enough and made for the right use, none over the binding limit of its pool (a LimitError; bind
   * views of a larger tensor instead), and none released. Errors name the kernel and the binding.
   */
  checkBindings(bindings: Bindings): void {
    for (const info of this.reflection.bindings) {
      if (info.name === ITERATION_BINDING) continue;
      const tensor = bindings[info.name];
      if (!tensor) throw new ValidationError(this.name, `binding '${info.name}' is missing`);
      checkBinding(this.name, info, tensor);
    }
    const declared = new Set(this.reflection.declared);
    for (const name of Object.keys(bindings)) {
      if (!declared.has(name)) throw new ValidationError(this.name, `'${name}' is not a binding of this kernel`);
    }
    this.checkLive(bindings);
  }

  /**
   * Throws an InputError naming the kernel, the binding and the tensor when a bound tensor (or the
   * tensor a bound view is part of) was released: its buffer may belong to another tensor by now.
   * It allocates nothing, as the Scheduler calls it before every submit.
   */
  checkLive(bindings: Bindings): void {
    for (const info of this.reflection.bindings) {
      const tensor = bindings[info.name];
      if (tensor?.released) {
        throw new InputError(`${this.name}: binding '${info.name}' holds '${tensor.label}', which was released; its buffer may already belong to another tensor`);
      }
    }
  }
}

function checkBinding(kernel: string, info: BindingInfo, tensor: Binding): void {
  if (tensor.byteLength < info.minBytes) {
    throw new ValidationError(kernel, `binding '${info.name}' needs at least ${info.minBytes} bytes; tensor '${tensor.label}' has ${tensor.byteLength}`);
  }
  const wantsUniform = info.kind === 'uniform';
  if (wantsUniform !== (tensor.role === 'uniform')) {
    throw new ValidationError(kernel, `binding '${info.name}' is a ${info.kind} buffer; tensor '${tensor.label}' was made for ${tensor.role}`);
  }
  const limit = tensor.pool.bindingLimit(tensor.role);
  if (tensor.byteLength > limit.bytes) {
    throw new LimitError(
      `${kernel}: binding '${info.name}' would hold ${tensor.byteLength} bytes of '${tensor.label}', over ${limit.name} of ${limit.bytes} bytes; bind views of it (tensor.view) or split the work`,
    );
  }
}

export interface CompiledKernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout[];
}

/** Bind-group layouts derived from reflection; the iteration uniform gets a dynamic offset. */
function layoutEntries(reflection: KernelReflection): GPUBindGroupLayoutEntry[][] {
  const groups: GPUBindGroupLayoutEntry[][] = [];
  for (const b of reflection.bindings) {
    (groups[b.group] ??= []).push({
      binding: b.binding,
      visibility: 0x4 /* GPUShaderStage.COMPUTE */,
      buffer: { type: b.kind, hasDynamicOffset: b.name === ITERATION_BINDING, minBindingSize: b.minBytes },
    });
  }
  return Array.from(groups, (g) => g ?? []);
}

async function compileKernel(device: GPUDevice, kernel: Kernel): Promise<CompiledKernel> {
  const label = kernel.name;
  const code = await kernel.source();
  // Two scoped steps, as WGSL messages arrive asynchronously (scoped work makes its calls synchronously).
  const module = await scoped(device, label, () => {
    const module = device.createShaderModule({ label, code });
    return module.getCompilationInfo().then((info) => {
      const errors = info.messages.filter((m) => m.type === 'error');
      if (errors.length) {
        throw new ValidationError(label, `WGSL compilation failed:\n${errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
      }
      return module;
    });
  });
  return scoped(device, label, () => {
    const layout = layoutEntries(kernel.reflection).map((entries, i) =>
      device.createBindGroupLayout({ label: `${label} group ${i}`, entries }),
    );
    return device
      .createComputePipelineAsync({
        label,
        layout: device.createPipelineLayout({ label, bindGroupLayouts: layout }),
        compute: { module, entryPoint: kernel.entry, constants: { ...kernel.overrides } },
      })
      .then(
        (pipeline) => ({ pipeline, layout }),
        (e: Error) => {
          throw new ValidationError(label, `pipeline creation failed: ${e.message}`);
        },
      );
  });
}

/**
 * Defines a kernel of one's own from a shader library (WGSL files by name; `#include` works across
 * them), loading the WGSL parser for its reflection on first use.
 *
 *   const k = await defineKernel({ 'fill.wgsl': FILL }, { name: 'fill', file: 'fill.wgsl', overrides: { WG: 64 } });
 */
export async function defineKernel(library: ShaderLibrary, spec: KernelSpec): Promise<Kernel> {
  await loadReflector();
  const text = await resolveIncludes(spec.file, library);
  return new Kernel(spec, parseReflection(text, spec.entry ?? 'main'), { text });
}

const definedKernels = new WeakMap<ShaderLibrary, Map<string, Kernel>>();

/**
 * A kernel of the built-in library (reflected at build time, so synchronous), once per (name, file,
 * entry, overrides): the same Kernel object comes back, so its pipeline is compiled once per device
 * and reused by every graph. Kernels of one's own go through `defineKernel`.
 *
 *   const sweep = cachedKernel(library, { name: 'ising.sweep', file: 'ising_multispin.wgsl', entry: 'sweep', overrides: { WG: 64 } });
 */
export function cachedKernel(library: ShaderLibrary, spec: KernelSpec): Kernel {
  let kernels = definedKernels.get(library);
  if (!kernels) definedKernels.set(library, (kernels = new Map()));
  const overrides = Object.entries(spec.overrides ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const key = JSON.stringify([spec.name, spec.file, spec.entry ?? 'main', overrides]);
  let kernel = kernels.get(key);
  if (!kernel) kernels.set(key, (kernel = builtinKernel(library, spec)));
  return kernel;
}

function builtinKernel(library: ShaderLibrary, spec: KernelSpec): Kernel {
  const entry = spec.entry ?? 'main';
  const builtin = builtinReflection(spec.file, entry);
  if (!builtin) {
    throw new InputError(`${spec.name}: ${spec.file} (entry '${entry}') is not a built-in kernel; define it with \`await defineKernel(...)\`, which loads the WGSL parser`);
  }
  return new Kernel(spec, builtin.reflection, { library, sourceHash: builtin.sourceHash });
}
