// Probabilistic PCA (Tipping & Bishop 1999): x = b + W z + noise, z ~ N(0, I_k), noise ~ N(0, s2 I),
// so that p(x) = N(x | b, W W' + s2 I). Its maximum-likelihood fit has a closed form from PCA: b the
// mean, s2 the mean of the covariance's discarded eigenvalues, W = V' (Lambda - s2 I)^(1/2) with V the
// k leading eigenvectors. Numbers as scikit-learn's PCA: the eigenvalues are the covariance's with
// n - 1 in the denominator (explained_variance_), s2 their mean over the rest of the min(n, d) of them
// (noise_variance_), and the log-likelihood of a row is PCA.score_samples'. On the GPU: the rows
// centred (a row-broadcast subtraction), each row's squared norm (a reduction) and its projections
// (x - b) V' (one GEMM); the rest per row in float64 on the host, by the model's eigen-decomposition:
//   log p(x) = -1/2 [ d log 2 pi + sum_i log l_i + (d - k) log s2 + sum_i p_i^2 / l_i + (|x - b|^2 - sum_i p_i^2) / s2 ]
// with p = V (x - b), l_i the k eigenvalues (W W' + s2 I has eigenvalue l_i along v_i and s2 across).
import { InputError, KernelGraph, type RunContext } from '../engine/index.js';
import { addBinary, addGemm, addReduce } from '../engine/ops/index.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { Owned } from './owned.js';
import type { Pca } from './pca.js';

export interface Ppca {
  width: number;
  /** b: the data's mean, width values. */
  mean: Float64Array;
  /** V: k x width, row-major, the leading eigenvectors of the covariance (PCA's components). */
  components: Float64Array;
  /** The k leading eigenvalues of the covariance with n - 1 in the denominator (scikit-learn's explained_variance_). */
  explainedVariance: Float64Array;
  /** s2: the mean of the discarded eigenvalues (scikit-learn's noise_variance_; 0 when none are left). */
  noiseVariance: number;
}

/**
 * The closed-form PPCA of a PCA fit (its k components, the covariance's trace and the row count): the
 * eigenvalues rescaled to n - 1 in the denominator as scikit-learn's (or with `denominator` 'n' as they
 * are: the exact maximum of the training rows' likelihood, where EM converges), s2 the mean of the rest
 * of the min(n, d) eigenvalues (with 'n', of all d: those past the rank are 0).
 */
export function ppcaFromPca(pca: Pca, o: { denominator?: 'n' | 'n-1' } = {}): Ppca {
  const k = pca.components.length / pca.width;
  if (pca.count < 2) throw new InputError(`ppca: ${pca.count} example: the covariance needs at least 2`);
  const scale = o.denominator === 'n' ? 1 : pca.count / (pca.count - 1);
  const explainedVariance = Float64Array.from(pca.variances, (v) => v * scale);
  // scikit-learn averages the min(n, d) - k eigenvalues it computes; the exact maximum averages all d - k (those past the rank are 0).
  const rest = (o.denominator === 'n' ? pca.width : Math.min(pca.count, pca.width)) - k;
  const discarded = pca.totalVariance * scale - explainedVariance.reduce((a, b) => a + b, 0);
  // The float64 sum of the leading eigenvalues can exceed the trace by rounding when nothing is left.
  const noiseVariance = rest > 0 ? Math.max(0, discarded) / rest : 0;
  return { width: pca.width, mean: pca.mean, components: pca.components, explainedVariance, noiseVariance };
}

/** The log-likelihood of one row from its squared centred norm and its projections on the components (see the top of this file). */
export function ppcaRowLogLikelihood(model: Ppca, squaredNorm: number, projections: ArrayLike<number>): number {
  const { width: d, explainedVariance: l, noiseVariance: s2 } = model;
  const k = l.length;
  let [inside, quadratic, logDet] = [0, 0, 0];
  for (let i = 0; i < k; i++) {
    inside += projections[i] ** 2;
    quadratic += projections[i] ** 2 / l[i];
    logDet += Math.log(l[i]);
  }
  // Along the discarded directions: the rest of the squared norm, at variance s2 (none when k = d).
  if (k < d) {
    quadratic += Math.max(0, squaredNorm - inside) / s2;
    logDet += (d - k) * Math.log(s2);
  }
  return -0.5 * (d * Math.log(2 * Math.PI) + logDet + quadratic);
}

