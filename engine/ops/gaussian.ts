// Diagonal Gaussian latents and likelihoods: reparameterised draws z = mean + sigma * eps with their
// backward pass to the mean and the log-variance, the KL divergence of N(mean, sigma^2) to N(0, I),
// and the Gaussian negative log-likelihood, each with its gradient. Per-element terms are summed per
// row by the reduction passes of shaders/reduce.wgsl. Kernel: shaders/gaussian.wgsl; reference:
// harness/reference/gaussian.ts.
import type { Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatches, cachedKernel, checkDims, checkDistinct, checkElements, checkNumber, checkShape, checkShaped, matrixOf, placeholder, streamFields, type DispatchBatch, type OpContext, type OpDispatches } from './common.js';
import { addReducePasses, checkTarget, REDUCE_OPS, type CheckedTarget, type ReduceTarget } from './reduce.js';
import { checkStream, type SampleStream } from './sample.js';
import type { UniformFields } from '../uniforms.js';

const FILE = 'gaussian.wgsl';
const WG = 64;
// Element numbers are u32 and the draws' Philox element e / 4 must not wrap.
const MAX_ELEMENTS = 2 ** 31;

/** The fields of GaussianParams (shaders/gaussian.wgsl). */
function gaussianFields(count: number, dims: number, samples: number, stream: Partial<SampleStream>, gradScale = 1, logVarValue = 0): UniformFields {
  return { count, dims, samples, ...streamFields(stream), grad_scale: gradScale, log_var_value: logVarValue };
}

function checkCount(name: string, count: number): number {
  if (count >= MAX_ELEMENTS) throw new LimitError(`${name}: ${count} elements, over the limit of 2^31`);
  return count;
}

/** mean and logVar: f32 of one shape, read as rows x dims. */
function checkMoments(name: string, meanTensor: Tensor, logVarTensor: Tensor) {
  const mean = checkShaped(name, 'mean', meanTensor, ['f32']);
  const logVar = checkShaped(name, 'logVar', logVarTensor, ['f32']);
  checkShape(name, { mean, logVar }, 'logVar', [mean.shape]);
  return { mean, logVar, ...matrixOf(mean.shape) };
}

/** Where a loss's per-row sums and their mean over the rows go: checked against the input's rows. */
interface RowSums {
  losses?: Tensor;
  meanLoss?: CheckedTarget;
}

/** Checks a loss's optional outputs: losses [rows] (or [rows, 1]) and a scalar meanLoss target. */
function checkRowSums(ctx: OpContext, name: string, input: Record<string, Tensor>, rows: number, o: { losses?: Tensor; meanLoss?: ReduceTarget }): RowSums {
  let losses: Tensor | undefined;
  if (o.losses !== undefined) {
    losses = checkShaped(name, 'losses', o.losses, ['f32']);
    checkShape(name, { ...input, losses }, 'losses', [[rows], [rows, 1]]);
  }
  const meanLoss = o.meanLoss === undefined ? undefined : checkTarget(ctx, name, 'meanLoss.out', o.meanLoss, input, [[1], [1, 1]], false);
  return { losses, meanLoss };
}

/** Adds the row sums of `terms` (rows x dims) into losses (a scratch tensor when only the mean is wanted), then their mean. */
async function addRowSums(batch: DispatchBatch, name: string, terms: Tensor, rows: number, sums: RowSums): Promise<void> {
  const losses = sums.losses ?? (await batch.scratch(`${name} losses`, 'f32', [rows]));
  const perRow: CheckedTarget = { out: losses, u32: false, series: null, accumulate: false };
  await addReducePasses(batch, { name: `${name}.rows`, op: REDUCE_OPS.sum, x: terms, per: 'row', output: { target: perRow } });
  await addMeanLoss(batch, name, losses, sums.meanLoss);
}

/** Adds the mean of per-row losses into a checked meanLoss target, when there is one. */
export async function addMeanLoss(batch: DispatchBatch, name: string, losses: Tensor, meanLoss: CheckedTarget | undefined): Promise<void> {
  if (meanLoss) await addReducePasses(batch, { name: `${name}.mean`, op: REDUCE_OPS.mean, x: losses, per: 'all', output: { target: meanLoss } });
}

/** The gradient pair of a loss: both tensors or neither, each of `like`'s shape. */
function checkGradients(name: string, like: Record<string, Tensor>, names: [string, string], pair: [Tensor | undefined, Tensor | undefined]): [Tensor, Tensor] | undefined {
  const given = pair.filter((t) => t !== undefined).length;
  if (given === 0) return undefined;
  if (given === 1) throw new InputError(`${name}: give both ${names[0]} and ${names[1]}, or neither`);
  const [shape] = Object.values(like).map((t) => t.shape);
  return pair.map((t, i) => {
    const g = checkShaped(name, names[i], t, ['f32']);
    checkShape(name, { ...like, [names[i]]: g }, names[i], [shape]);
    return g;
  }) as [Tensor, Tensor];
}

