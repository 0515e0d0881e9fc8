// Softmax and log-softmax over rows, and the cross-entropies from logits with their fused
// gradients: Bernoulli (sigmoid outputs against targets in [0, 1], summed per row) and categorical
// (softmax against a class label per row, with the error count of the classifier). The per-row
// reductions are shaders/reduce.wgsl's, the row-wise maps shaders/softmax.wgsl's; reference:
// harness/reference/reduce.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatches, cachedKernel, checkDistinct, checkNumber, checkShape, checkShaped, matrixOf, placeholder, type DispatchBatch, type OpContext, type OpDispatches } from './common.js';
import { addReducePasses, checkTarget, REDUCE_OPS, type CheckedTarget, type ReduceTarget } from './reduce.js';

/** The MODE override of shaders/softmax.wgsl. */
const ROW_MODE = { softmax: 0, logSoftmax: 1, crossEntropy: 2 } as const;
const WG = 256;
/** One reduce_state.wgsl State (value, scale, index) per row. */
const STATE_WORDS = 3;

const scalarShapes: ReadonlyArray<readonly number[]> = [[1], [1, 1]];

/** The per-row log-sum-exp and argmax of x (rows x cols) into a scratch tensor of the batch. */
async function rowStatistics(batch: DispatchBatch, name: string, x: Tensor): Promise<Tensor> {
  const { rows } = matrixOf(x.shape);
  const stats = await batch.scratch(`${name} row statistics`, 'u32', [rows * STATE_WORDS]);
  await addReducePasses(batch, { name: `${name}.logsumexp`, op: REDUCE_OPS.logsumexp, x, per: 'row', output: { stats } });
  return stats;
}

/** The mean of per-row losses, or the count of per-row error flags, into a checked target. */
async function addMetric(batch: DispatchBatch, name: string, op: 'mean' | 'sum', perRow: Tensor, target: CheckedTarget | undefined): Promise<void> {
  if (target) await addReducePasses(batch, { name: `${name}.${op}`, op: REDUCE_OPS[op], x: perRow, per: 'all', output: { target } });
}

export interface SoftmaxOptions {
  /** f32, rows x cols (cols its last dimension). */
  x: Tensor;
  /** x's shape; may be x (in place). */
  out: Tensor;
  /** log-softmax x - logsumexp(row) instead of softmax exp(x - logsumexp(row)). */
  log?: boolean;
}

/**
 * Adds softmax (or log-softmax) over each row: the row's log-sum-exp by a tree reduction (the
 * largest element subtracted first, so nothing overflows), then exp(x - lse) or x - lse.
 *
 *   await addSoftmax(graph, ctx, { x: logits, out: probabilities });
 */
export async function addSoftmax(graph: KernelGraph, ctx: OpContext, o: SoftmaxOptions): Promise<OpDispatches> {
  const name = o.log ? 'log_softmax' : 'softmax';
  const x = checkShaped(name, 'x', o.x, ['f32']);
  const out = checkShaped(name, 'out', o.out, ['f32']);
  checkShape(name, { x, out }, 'out', [x.shape]);
  const { rows, cols } = matrixOf(x.shape);
  const inPlace = x === out;
  const kernel = cachedKernel(name, 'softmax.wgsl', 'main', { WG, MODE: o.log ? ROW_MODE.logSoftmax : ROW_MODE.softmax, IN_PLACE: +inPlace });
  const read = await placeholder(ctx.pool, 'read');
  // Writable bindings must not alias: one placeholder each.
  const [unusedLosses, unusedErrors] = await Promise.all([1, 2].map((k) => placeholder(ctx.pool, 'write', k)));
  return addDispatches(graph, ctx, async (batch) => {
    const stats = await rowStatistics(batch, name, x);
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows, cols, grad_scale: 1 }));
    // An input that is also the output is read through out (one buffer may not be bound read-only and writable at once).
    batch.dispatch(kernel, { params, x: inPlace ? read : x, stats, labels: read, out, losses: unusedLosses, errors: unusedErrors }, linearGrid(ctx.gpu, rows * cols, kernel.override('WG')));
  });
}

/** What both cross-entropies take besides their logits and targets. */
export interface CrossEntropyOutputs {
  /** One loss per row, [rows] or [rows, 1]. */
  losses?: Tensor;
  /** The gradient of the losses' sum times gradScale, the logits' shape; not the logits themselves. */
  grad?: Tensor;
  /** Factor of the gradient, default 1 (1 / rows gives the gradient of the mean loss). */
  gradScale?: number;
  /** The mean of the per-row losses over the rows, as a reduction target (a series slot per step, say). */
  meanLoss?: ReduceTarget;
}

