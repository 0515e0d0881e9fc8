// Gaussian mixtures by EM with spherical, diagonal or full covariances, as scikit-learn's
// GaussianMixture defines them: initialised from k-means' labels (models/kmeans.ts, one restart), each
// variance (full: the covariance's diagonal) plus reg_covar (1e-6), EM until the mean log-likelihood
// per row changes by less than the tolerance (1e-3) or max_iter (100) steps; score is the mean
// log-likelihood per row, and BIC = -2 n score + p ln n. On the GPU, for all K components at once:
// - spherical and diagonal, per-component log-densities written as
//     log pi_k + log N(x | m_k, diag s_k) = x^2 . (-1 / (2 s_k)) + x . (m_k / s_k) + c_k,
//     c_k = log pi_k - 1/2 sum_e (m_ke^2 / s_ke + log 2 pi s_ke),
//   the scores n x K by two GEMMs (the second accumulating);
// - full, with P_k = L_k^-T (S_k = L_k L_k', Cholesky in float64 on the host, scikit-learn's
//   precisions_cholesky_), Y = X [P_1 .. P_K] - [m_1 P_1 .. m_K P_K] (n x Kd, one GEMM with a bias)
//   so that row block k of Y squared and summed is the Mahalanobis distance; Y squared, then a GEMM by
//   the 0/1 block indicator times -1/2 with the bias c_k = log pi_k - d/2 log 2 pi + sum log diag P_k
//   gives the scores (exact: each sum has one non-zero term per component);
// then each row's log-sum-exp (its log-likelihood) and its responsibilities (a softmax). The M-step's
// sums: N_k by a column sum, R' X by a GEMM, and the second moments R' X^2 (K x d) by a GEMM or, for
// full, X' (R (x) (X - M)) (d x Kd) about the current means M, with R (x) (X - M) the rows' Kronecker
// products r_i (x) (x_i - m_k), made by two GEMMs with 0/1 matrices (R expanded; X tiled, less the
// means as a bias: exact up to that subtraction) and a product. No atomics: the same seed gives the
// same bits. The new parameters on the host in float64. The diagonal kinds' raw second moments keep it
// one pass over n x K; float32 then loses about (mean / sd)^2 x 1e-7 of each variance, well below
// reg_covar for centred data (MNIST-PCA), noticeable for tight clusters far from the origin (full
// covariances, about the means, lose (mean / sd) x 1e-7).
import { InputError, KernelGraph, RNG_PURPOSES, rngBits, uniform24, type RunContext, type Tensor } from '../engine/index.js';
import { normals } from '../engine/philox.js';
import { addBinary, addGemm, addReduce, addSoftmax } from '../engine/ops/index.js';
import { fitKmeans } from './kmeans.js';
import { cholesky, lowerInverse } from './linalg.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { building, Owned, type Releasable } from './owned.js';

/** The covariance kinds: one variance per component, one per component and value, or a whole matrix per component. */
export const GMM_COVARIANCES = ['spherical', 'diag', 'full'] as const;
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
  /** K x width variances (spherical: each component's one variance in every column; full: the covariances' diagonals). */
  variances: Float64Array;
  /** Full: K x width x width covariances (scikit-learn's covariances_); absent otherwise. */
  covariances?: Float64Array;
}

export interface GmmOptions {
  components: number;
  covariance: GmmCovariance;
  iterations?: number;
  tolerance?: number;
  regCovar?: number;
  seed: number;
}

/**
 * Per-component sums over the rows: N_k (K), sum r x (K x d), and the second moments (diag: K x d of
 * r x^2; full: d x Kd of r x (x - a_k)', about a shift a_k per component, with sum r (x - a_k) (K x d)).
 */
interface Sums {
  n: ArrayLike<number>;
  s1: ArrayLike<number>;
  s2: ArrayLike<number>;
  /** Full: the shifts a_k (K x d; absent: 0) and sum r (x - a_k) (absent: s1). */
  shift?: ArrayLike<number>;
  shifted?: ArrayLike<number>;
}

