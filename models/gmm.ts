// Gaussian mixtures by EM with spherical or diagonal covariances, as scikit-learn's GaussianMixture
// defines them: initialised from k-means' labels (models/kmeans.ts, one restart), each variance plus
// reg_covar (1e-6), EM until the mean log-likelihood per row changes by less than the tolerance (1e-3)
// or max_iter (100) steps; score is the mean log-likelihood per row, and BIC = -2 n score + p ln n.
// On the GPU, for all K components at once, with per-component log-densities written as
//   log pi_k + log N(x | m_k, diag s_k) = x^2 . (-1 / (2 s_k)) + x . (m_k / s_k) + c_k,
//   c_k = log pi_k - 1/2 sum_e (m_ke^2 / s_ke + log 2 pi s_ke),
// the scores n x K by two GEMMs (the second accumulating), each row's log-sum-exp (its log-likelihood)
// and its responsibilities (a softmax); then the M-step's sums N_k, R' X, R' X^2 by a column sum and
// two GEMMs (no atomics: the same seed gives the same bits). The new parameters, K x d, on the host.
import { InputError, KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addGemm, addReduce, addSoftmax } from '../engine/ops/index.js';
import { fitKmeans } from './kmeans.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { Owned } from './owned.js';

/** The covariance kinds: one variance per component, or one per component and value. */
export const GMM_COVARIANCES = ['spherical', 'diag'] as const;
export type GmmCovariance = (typeof GMM_COVARIANCES)[number];

/** scikit-learn's defaults: reg_covar, tol, max_iter. */
export const GMM_DEFAULTS = { regCovar: 1e-6, tolerance: 1e-3, iterations: 100 } as const;

export interface Gmm {
  width: number;
  covariance: GmmCovariance;
  /** pi: K mixing weights. */
  weights: Float64Array;
  /** K x width means. */
  means: Float64Array;
  /** K x width variances (spherical: each component's one variance in every column). */
  variances: Float64Array;
}

export interface GmmOptions {
  components: number;
  covariance: GmmCovariance;
  iterations?: number;
  tolerance?: number;
  regCovar?: number;
  seed: number;
}

/** The M-step from per-component sums: N_k, sum_n r x, sum_n r x^2 (K x d), over `count` rows. */
function mStep(n: ArrayLike<number>, s1: ArrayLike<number>, s2: ArrayLike<number>, count: number, width: number, covariance: GmmCovariance, reg: number): Gmm {
  const k = n.length;
  const weights = new Float64Array(k);
  const means = new Float64Array(k * width);
  const variances = new Float64Array(k * width);
  for (let c = 0; c < k; c++) {
    // As scikit-learn: N_k + 10 eps, so that an empty component has mean 0, variance reg_covar and a tiny weight, not NaN.
    const nk = n[c] + 10 * Number.EPSILON;
    weights[c] = nk / count;
    let sum = 0;
    for (let e = 0; e < width; e++) {
      const m = s1[c * width + e] / nk;
      means[c * width + e] = m;
      const v = Math.max(0, s2[c * width + e] / nk - m * m);
      variances[c * width + e] = v + reg;
      sum += v;
    }
    if (covariance === 'spherical') variances.fill(sum / width + reg, c * width, (c + 1) * width);
  }
  return { width, covariance, weights, means, variances };
}

/** The GEMMs' operands for a model: B1 = -1 / (2 s) and B2 = m / s (width x K), and c (K). */
function scoreOperands(model: Gmm): { b1: Float32Array; b2: Float32Array; c: Float32Array } {
  const [k, d] = [model.weights.length, model.width];
  const [b1, b2, c] = [new Float32Array(d * k), new Float32Array(d * k), new Float32Array(k)];
  for (let j = 0; j < k; j++) {
    let constant = Math.log(model.weights[j]);
    for (let e = 0; e < d; e++) {
      const [m, s] = [model.means[j * d + e], model.variances[j * d + e]];
      b1[e * k + j] = -0.5 / s;
      b2[e * k + j] = m / s;
      constant -= 0.5 * ((m * m) / s + Math.log(2 * Math.PI * s));
    }
    c[j] = constant;
  }
  return { b1, b2, c };
}

/** The device side of a mixture over a dataset: the rows and their squares, the operands, and the per-row outputs. */
interface GmmPass {
  graph: KernelGraph;
  operands: { b1: Tensor; b2: Tensor; c: Tensor };
  lse: Tensor;
  /** The M-step's sums, when the pass computes them. */
  sums?: { n: Tensor; s1: Tensor; s2: Tensor };
}

