// The linear factor models' and clustering's jobs: 'pca' (PCA and probabilistic PCA: the covariance by
// GEMM, models/pca.ts; PPCA's closed form or EM, models/ppca.ts, ppca_em.ts), 'fa' (factor analysis by
// EM, models/factor_analysis.ts), 'kmeans' (many restarts at once, models/kmeans.ts) and 'gmm'
// (Gaussian mixtures by EM, models/gmm.ts) and 'sparse-coding' (dictionary learning with ISTA/FISTA
// codes, models/dictionary_learning.ts), fitted to --data's training examples on the GPU with
// numbers as scikit-learn's PCA, FactorAnalysis, KMeans and GaussianMixture give them, scored on both
// parts of the split, the model file sent back on request. Plain JSON in and out, the same in Node and
// in a page.
import { encodeSafetensors, type SafetensorsTensor } from '../../engine/index.js';
import { faLogLikelihood, fitFactorAnalysis, type FactorAnalysis } from '../../models/factor_analysis.js';
import { fitGmm, gmmLogLikelihood, gmmParameters, gmmResponsibilities, sampleGmm } from '../../models/gmm.js';
import { fitKmeans, kmeansAssign } from '../../models/kmeans.js';
import { DeviceDataset, type RealRows } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { fitPca } from '../../models/pca.js';
import { ppcaFromPca, ppcaLogLikelihood, type Ppca } from '../../models/ppca.js';
import { fitPpcaEm } from '../../models/ppca_em.js';
import { learnDictionary } from '../../models/dictionary_learning.js';
import { sparseCodes, type SparseCodingMethod } from '../../models/sparse_coding.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { loadRows, type LinearDataParams } from './data.js';
import { FA_JOB, GMM_JOB, KMEANS_JOB, PCA_JOB, SPARSE_CODING_JOB } from './flags.js';

/** What every model's job here shares: the data, the seed, the model file on request. */
type LinearParams = LinearDataParams & { 'return-model': boolean; components?: number };

/** A fitted model as the shared flow sees it: its result fields, its file's tensors, and its scorer. */
interface Fitted {
  fields: JsonObject;
  tensors: Record<string, SafetensorsTensor>;
  /** The score of a set (a mean log-likelihood, an inertia, an objective), with any numbers that go with it (sparse codes' sparsity). */
  score(set: DeviceDataset, rows: RealRows): Promise<Score>;
  /** The training rows' score when the fit has it already (k-means' inertia), so that it is not computed again. */
  trainScore?: Score;
  /** Fields made from the reported score and the count of the examples it was measured on (a mixture's BIC). */
  fromScore?(score: number, count: number): JsonObject;
}

/** A set's score, and named numbers measured with it (each reported as the score is: plain, train_ and test_). */
type Score = number | { value: number; extra: Record<string, number> };

/** What a model's score is called in the JSON: log_likelihood (mean per example), inertia (k-means) or objective (sparse coding). */
type ScoreName = 'log_likelihood' | 'inertia' | 'objective';

const valueOf = (s: Score) => (typeof s === 'number' ? s : s.value);
const extraOf = (s: Score) => (typeof s === 'number' ? {} : s.extra);

/** A score's extra numbers as the JSON reports them: `name` for the reported set, train_`name` and test_`name`. */
function extraFields(reported: Score, train: Score, test: Score): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(extraOf(reported))) Object.assign(out, { [name]: value, [`train_${name}`]: extraOf(train)[name], [`test_${name}`]: extraOf(test)[name] });
  return out;
}

const f64 = (shape: number[], data: Float64Array): SafetensorsTensor => ({ dtype: 'F64', shape, data });

/**
 * The shared flow: --data's split uploaded, `fit` on the training part, both parts scored (a mean
 * log-likelihood per example, or k-means' inertia), `<score>` the --test examples' when given, else the
 * training ones' (as scikit-learn's score on what it is given), train_<score> and test_<score> both, and
 * the model file (`tag`, float64 tensors) on request.
 */
