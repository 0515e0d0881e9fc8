// Batch normalisation of a rows x cols matrix per column: the training pass (the batch's statistics,
// kept for the backward pass, and the running averages updated), the inference pass (the running
// averages), and the backward pass (dL/dx, dL/dgamma, dL/dbeta). Optionally shift-based: the scale
// and gamma rounded to powers of two (Courbariaux et al. 2016). Kernel: shaders/batch_norm.wgsl;
// reference: harness/reference/batch_norm.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatches, cachedKernel, checkDims, checkDistinct, checkElements, checkNumber, placeholder, type OpContext, type OpDispatches } from './common.js';

const WG = 64;

/** A batch norm's per-column tensors: the affine parameters and the statistics. */
export interface BatchNormState {
  /** f32 [cols]. */
  gamma: Tensor;
  beta: Tensor;
  /** f32 [cols]: the running mean and variance (training updates them, inference reads them). */
  runningMean: Tensor;
  runningVar: Tensor;
  /** f32 [cols]: the last training pass's batch mean and 1 / sqrt(var + eps), for its backward pass. */
  batchMean: Tensor;
  batchInvstd: Tensor;
}

export interface BatchNormOptions {
  /** f32 rows x cols. */
  x: Tensor;
  /** f32, x's shape (not x). */
  y: Tensor;
  rows: number;
  cols: number;
  state: BatchNormState;
  /** 'train': the batch's statistics (and the running averages updated); 'infer': the running averages. */
  mode: 'train' | 'infer';
  /** Added to the variance (default 1e-4, BinaryNet's). */
  eps?: number;
  /** The running averages' weight of each batch, in (0, 1] (default 0.1). */
  momentum?: number;
  /** Training without updating the running averages (a check pass). */
  frozen?: boolean;
  /** Shift-based: multiply by the powers of two nearest 1 / sqrt(var + eps) and gamma. */
  shift?: boolean;
}

function checkState(name: string, s: BatchNormState, cols: number): void {
  for (const key of ['gamma', 'beta', 'runningMean', 'runningVar', 'batchMean', 'batchInvstd'] as const) checkElements(name, key, s?.[key], ['f32'], [cols], 'cols');
}

function checkScalars(name: string, eps: number, momentum: number): void {
  checkNumber(name, 'eps', eps);
  checkNumber(name, 'momentum', momentum);
  if (!(eps > 0)) throw new InputError(`${name}: eps = ${eps} must be positive`);
  if (!(momentum > 0 && momentum <= 1)) throw new InputError(`${name}: momentum = ${momentum} must lie in (0, 1]`);
}

/**
 * Adds y = gamma (x - mu) / sqrt(var + eps) + beta per column: in training with the batch's mean and
 * variance (biased), which it keeps in state.batchMean and state.batchInvstd, updating the running
 * averages (m <- (1 - a) m + a mu, v with the unbiased variance); in inference with the running ones.
 *
 *   await addBatchNorm(graph, ctx, { x: z, y: h, rows: 100, cols: 4096, state: bn, mode: 'train' });
 */
export async function addBatchNorm(graph: KernelGraph, ctx: OpContext, o: BatchNormOptions): Promise<OpDispatches> {
  const name = `batch_norm.${o.mode}`;
  checkDims(name, { rows: o.rows, cols: o.cols });
  if (o.mode !== 'train' && o.mode !== 'infer') throw new InputError(`${name}: mode must be 'train' or 'infer'`);
  const x = checkElements(name, 'x', o.x, ['f32'], [o.rows, o.cols], 'rows x cols');
  const y = checkElements(name, 'y', o.y, ['f32'], [o.rows, o.cols], 'rows x cols');
  checkState(name, o.state, o.cols);
  checkDistinct(name, 'y', { x, y, ...o.state });
  const eps = o.eps ?? 1e-4;
  const momentum = o.momentum ?? 0.1;
  checkScalars(name, eps, momentum);
  const train = o.mode === 'train';
  const kernel = cachedKernel(name, 'batch_norm.wgsl', train ? 'forward_train' : 'forward_infer', { WG, SHIFT: +!!o.shift, RUNNING: +!o.frozen });
  const s = o.state;
  return addDispatches(graph, ctx, async (batch) => {
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows: o.rows, cols: o.cols, eps, momentum }));
    const common = { params, x, gamma: s.gamma, beta: s.beta, out: y, running_mean: s.runningMean, running_var: s.runningVar };
    const bindings = train ? { ...common, batch_mean: s.batchMean, batch_invstd: s.batchInvstd } : common;
    batch.dispatch(kernel, bindings, linearGrid(ctx.gpu, train ? o.cols : o.rows * o.cols, WG));
  });
}

export interface BatchNormBackwardOptions {
  /** f32 rows x cols: dL/dy. */
  dy: Tensor;
  /** f32 rows x cols: the training pass's input. */
  x: Tensor;
  /** f32 rows x cols: dL/dx; may be dy (in place). */
  dx: Tensor;
  rows: number;
  cols: number;
  /** The training pass's state (its batch statistics and gamma). */
  state: BatchNormState;
  /** f32 [cols]: receive dL/dgamma and dL/dbeta (overwritten). */
  gradGamma: Tensor;
  gradBeta: Tensor;
  /** As the training pass had it. */
  shift?: boolean;
}

/**
 * Adds the backward pass of a training addBatchNorm: dL/dgamma = sum dy xhat, dL/dbeta = sum dy and
 * dL/dx = gamma invstd / rows (rows dy - sum dy - xhat sum dy xhat), per column.
 *
 *   await addBatchNormBackward(graph, ctx, { dy: dH, x: z, dx: dZ, rows: 100, cols: 4096, state: bn, gradGamma, gradBeta });
 */
export async function addBatchNormBackward(graph: KernelGraph, ctx: OpContext, o: BatchNormBackwardOptions): Promise<OpDispatches> {
  const name = 'batch_norm.backward';
  checkDims(name, { rows: o.rows, cols: o.cols });
  const dy = checkElements(name, 'dy', o.dy, ['f32'], [o.rows, o.cols], 'rows x cols');
  const x = checkElements(name, 'x', o.x, ['f32'], [o.rows, o.cols], 'rows x cols');
  const dx = checkElements(name, 'dx', o.dx, ['f32'], [o.rows, o.cols], 'rows x cols');
  checkState(name, o.state, o.cols);
  const gradGamma = checkElements(name, 'gradGamma', o.gradGamma, ['f32'], [o.cols], 'cols');
  const gradBeta = checkElements(name, 'gradBeta', o.gradBeta, ['f32'], [o.cols], 'cols');
  const inPlace = dx === dy;
  checkDistinct(name, 'dx', { dy: inPlace ? undefined : dy, x, dx, gradGamma, gradBeta, ...o.state });
  checkDistinct(name, 'gradGamma', { dy, x, gradGamma, gradBeta, ...o.state });
  const kernel = cachedKernel(name, 'batch_norm.wgsl', 'backward', { WG, SHIFT: +!!o.shift, IN_PLACE: +inPlace });
  const read = await placeholder(ctx.pool, 'read');
  const s = o.state;
  return addDispatches(graph, ctx, async (batch) => {
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows: o.rows, cols: o.cols, eps: 1, momentum: 1 }));
    const bindings = { params, x: inPlace ? read : dy, x_forward: x, gamma: s.gamma, out: dx, batch_mean: s.batchMean, batch_invstd: s.batchInvstd, grad_gamma: gradGamma, grad_beta: gradBeta };
    batch.dispatch(kernel, bindings, linearGrid(ctx.gpu, o.cols, WG));
  });
}