/** Builds the E-step (and with `withSums` the M-step's sums) over every row of `data`, its tensors `owned`'s. */
async function gmmPass(ctx: RunContext, data: DeviceDataset, k: number, owned: Owned, withSums: boolean): Promise<GmmPass> {
  const { count: n, width: d } = data;
  const tensor = (name: string, dtype: 'f32' | 'u32', shape: number[]) => owned.add(ctx.pool.tensor(`gmm ${name}`, dtype, shape));
  const x = await tensor('rows', 'f32', [n, d]);
  const x2 = await tensor('squared rows', 'f32', [n, d]);
  const operands = { b1: await tensor('-1/(2s)', 'f32', [d, k]), b2: await tensor('m/s', 'f32', [d, k]), c: await tensor('constants', 'f32', [k]) };
  const scores = await tensor('scores', 'f32', [n, k]);
  const lse = await tensor('log-likelihoods', 'f32', [n]);
  const gather = new KernelGraph('gmm rows');
  await owned.add(addBatchGather(gather, ctx, { data, indices: data.inOrder, x, batchSize: n }));
  await owned.add(addBinary(gather, ctx, { op: 'mul', a: x, b: x, out: x2 }));
  await ctx.scheduler.run(gather);
  const graph = new KernelGraph('gmm em step');
  await owned.add(addGemm(graph, ctx, { a: x2, b: operands.b1, c: scores, m: n, n: k, k: d, bias: operands.c }));
  await owned.add(addGemm(graph, ctx, { a: x, b: operands.b2, c: scores, m: n, n: k, k: d, beta: 1 }));
  await owned.add(addReduce(graph, ctx, { op: 'logsumexp', per: 'row', x: scores, out: lse }));
  if (!withSums) return { graph, operands, lse };
  const sums = { n: await tensor('N', 'f32', [k]), s1: await tensor("R'X", 'f32', [k, d]), s2: await tensor("R'X^2", 'f32', [k, d]) };
  await owned.add(addSoftmax(graph, ctx, { x: scores, out: scores }));
  await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: scores, out: sums.n }));
  await owned.add(addGemm(graph, ctx, { a: scores, b: x, c: sums.s1, m: k, n: d, k: n, transA: true }));
  await owned.add(addGemm(graph, ctx, { a: scores, b: x2, c: sums.s2, m: k, n: d, k: n, transA: true }));
  return { graph, operands, lse, sums };
}

/** Runs a pass with a model's operands; returns the rows' log-likelihoods (float32). */
async function runPass(ctx: RunContext, pass: GmmPass, model: Gmm): Promise<Float32Array> {
  const { b1, b2, c } = scoreOperands(model);
  await pass.operands.b1.write(b1);
  await pass.operands.b2.write(b2);
  await pass.operands.c.write(c);
  await ctx.scheduler.run(pass.graph);
  return new Float32Array(await pass.lse.read());
}

const meanOf = (values: Float32Array) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Fits a mixture to every example of `data` (as gathered; `rows` the same on the host, for the k-means
 * start) by EM; returns the model, the mean log-likelihood per row at each E-step, and whether the
 * tolerance was met.
 *
 *   const { model } = await fitGmm(ctx, train, pixels, { components: 10, covariance: 'diag', seed: 1 });
 */
export async function fitGmm(ctx: RunContext, data: DeviceDataset, rows: ArrayLike<number>, o: GmmOptions): Promise<{ model: Gmm; logLikelihoods: number[]; converged: boolean }> {
  const { count: n, width: d } = data;
  const k = o.components;
  if (!GMM_COVARIANCES.includes(o.covariance)) throw new InputError(`gmm: covariance '${String(o.covariance)}'; use one of ${GMM_COVARIANCES.join(', ')}`);
  const [iterations, tolerance, reg] = [o.iterations ?? GMM_DEFAULTS.iterations, o.tolerance ?? GMM_DEFAULTS.tolerance, o.regCovar ?? GMM_DEFAULTS.regCovar];
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new InputError(`gmm: components = ${k} must be an integer in [1, ${n}] (the examples)`);
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new InputError(`gmm: iterations = ${iterations} must be a positive integer`);
  if (!(tolerance >= 0)) throw new InputError(`gmm: tolerance = ${tolerance} must be >= 0`);
  if (!(reg >= 0)) throw new InputError(`gmm: reg_covar = ${reg} must be >= 0`);
  // The start: one k-means restart's labels as hard responsibilities (scikit-learn's init_params 'kmeans').
  const start = await fitKmeans(ctx, data, rows, { clusters: k, restarts: 1, iterations: 300, seed: o.seed });
  const [n0, s1, s2] = [new Float64Array(k), new Float64Array(k * d), new Float64Array(k * d)];
  start.labels.forEach((label, r) => {
    n0[label]++;
    for (let e = 0; e < d; e++) [s1[label * d + e], s2[label * d + e]] = [s1[label * d + e] + rows[r * d + e], s2[label * d + e] + rows[r * d + e] ** 2];
  });
  let model = mStep(n0, s1, s2, n, d, o.covariance, reg);
  const owned = new Owned();
  try {
    const pass = await gmmPass(ctx, data, k, owned, true);
    const logLikelihoods: number[] = [];
    let converged = false;
    for (let step = 0; step < iterations; step++) {
      logLikelihoods.push(meanOf(await runPass(ctx, pass, model)));
      const [sn, t1, t2] = [new Float32Array(await pass.sums!.n.read()), new Float32Array(await pass.sums!.s1.read()), new Float32Array(await pass.sums!.s2.read())];
      model = mStep(sn, t1, t2, n, d, o.covariance, reg);
      if (step > 0 && Math.abs(logLikelihoods[step] - logLikelihoods[step - 1]) < tolerance) {
        converged = true;
        break;
      }
    }
    return { model, logLikelihoods, converged };
  } finally {
    owned.release();
  }
}

/** The mean log-likelihood per example of `data` under the model (scikit-learn's GaussianMixture.score), and per row. */
export async function gmmLogLikelihood(ctx: RunContext, model: Gmm, data: DeviceDataset): Promise<{ mean: number; perRow: Float32Array }> {
  if (data.width !== model.width) throw new InputError(`gmm: the model has ${model.width} values per example, the data ${data.width}`);
  const owned = new Owned();
  try {
    const perRow = await runPass(ctx, await gmmPass(ctx, data, model.weights.length, owned, false), model);
    return { mean: meanOf(perRow), perRow };
  } finally {
    owned.release();
  }
}

/** Free parameters, as scikit-learn counts them for BIC: means, variances, K - 1 weights. */
export function gmmParameters(model: Gmm): number {
  const k = model.weights.length;
  return k * model.width + (model.covariance === 'spherical' ? k : k * model.width) + k - 1;
}