async function fitAndScore(ctx: JobContext, p: LinearParams, tag: string, score: ScoreName, fit: (train: DeviceDataset, rows: RealRows, test: DeviceDataset) => Promise<Fitted>): Promise<JsonObject> {
  const started = performance.now();
  const split = await loadRows(ctx, p);
  const { train, test } = split;
  const owned = new Owned();
  try {
    const trainSet = await owned.add(DeviceDataset.uploadRows(ctx, train, 'train'));
    const testSet = await owned.add(DeviceDataset.uploadRows(ctx, test, 'test'));
    ctx.onProgress?.(0, 3);
    const fitted = await fit(trainSet, train, testSet);
    ctx.onProgress?.(1, 3);
    const trainScore = fitted.trainScore ?? (await fitted.score(trainSet, train));
    ctx.onProgress?.(2, 3);
    const testScore = await fitted.score(testSet, test);
    ctx.onProgress?.(3, 3);
    const file = () => encodeSafetensors(fitted.tensors, { model: tag, count: String(train.count), dataset: split.note });
    const [reported, reportedCount] = p.test === undefined ? [trainScore, train.count] : [testScore, test.count];
    const value = valueOf(reported);
    return {
      ...(p.components === undefined ? {} : { components: p.components }),
      width: train.width,
      ...(p.project === undefined ? {} : { projected: p.project }),
      train_count: train.count,
      test_count: test.count,
      ...fitted.fields,
      ...fitted.fromScore?.(value, reportedCount),
      [score]: value,
      [`train_${score}`]: valueOf(trainScore),
      [`test_${score}`]: valueOf(testScore),
      ...extraFields(reported, trainScore, testScore),
      seed: p.seed,
      wall_ms: performance.now() - started,
      adapter: { ...ctx.gpu.adapter },
      ...(p['return-model'] ? { model_base64: toBase64(file(), 'the model file') } : {}),
    };
  } finally {
    owned.release();
  }
}

/** A PPCA model's file: mean [d], components [k, d], explained_variance [k], noise_variance [1] (scikit-learn's attributes by name). */
function ppcaTensors(model: Ppca): Record<string, SafetensorsTensor> {
  const k = model.explainedVariance.length;
  return { mean: f64([model.width], model.mean), components: f64([k, model.width], model.components), explained_variance: f64([k], model.explainedVariance), noise_variance: f64([1], Float64Array.of(model.noiseVariance)) };
}

export function runPca(ctx: JobContext, p: Values<typeof PCA_JOB>): Promise<JsonObject> {
  return fitAndScore(ctx, p, 'pca', 'log_likelihood', async (train) => {
    const pca = await fitPca(ctx, train, p.components, { seed: p.seed });
    const em = p.method === 'em' ? await fitPpcaEm(ctx, train, p.components, { iterations: p.iterations, seed: p.seed }) : null;
    const model = em ? em.model : ppcaFromPca(pca);
    // The total in the model's own convention: n - 1 in the closed form's denominator, n in EM's.
    const total = em ? pca.totalVariance : (pca.totalVariance * pca.count) / (pca.count - 1);
    return {
      fields: {
        explained_variance: Array.from(model.explainedVariance),
        explained_variance_ratio: Array.from(model.explainedVariance, (v) => v / total),
        total_variance: total,
        noise_variance: model.noiseVariance,
        method: p.method,
        // EM's mean log-likelihood of the training rows before its first step and after each.
        em_log_likelihood: em ? em.logLikelihoods : null,
      },
      tensors: ppcaTensors(model),
      score: async (set) => (await ppcaLogLikelihood(ctx, model, set)).mean,
    };
  });
}

/** A factor analysis's file: mean [d], components [k, d] (W', scikit-learn's components_), noise_variance [d]. */
function faTensors(model: FactorAnalysis): Record<string, SafetensorsTensor> {
  const [d, k] = [model.width, model.loadings.length / model.width];
  const components = Float64Array.from({ length: k * d }, (_, e) => model.loadings[(e % d) * k + Math.floor(e / d)]);
  return { mean: f64([d], model.mean), components: f64([k, d], components), noise_variance: f64([d], model.noiseVariance) };
}

export function runFa(ctx: JobContext, p: Values<typeof FA_JOB>): Promise<JsonObject> {
  return fitAndScore(ctx, p, 'fa', 'log_likelihood', async (train) => {
    const { model, logLikelihoods } = await fitFactorAnalysis(ctx, train, p.components, { iterations: p.iterations, tolerance: p.tolerance, seed: p.seed });
    return {
      fields: {
        noise_variance: Array.from(model.noiseVariance),
        iterations: logLikelihoods.length - 1,
        // The mean log-likelihood of the training rows before the first step and after each.
        em_log_likelihood: logLikelihoods,
      },
      tensors: faTensors(model),
      score: async (set) => (await faLogLikelihood(ctx, model, set)).mean,
    };
  });
}

