// Element-wise ops over f32 tensors: unary maps, binary maps whose second operand may be broadcast,
// the backward pass of every unary map, and a unary map fused with its derivative. Shapes come from
// the tensors. Kernel: shaders/elementwise.wgsl; reference: harness/reference/elementwise.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatches, cachedKernel, checkDistinct, checkNumber, checkShape, checkShaped, matrixOf, placeholder, type OpContext, type OpDispatches } from './common.js';

export type UnaryOp =
  | 'copy'
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'sigmoid'
  | 'softplus'
  | 'tanh'
  | 'relu'
  | 'hardtanh'
  | 'scale'
  | 'affine'
  | 'clamp'
  | 'square'
  | 'binarize'
  | 'shrink';

/** The scalar options of the unary ops: out = alpha x (scale), alpha x + beta (affine), x limited to [lo, hi] (clamp), x shrunk towards 0 by alpha (shrink). */
export type UnaryParam = 'alpha' | 'beta' | 'lo' | 'hi';

export interface UnaryOpInfo {
  /** The OP override of shaders/elementwise.wgsl. */
  readonly code: number;
  /** What the backward pass computes f' from: the forward input x, the output y, either, or nothing (f' is constant). */
  readonly derivativeFrom: 'x' | 'y' | 'x or y' | 'none';
  /** The scalar options the op requires (and the only ones it takes). */
  readonly params: readonly UnaryParam[];
}

/** Every unary op: its code, what its derivative is computed from, and its scalar options. */
export const UNARY_OPS: Readonly<Record<UnaryOp, UnaryOpInfo>> = {
  copy: { code: 0, derivativeFrom: 'none', params: [] },
  neg: { code: 1, derivativeFrom: 'none', params: [] },
  abs: { code: 2, derivativeFrom: 'x', params: [] },
  sign: { code: 3, derivativeFrom: 'none', params: [] },
  exp: { code: 4, derivativeFrom: 'y', params: [] },
  log: { code: 5, derivativeFrom: 'x', params: [] },
  sigmoid: { code: 6, derivativeFrom: 'y', params: [] },
  softplus: { code: 7, derivativeFrom: 'x', params: [] },
  tanh: { code: 8, derivativeFrom: 'y', params: [] },
  // y > 0 exactly where x > 0.
  relu: { code: 9, derivativeFrom: 'x or y', params: [] },
  hardtanh: { code: 10, derivativeFrom: 'x', params: [] },
  scale: { code: 11, derivativeFrom: 'none', params: ['alpha'] },
  affine: { code: 12, derivativeFrom: 'none', params: ['alpha', 'beta'] },
  clamp: { code: 13, derivativeFrom: 'x', params: ['lo', 'hi'] },
  square: { code: 14, derivativeFrom: 'x', params: [] },
  // +1 where x >= 0 (-0 too), else -1 (NaN too), as addPackBits reads a sign; its derivative is 0 (the
  // straight-through estimator of BinaryNet is hardtanh's backward pass).
  binarize: { code: 15, derivativeFrom: 'none', params: [] },
  // Soft thresholding, x - clamp(x, -alpha, alpha): the proximal step of alpha |x| (ISTA's shrinkage).
  shrink: { code: 16, derivativeFrom: 'x', params: ['alpha'] },
};

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'axpy';

/** Every binary op: its code (the OP override) and its scalar options (axpy: out = alpha a + b). */
export const BINARY_OPS: Readonly<Record<BinaryOp, { readonly code: number; readonly params: readonly 'alpha'[] }>> = {
  add: { code: 0, params: [] },
  sub: { code: 1, params: [] },
  mul: { code: 2, params: [] },
  div: { code: 3, params: [] },
  max: { code: 4, params: [] },
  min: { code: 5, params: [] },
  axpy: { code: 6, params: ['alpha'] },
};

/** How the second operand of a binary op is read against the first, seen as a rows x cols matrix. */
export type Broadcast = 'full' | 'row' | 'column' | 'scalar';

/** The KIND and B_MODE overrides of shaders/elementwise.wgsl. */
const KIND = { unary: 0, binary: 1, backward: 2 } as const;
const B_MODE: Readonly<Record<Broadcast | 'none', number>> = { full: 0, row: 1, column: 2, scalar: 3, none: 4 };
const WG = 256;

type ScalarOptions = Partial<Record<UnaryParam, number>>;

/** The op's scalar options, checked: each one it lists is required, any other is an error. */
function scalars(op: string, takes: readonly UnaryParam[], o: ScalarOptions): Required<ScalarOptions> {
  for (const key of ['alpha', 'beta', 'lo', 'hi'] as const) {
    const given = o[key] !== undefined;
    if (given && !takes.includes(key)) throw new InputError(`${op}: takes no ${key}${takes.length ? ` (only ${takes.join(', ')})` : ''}`);
    if (!given && takes.includes(key)) throw new InputError(`${op}: ${key} is required`);
    if (given) checkNumber(op, key, o[key]!, key === 'lo' || key === 'hi');
  }
  if (o.lo !== undefined && o.hi !== undefined && o.lo > o.hi) throw new InputError(`${op}: lo = ${o.lo} must not exceed hi = ${o.hi}`);
  // shrink clamps to [-alpha, alpha]: a negative alpha would be an empty interval.
  if (/^shrink\b/.test(op) && o.alpha !== undefined && !(o.alpha >= 0)) throw new InputError(`${op}: alpha = ${o.alpha} must be >= 0 (the shrinkage)`);
  return { alpha: o.alpha ?? 1, beta: o.beta ?? 0, lo: o.lo ?? 0, hi: o.hi ?? 0 };
}

