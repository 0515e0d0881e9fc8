// Annealed importance sampling on the GPU: draws from tempered distributions and the log-weight
// increments between neighbouring inverse temperatures, with the temperatures in a table that the
// kernels index by the graph's repetition, so that thousands of intermediate distributions run in a
// few submits. Kernels: shaders/anneal.wgsl (which states the formulas). Reference:
// harness/reference/anneal.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkDistinct, checkElements, checkShaped, checkU32, checkWorkgroupSize, placeholder, streamFields, type OpContext, type OpDispatch } from './common.js';
import type { SampleStream } from './sample.js';
import type { UniformFields } from '../uniforms.js';

/** The tempered sampler's distributions (the DIST override of shaders/anneal.wgsl). */
export const ANNEALED_DISTRIBUTIONS = { bernoulli: 0, gaussian: 1 } as const;
export type AnnealedDistribution = keyof typeof ANNEALED_DISTRIBUTIONS;

/** The inverse temperatures and which of them repetition 0 reads. */
export interface BetaTable {
  /** f32 [count]: beta_0 .. beta_(count - 1). */
  betas: Tensor;
  /** The entry read at repetition 0; repetition t reads betaIndex + t (a repetition past the table does nothing). */
  betaIndex: number;
}

export interface AnnealedSampleOptions extends SampleStream, BetaTable {
  /** Bernoulli(sigmoid(z)) or Gaussian(z, 1) per element, z = beta x + (1 - beta) base. */
  distribution: AnnealedDistribution;
  /** rows x cols f32. */
  x: Tensor;
  /** cols f32, the base model's natural parameters (absent: z = beta x). */
  base?: Tensor;
  /** rows x cols f32: the draws. */
  output: Tensor;
  rows: number;
  cols: number;
}

export interface AnnealedLogWeightOptions extends BetaTable {
  /** rows x cols f32: the experts' inputs, softplus(beta x) each. */
  x: Tensor;
  /** rows f32: the increment's part linear in beta, added times (beta_i - beta_(i-1)). */
  linear: Tensor;
  /** rows x 2 f32: per row the running log weight and its Kahan compensation (start both at 0). */
  logWeights: Tensor;
  rows: number;
  cols: number;
  /** Invocations (rows) per workgroup (default 64); the sums do not depend on it. */
  workgroupSize?: number;
}

const FILE = 'anneal.wgsl';
const DEFAULT_WG = 64;

function checkTable(name: string, t: BetaTable): Tensor {
  const betas = checkShaped(name, 'betas', t.betas, ['f32']);
  checkU32(name, 'betaIndex', t.betaIndex);
  return betas;
}

/** The fields of AnnealParams (shaders/anneal.wgsl). */
function annealFields(rows: number, cols: number, stream: Partial<SampleStream>, table: BetaTable, betas: Tensor): UniformFields {
  return { rows, cols, ...streamFields(stream), beta_index: table.betaIndex, beta_count: betas.shape.reduce((a, b) => a * b, 1) };
}

/**
 * Adds one draw per element from the tempered distribution at beta = betas[betaIndex + t]
 * (repetition t): Bernoulli(sigmoid(z)) on the Bernoulli purpose or z + N(0, 1) on the Gaussian one,
 * z = beta x + (1 - beta) base[col], each element decided by the same Philox word as addSample's.
 * Errors name 'anneal.sample'.
 *
 *   // Hidden units of an RBM at beta_k: h ~ Bernoulli(sigmoid(beta_k (v W + c))).
 *   await addAnnealedSample(graph, ctx, { distribution: 'bernoulli', x: vW, output: h, rows, cols: hidden, betas, betaIndex: 1, seed, step: 0, call: 0 });
 */
export async function addAnnealedSample(graph: KernelGraph, ctx: OpContext, o: AnnealedSampleOptions): Promise<OpDispatch> {
  const name = 'anneal.sample';
  checkDims(name, { rows: o.rows, cols: o.cols });
  const dist = ANNEALED_DISTRIBUTIONS[o.distribution];
  if (dist === undefined) throw new InputError(`${name}: distribution must be one of ${Object.keys(ANNEALED_DISTRIBUTIONS).join(', ')}, not '${String(o.distribution)}'`);
  checkU32(name, 'seed', o.seed);
  checkU32(name, 'step', o.step);
  checkU32(name, 'call', o.call ?? 0);
  const betas = checkTable(name, o);
  const x = checkElements(name, 'x', o.x, ['f32'], [o.rows, o.cols], 'rows x cols');
  const output = checkElements(name, 'output', o.output, ['f32'], [o.rows, o.cols], 'rows x cols');
  const base = o.base === undefined ? undefined : checkElements(name, 'base', o.base, ['f32'], [o.cols], 'cols');
  checkDistinct(name, 'output', { x, output, base, betas });
  const wg = checkWorkgroupSize(ctx, name, o.workgroupSize ?? DEFAULT_WG);
  const kernel = cachedKernel(`${name}.${o.distribution}`, FILE, 'tempered_sample', { WG: wg, DIST: dist, BASE: +(base !== undefined) });
  const read = await placeholder(ctx.pool, 'read');
  const write = await placeholder(ctx.pool, 'write');
  const fields = annealFields(o.rows, o.cols, o, o, betas);
  const workgroups = linearGrid(ctx.gpu, Math.ceil((o.rows * o.cols) / 4), kernel.override('WG'));
  return addDispatch(graph, ctx, kernel, fields, (params) => ({ params, betas, activations: x, base: base ?? read, linear: read, samples: output, log_weights: write }), workgroups);
}

/**
 * Adds the log-weight increment of annealed importance sampling from beta_(i-1) to beta_i, i =
 * betaIndex + t at repetition t (i >= 1): per row r, (beta_i - beta_(i-1)) linear[r] + sum_j
 * softplus(beta_i x_rj) - softplus(beta_(i-1) x_rj), added to logWeights with Kahan's compensation.
 * Errors name 'anneal.log_weight'.
 *
 *   await addAnnealedLogWeight(graph, ctx, { x: vW, linear: vd, logWeights, rows: runs, cols: hidden, betas, betaIndex: 1 });
 */
export async function addAnnealedLogWeight(graph: KernelGraph, ctx: OpContext, o: AnnealedLogWeightOptions): Promise<OpDispatch> {
  const name = 'anneal.log_weight';
  checkDims(name, { rows: o.rows, cols: o.cols });
  const betas = checkTable(name, o);
  const x = checkElements(name, 'x', o.x, ['f32'], [o.rows, o.cols], 'rows x cols');
  const linear = checkElements(name, 'linear', o.linear, ['f32'], [o.rows], 'rows');
  const logWeights = checkElements(name, 'logWeights', o.logWeights, ['f32'], [o.rows, 2], 'rows x 2 (sum, compensation)');
  checkDistinct(name, 'logWeights', { x, linear, logWeights, betas });
  const wg = checkWorkgroupSize(ctx, name, o.workgroupSize ?? DEFAULT_WG);
  const kernel = cachedKernel(name, FILE, 'log_weight', { WG: wg });
  const read = await placeholder(ctx.pool, 'read');
  const write = await placeholder(ctx.pool, 'write');
  const fields = annealFields(o.rows, o.cols, {}, o, betas);
  return addDispatch(graph, ctx, kernel, fields, (params) => ({ params, betas, activations: x, base: read, linear, samples: write, log_weights: logWeights }), linearGrid(ctx.gpu, o.rows, kernel.override('WG')));
}