export function runKmeans(ctx: JobContext, p: Values<typeof KMEANS_JOB>): Promise<JsonObject> {
  return fitAndScore(ctx, p, 'kmeans', 'inertia', async (train, rows) => {
    const fit = await fitKmeans(ctx, train, rows.values, { clusters: p.clusters, restarts: p.restarts, iterations: p.iterations, seed: p.seed });
    return {
      fields: { clusters: p.clusters, restarts: p.restarts, iterations: fit.iterations, best_restart: fit.best, inertias: fit.inertias, ...(p.labels ? { labels: Array.from(fit.labels) } : {}) },
      tensors: { centres: f64([p.clusters, rows.width], fit.centres) },
      // Each row's squared distance to its nearest centre, summed (scikit-learn's inertia_; KMeans.score is its negative).
      score: async (_set, d) => kmeansAssign(d.values, d.count, fit.centres, p.clusters, d.width).inertia,
      trainScore: fit.inertia,
    };
  });
}

/** A mixture's draws as the JSON holds them: one array per example, and each one's component. */
const drawn = (d: { samples: Float64Array; components: Uint32Array }, width: number): JsonObject => ({
  samples: Array.from(d.components, (_, r) => Array.from(d.samples.subarray(r * width, (r + 1) * width))),
  sample_components: Array.from(d.components),
});

export function runGmm(ctx: JobContext, p: Values<typeof GMM_JOB>): Promise<JsonObject> {
  return fitAndScore(ctx, p, 'gmm', 'log_likelihood', async (train, rows) => {
    const fit = await fitGmm(ctx, train, rows.values, { components: p.components, covariance: p.covariance, iterations: p.iterations, tolerance: p.tolerance, regCovar: p['reg-covar'], seed: p.seed });
    const { model } = fit;
    const parameters = gmmParameters(model);
    return {
      fields: {
        covariance: p.covariance,
        weights: Array.from(model.weights),
        iterations: fit.logLikelihoods.length,
        converged: fit.converged,
        em_log_likelihood: fit.logLikelihoods,
        parameters,
        ...(p.labels ? { labels: Array.from((await gmmResponsibilities(ctx, model, train)).labels) } : {}),
        ...(p.samples > 0 ? drawn(sampleGmm(model, p.samples, p.seed), model.width) : {}),
      },
      tensors: {
        weights: f64([p.components], model.weights),
        means: f64([p.components, model.width], model.means),
        variances: f64([p.components, model.width], model.variances),
        ...(model.covariances ? { covariances: f64([p.components, model.width, model.width], model.covariances) } : {}),
      },
      score: async (set) => (await gmmLogLikelihood(ctx, model, set)).mean,
      // scikit-learn's bic on the examples log_likelihood is measured on: -2 n score + p ln n.
      fromScore: (score, count) => ({ bic: -2 * count * score + parameters * Math.log(count) }),
    };
  });
}

export function runSparseCoding(ctx: JobContext, p: Values<typeof SPARSE_CODING_JOB>): Promise<JsonObject> {
  return fitAndScore(ctx, p, 'sparse-coding', 'objective', async (train, rows, test) => {
    const k = p.components;
    const learned = await learnDictionary(ctx, train, rows.values, { atoms: k, alpha: p.alpha, iterations: p.iterations, codeIterations: p['code-iterations'], method: p.method, seed: p.seed,
      onIteration: (it, objective) => ctx.onUnit?.(`alternation ${it}/${p.iterations}: objective ${objective.toFixed(5)}`),
    });
    const codes = { alpha: p.alpha, iterations: p['code-iterations'] };
    // The convergence curves: both methods from h = 0 on the held-out rows, the objective after every step.
    const curve = async (method: SparseCodingMethod) => (await sparseCodes(ctx, learned.dictionary, k, test, { ...codes, method, trace: true })).trace!;
    const curves = { ista: await curve('ista'), fista: await curve('fista') };
    return {
      fields: { alpha: p.alpha, method: p.method, iterations: p.iterations, code_iterations: p['code-iterations'], learning_objective: learned.objectives, curves },
      tensors: { components: f64([k, rows.width], learned.dictionary) },
      // The codes of a set from h = 0 under the learned dictionary: their mean objective and fraction of zeros.
      score: async (set) => {
        const found = await sparseCodes(ctx, learned.dictionary, k, set, { ...codes, method: p.method });
        return { value: found.objective, extra: { sparsity: found.sparsity } };
      },
    };
  });
}

export const pcaJob = defineJob(PCA_JOB, runPca);
export const sparseCodingJob = defineJob(SPARSE_CODING_JOB, runSparseCoding);
export const gmmJob = defineJob(GMM_JOB, runGmm);
export const kmeansJob = defineJob(KMEANS_JOB, runKmeans);
export const faJob = defineJob(FA_JOB, runFa);