/** The M-step from per-component sums over `count` rows. */
function mStep(sums: Sums, count: number, width: number, covariance: GmmCovariance, reg: number): Gmm {
  const k = sums.n.length;
  const d = width;
  const weights = new Float64Array(k);
  const means = new Float64Array(k * d);
  const variances = new Float64Array(k * d);
  const covariances = covariance === 'full' ? new Float64Array(k * d * d) : undefined;
  for (let c = 0; c < k; c++) {
    // As scikit-learn: N_k + 10 eps, so that an empty component has mean 0, variance reg_covar and a tiny weight, not NaN.
    const nk = sums.n[c] + 10 * Number.EPSILON;
    weights[c] = nk / count;
    if (covariances) {
      // About the shift a: m = a + u / N with u = sum r (x - a), and
      // S = (sum r x (x - a)' - a u') / N - (u / N)(u / N)' = sum r (x - m)(x - m)' / N.
      const shiftOf = (e: number) => sums.shift?.[c * d + e] ?? 0;
      const u = (e: number) => (sums.shifted ?? sums.s1)[c * d + e];
      for (let e = 0; e < d; e++) means[c * d + e] = shiftOf(e) + u(e) / nk;
      for (let e = 0; e < d; e++) {
        for (let f = 0; f <= e; f++) {
          const centred = (sums.s2[e * k * d + c * d + f] - shiftOf(e) * u(f)) / nk;
          const v = centred - (u(e) / nk) * (u(f) / nk) + (e === f ? reg : 0);
          covariances[(c * d + e) * d + f] = covariances[(c * d + f) * d + e] = v;
        }
        variances[c * d + e] = covariances[(c * d + e) * d + e];
      }
      continue;
    }
    for (let e = 0; e < d; e++) means[c * d + e] = sums.s1[c * d + e] / nk;
    let sum = 0;
    for (let e = 0; e < d; e++) {
      const m = means[c * d + e];
      const v = Math.max(0, sums.s2[c * d + e] / nk - m * m);
      variances[c * d + e] = v + reg;
      sum += v;
    }
    if (covariance === 'spherical') variances.fill(sum / d + reg, c * d, (c + 1) * d);
  }
  return { width, covariance, weights, means, variances, ...(covariances ? { covariances } : {}) };
}

/** The sums of hard assignments (k-means' labels) over the rows on the host, in float64. */
function labelSums(rows: ArrayLike<number>, labels: ArrayLike<number>, k: number, d: number, covariance: GmmCovariance): Sums {
  const full = covariance === 'full';
  const [n, s1, s2] = [new Float64Array(k), new Float64Array(k * d), new Float64Array(full ? d * k * d : k * d)];
  for (let r = 0; r < labels.length; r++) {
    const c = labels[r];
    n[c]++;
    for (let e = 0; e < d; e++) {
      const x = rows[r * d + e];
      s1[c * d + e] += x;
      if (!full) s2[c * d + e] += x * x;
      else for (let f = 0; f < d; f++) s2[e * k * d + c * d + f] += x * rows[r * d + f];
    }
  }
  return { n, s1, s2 };
}

/** The device side of a mixture over a dataset: the E-step's graph (and the M-step's sums), its operands loaded per model. */
interface GmmPass {
  graph: KernelGraph;
  /** Writes a model's operands. */
  load(model: Gmm): Promise<void>;
  lse: Tensor;
  /** n x K: the scores log pi_k + log N(x | k), or after a softmax the responsibilities. */
  scores: Tensor;
  /** The M-step's sums (full: the second moments about the model's means, and sum r (x - m_k) in `shifted`). */
  sums?: { n: Tensor; s1: Tensor; s2: Tensor; shifted?: Tensor };
}

/** A K x Kd (or Kd x K, `transposed`) 0/1 matrix: 1 where column (row) j lies in block i of `d`, times `value`. */
function blockIndicator(k: number, d: number, value: number, transposed: boolean): Float32Array {
  const out = new Float32Array(k * k * d);
  for (let c = 0; c < k; c++) for (let e = 0; e < d; e++) out[transposed ? (c * d + e) * k + c : c * k * d + c * d + e] = value;
  return out;
}

