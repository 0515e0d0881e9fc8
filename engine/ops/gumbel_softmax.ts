// Categorical latents: the Gumbel-softmax (Concrete) relaxed draw with a temperature that a Schedule
// may anneal, its straight-through variant (the one-hot forward value, the soft sample's gradient),
// their backward pass, and the KL divergence of a categorical to the uniform prior with its gradient.
// One invocation per row of `classes` logits (categorical latents have few classes). Kernel:
// shaders/gumbel_softmax.wgsl; reference: harness/reference/gumbel_softmax.ts.
import type { Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { Schedule, scheduleWords } from '../schedule.js';
import { addDispatches, cachedKernel, checkDims, checkDistinct, checkElements, checkNumber, placeholder, streamFields, type DispatchBatch, type OpContext, type OpDispatches } from './common.js';
import { addMeanLoss } from './gaussian.js';
import { checkTarget, type ReduceTarget } from './reduce.js';
import { checkStream, type SampleStream } from './sample.js';
import type { UniformFields } from '../uniforms.js';

const FILE = 'gumbel_softmax.wgsl';
const WG = 64;

/** A temperature: one number for every step, or a Schedule of the iteration (annealing). */
export type Temperature = number | Schedule;

/** rows x classes of logits (or of any per-class tensor), as a flat count that Philox element numbers can hold. */
function checkRows(name: string, rows: number, classes: number): void {
  checkDims(name, { rows, classes });
  if (rows * classes >= 2 ** 31) throw new LimitError(`${name}: rows x classes = ${rows * classes}, over the limit of 2^31`);
}

/** The fields of RowParams (shaders/gumbel_softmax.wgsl). */
function rowFields(rows: number, classes: number, stream: Partial<SampleStream>, gradScale = 1): UniformFields {
  return { rows, classes, ...streamFields(stream), grad_scale: gradScale };
}

/** The temperature's uniform: the Schedule's own, or a constant one made for (and released with) the op. */
async function temperatureOf(batch: DispatchBatch, name: string, t: Temperature): Promise<Tensor> {
  if (t instanceof Schedule) return t.tensor;
  checkNumber(name, 'temperature', t);
  if (!(Math.fround(t) > 0)) throw new InputError(`${name}: temperature = ${t} must be positive (as f32)`);
  return batch.uniform(`${name} temperature`, scheduleWords({ kind: 'constant', value: t }, `${name} temperature`));
}

export interface GumbelSoftmaxOptions extends SampleStream {
  /** f32 of rows x classes elements: unnormalised log-probabilities, one categorical per row (finite). */
  logits: Tensor;
  rows: number;
  classes: number;
  /** tau > 0: a number, or a Schedule (a 'linear' one from 1 to 0.5 anneals it). */
  temperature: Temperature;
  /** f32, the logits' elements: the relaxed draw softmax((logits + G) / tau). */
  y: Tensor;
  /** f32, the logits' elements: the one-hot of argmax y, the straight-through estimator's forward value. */
  hard?: Tensor;
  /** f32 of rows elements: log softmax(logits) at the argmax, log q(c | x) of the hard draw. */
  logProb?: Tensor;
}

/**
 * Adds a Gumbel-softmax draw per row: y = softmax((logits + G) / tau), G the Gumbel sampler's draws
 * of the same (seed, step + iteration, call) and elements (addSample's rule), so that the argmax of
 * y is the category addCategorical draws from that stream (up to f32 ties), and as tau -> 0 the
 * draw becomes that one-hot. `hard` gets the one-hot (straight-through: use it forward, and
 * addGumbelSoftmaxBackward with its gradient), `logProb` the log-probability of that category.
 *
 *   const tau = await Schedule.create(ctx, { kind: 'linear', from: 1, to: 0.5, steps: 10000 });
 *   await addGumbelSoftmax(graph, ctx, { logits, rows: batch * 30, classes: 10, temperature: tau, y, seed, step: 0 });
 */
export async function addGumbelSoftmax(graph: KernelGraph, ctx: OpContext, o: GumbelSoftmaxOptions): Promise<OpDispatches> {
  const name = 'gumbel_softmax';
  checkStream(name, o);
  checkRows(name, o.rows, o.classes);
  const shape = [o.rows, o.classes];
  const logits = checkElements(name, 'logits', o.logits, ['f32'], shape, 'rows x classes');
  const y = checkElements(name, 'y', o.y, ['f32'], shape, 'rows x classes');
  const hard = o.hard === undefined ? undefined : checkElements(name, 'hard', o.hard, ['f32'], shape, 'rows x classes');
  const logProb = o.logProb === undefined ? undefined : checkElements(name, 'logProb', o.logProb, ['f32'], [o.rows], 'rows');
  for (const out of ['y', 'hard', 'logProb']) checkDistinct(name, out, { logits, y, hard, logProb });
  const kernel = cachedKernel(name, FILE, 'forward', { WG, HARD: +!!hard, LOG_PROB: +!!logProb });
  const [unusedHard, unusedLogProb] = await Promise.all([1, 2].map((k) => placeholder(ctx.pool, 'write', k)));
  return addDispatches(graph, ctx, async (batch) => {
    const temperature = await temperatureOf(batch, name, o.temperature);
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', rowFields(o.rows, o.classes, o)));
    batch.dispatch(kernel, { params, temperature, logits, y, hard: hard ?? unusedHard, log_prob: logProb ?? unusedLogProb }, linearGrid(ctx.gpu, o.rows, kernel.override('WG')));
  });
}

export interface GumbelSoftmaxBackwardOptions {
  /** The forward pass's soft draw y (rows x classes). */
  y: Tensor;
  /** dL/dy, or dL/dhard for the straight-through estimator. */
  dy: Tensor;
  /** dL/dlogits (times gradScale), the logits' elements. */
  grad: Tensor;
  rows: number;
  classes: number;
  /** The forward pass's temperature (a Schedule is read at the same iteration). */
  temperature: Temperature;
  /** Default 1. */
  gradScale?: number;
  /** Add to what grad holds (the KL's gradient, say). */
  accumulate?: boolean;
}

/**
 * The backward pass of addGumbelSoftmax through the soft draw: dlogits = gradScale / tau * y * (dy -
 * sum_k dy_k y_k) per row. The straight-through estimator passes the one-hot's gradient as dy.
 *
 *   await addGumbelSoftmaxBackward(graph, ctx, { y, dy: dHard, grad: dLogits, rows, classes: 10, temperature: tau, accumulate: true });
 */
export async function addGumbelSoftmaxBackward(graph: KernelGraph, ctx: OpContext, o: GumbelSoftmaxBackwardOptions): Promise<OpDispatches> {
  const name = 'gumbel_softmax.backward';
  checkRows(name, o.rows, o.classes);
  const shape = [o.rows, o.classes];
  const y = checkElements(name, 'y', o.y, ['f32'], shape, 'rows x classes');
  const dy = checkElements(name, 'dy', o.dy, ['f32'], shape, 'rows x classes');
  const grad = checkElements(name, 'grad', o.grad, ['f32'], shape, 'rows x classes');
  checkDistinct(name, 'grad', { y, dy, grad });
  const gradScale = o.gradScale ?? 1;
  checkNumber(name, 'gradScale', gradScale);
  const kernel = cachedKernel(name, FILE, 'backward', { WG, ACCUMULATE: +!!o.accumulate });
  return addDispatches(graph, ctx, async (batch) => {
    const temperature = await temperatureOf(batch, name, o.temperature);
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', rowFields(o.rows, o.classes, {}, gradScale)));
    batch.dispatch(kernel, { params, temperature, soft: y, upstream: dy, grad }, linearGrid(ctx.gpu, o.rows, kernel.override('WG')));
  });
}

export interface CategoricalKlOptions {
  /** f32 of rows x classes elements: the logits of q(c | x), one categorical per row. */
  logits: Tensor;
  rows: number;
  classes: number;
  /** The KL of each row, f32 of rows elements. */
  losses?: Tensor;
  /** Its mean over the rows, as a reduction target. */
  meanLoss?: ReduceTarget;
  /** d(KL sum)/dlogits times gradScale, the logits' elements. */
  grad?: Tensor;
  gradScale?: number;
  /** Add to what grad holds. */
  accumulate?: boolean;
}

/**
 * Adds KL(q || uniform) = sum_j q_j log q_j + log classes of each row, q = softmax(logits), with its
 * gradient gradScale * q_j (log q_j - sum_k q_k log q_k): the prior term of a categorical VAE.
 *
 *   await addCategoricalKl(graph, ctx, { logits, rows: batch * 30, classes: 10, grad: dLogits, gradScale: beta / batch });
 */
export async function addCategoricalKl(graph: KernelGraph, ctx: OpContext, o: CategoricalKlOptions): Promise<OpDispatches> {
  const name = 'gumbel_softmax.kl_uniform';
  checkRows(name, o.rows, o.classes);
  const logits = checkElements(name, 'logits', o.logits, ['f32'], [o.rows, o.classes], 'rows x classes');
  // The rows are the categoricals (groups x examples, say): losses may be shaped [examples, groups].
  const sums = {
    losses: o.losses === undefined ? undefined : checkElements(name, 'losses', o.losses, ['f32'], [o.rows], 'rows'),
    meanLoss: o.meanLoss === undefined ? undefined : checkTarget(ctx, name, 'meanLoss.out', o.meanLoss, { logits }, [[1], [1, 1]], false),
  };
  const grad = o.grad === undefined ? undefined : checkElements(name, 'grad', o.grad, ['f32'], [o.rows, o.classes], 'rows x classes');
  const gradScale = o.gradScale ?? 1;
  checkNumber(name, 'gradScale', gradScale);
  const wantLosses = !!(sums.losses || sums.meanLoss);
  if (!wantLosses && !grad) throw new InputError(`${name}: nothing to compute: give losses, meanLoss or grad`);
  for (const out of ['grad', 'losses']) checkDistinct(name, out, { logits, grad, losses: sums.losses, 'meanLoss.out': sums.meanLoss?.out });
  const kernel = cachedKernel(name, FILE, 'kl_uniform', { WG, GRAD: +!!grad, LOSSES: +wantLosses, ACCUMULATE: +!!o.accumulate });
  const [unusedGrad, unusedLosses] = await Promise.all([1, 2].map((k) => placeholder(ctx.pool, 'write', k)));
  return addDispatches(graph, ctx, async (batch) => {
    const losses = sums.losses ?? (wantLosses ? await batch.scratch(`${name} losses`, 'f32', [o.rows]) : unusedLosses);
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', rowFields(o.rows, o.classes, {}, gradScale)));
    batch.dispatch(kernel, { params, logits, grad: grad ?? unusedGrad, losses }, linearGrid(ctx.gpu, o.rows, kernel.override('WG')));
    await addMeanLoss(batch, name, losses, sums.meanLoss);
  });
}