interface MapDispatch {
  op: string;
  entry: 'map' | 'map_with_derivative';
  overrides: Record<string, number>;
  a: Tensor;
  b?: Tensor;
  out: Tensor;
  derivative?: Tensor;
  scalars: Required<ScalarOptions>;
}

/**
 * One dispatch of elementwise.wgsl over out's elements. An input that is also the output is read
 * through `out` (A_IN_OUT, B_IN_OUT) with a placeholder bound in its place: WebGPU forbids binding
 * one buffer read-only and writable in the same dispatch.
 */
async function addMap(graph: KernelGraph, ctx: OpContext, m: MapDispatch): Promise<OpDispatches> {
  const aInOut = m.a === m.out;
  const bInOut = m.b === m.out;
  const overrides = { WG, ...m.overrides, A_IN_OUT: +aInOut, B_IN_OUT: +bInOut };
  const kernel = cachedKernel(`elementwise.${m.op.replace(' ', '.')}`, 'elementwise.wgsl', m.entry, overrides);
  const read = await placeholder(ctx.pool, 'read');
  const { cols } = matrixOf(m.a.shape);
  const n = m.out.shape.reduce((x, y) => x * y, 1);
  const s = m.scalars;
  return addDispatches(graph, ctx, async (batch) => {
    const params = await batch.uniform(`${kernel.name} params`, kernel.uniformWords('params', { n, cols, alpha: s.alpha, beta: s.beta, lo: s.lo, hi: s.hi }));
    const bindings: Record<string, Tensor> = { params, a: aInOut ? read : m.a, out: m.out };
    if (m.entry === 'map') bindings.b = m.b === undefined || bInOut ? read : m.b;
    if (m.derivative) bindings.derivative = m.derivative;
    batch.dispatch(kernel, bindings, linearGrid(ctx.gpu, n, kernel.override('WG')));
  });
}

export interface UnaryOptions extends ScalarOptions {
  op: UnaryOp;
  /** f32, any shape. */
  x: Tensor;
  /** f(x), x's shape; may be x itself (in place). */
  out: Tensor;
  /** Also write f'(x) here (x's shape, distinct from x and out): the backward pass is then dx = dy * derivative (addBinary 'mul'). */
  derivative?: Tensor;
}

function unaryInfo(op: UnaryOp, where: string): UnaryOpInfo {
  const info = UNARY_OPS[op];
  if (!info) throw new InputError(`${where}: unknown unary op '${String(op)}'; known: ${Object.keys(UNARY_OPS).join(', ')}`);
  return info;
}

/**
 * Adds out = f(x) for a unary op of UNARY_OPS, optionally writing f'(x) too (a dense layer's
 * activation and its backward mask in one pass). NaN and +-Inf give what float64 gives
 * (harness/reference/elementwise.ts); sigmoid, softplus and tanh never overflow.
 *
 *   await addUnary(graph, ctx, { op: 'relu', x: h, out: h, derivative: mask });   // in place
 *   await addUnary(graph, ctx, { op: 'clamp', x, out: y, lo: -3, hi: 3 });
 */
export async function addUnary(graph: KernelGraph, ctx: OpContext, o: UnaryOptions): Promise<OpDispatches> {
  const info = unaryInfo(o.op, 'unary');
  const op = o.op;
  const x = checkShaped(op, 'x', o.x, ['f32']);
  const out = checkShaped(op, 'out', o.out, ['f32']);
  checkShape(op, { x, out }, 'out', [x.shape]);
  if (o.derivative !== undefined) {
    const derivative = checkShaped(op, 'derivative', o.derivative, ['f32']);
    checkShape(op, { x, derivative }, 'derivative', [x.shape]);
    checkDistinct(op, 'derivative', { x, out, derivative });
  }
  return addMap(graph, ctx, {
    op,
    entry: o.derivative ? 'map_with_derivative' : 'map',
    overrides: o.derivative ? { OP: info.code, FROM_Y: +(info.derivativeFrom === 'y') } : { KIND: KIND.unary, OP: info.code, B_MODE: B_MODE.none },
    a: x,
    out,
    derivative: o.derivative,
    scalars: scalars(op, info.params, o),
  });
}