/** The d x Kd 0/1 matrix [I .. I]: X times it is X tiled K times. */
function tiling(k: number, d: number): Float32Array {
  const out = new Float32Array(d * k * d);
  for (let e = 0; e < d; e++) for (let c = 0; c < k; c++) out[e * k * d + c * d + e] = 1;
  return out;
}

/** The spherical or diagonal operands: B1 = -1 / (2 s) and B2 = m / s (width x K), and c (K). */
function diagOperands(model: Gmm): { b1: Float32Array; b2: Float32Array; c: Float32Array } {
  const [k, d] = [model.weights.length, model.width];
  const [b1, b2, c] = [new Float32Array(d * k), new Float32Array(d * k), new Float32Array(k)];
  for (let j = 0; j < k; j++) {
    let constant = Math.log(model.weights[j]);
    for (let e = 0; e < d; e++) {
      const [m, s] = [model.means[j * d + e], model.variances[j * d + e]];
      if (!(s > 0)) throw new InputError(`gmm: component ${j}'s variance of value ${e} is ${s} (a value constant over its rows): raise --reg-covar`);
      b1[e * k + j] = -0.5 / s;
      b2[e * k + j] = m / s;
      constant -= 0.5 * ((m * m) / s + Math.log(2 * Math.PI * s));
    }
    c[j] = constant;
  }
  return { b1, b2, c };
}

/** Component j's covariance's Cholesky factor L (full), or an InputError naming it when it is not positive definite. */
function componentFactor(model: Gmm, j: number): Float64Array {
  const d = model.width;
  const l = cholesky(model.covariances!.subarray(j * d * d, (j + 1) * d * d), d);
  if (!l) throw new InputError(`gmm: component ${j}'s covariance is not positive definite (too few rows, collinear values, or float32's precision for a cluster very tight against its distance from the origin): raise --reg-covar`);
  return l;
}

/**
 * The full operands: P = [P_1 .. P_K] (d x Kd, P_k = L_k^-T), the bias -[m_1 P_1 .. m_K P_K] (Kd)
 * and c (K); an InputError naming the component whose covariance is not positive definite.
 */
function fullOperands(model: Gmm): { p: Float32Array; bias: Float32Array; c: Float32Array } {
  const [k, d] = [model.weights.length, model.width];
  const [p, bias, c] = [new Float32Array(d * k * d), new Float32Array(k * d), new Float32Array(k)];
  for (let j = 0; j < k; j++) {
    const l = componentFactor(model, j);
    const inv = lowerInverse(l, d);
    let constant = Math.log(model.weights[j]) - (d / 2) * Math.log(2 * Math.PI);
    for (let f = 0; f < d; f++) {
      constant -= Math.log(l[f * d + f]);
      let shift = 0;
      for (let e = 0; e < d; e++) {
        // P_k[e][f] = (L^-1)[f][e].
        p[e * k * d + j * d + f] = inv[f * d + e];
        shift += model.means[j * d + e] * inv[f * d + e];
      }
      bias[j * d + f] = -shift;
    }
    c[j] = constant;
  }
  return { p, bias, c };
}

/** What a pass computes past the rows' log-likelihoods: nothing, the responsibilities (in `scores`), or those and the M-step's sums. */
type PassOutputs = 'log-likelihoods' | 'responsibilities' | 'sums';

/** An InputError, before any device work, for a model whose density cannot be evaluated (a variance of 0, a covariance that cannot be factored). */
function checkModel(model: Gmm, data: DeviceDataset): void {
  if (data.width !== model.width) throw new InputError(`gmm: the model has ${model.width} values per example, the data ${data.width}`);
  void (model.covariance === 'full' ? fullOperands(model) : diagOperands(model));
}

