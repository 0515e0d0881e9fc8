// Reductions of f32 tensors to one result per row, per column or in all: sum, mean, max, sum of
// squares, log-sum-exp, as workgroup tree reductions in passes (no long serial f32 sums, the same
// bits on every run). A scalar result can go into a series slot chosen by the scheduler's
// iteration, so that training metrics stay on the GPU. Kernel: shaders/reduce.wgsl; reference:
// harness/reference/reduce.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatches, cachedKernel, checkDistinct, checkShape, checkShaped, checkU32, formatShape, matrixOf, placeholder, type DispatchBatch, type OpContext, type OpDispatches } from './common.js';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'sumsq' | 'logsumexp';

/** The OP override of shaders/reduce.wgsl: the public reductions, and the Bernoulli cross-entropy (loss.ts). */
export const REDUCE_OPS: Readonly<Record<ReduceOp | 'bernoulli', number>> = { sum: 0, mean: 1, max: 2, sumsq: 3, logsumexp: 4, bernoulli: 5 };

/** What one result covers: a row of x (one result per row), a column, or all of x. */
export type ReducePer = 'row' | 'column' | 'all';

/**
 * Where in a series a result goes: slot base + floor(iteration / every), iteration being the
 * scheduler's repetition index (engine/kernel.ts ITERATION_BINDING), so that one graph run with
 * `repeat` writes one slot per step (every = 1) or per `every` steps (an epoch, with accumulate).
 */
export interface SeriesSlot {
  /** Default 0. */
  base?: number;
  /** Iterations per slot, default 1. */
  every?: number;
}

/**
 * Where a reduction's results go. Without `series`, `out` holds the results (rows, columns or 1);
 * with it, `out` is a series of slots of that many results each (slot k at k * results), and
 * iterations past its end are not written. `accumulate` adds to what `out` holds instead of
 * overwriting it (one invocation per result, in dispatch order: deterministic). `out` is f32, or
 * u32 for counts (op 'sum' of 0/1 values, exact below 2^24 per result).
 */
export interface ReduceTarget {
  out: Tensor;
  series?: SeriesSlot;
  accumulate?: boolean;
}

export interface ReduceOptions extends ReduceTarget {
  op: ReduceOp;
  per: ReducePer;
  /** f32 of any shape, read as rows x cols (cols its last dimension, rows the product of the others). */
  x: Tensor;
}

/** Lanes along segments and along elements, and elements per lane before the tree. */
interface WorkgroupShape {
  wgS: number;
  wgE: number;
  perLane: number;
}
// Workgroups of 32 invocations, each lane combining 32 elements: on SwiftShader, 256-invocation
// workgroups with their 8 barrier levels ran 20-50x slower (2 M elements summed in 4 s instead of
// 0.1 s); on a GPU 32 lanes are one warp, and each chunk is still 1024 (or 8 x 128) elements.
/** Long contiguous segments (rows, all): 1024 elements per workgroup. */
const WIDE: WorkgroupShape = { wgS: 1, wgE: 32, perLane: 32 };
/** Many short or strided segments (columns: 8 adjacent ones per workgroup, read row by row): 128 elements of each. */
const NARROW: WorkgroupShape = { wgS: 8, wgE: 4, perLane: 32 };
const chunkOf = (s: WorkgroupShape) => s.wgE * s.perLane;

/** One pass of a reduction: `segments` segments of `length` elements at index s * segStride + j * elemStride. */
export interface ReducePass {
  segments: number;
  length: number;
  segStride: number;
  elemStride: number;
  chunks: number;
  shape: WorkgroupShape;
}

/** Segments of x for `per`: one per row, per column, or one in all. */
export function segmentsOf(shape: readonly number[], per: ReducePer): { segments: number; length: number; segStride: number; elemStride: number } {
  const { rows, cols } = matrixOf(shape);
  if (per === 'row') return { segments: rows, length: cols, segStride: cols, elemStride: 1 };
  if (per === 'column') return { segments: cols, length: rows, segStride: 1, elemStride: cols };
  return { segments: 1, length: rows * cols, segStride: 0, elemStride: 1 };
}