export interface ReparameterizeOptions extends SampleStream {
  /** f32 rows x dims (dims its last dimension): the means of q(z | x), one row per example. */
  mean: Tensor;
  /** f32, mean's shape: log sigma^2. */
  logVar: Tensor;
  /** f32 of (rows * samples) x dims elements: the draws, row r * samples + s from mean row r. */
  z: Tensor;
  /** Draws per row of mean (default 1): the importance samples of an IWAE estimate, say. */
  samples?: number;
  /** f32 of rows * samples elements: log N(z; 0, I) - log N(z; mean, sigma^2) of each draw (log p(z) - log q(z | x)). */
  logRatio?: Tensor;
}

/**
 * Adds the reparameterised draw z = mean + exp(logVar / 2) * eps, eps ~ N(0, I) being the Gaussian
 * sampler's draw of the same (seed, step + iteration, call) and element of z (addSample's rule), so
 * that z is a differentiable function of mean and logVar. With `logRatio`, also the log-density
 * ratio of each draw, sum over its row of (eps^2 - z^2 + logVar) / 2, as importance weighting needs.
 *
 *   await addReparameterize(graph, ctx, { mean: mu, logVar, z, seed, step: 0 });          // a VAE's draw
 *   await addReparameterize(graph, ctx, { mean: mu, logVar, z: zs, samples: 500, logRatio, seed, step: 0 });
 */
export async function addReparameterize(graph: KernelGraph, ctx: OpContext, o: ReparameterizeOptions): Promise<OpDispatches> {
  const name = 'gaussian.reparameterize';
  checkStream(name, o);
  const { mean, logVar, rows, cols: dims } = checkMoments(name, o.mean, o.logVar);
  const samples = o.samples ?? 1;
  checkDims(name, { samples });
  const draws = rows * samples;
  const z = checkElements(name, 'z', o.z, ['f32'], [draws, dims], 'rows * samples x dims');
  const logRatio = o.logRatio === undefined ? undefined : checkElements(name, 'logRatio', o.logRatio, ['f32'], [draws], 'rows * samples');
  checkDistinct(name, 'z', { mean, logVar, z, logRatio });
  if (logRatio) checkDistinct(name, 'logRatio', { mean, logVar, z, logRatio });
  const count = checkCount(name, draws * dims);
  const kernel = cachedKernel(name, FILE, 'reparameterize', { WG, TERMS: +!!logRatio });
  const unusedTerms = await placeholder(ctx.pool, 'write', 1);
  return addDispatches(graph, ctx, async (batch) => {
    const terms = logRatio ? await batch.scratch(`${name} terms`, 'f32', [draws, dims]) : unusedTerms;
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', gaussianFields(count, dims, samples, o)));
    batch.dispatch(kernel, { params, mean, log_var: logVar, z, terms }, linearGrid(ctx.gpu, Math.ceil(count / 4), kernel.override('WG')));
    if (logRatio) await addRowSums(batch, name, terms, draws, { losses: logRatio });
  });
}

export interface ReparameterizeBackwardOptions extends SampleStream {
  /** The forward pass's logVar (rows x dims). */
  logVar: Tensor;
  /** dL/dz, f32 of (rows * samples) x dims elements. */
  dz: Tensor;
  /** dL/dmean and dL/dlogVar, logVar's shape. */
  dMean: Tensor;
  dLogVar: Tensor;
  /** The forward pass's samples (default 1). */
  samples?: number;
  /** Add to what dMean and dLogVar hold (the KL's gradient, say) instead of overwriting it. */
  accumulate?: boolean;
}

/**
 * The backward pass of addReparameterize: dMean = the sum of dz over each row's draws, dLogVar = the
 * sum of dz * eps * sigma / 2, eps drawn again from the forward pass's stream (pass the same seed,
 * step, call and samples, and run at the same iteration), so nothing is stored between the passes.
 *
 *   await addGaussianKl(graph, ctx, { mean: mu, logVar, gradMean: dMu, gradLogVar: dLogVar, gradScale: beta / rows });
 *   await addReparameterizeBackward(graph, ctx, { logVar, dz, dMean: dMu, dLogVar, seed, step: 0, accumulate: true });
 */