/** Builds the E-step (and, as `outputs` asks, the responsibilities and the M-step's sums) over every row of `data`, its tensors `owned`'s. */
async function gmmPass(ctx: RunContext, data: DeviceDataset, k: number, covariance: GmmCovariance, owned: Owned, outputs: PassOutputs): Promise<GmmPass> {
  const { count: n, width: d } = data;
  const tensor = (name: string, shape: number[], values?: Float32Array) => owned.add(ctx.pool.tensor(`gmm ${name}`, 'f32', shape, values ? { data: values } : undefined));
  const add = async (dispatches: Promise<{ release(): void }>) => void (await owned.add(dispatches));
  const x = await tensor('rows', [n, d]);
  const scores = await tensor('scores', [n, k]);
  const lse = await tensor('log-likelihoods', [n]);
  const gather = new KernelGraph('gmm rows');
  await add(addBatchGather(gather, ctx, { data, indices: data.inOrder, x, batchSize: n }));
  const graph = new KernelGraph('gmm em step');
  let load: (model: Gmm) => Promise<void>;
  /** Adds the M-step's second moments (after the responsibilities are in `scores`); returns their tensor (and full's sum r (x - m_k)). */
  let secondMoments: () => Promise<{ s2: Tensor; shifted?: Tensor }>;
  if (covariance !== 'full') {
    const x2 = await tensor('squared rows', [n, d]);
    await add(addBinary(gather, ctx, { op: 'mul', a: x, b: x, out: x2 }));
    const o = { b1: await tensor('-1/(2s)', [d, k]), b2: await tensor('m/s', [d, k]), c: await tensor('constants', [k]) };
    await add(addGemm(graph, ctx, { a: x2, b: o.b1, c: scores, m: n, n: k, k: d, bias: o.c }));
    await add(addGemm(graph, ctx, { a: x, b: o.b2, c: scores, m: n, n: k, k: d, beta: 1 }));
    load = async (model) => {
      const v = diagOperands(model);
      await Promise.all([o.b1.write(v.b1), o.b2.write(v.b2), o.c.write(v.c)]);
    };
    secondMoments = async () => {
      const s2 = await tensor("R'X^2", [k, d]);
      await add(addGemm(graph, ctx, { a: scores, b: x2, c: s2, m: k, n: d, k: n, transA: true }));
      return { s2 };
    };
  } else {
    const o = { p: await tensor('L^-T', [d, k * d]), bias: await tensor('-m L^-T', [k * d]), c: await tensor('constants', [k]), shift: await tensor('-m', [k * d]) };
    const y = await tensor('whitened rows', [n, k * d]);
    const halfBlockSums = await tensor('-1/2 block sums', [k * d, k], blockIndicator(k, d, -0.5, true));
    await add(addGemm(graph, ctx, { a: x, b: o.p, c: y, m: n, n: k * d, k: d, bias: o.bias }));
    await add(addBinary(graph, ctx, { op: 'mul', a: y, b: y, out: y }));
    await add(addGemm(graph, ctx, { a: y, b: halfBlockSums, c: scores, m: n, n: k, k: k * d, bias: o.c }));
    load = async (model) => {
      const v = fullOperands(model);
      await Promise.all([o.p.write(v.p), o.bias.write(v.bias), o.c.write(v.c), o.shift.write(Float32Array.from(model.means, (m) => -m))]);
    };
    secondMoments = async () => {
      // y <- R expanded (r_ik in every column of block k), z <- X tiled less each block's mean m_k,
      // z <- y * z = r_i (x) (x_i - m_k), then X' z and z's column sums. About the means, float32 loses
      // (|m| / sd) x 1e-7 of a variance, not (|m| / sd)^2 x 1e-7 as raw second moments would.
      const expand = await tensor('block expansion', [k, k * d], blockIndicator(k, d, 1, false));
      const tile = await tensor('tiling', [d, k * d], tiling(k, d));
      const z = await tensor('row kronecker', [n, k * d]);
      const s2 = await tensor("X'(R (x) (X - m))", [d, k * d]);
      const shifted = await tensor("R'(X - m)", [k * d]);
      await add(addGemm(graph, ctx, { a: scores, b: expand, c: y, m: n, n: k * d, k }));
      await add(addGemm(graph, ctx, { a: x, b: tile, c: z, m: n, n: k * d, k: d, bias: o.shift }));
      await add(addBinary(graph, ctx, { op: 'mul', a: y, b: z, out: z }));
      await add(addGemm(graph, ctx, { a: x, b: z, c: s2, m: d, n: k * d, k: n, transA: true }));
      await add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: z, out: shifted }));
      return { s2, shifted };
    };
  }
  await ctx.scheduler.run(gather);
  await add(addReduce(graph, ctx, { op: 'logsumexp', per: 'row', x: scores, out: lse }));
  if (outputs === 'log-likelihoods') return { graph, load, lse, scores };
  await add(addSoftmax(graph, ctx, { x: scores, out: scores }));
  if (outputs === 'responsibilities') return { graph, load, lse, scores };
  const [sumN, sumX] = [await tensor('N', [k]), await tensor("R'X", [k, d])];
  await add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: scores, out: sumN }));
  await add(addGemm(graph, ctx, { a: scores, b: x, c: sumX, m: k, n: d, k: n, transA: true }));
  return { graph, load, lse, scores, sums: { n: sumN, s1: sumX, ...(await secondMoments()) } };
}