/**
 * The passes of a reduction: each leaves ceil(length / chunk) partials per segment, which the next
 * pass reduces, until one is left. Partials lie at s * chunks + c, so every pass after the first
 * reads contiguous segments.
 */
export function planPasses(first: ReturnType<typeof segmentsOf>): ReducePass[] {
  const passes: ReducePass[] = [];
  let { length, segStride, elemStride } = first;
  const segments = first.segments;
  for (;;) {
    const narrow = elemStride !== 1 || (segments > 1 && length <= chunkOf(NARROW));
    const shape = narrow ? NARROW : WIDE;
    const chunks = Math.ceil(length / chunkOf(shape));
    passes.push({ segments, length, segStride, elemStride, chunks, shape });
    if (chunks === 1) return passes;
    [length, segStride, elemStride] = [chunks, chunks, 1];
  }
}

/** A checked target: where results go and how. */
export interface CheckedTarget {
  out: Tensor;
  u32: boolean;
  series: { base: number; every: number } | null;
  accumulate: boolean;
}

/**
 * Checks target `name` ('out', 'meanLoss.out', ...) of an op for results shaped like the first of
 * `resultShapes` (without a series, out must have one of them). Errors name the op and the shapes of
 * `against` (the op's input) and of out.
 */
export function checkTarget(
  ctx: OpContext,
  op: string,
  name: string,
  t: ReduceTarget | undefined,
  against: Readonly<Record<string, Tensor>>,
  resultShapes: ReadonlyArray<readonly number[]>,
  countsAllowed: boolean,
): CheckedTarget {
  if (!t || typeof t !== 'object') throw new InputError(`${op}: ${name} is missing`);
  const out = checkShaped(op, name, t.out, countsAllowed ? ['f32', 'u32'] : ['f32']);
  const results = resultShapes[0].reduce((a, b) => a * b, 1);
  let series: CheckedTarget['series'] = null;
  if (t.series !== undefined) {
    const base = t.series.base ?? 0;
    const every = t.series.every ?? 1;
    checkU32(op, 'series.base', base);
    checkU32(op, 'series.every', every);
    if (every < 1) throw new InputError(`${op}: series.every must be at least 1`);
    const elements = out.shape.reduce((a, b) => a * b, 1);
    const last = out.shape[out.shape.length - 1];
    if ((results > 1 && last !== results) || elements < (base + 1) * results) {
      const shapes = Object.entries({ ...against, [name]: out }).map(([n, x]) => `${n} is ${formatShape(x.shape)}`);
      throw new InputError(
        `${op}: ${shapes.join(', ')}: a series of ${results} result${results > 1 ? 's' : ''} per slot must be ${results > 1 ? `[slots, ${results}]` : '[slots]'} with more than base = ${base} slots`,
      );
    }
    series = { base, every };
  } else {
    checkShape(op, { ...against, [name]: out }, name, resultShapes);
  }
  checkDistinct(op, name, { ...against, [name]: out });
  return { out, u32: out.dtype === 'u32', series, accumulate: !!t.accumulate };
}

/** The result shapes of a reduction of x: [rows] or [rows, 1] per row, [cols] or [1, cols] per column, [1] in all. */
export function resultShapes(shape: readonly number[], per: ReducePer): Array<readonly number[]> {
  const { rows, cols } = matrixOf(shape);
  if (per === 'row') return [[rows], [rows, 1]];
  if (per === 'column') return [[cols], [1, cols]];
  return [[1], [1, 1]];
}

/** What a reduction reads and where its last pass writes. */
export interface ReduceRequest {
  name: string;
  op: number;
  x: Tensor;
  per: ReducePer;
  /** Bernoulli cross-entropy: the targets (x's shape), and the gradient to write with its factor. */
  targets?: Tensor;
  grad?: Tensor;
  gradScale?: number;
  /** The results, or per-row statistics (log-sum-exp and argmax as shaders/reduce_state.wgsl State) for softmax.wgsl. */
  output: { target: CheckedTarget } | { stats: Tensor };
}

