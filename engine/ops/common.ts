// What the op helpers (gemm.ts, xnor.ts, pack.ts) share: the context they run in, a pipeline cache,
// placeholder tensors for bindings a configuration leaves unused, and argument checks that name the
// kernel and the operand.
import type { Gpu } from '../device.js';
import type { Binding, BindingLimit, BufferPool, DType, Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { checkGrid, type KernelGraph } from '../graph.js';
import { cachedKernel as cachedKernelOf, type Bindings, type Kernel } from '../kernel.js';
import { library } from '../library.js';

/** The device and buffer pool an op allocates its parameters from. */
export interface OpContext {
  gpu: Gpu;
  pool: BufferPool;
}

/** What an add* helper put into the graph: `release()` frees `params` when the graph is done with. */
export interface OpDispatch {
  kernel: Kernel;
  params: Tensor;
  workgroups: [number, number];
  release(): void;
}

/** A block of rows of M: one dispatch of a split product. */
export interface RowBlock {
  row0: number;
  rows: number;
}

/**
 * What a row-splitting op (addGemm, addXnorGemm) put into the graph: one dispatch per block of rows
 * of M, a single block when every operand fits one binding. `release()` frees every block's params
 * when the graph is done with.
 */
export interface SplitDispatch {
  kernel: Kernel;
  blocks: Array<RowBlock & { params: Tensor; workgroups: [number, number] }>;
  release(): void;
}

/** A register-tile shape: each invocation computes tm x tn outputs; workgroups are wgX x wgY invocations. */
export interface TileConfig {
  readonly name: string;
  readonly tm: 4 | 8;
  readonly tn: 4 | 8;
  readonly wgX: number;
  readonly wgY: number;
}

/** The engine's kernel cache over the shader library (engine/kernel.ts cachedKernel). */
export function cachedKernel(name: string, file: string, entry: string, overrides: Record<string, number>): Kernel {
  return cachedKernelOf(library, { name, file, entry, overrides });
}

const placeholders = new WeakMap<BufferPool, Map<string, Promise<Tensor>>>();

/**
 * A 16-byte tensor for a binding that the chosen overrides never touch (WebGPU still wants every
 * statically used binding bound). 'read' and 'write' are distinct buffers: one buffer may not be
 * bound read-only and writable in the same dispatch.
 */
export function placeholder(pool: BufferPool, access: 'read' | 'write'): Promise<Tensor> {
  let byAccess = placeholders.get(pool);
  if (!byAccess) placeholders.set(pool, (byAccess = new Map()));
  let tensor = byAccess.get(access);
  if (!tensor) {
    tensor = pool.tensor(`placeholder (${access})`, 'f32', [4]);
    byAccess.set(access, tensor);
  }
  return tensor;
}

import { checkDims } from '../checks.js';
export { checkDims, checkU32 } from '../checks.js';

/**
 * Checks one operand that is bound whole: a LimitError when `bytes` cannot be bound (the pool's
 * binding limit), else checkTensor.
 */
export function checkOperand(
  ctx: OpContext,
  kernel: string,
  operand: string,
  tensor: Tensor | undefined,
  dtypes: readonly DType[],
  bytes: number,
  what: string,
): Tensor {
  const limit = ctx.pool.bindingLimit();
  if (bytes > limit.bytes) {
    throw new LimitError(`${kernel}: operand ${operand} (${what}) needs ${bytes} bytes, over ${limit.name} of ${limit.bytes} bytes`);
  }
  return checkTensor(kernel, operand, tensor, dtypes, bytes, what);
}

/** An InputError when the tensor is missing, of the wrong dtype or role, or smaller than `what` needs. */
export function checkTensor(kernel: string, operand: string, tensor: Tensor | undefined, dtypes: readonly DType[], bytes: number, what: string): Tensor {
  if (!tensor || typeof tensor !== 'object' || !('buffer' in tensor)) throw new InputError(`${kernel}: operand ${operand} is missing`);
  if (!dtypes.includes(tensor.dtype)) {
    throw new InputError(`${kernel}: operand ${operand} must be ${dtypes.join(' or ')}; tensor '${tensor.label}' is ${tensor.dtype}`);
  }
  if (tensor.role !== 'storage') throw new InputError(`${kernel}: operand ${operand} must be a storage tensor; '${tensor.label}' is a ${tensor.role} buffer`);
  if (tensor.byteLength < bytes) {
    throw new InputError(`${kernel}: operand ${operand} needs ${what} = ${bytes} bytes; tensor '${tensor.label}' has only ${tensor.byteLength}`);
  }
  return tensor;
}

const elementsOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Checks an operand whose shape the op knows: present, of one of `dtypes`, a storage tensor, holding
 * exactly as many elements as `shape` (so a flat [rows * cols] tensor fits a [rows, cols] operand),
 * and within one binding. The InputError names the op, the operand and both shapes; `what` says
 * where the expected shape comes from. A LimitError when it cannot be bound whole.
 *
 *   checkShape('gather', 'output', o.output, ['f32'], [batchSize, width], 'batchSize x width');
 *   // InputError: gather: operand output must have shape [128, 784] (batchSize x width); tensor 'x' has shape [128, 783]
 */
export function checkShape(op: string, operand: string, tensor: Tensor | undefined, dtypes: readonly DType[], shape: readonly number[], what?: string): Tensor {
  const checked = checkTensor(op, operand, tensor, dtypes, 0, '');
  if (elementsOf(checked.shape) !== elementsOf(shape)) {
    const from = what ? ` (${what})` : '';
    throw new InputError(`${op}: operand ${operand} must have shape [${shape.join(', ')}]${from}; tensor '${checked.label}' has shape [${checked.shape.join(', ')}]`);
  }
  const limit = checked.pool.bindingLimit();
  if (checked.byteLength > limit.bytes) {
    throw new LimitError(`${op}: operand ${operand} [${checked.shape.join(', ')}] needs ${checked.byteLength} bytes, over ${limit.name} of ${limit.bytes} bytes`);
  }
  return checked;
}

/**
 * Adds one dispatch of `kernel` with a params uniform holding `words`, all or nothing: the grid and
 * the bindings are checked before the graph changes, and the params are freed on failure.
 *
 *   return addDispatch(graph, ctx, kernel, Uint32Array.of(n, seed), (params) => ({ params, out }), linearGrid(ctx.gpu, n, 64));
 */
export async function addDispatch(
  graph: KernelGraph,
  ctx: OpContext,
  kernel: Kernel,
  words: Uint32Array,
  bindings: (params: Tensor) => Bindings,
  workgroups: [number, number],
): Promise<OpDispatch> {
  checkGrid(ctx.gpu, kernel.name, workgroups);
  const params = await ctx.pool.uniform(`${kernel.name} params`, words);
  try {
    const bound = bindings(params);
    kernel.checkBindings(bound);
    graph.add(kernel, bound, workgroups);
  } catch (e) {
    params.release();
    throw e;
  }
  return { kernel, params, workgroups, release: () => params.release() };
}

/** Throws an InputError unless `size` is a power of two within the device's workgroup limits (a tree reduction needs the power of two). */
export function checkWorkgroupSize(ctx: OpContext, kernel: string, size: number): number {
  const limits = ctx.gpu.limits;
  const max = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  if (!Number.isInteger(size) || size < 1 || (size & (size - 1)) !== 0) throw new InputError(`${kernel}: workgroupSize = ${String(size)} must be a power of two`);
  if (size > max) throw new LimitError(`${kernel}: workgroupSize = ${size} exceeds the device's limit of ${max} invocations`);
  return size;
}

/** An operand of a product that may be split into blocks of rows of M (planRowBlocks). */
export interface PlannedOperand {
  /** As errors name it: 'A', 'C', 'bias'. */
  name: string;
  /** Its shape in words, e.g. 'M x K = 1000 x 33 f32'. */
  what: string;
  bytes: number;
  /** Bytes per row of M when its rows are contiguous, so that a block of rows is one view; absent when every block reads all of it. */
  rowBytes?: number;
  /** Why no block split is possible while this operand is in the product (A stored transposed). */
  preventsSplit?: string;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/**
 * Blocks of rows of M such that each operand's part of a block fits one binding and starts at a byte
 * offset that is a multiple of `alignment` (minStorageBufferOffsetAlignment): one block when all fits.
 * Blocks are as even as the alignment allows. A LimitError names the kernel, the operand and the
 * limit when no split can help.
 *
 *   planRowBlocks('gemm', 1000, [{ name: 'C', what: 'M x N', bytes: 160000, rowBytes: 160 }], { bytes: 65536, name: 'limit' }, 256)
 *   // -> [{ row0: 0, rows: 336 }, { row0: 336, rows: 336 }, { row0: 672, rows: 328 }]
 */
export function planRowBlocks(kernel: string, m: number, operands: readonly PlannedOperand[], limit: BindingLimit, alignment: number): RowBlock[] {
  const over = operands.filter((o) => o.bytes > limit.bytes);
  if (over.length === 0) return [{ row0: 0, rows: m }];
  const refuse = (o: PlannedOperand, why: string) =>
    new LimitError(`${kernel}: operand ${o.name} (${o.what}) needs ${o.bytes} bytes, over ${limit.name} of ${limit.bytes} bytes; ${why}`);
  const whole = over.find((o) => o.rowBytes === undefined);
  if (whole) throw refuse(whole, whole.preventsSplit ?? 'every block of rows of the product reads all of it, so it cannot be split');
  const blocker = operands.find((o) => o.preventsSplit);
  if (blocker) throw refuse(over[0], `the product cannot be split into blocks of rows: ${blocker.preventsSplit}`);
  const split = operands.filter((o): o is PlannedOperand & { rowBytes: number } => o.rowBytes !== undefined);
  // A block may start at a multiple of `unit` rows: there every operand's byte offset is aligned.
  const unit = split.reduce((u, o) => {
    const step = alignment / gcd(alignment, o.rowBytes);
    return (u * step) / gcd(u, step);
  }, 1);
  const widest = split.reduce((w, o) => (o.rowBytes > w.rowBytes ? o : w));
  const most = Math.floor(limit.bytes / widest.rowBytes / unit) * unit;
  if (most === 0) {
    throw refuse(widest, `it cannot be split finer than ${unit} rows (so that views start at multiples of minStorageBufferOffsetAlignment = ${alignment} bytes), which need ${unit * widest.rowBytes} bytes`);
  }
  const count = Math.ceil(m / most);
  const rows = Math.ceil(Math.ceil(m / count) / unit) * unit;
  const blocks: RowBlock[] = [];
  for (let row0 = 0; row0 < m; row0 += rows) blocks.push({ row0, rows: Math.min(rows, m - row0) });
  return blocks;
}

/** `bytes` of `tensor` from `offset` as an op binds them: the tensor itself when it fits one binding, else a view. */
export function bindable(tensor: Tensor, offset: number, bytes: number): Binding {
  return offset === 0 && tensor.byteLength <= tensor.pool.bindingLimit().bytes ? tensor : tensor.view(offset, bytes);
}

/** One block's dispatch: its params words, its grid and its bindings (given its params tensor). */
export interface BlockDispatch {
  params: Uint32Array;
  workgroups: [number, number];
  bindings(params: Tensor): Record<string, Binding>;
}

/**
 * Adds one dispatch of `kernel` per row block, all or none: every grid and binding is checked before
 * the first is added, and the params made so far are released on failure.
 */
export async function addRowBlocks(
  graph: KernelGraph,
  ctx: OpContext,
  kernel: Kernel,
  blocks: readonly RowBlock[],
  dispatch: (block: RowBlock) => BlockDispatch,
): Promise<SplitDispatch> {
  const planned = blocks.map((block) => ({ block, ...dispatch(block) }));
  planned.forEach((p) => checkGrid(ctx.gpu, kernel.name, p.workgroups));
  const made: SplitDispatch['blocks'] = [];
  const release = () => made.forEach((b) => b.params.release());
  try {
    const nodes = [];
    for (const p of planned) {
      const params = await ctx.pool.uniform(blocks.length > 1 ? `${kernel.name} params (rows ${p.block.row0}..${p.block.row0 + p.block.rows})` : `${kernel.name} params`, p.params);
      made.push({ ...p.block, params, workgroups: p.workgroups });
      const bindings = p.bindings(params);
      kernel.checkBindings(bindings);
      nodes.push({ bindings, workgroups: p.workgroups });
    }
    for (const node of nodes) graph.add(kernel, node.bindings, node.workgroups);
  } catch (e) {
    release();
    throw e;
  }
  return { kernel, blocks: made, release };
}

/** Throws an InputError when an output tensor is also bound as another operand. */
export function checkDistinct(kernel: string, output: string, tensors: Record<string, Tensor | undefined>): void {
  const out = tensors[output];
  for (const [name, t] of Object.entries(tensors)) {
    if (name !== output && t && t === out) throw new InputError(`${kernel}: operand ${output} must not be the same tensor as ${name} ('${t.label}')`);
  }
}

/** Finds a tile config by name (or checks one given whole) against the device's workgroup limits. */
export function resolveConfig(ctx: OpContext, kernel: string, configs: readonly TileConfig[], config: TileConfig | string | undefined): TileConfig {
  const chosen = config === undefined ? configs[0] : typeof config === 'string' ? configs.find((c) => c.name === config) : config;
  if (!chosen) throw new InputError(`${kernel}: unknown tile config '${String(config)}'; known: ${configs.map((c) => c.name).join(', ')}`);
  if ((chosen.tm !== 4 && chosen.tm !== 8) || (chosen.tn !== 4 && chosen.tn !== 8)) {
    throw new InputError(`${kernel}: tile config '${chosen.name}' needs tm and tn of 4 or 8`);
  }
  checkDims(kernel, { wgX: chosen.wgX, wgY: chosen.wgY });
  const limits = ctx.gpu.limits;
  if (chosen.wgX * chosen.wgY > limits.maxComputeInvocationsPerWorkgroup || chosen.wgX > limits.maxComputeWorkgroupSizeX || chosen.wgY > limits.maxComputeWorkgroupSizeY) {
    throw new LimitError(`${kernel}: tile config '${chosen.name}' has a ${chosen.wgX} x ${chosen.wgY} workgroup, over the device's workgroup size limits`);
  }
  return chosen;
}

/** The grid of a register-tiled kernel (overrides TM, TN, WG_X, WG_Y): one invocation per TM x TN outputs. */
export function tileWorkgroups(kernel: Kernel, m: number, n: number): [number, number] {
  return [
    Math.ceil(n / (kernel.override('TN') * kernel.override('WG_X'))),
    Math.ceil(m / (kernel.override('TM') * kernel.override('WG_Y'))),
  ];
}