export async function addReparameterizeBackward(graph: KernelGraph, ctx: OpContext, o: ReparameterizeBackwardOptions): Promise<OpDispatches> {
  const name = 'gaussian.reparameterize_backward';
  checkStream(name, o);
  const logVar = checkShaped(name, 'logVar', o.logVar, ['f32']);
  const { rows, cols: dims } = matrixOf(logVar.shape);
  const samples = o.samples ?? 1;
  checkDims(name, { samples });
  const dz = checkElements(name, 'dz', o.dz, ['f32'], [rows * samples, dims], 'rows * samples x dims');
  checkCount(name, rows * samples * dims);
  const grads = checkGradients(name, { logVar }, ['dMean', 'dLogVar'], [o.dMean, o.dLogVar]);
  if (!grads) throw new InputError(`${name}: dMean and dLogVar are required`);
  const [dMean, dLogVar] = grads;
  checkDistinct(name, 'dMean', { logVar, dz, dMean, dLogVar });
  checkDistinct(name, 'dLogVar', { logVar, dz, dMean, dLogVar });
  const kernel = cachedKernel(name, FILE, 'reparameterize_backward', { WG, ACCUMULATE: +!!o.accumulate });
  return addDispatches(graph, ctx, async (batch) => {
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', gaussianFields(rows * dims, dims, samples, o)));
    batch.dispatch(kernel, { params, log_var: logVar, values: dz, grad_mean: dMean, grad_log_var: dLogVar }, linearGrid(ctx.gpu, rows * dims, kernel.override('WG')));
  });
}

export interface GaussianKlOptions {
  /** f32 rows x dims: the means of q(z | x). */
  mean: Tensor;
  /** f32, mean's shape: log sigma^2. */
  logVar: Tensor;
  /** KL of each row, [rows] or [rows, 1]. */
  losses?: Tensor;
  /** The mean KL over the rows, as a reduction target (a series slot per step, say). */
  meanLoss?: ReduceTarget;
  /** d(KL sum)/dmean and d/dlogVar times gradScale, mean's shape (both or neither). */
  gradMean?: Tensor;
  gradLogVar?: Tensor;
  /** Factor of the gradients, default 1 (beta / rows for a beta-VAE's mean loss). */
  gradScale?: number;
}

/**
 * Adds the analytic KL(N(mean, exp(logVar)) || N(0, I)) of each row, sum over its columns of
 * (mean^2 + e^logVar - 1 - logVar) / 2 (e^v - 1 - v by its series near 0, so that small variances
 * lose nothing to cancellation), with its gradient (mean, (e^logVar - 1) / 2) * gradScale.
 *
 *   await addGaussianKl(graph, ctx, { mean: mu, logVar, losses: klPerRow, gradMean: dMu, gradLogVar: dLogVar, gradScale: 1 / rows });
 */
export async function addGaussianKl(graph: KernelGraph, ctx: OpContext, o: GaussianKlOptions): Promise<OpDispatches> {
  const name = 'gaussian.kl';
  const { mean, logVar, rows, cols: dims } = checkMoments(name, o.mean, o.logVar);
  const sums = checkRowSums(ctx, name, { mean }, rows, o);
  const grads = checkGradients(name, { mean }, ['gradMean', 'gradLogVar'], [o.gradMean, o.gradLogVar]);
  const gradScale = o.gradScale ?? 1;
  checkNumber(name, 'gradScale', gradScale);
  const terms = !!(sums.losses || sums.meanLoss);
  if (!terms && !grads) throw new InputError(`${name}: nothing to compute: give losses, meanLoss or the gradients`);
  for (const out of ['gradMean', 'gradLogVar', 'losses']) {
    checkDistinct(name, out, { mean, logVar, gradMean: grads?.[0], gradLogVar: grads?.[1], losses: sums.losses, 'meanLoss.out': sums.meanLoss?.out });
  }
  const count = checkCount(name, rows * dims);
  const kernel = cachedKernel(name, FILE, 'kl', { WG, TERMS: +terms, GRAD: +!!grads });
  const unused = await Promise.all([1, 2, 3].map((k) => placeholder(ctx.pool, 'write', k)));
  return addDispatches(graph, ctx, async (batch) => {
    const termsTensor = terms ? await batch.scratch(`${name} terms`, 'f32', [rows, dims]) : unused[0];
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', gaussianFields(count, dims, 1, {}, gradScale)));
    batch.dispatch(
      kernel,
      { params, mean, log_var: logVar, terms: termsTensor, grad_mean: grads?.[0] ?? unused[1], grad_log_var: grads?.[1] ?? unused[2] },
      linearGrid(ctx.gpu, count, kernel.override('WG')),
    );
    if (terms) await addRowSums(batch, name, termsTensor, rows, sums);
  });
}