/** Runs a pass with a model's operands; returns the rows' log-likelihoods (float32). */
async function runPass(ctx: RunContext, pass: GmmPass, model: Gmm): Promise<Float32Array> {
  await pass.load(model);
  await ctx.scheduler.run(pass.graph);
  return new Float32Array(await pass.lse.read());
}

const meanOf = (values: Float32Array) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * EM steps over one dataset for mixtures of K components of one covariance kind: the E-step's and
 * M-step's graph built once, its tensors held between steps.
 *
 *   const em = await GmmEm.create(ctx, data, 10, 'diag');
 *   const { logLikelihood, next } = await em.step(model, 1e-6);
 *   em.release();
 */
export class GmmEm implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly pass: GmmPass,
    readonly count: number,
    private readonly shape: { k: number; covariance: GmmCovariance; width: number },
  ) {}

  static create(ctx: RunContext, data: DeviceDataset, components: number, covariance: GmmCovariance): Promise<GmmEm> {
    return building(async (owned) => new GmmEm(ctx, owned, await gmmPass(ctx, data, components, covariance, owned, 'sums'), data.count, { k: components, covariance, width: data.width }));
  }

  /** The rows' mean log-likelihood under `model` (the E-step) and the model the M-step makes of it (each variance plus `reg`). */
  async step(model: Gmm, reg: number): Promise<{ logLikelihood: number; next: Gmm }> {
    const { k, covariance, width } = this.shape;
    if (model.weights.length !== k || model.covariance !== covariance || model.width !== width) {
      throw new InputError(`gmm: a model of ${model.weights.length} ${model.covariance} components over ${model.width} values, but these steps are for ${k} ${covariance} over ${width}`);
    }
    const logLikelihood = meanOf(await runPass(this.ctx, this.pass, model));
    const sums = this.pass.sums!;
    const [sn, s1, s2, shifted] = await Promise.all([sums.n.read(), sums.s1.read(), sums.s2.read(), sums.shifted?.read()]);
    const f32 = (b: ArrayBuffer) => new Float32Array(b);
    const next = mStep({ n: f32(sn), s1: f32(s1), s2: f32(s2), ...(shifted ? { shift: model.means, shifted: f32(shifted) } : {}) }, this.count, width, covariance, reg);
    return { logLikelihood, next };
  }

  release(): void {
    this.owned.release();
  }
}

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
  let model = mStep(labelSums(rows, start.labels, k, d, o.covariance), n, d, o.covariance, reg);
  const em = await GmmEm.create(ctx, data, k, o.covariance);
  try {
    const logLikelihoods: number[] = [];
    let converged = false;
    for (let step = 0; step < iterations; step++) {
      const { logLikelihood, next } = await em.step(model, reg);
      logLikelihoods.push(logLikelihood);
      model = next;
      if (step > 0 && Math.abs(logLikelihoods[step] - logLikelihoods[step - 1]) < tolerance) {
        converged = true;
        break;
      }
    }
    return { model, logLikelihoods, converged };
  } finally {
    em.release();
  }
}

