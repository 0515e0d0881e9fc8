// What the op helpers (gemm.ts, xnor.ts, pack.ts, elementwise.ts, reduce.ts, loss.ts) share: the
// context they run in, a pipeline cache, placeholder tensors for bindings a configuration leaves
// unused, argument and shape checks that name the kernel and the operand, and the collection of a
// multi-dispatch op's dispatches.
import type { Gpu } from '../device.js';
import type { Binding, BindingLimit, BufferPool, DType, Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { checkGrid, type KernelGraph } from '../graph.js';
import { cachedKernel as cachedKernelOf, type Bindings, type Kernel } from '../kernel.js';
import { library } from '../library.js';
import type { UniformFields } from '../uniforms.js';

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
 * bound read-only and writable in the same dispatch. Nor may two writable bindings of a dispatch
 * alias: a kernel with several unused writable bindings takes write placeholders 0, 1, 2, ...
 */
export function placeholder(pool: BufferPool, access: 'read' | 'write', index = 0): Promise<Tensor> {
  let byKey = placeholders.get(pool);
  if (!byKey) placeholders.set(pool, (byKey = new Map()));
  const key = index ? `${access} ${index}` : access;
  let tensor = byKey.get(key);
  if (!tensor) {
    tensor = pool.tensor(`placeholder (${key})`, 'f32', [4]);
    byKey.set(key, tensor);
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
  ctx: Pick<OpContext, 'pool'>,
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

/**
 * An InputError when a matrix tensor's shape contradicts the layout an op reads it with: a 2-D tensor
 * must have `cols` columns and at least `rows` rows (an op may use its first rows), a 1-D one (a
 * vector, or a matrix stored flat) at least rows x cols elements. Other ranks are checked by bytes only.
 */
export function checkLayout(kernel: string, operand: string, tensor: Tensor, rows: number, cols: number, what: string): void {
  const shape = tensor.shape;
  const fits = shape.length === 2 ? shape[1] === cols && shape[0] >= rows : shape.length !== 1 || shape[0] >= rows * cols;
  if (!fits) throw new InputError(`${kernel}: operand ${operand} is read as ${what}; tensor '${tensor.label}' is ${formatShape(shape)}`);
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

/**
 * Adds one dispatch of `kernel` with a params uniform holding `fields` (its `params` struct's members
 * by name), all or nothing: the grid and the bindings are checked before the graph changes, and the
 * params are freed on failure.
 *
 *   return addDispatch(graph, ctx, kernel, { n, seed }, (params) => ({ params, out }), linearGrid(ctx.gpu, n, 64));
 */
export async function addDispatch(
  graph: KernelGraph,
  ctx: OpContext,
  kernel: Kernel,
  fields: UniformFields,
  bindings: (params: Tensor) => Bindings,
  workgroups: [number, number],
): Promise<OpDispatch> {
  checkGrid(ctx.gpu, kernel.name, workgroups);
  const params = await ctx.pool.uniform(`${kernel.name} params`, kernel.uniformWords('params', fields));
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

/** One block's dispatch: its params struct's fields, its grid and its bindings (given its params tensor). */
export interface BlockDispatch {
  params: UniformFields;
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
  const planned = blocks.map((block) => {
    const d = dispatch(block);
    return { block, ...d, params: kernel.uniformWords('params', d.params) };
  });
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

/** A shape as messages write it: `[100, 784]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** 'a', 'a or b', 'a, b or c'. */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A tensor's shape read as a matrix: cols is the last dimension, rows the product of the others (1 for a vector). */
export function matrixOf(shape: readonly number[]): { rows: number; cols: number } {
  const cols = shape[shape.length - 1] ?? 1;
  return { rows: shape.slice(0, -1).reduce((a, b) => a * b, 1), cols };
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Returns the index of the first of the `allowed` shapes that operand `name` has; else throws an
 * InputError naming the op, the shape of each of `operands` (in order) and the shapes allowed:
 *
 *   checkShape('add', { a, b }, 'b', [a.shape, [784], [1, 784], [100], [100, 1], [1]])
 *   // add: a is [100, 784], b is [783]: b must be [100, 784], [784], [1, 784], [100], [100, 1] or [1]
 */
export function checkShape(op: string, operands: Readonly<Record<string, Tensor>>, name: string, allowed: ReadonlyArray<readonly number[]>): number {
  const shape = operands[name].shape;
  const index = allowed.findIndex((a) => sameShape(a, shape));
  if (index >= 0) return index;
  const shapes = Object.entries(operands).map(([n, t]) => `${n} is ${formatShape(t.shape)}`);
  const wanted = [...new Set(allowed.map(formatShape))];
  throw new InputError(`${op}: ${shapes.join(', ')}: ${name} must be ${orList(wanted)}`);
}

/**
 * Checks an operand whose shape the op reads from the tensor: present, not released, of an
 * allowed dtype, a storage tensor, and bound whole within the binding limit (a LimitError beyond).
 */
export function checkShaped(op: string, name: string, tensor: Tensor | undefined, dtypes: readonly DType[]): Tensor {
  const t = checkTensor(op, name, tensor, dtypes, 0, 'its shape');
  if (t.released) throw new InputError(`${op}: operand ${name} ('${t.label}') was released`);
  return checkOperand(t, op, name, t, dtypes, t.byteLength, `${formatShape(t.shape)} ${t.dtype}`);
}

/**
 * checkShaped, for an operand whose element count the op knows: it must hold exactly as many elements
 * as `shape` (a flat [rows * cols] tensor fits a [rows, cols] operand). The InputError names the op,
 * the operand and both shapes; `what` says where the expected shape comes from.
 *
 *   checkElements('gather', 'output', o.output, ['f32'], [batchSize, width], 'batchSize x width');
 *   // InputError: gather: operand output must have shape [128, 784] (batchSize x width); tensor 'x' has shape [128, 783]
 */
export function checkElements(op: string, operand: string, tensor: Tensor | undefined, dtypes: readonly DType[], shape: readonly number[], what?: string): Tensor {
  const checked = checkShaped(op, operand, tensor, dtypes);
  const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  if (count(checked.shape) !== count(shape)) {
    const from = what ? ` (${what})` : '';
    throw new InputError(`${op}: operand ${operand} must have shape ${formatShape(shape)}${from}; tensor '${checked.label}' has shape ${formatShape(checked.shape)}`);
  }
  return checked;
}

/** The Philox words of a stream as the params structs name them (seed, step, call); absent ones are 0. */
export function streamFields(stream: { seed?: number; step?: number; call?: number }): { seed: number; step: number; call: number } {
  return { seed: stream.seed ?? 0, step: stream.step ?? 0, call: stream.call ?? 0 };
}

/** Throws an InputError unless `value` is a number, and a finite one unless `infinite` allows +-Inf. */
export function checkNumber(op: string, name: string, value: number, infinite = false): void {
  if (typeof value !== 'number' || Number.isNaN(value) || (!infinite && !Number.isFinite(value))) {
    throw new InputError(`${op}: ${name} = ${String(value)} must be a ${infinite ? 'number (not NaN)' : 'finite number'}`);
  }
}

/** What a multi-dispatch op put into the graph, in order; `release()` frees its params and scratch tensors when the graph is done with. */
export interface OpDispatches {
  readonly dispatches: ReadonlyArray<{ kernel: Kernel; workgroups: [number, number] }>;
  release(): void;
}

/** An op's dispatches while it plans them, with the uniforms and scratch tensors they own (see addDispatches). */
export class DispatchBatch {
  readonly planned: Array<{ kernel: Kernel; bindings: Bindings; workgroups: [number, number] }> = [];
  private readonly owned: Tensor[] = [];

  constructor(readonly ctx: OpContext) {}

  async uniform(label: string, words: Uint32Array): Promise<Tensor> {
    const t = await this.ctx.pool.uniform(label, words);
    this.owned.push(t);
    return t;
  }

  /** A tensor for intermediate results, released with the op. */
  async scratch(label: string, dtype: DType, shape: readonly number[]): Promise<Tensor> {
    const t = await this.ctx.pool.tensor(label, dtype, shape);
    this.owned.push(t);
    return t;
  }

  /** Queues one dispatch; its grid and bindings are checked now, so a mistake stops the op before the graph changes. */
  dispatch(kernel: Kernel, bindings: Bindings, workgroups: [number, number]): void {
    checkGrid(this.ctx.gpu, kernel.name, workgroups);
    kernel.checkBindings(bindings);
    this.planned.push({ kernel, bindings, workgroups });
  }

  release(): void {
    this.owned.splice(0).forEach((t) => t.release());
  }
}

/**
 * Runs `build` to plan an op's dispatches, then adds them all to the graph, or none: when `build`
 * throws, what it allocated is released and the graph is unchanged.
 *
 *   return addDispatches(graph, ctx, async (batch) => {
 *     const params = await batch.uniform('sum params', kernel.uniformWords('params', { n }));
 *     batch.dispatch(kernel, { params, x, out }, linearGrid(ctx.gpu, n, 256));
 *   });
 */
export async function addDispatches(graph: KernelGraph, ctx: OpContext, build: (batch: DispatchBatch) => Promise<void>): Promise<OpDispatches> {
  const batch = new DispatchBatch(ctx);
  try {
    await build(batch);
  } catch (e) {
    batch.release();
    throw e;
  }
  for (const d of batch.planned) graph.add(d.kernel, d.bindings, d.workgroups);
  return { dispatches: batch.planned.map(({ kernel, workgroups }) => ({ kernel, workgroups })), release: () => batch.release() };
}