/** The shared checks of both cross-entropies: logits, the outputs' shapes, the gradient's scale. */
function checkOutputs(ctx: OpContext, name: string, logitsTensor: Tensor, o: CrossEntropyOutputs) {
  const logits = checkShaped(name, 'logits', logitsTensor, ['f32']);
  const { rows } = matrixOf(logits.shape);
  let losses: Tensor | undefined;
  if (o.losses !== undefined) {
    losses = checkShaped(name, 'losses', o.losses, ['f32']);
    checkShape(name, { logits, losses }, 'losses', [[rows], [rows, 1]]);
  }
  let grad: Tensor | undefined;
  if (o.grad !== undefined) {
    grad = checkShaped(name, 'grad', o.grad, ['f32']);
    checkShape(name, { logits, grad }, 'grad', [logits.shape]);
  }
  const gradScale = o.gradScale ?? 1;
  checkNumber(name, 'gradScale', gradScale);
  const meanLoss = o.meanLoss === undefined ? undefined : checkTarget(ctx, name, 'meanLoss.out', o.meanLoss, { logits }, scalarShapes, false);
  return { logits, rows, losses, grad, gradScale, meanLoss };
}

/**
 * Every output of a cross-entropy must differ from the inputs and from each other: a row's loss
 * reads the logit of its label, which another invocation would overwrite if grad were the logits.
 */
function checkDistinctOutputs(
  name: string,
  inputs: Record<string, Tensor>,
  o: { losses?: Tensor; grad?: Tensor; meanLoss?: CheckedTarget; errors?: CheckedTarget },
): void {
  const all = { ...inputs, losses: o.losses, grad: o.grad, 'meanLoss.out': o.meanLoss?.out, 'errors.out': o.errors?.out };
  checkDistinct(name, 'grad', all);
  checkDistinct(name, 'losses', all);
  // The two metrics may share a series tensor (at different bases).
  checkDistinct(name, 'meanLoss.out', { ...all, 'errors.out': undefined });
  checkDistinct(name, 'errors.out', { ...all, 'meanLoss.out': undefined });
}

export interface SigmoidCrossEntropyOptions extends CrossEntropyOutputs {
  /** f32 rows x cols: z, with predictions sigmoid(z). */
  logits: Tensor;
  /** f32, the logits' shape: targets t in [0, 1]. */
  targets: Tensor;
}

/**
 * Adds the Bernoulli cross-entropy from logits, sum over each row of softplus(z) - t z, computed as
 * (z >= 0 ? z (1 - t) : -z t) + log(1 + exp(-|z|)) so that nothing overflows, with its gradient
 * (sigmoid(z) - t) * gradScale written in the same pass.
 *
 *   await addSigmoidCrossEntropy(graph, ctx, { logits: xLogits, targets: batch, grad: dLogits,
 *     gradScale: 1 / rows, meanLoss: { out: lossSeries, series: { base: 0 } } });
 */
export async function addSigmoidCrossEntropy(graph: KernelGraph, ctx: OpContext, o: SigmoidCrossEntropyOptions): Promise<OpDispatches> {
  const name = 'sigmoid_cross_entropy';
  const c = checkOutputs(ctx, name, o.logits, o);
  const targets = checkShaped(name, 'targets', o.targets, ['f32']);
  checkShape(name, { logits: c.logits, targets }, 'targets', [c.logits.shape]);
  if (!c.losses && !c.grad && !c.meanLoss) throw new InputError(`${name}: nothing to compute: give losses, grad or meanLoss`);
  checkDistinctOutputs(name, { logits: c.logits, targets }, c);
  return addDispatches(graph, ctx, async (batch) => {
    const losses = c.losses ?? (await batch.scratch(`${name} losses`, 'f32', [c.rows]));
    const perRow: CheckedTarget = { out: losses, u32: false, series: null, accumulate: false };
    await addReducePasses(batch, { name, op: REDUCE_OPS.bernoulli, x: c.logits, per: 'row', targets, grad: c.grad, gradScale: c.gradScale, output: { target: perRow } });
    await addMetric(batch, name, 'mean', losses, c.meanLoss);
  });
}

/** A classifier's loss options checked (softmax cross-entropy, square hinge): scores, labels [rows], the outputs. */
function checkClassifierLoss(ctx: OpContext, name: string, o: CrossEntropyOutputs & { logits: Tensor; labels: Tensor; errors?: ReduceTarget }) {
  const c = checkOutputs(ctx, name, o.logits, o);
  const { cols } = matrixOf(c.logits.shape);
  const labels = checkShaped(name, 'labels', o.labels, ['u32']);
  checkShape(name, { logits: c.logits, labels }, 'labels', [[c.rows], [c.rows, 1]]);
  const errors = o.errors === undefined ? undefined : checkTarget(ctx, name, 'errors.out', o.errors, { logits: c.logits }, scalarShapes, true);
  if (!c.losses && !c.grad && !c.meanLoss && !errors) throw new InputError(`${name}: nothing to compute: give losses, grad, meanLoss or errors`);
  checkDistinctOutputs(name, { logits: c.logits, labels }, { ...c, errors });
  return { c, cols, labels, errors };
}