/** Checks that a model has a density: positive eigenvalues, and a positive s2 when components are discarded. */
function checkDensity(model: Ppca): void {
  const k = model.explainedVariance.length;
  const zero = model.explainedVariance.findIndex((v) => !(v > 0));
  if (zero >= 0) throw new InputError(`ppca: component ${zero + 1} has variance ${model.explainedVariance[zero]}: the data spans fewer than ${k} directions (ask for fewer components)`);
  if (k < model.width && !(model.noiseVariance > 0)) throw new InputError(`ppca: the noise variance is ${model.noiseVariance}: the ${k} components hold all the data's variance, and the density is degenerate (ask for fewer components)`);
}

/**
 * The log-likelihood of every example of `data` (as the models see it: bytes / 255, or real rows) under the model, in
 * nats: per row, and their mean (scikit-learn's PCA.score).
 *
 *   const { mean } = await ppcaLogLikelihood(ctx, ppcaFromPca(await fitPca(ctx, train, 50)), test);
 */
export async function ppcaLogLikelihood(ctx: RunContext, model: Ppca, data: DeviceDataset): Promise<{ mean: number; perRow: Float64Array }> {
  const { width: d } = model;
  const k = model.explainedVariance.length;
  if (data.width !== d) throw new InputError(`ppca: the model has ${d} values per example, the data ${data.width}`);
  checkDensity(model);
  const basis = Float64Array.from({ length: d * k }, (_, e) => model.components[(e % k) * d + Math.floor(e / k)]);
  const { norms: n2, projections: p } = await centredProjections(ctx, data, { name: 'ppca', mean: model.mean, basis, k });
  const perRow = Float64Array.from({ length: data.count }, (_, r) => ppcaRowLogLikelihood(model, n2[r], p.subarray(r * k, (r + 1) * k)));
  return { mean: perRow.reduce((a, b) => a + b, 0) / data.count, perRow };
}

/**
 * Every example of `data` (as gathered) centred by `mean` and divided by `scale` when given, on the
 * GPU: each row's squared norm (a reduction) and its products with the width x k `basis` (a GEMM),
 * read back. What a linear Gaussian model's log-likelihood needs of each row (PPCA, factor analysis).
 */
export async function centredProjections(ctx: RunContext, data: DeviceDataset, o: { name: string; mean: Float64Array; scale?: Float64Array; basis: Float64Array; k: number }): Promise<{ norms: Float32Array; projections: Float32Array }> {
  const [d, k] = [data.width, o.k];
  const owned = new Owned();
  try {
    const graph = new KernelGraph(`${o.name} projections`);
    const tensor = (what: string, dtype: 'f32' | 'u32', shape: number[], values?: Float64Array) => owned.add(ctx.pool.tensor(`${o.name} ${what}`, dtype, shape, values ? { data: Float32Array.from(values) } : undefined));
    const x = await tensor('rows', 'f32', [data.count, d]);
    const mean = await tensor('mean', 'f32', [d], o.mean);
    const basis = await tensor('basis', 'f32', [d, k], o.basis);
    const norms = await tensor('squared norms', 'f32', [data.count]);
    const projections = await tensor('projections', 'f32', [data.count, k]);
    await owned.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x, batchSize: data.count }));
    await owned.add(addBinary(graph, ctx, { op: 'sub', a: x, b: mean, out: x }));
    if (o.scale) await owned.add(addBinary(graph, ctx, { op: 'div', a: x, b: await tensor('scale', 'f32', [d], o.scale), out: x }));
    await owned.add(addReduce(graph, ctx, { op: 'sumsq', per: 'row', x, out: norms }));
    await owned.add(addGemm(graph, ctx, { a: x, b: basis, c: projections, m: data.count, n: k, k: d }));
    await ctx.scheduler.run(graph);
    return { norms: new Float32Array(await norms.read()), projections: new Float32Array(await projections.read()) };
  } finally {
    owned.release();
  }
}