export interface UnaryBackwardOptions extends ScalarOptions {
  op: UnaryOp;
  /** The upstream gradient dL/dy, f32 of any shape. */
  dy: Tensor;
  /** The forward input, for the ops whose UNARY_OPS derivativeFrom is 'x' (relu: x or y). */
  x?: Tensor;
  /** The forward output, for sigmoid, tanh and exp (relu: x or y). */
  y?: Tensor;
  /** dL/dx = dy * f'(x), dy's shape; may be dy, x or y (in place). */
  dx: Tensor;
}

/**
 * Adds the backward pass of a unary op, dx = dy * f'(x), with f' computed from the forward input x
 * or output y as UNARY_OPS[op].derivativeFrom says (sigmoid: y (1 - y), tanh: 1 - y^2, relu:
 * [x > 0], hardtanh: [|x| <= 1], softplus: sigmoid(x), exp: y, log: 1 / x, ...). The scalar options
 * are the forward's.
 *
 *   await addUnaryBackward(graph, ctx, { op: 'sigmoid', dy: dH, y: h, dx: dH });
 */
export async function addUnaryBackward(graph: KernelGraph, ctx: OpContext, o: UnaryBackwardOptions): Promise<OpDispatches> {
  const info = unaryInfo(o.op, 'unary backward');
  const op = `${o.op} backward`;
  const dy = checkShaped(op, 'dy', o.dy, ['f32']);
  const dx = checkShaped(op, 'dx', o.dx, ['f32']);
  checkShape(op, { dy, dx }, 'dx', [dy.shape]);
  const from = info.derivativeFrom;
  const wants = (name: 'x' | 'y') => from === name || from === 'x or y';
  for (const name of ['x', 'y'] as const) {
    if (o[name] !== undefined && !wants(name)) throw new InputError(`${op}: takes ${from === 'none' ? 'neither x nor y (f\' is constant)' : `${from}, not ${name}`}`);
  }
  if (o.x !== undefined && o.y !== undefined) throw new InputError(`${op}: give x or y, not both`);
  const given = o.x !== undefined ? 'x' : o.y !== undefined ? 'y' : undefined;
  if (from !== 'none' && given === undefined) throw new InputError(`${op}: needs ${from === 'x or y' ? 'x or y' : from === 'x' ? 'x (the forward input)' : 'y (the forward output)'}`);
  let v: Tensor | undefined;
  if (given) {
    v = checkShaped(op, given, o[given], ['f32']);
    checkShape(op, { dy, [given]: v }, given, [dy.shape]);
  }
  return addMap(graph, ctx, {
    op,
    entry: 'map',
    overrides: { KIND: KIND.backward, OP: info.code, B_MODE: v ? B_MODE.full : B_MODE.none },
    a: dy,
    b: v,
    out: dx,
    scalars: scalars(op, info.params, o),
  });
}

export interface BinaryOptions {
  op: BinaryOp;
  /** f32, any shape, read as rows x cols (cols its last dimension). */
  a: Tensor;
  /** a's shape, or broadcast: a row vector [cols] or [1, cols], a column vector [rows] or [rows, 1], a scalar [1] (a square a reads [n] as a row). */
  b: Tensor;
  /** a's shape; may be a, or b when b has a's shape (in place). */
  out: Tensor;
  /** axpy: out = alpha a + b. */
  alpha?: number;
}

/** How `b` broadcasts against `a`, from their shapes; an InputError naming both shapes otherwise. */
export function broadcastOf(op: string, a: Tensor, b: Tensor): Broadcast {
  const { rows, cols } = matrixOf(a.shape);
  const modes: Broadcast[] = ['full', 'row', 'row', 'column', 'column', 'scalar'];
  return modes[checkShape(op, { a, b }, 'b', [a.shape, [cols], [1, cols], [rows], [rows, 1], [1]])];
}

/**
 * Adds out = g(a, b) for a binary op of BINARY_OPS (add, sub, mul, div, max, min: NaN-propagating,
 * axpy: alpha a + b), with b broadcast as a row vector (a bias), a column vector or a scalar.
 *
 *   await addBinary(graph, ctx, { op: 'add', a: z, b: bias, out: z });         // bias [cols] on every row
 *   await addBinary(graph, ctx, { op: 'axpy', a: grad, b: w, out: w, alpha: -lr });
 */
export async function addBinary(graph: KernelGraph, ctx: OpContext, o: BinaryOptions): Promise<OpDispatches> {
  const info = BINARY_OPS[o.op];
  if (!info) throw new InputError(`binary: unknown op '${String(o.op)}'; known: ${Object.keys(BINARY_OPS).join(', ')}`);
  const op = o.op;
  const a = checkShaped(op, 'a', o.a, ['f32']);
  const b = checkShaped(op, 'b', o.b, ['f32']);
  const out = checkShaped(op, 'out', o.out, ['f32']);
  const mode = broadcastOf(op, a, b);
  checkShape(op, { a, out }, 'out', [a.shape]);
  return addMap(graph, ctx, {
    op,
    entry: 'map',
    overrides: { KIND: KIND.binary, OP: info.code, B_MODE: B_MODE[mode] },
    a,
    b,
    out,
    scalars: scalars(op, info.params, { alpha: o.alpha }),
  });
}