export interface GaussianNllOptions {
  /** f32 rows x dims: the observations. */
  x: Tensor;
  /** f32, x's shape: the means of p(x | z). */
  mean: Tensor;
  /** f32 of x's shape (a learned log-variance per element), or one number for every element. */
  logVar: Tensor | number;
  /** -log N(x; mean, exp(logVar)) of each row, [rows] or [rows, 1]. */
  losses?: Tensor;
  /** Its mean over the rows, as a reduction target. */
  meanLoss?: ReduceTarget;
  /** d(loss sum)/dmean times gradScale, x's shape. */
  gradMean?: Tensor;
  /** d(loss sum)/dlogVar times gradScale, x's shape: only with a logVar tensor. */
  gradLogVar?: Tensor;
  /** Factor of the gradients, default 1. */
  gradScale?: number;
}

/**
 * Adds the Gaussian negative log-likelihood of each row, sum over its columns of
 * (log 2 pi + logVar + (x - mean)^2 e^-logVar) / 2, with its gradients (mean - x) e^-logVar and
 * (1 - (x - mean)^2 e^-logVar) / 2 (times gradScale): the loss of a Gaussian decoder p(x | z).
 *
 *   await addGaussianNll(graph, ctx, { x: batch, mean: xMean, logVar: 0, gradMean: dMean, gradScale: 1 / rows, meanLoss: { out: loss } });
 */
export async function addGaussianNll(graph: KernelGraph, ctx: OpContext, o: GaussianNllOptions): Promise<OpDispatches> {
  const name = 'gaussian.nll';
  const x = checkShaped(name, 'x', o.x, ['f32']);
  const mean = checkShaped(name, 'mean', o.mean, ['f32']);
  checkShape(name, { x, mean }, 'mean', [x.shape]);
  const { rows, cols: dims } = matrixOf(x.shape);
  let logVar: Tensor | undefined;
  if (typeof o.logVar === 'number') {
    checkNumber(name, 'logVar', o.logVar);
    if (o.gradLogVar !== undefined) throw new InputError(`${name}: gradLogVar needs a logVar tensor (logVar is the number ${o.logVar})`);
  } else {
    logVar = checkShaped(name, 'logVar', o.logVar, ['f32']);
    checkShape(name, { x, logVar }, 'logVar', [x.shape]);
  }
  const sums = checkRowSums(ctx, name, { x }, rows, o);
  let gradMean: Tensor | undefined;
  if (o.gradMean !== undefined) {
    gradMean = checkShaped(name, 'gradMean', o.gradMean, ['f32']);
    checkShape(name, { x, gradMean }, 'gradMean', [x.shape]);
  }
  let gradLogVar: Tensor | undefined;
  if (o.gradLogVar !== undefined) {
    gradLogVar = checkShaped(name, 'gradLogVar', o.gradLogVar, ['f32']);
    checkShape(name, { x, gradLogVar }, 'gradLogVar', [x.shape]);
  }
  if (gradLogVar && !gradMean) throw new InputError(`${name}: gradLogVar needs gradMean too`);
  const gradScale = o.gradScale ?? 1;
  checkNumber(name, 'gradScale', gradScale);
  const terms = !!(sums.losses || sums.meanLoss);
  if (!terms && !gradMean) throw new InputError(`${name}: nothing to compute: give losses, meanLoss or gradMean`);
  for (const out of ['gradMean', 'gradLogVar', 'losses']) {
    checkDistinct(name, out, { x, mean, logVar, gradMean, gradLogVar, losses: sums.losses, 'meanLoss.out': sums.meanLoss?.out });
  }
  const count = checkCount(name, rows * dims);
  const kernel = cachedKernel(name, FILE, 'nll', { WG, TERMS: +terms, GRAD: +!!gradMean, LOG_VAR_TENSOR: +!!logVar });
  const read = await placeholder(ctx.pool, 'read');
  const unused = await Promise.all([1, 2, 3].map((k) => placeholder(ctx.pool, 'write', k)));
  return addDispatches(graph, ctx, async (batch) => {
    const termsTensor = terms ? await batch.scratch(`${name} terms`, 'f32', [rows, dims]) : unused[0];
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', gaussianFields(count, dims, 1, {}, gradScale, typeof o.logVar === 'number' ? o.logVar : 0)));
    batch.dispatch(
      kernel,
      { params, mean, log_var: logVar ?? read, values: x, terms: termsTensor, grad_mean: gradMean ?? unused[1], grad_log_var: gradLogVar ?? unused[2] },
      linearGrid(ctx.gpu, count, kernel.override('WG')),
    );
    if (terms) await addRowSums(batch, name, termsTensor, rows, sums);
  });
}