/** Adds the passes of a reduction to a batch (addDispatches); the partials are scratch tensors of the batch. */
export async function addReducePasses(batch: DispatchBatch, r: ReduceRequest): Promise<void> {
  const segs = segmentsOf(r.x.shape, r.per);
  const passes = planPasses(segs);
  const read = await placeholder(batch.ctx.pool, 'read');
  // Writable bindings must not alias: one placeholder each.
  const [unusedGrad, unusedPartials, unusedOut] = await Promise.all([0, 1, 2].map((k) => placeholder(batch.ctx.pool, 'write', k)));
  const target = 'target' in r.output ? r.output.target : null;
  let partials: Tensor | null = null;
  for (const [i, p] of passes.entries()) {
    const first = i === 0;
    const last = i === passes.length - 1;
    const kernel = cachedKernel(r.name, 'reduce.wgsl', 'reduce', {
      WG: p.shape.wgS * p.shape.wgE,
      WG_S: p.shape.wgS,
      PER_LANE: p.shape.perLane,
      OP: r.op,
      FIRST: +first,
      OUTPUT: !last ? 0 : target ? 1 : 2,
      GRAD: +(first && r.grad !== undefined),
      OUT_U32: +(last && !!target?.u32),
      SERIES: +(last && !!target?.series),
      ACCUMULATE: +(last && !!target?.accumulate),
    });
    const segGroups = Math.ceil(p.segments / p.shape.wgS);
    const params = await batch.uniform(
      `${r.name} params (pass ${i + 1} of ${passes.length})`,
      kernel.uniformWords('params', {
        segments: p.segments,
        length: p.length,
        seg_stride: p.segStride,
        elem_stride: p.elemStride,
        chunks: p.chunks,
        seg_groups: segGroups,
        count: segs.length,
        base: target?.series?.base ?? 0,
        every: target?.series?.every ?? 1,
        grad_scale: r.gradScale ?? 1,
      }),
    );
    // One State (3 words) per partial.
    const next = last ? null : await batch.scratch(`${r.name} partials (pass ${i + 1})`, 'u32', [p.segments * p.chunks * 3]);
    batch.dispatch(
      kernel,
      {
        params,
        input: first ? r.x : read,
        targets: first && r.targets ? r.targets : read,
        grad: first && r.grad ? r.grad : unusedGrad,
        part_in: partials ?? read,
        part_out: next ?? ('stats' in r.output ? r.output.stats : unusedPartials),
        out: last && target ? target.out : unusedOut,
      },
      linearGrid(batch.ctx.gpu, segGroups * p.chunks, 1),
    );
    partials = next;
  }
}

/**
 * Adds a reduction of x: one result per row, per column or in all. Sums go by workgroup trees in
 * passes (error growing with log2 of the length, not the length), max and log-sum-exp propagate
 * NaN, and the same input gives the same bits on every run.
 *
 *   await addReduce(graph, ctx, { op: 'sum', per: 'column', x: dY, out: dBias });          // bias gradient
 *   await addReduce(graph, ctx, { op: 'mean', per: 'all', x: losses, out: lossSeries,
 *     series: { base: 0 } });                                                              // one slot per step
 */
export async function addReduce(graph: KernelGraph, ctx: OpContext, o: ReduceOptions): Promise<OpDispatches> {
  const code = (REDUCE_OPS as Record<string, number>)[o.op];
  if (code === undefined || o.op === ('bernoulli' as string)) throw new InputError(`reduce: unknown op '${String(o.op)}'; known: sum, mean, max, sumsq, logsumexp`);
  const op = o.op;
  if (o.per !== 'row' && o.per !== 'column' && o.per !== 'all') throw new InputError(`${op}: per must be 'row', 'column' or 'all', not '${String(o.per)}'`);
  const x = checkShaped(op, 'x', o.x, ['f32']);
  const target = checkTarget(ctx, op, 'out', o, { x }, resultShapes(x.shape, o.per), op === 'sum');
  return addDispatches(graph, ctx, (batch) => addReducePasses(batch, { name: `reduce.${op}`, op: code, x, per: o.per, output: { target } }));
}