/** The mean log-likelihood per example of `data` under the model (scikit-learn's GaussianMixture.score), and per row. */
export async function gmmLogLikelihood(ctx: RunContext, model: Gmm, data: DeviceDataset): Promise<{ mean: number; perRow: Float32Array }> {
  checkModel(model, data);
  const owned = new Owned();
  try {
    const perRow = await runPass(ctx, await gmmPass(ctx, data, model.weights.length, model.covariance, owned, 'log-likelihoods'), model);
    return { mean: meanOf(perRow), perRow };
  } finally {
    owned.release();
  }
}

/**
 * Each row's responsibilities p(k | x) under the model (n x K, float32; scikit-learn's predict_proba)
 * and its most probable component (predict: the first of equals).
 */
export async function gmmResponsibilities(ctx: RunContext, model: Gmm, data: DeviceDataset): Promise<{ responsibilities: Float32Array; labels: Uint32Array }> {
  checkModel(model, data);
  const k = model.weights.length;
  const owned = new Owned();
  try {
    const pass = await gmmPass(ctx, data, k, model.covariance, owned, 'responsibilities');
    await runPass(ctx, pass, model);
    const responsibilities = new Float32Array(await pass.scores.read());
    const labels = Uint32Array.from({ length: data.count }, (_, r) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (responsibilities[r * k + c] > responsibilities[r * k + best]) best = c;
      return best;
    });
    return { responsibilities, labels };
  } finally {
    owned.release();
  }
}

/**
 * `count` draws from the mixture (count x width, float64) and each one's component: the component by
 * the weights from one uniform, the values m + L z (full; L the covariance's Cholesky factor) or
 * m + sqrt(s) z, z standard normals. Draws: Philox (seed, gmmSample, row), element 0 the component's
 * uniform, element 1 + e / 2 the Box-Muller pair of values e and e + 1.
 *
 *   const { samples } = sampleGmm(model, 1000, 7);
 */
export function sampleGmm(model: Gmm, count: number, seed: number): { samples: Float64Array; components: Uint32Array } {
  if (!(Number.isInteger(count) && count >= 0)) throw new InputError(`gmm: samples = ${count} must be a non-negative integer`);
  const [k, d] = [model.weights.length, model.width];
  const factors = model.covariance === 'full' ? Array.from({ length: k }, (_, c) => componentFactor(model, c)) : null;
  const total = model.weights.reduce((a, b) => a + b, 0);
  const samples = new Float64Array(count * d);
  const components = new Uint32Array(count);
  for (let r = 0; r < count; r++) {
    const u = uniform24(rngBits(seed, RNG_PURPOSES.gmmSample, r, 0, 0)[0]) * total;
    let [c, cumulative] = [k - 1, 0];
    for (let j = 0; j < k; j++) {
      cumulative += model.weights[j];
      if (u < cumulative) {
        c = j;
        break;
      }
    }
    components[r] = c;
    const z = normals(seed, RNG_PURPOSES.gmmSample, r, d, 1);
    for (let e = 0; e < d; e++) {
      let v = model.means[c * d + e];
      if (factors) for (let f = 0; f <= e; f++) v += factors[c][e * d + f] * z[f];
      else v += Math.sqrt(model.variances[c * d + e]) * z[e];
      samples[r * d + e] = v;
    }
  }
  return { samples, components };
}

/** Free parameters, as scikit-learn counts them for BIC: means, covariances (1, d or d(d+1)/2 each), K - 1 weights. */
export function gmmParameters(model: Gmm): number {
  const [k, d] = [model.weights.length, model.width];
  const perComponent = { spherical: 1, diag: d, full: (d * (d + 1)) / 2 }[model.covariance];
  return k * d + k * perComponent + k - 1;
}