export interface SoftmaxCrossEntropyOptions extends CrossEntropyOutputs {
  /** f32 rows x cols: z, with class probabilities softmax(z) per row. */
  logits: Tensor;
  /** u32 [rows] or [rows, 1]: each row's class in [0, cols); a label >= cols gives a NaN loss and counts as an error. */
  labels: Tensor;
  /** The number of rows whose argmax (the first largest logit, or the first NaN) is not the label: an f32 or u32 target. */
  errors?: ReduceTarget;
}

/**
 * Adds the categorical cross-entropy from logits, per row logsumexp(z) - z[label], with its
 * gradient (softmax(z) - onehot(label)) * gradScale and the classifier's error count.
 *
 *   await addSoftmaxCrossEntropy(graph, ctx, { logits, labels, grad: dLogits, gradScale: 1 / rows,
 *     meanLoss: { out: lossSeries, series: {} },
 *     errors: { out: errorSeries, series: { every: batchesPerEpoch }, accumulate: true } });
 */
export async function addSoftmaxCrossEntropy(graph: KernelGraph, ctx: OpContext, o: SoftmaxCrossEntropyOptions): Promise<OpDispatches> {
  const name = 'softmax_cross_entropy';
  const { c, cols, labels, errors } = checkClassifierLoss(ctx, name, o);
  const kernel = cachedKernel(name, 'softmax.wgsl', 'main', { WG, MODE: ROW_MODE.crossEntropy, GRAD: +!!c.grad });
  const unusedGrad = await placeholder(ctx.pool, 'write');
  return addDispatches(graph, ctx, async (batch) => {
    const stats = await rowStatistics(batch, name, c.logits);
    const losses = c.losses ?? (await batch.scratch(`${name} losses`, 'f32', [c.rows]));
    const flags = await batch.scratch(`${name} error flags`, 'f32', [c.rows]);
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows: c.rows, cols, grad_scale: c.gradScale }));
    batch.dispatch(
      kernel,
      { params, x: c.logits, stats, labels, out: c.grad ?? unusedGrad, losses, errors: flags },
      linearGrid(ctx.gpu, c.rows * cols, kernel.override('WG')),
    );
    await addMetric(batch, name, 'mean', losses, c.meanLoss);
    await addMetric(batch, name, 'sum', flags, errors);
  });
}

export interface SquareHingeOptions extends CrossEntropyOutputs {
  /** f32 rows x cols: the scores y. */
  logits: Tensor;
  /** u32 [rows] or [rows, 1]: each row's class. */
  labels: Tensor;
  /** The number of rows whose argmax (the first largest score, or the first NaN) is not the label: an f32 or u32 target. */
  errors?: ReduceTarget;
}

/**
 * Adds the multi-class square hinge loss (an L2-SVM's), per row (1 / cols) sum_k max(0, 1 - t_k y_k)^2
 * with t_k = +1 for the label's class and -1 for the others, its gradient times gradScale, and the
 * classifier's error count (shaders/hinge.wgsl).
 *
 *   await addSquareHinge(graph, ctx, { logits: scores, labels, grad: dScores, gradScale: 1 / rows, meanLoss, errors });
 */
export async function addSquareHinge(graph: KernelGraph, ctx: OpContext, o: SquareHingeOptions): Promise<OpDispatches> {
  const name = 'square_hinge';
  const { c, cols, labels, errors } = checkClassifierLoss(ctx, name, o);
  const kernel = cachedKernel(name, 'hinge.wgsl', 'main', { WG: 64, GRAD: +!!c.grad });
  const unusedGrad = await placeholder(ctx.pool, 'write');
  return addDispatches(graph, ctx, async (batch) => {
    const losses = c.losses ?? (await batch.scratch(`${name} losses`, 'f32', [c.rows]));
    const flags = await batch.scratch(`${name} error flags`, 'f32', [c.rows]);
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows: c.rows, cols, grad_scale: c.gradScale }));
    batch.dispatch(kernel, { params, y: c.logits, labels, grad: c.grad ?? unusedGrad, losses, errors: flags }, linearGrid(ctx.gpu, c.rows, kernel.override('WG')));
    await addMetric(batch, name, 'mean', losses, c.meanLoss);
    await addMetric(batch, name, 'sum', flags, errors);
  });
}
