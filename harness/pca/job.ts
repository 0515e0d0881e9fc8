// The 'pca' job: PCA and probabilistic PCA fitted to --data's training examples on the GPU (the
// covariance by GEMM, models/pca.ts; PPCA's closed form, models/ppca.ts), numbers as scikit-learn's PCA
// gives them (explained_variance_, explained_variance_ratio_, noise_variance_, score), and the model
// file. Plain JSON in and out, the same in Node and in a page.
import { encodeSafetensors } from '../../engine/index.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { fitPca } from '../../models/pca.js';
import { ppcaFromPca, ppcaLogLikelihood, type Ppca } from '../../models/ppca.js';
import { fitPpcaEm } from '../../models/ppca_em.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { labelledBytes } from '../data/dataset.js';
import { loadData } from '../data/source.js';
import { toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { PCA_JOB } from './flags.js';

export type PcaParams = Values<typeof PCA_JOB>;

/** The model file's tag. */
export const PCA_MODEL = 'pca';

/**
 * A fit as safetensors: mean [d], components [k, d], explained_variance [k], noise_variance [1]
 * (float64, scikit-learn's attributes by name), metadata model 'pca', count, dataset.
 */
export function pcaFile(model: Ppca, o: { count: number; dataset: string }): Uint8Array {
  const k = model.explainedVariance.length;
  const f64 = (shape: number[], data: Float64Array) => ({ dtype: 'F64' as const, shape, data });
  return encodeSafetensors(
    { mean: f64([model.width], model.mean), components: f64([k, model.width], model.components), explained_variance: f64([k], model.explainedVariance), noise_variance: f64([1], Float64Array.of(model.noiseVariance)) },
    { model: PCA_MODEL, count: String(o.count), dataset: o.dataset },
  );
}

export async function runPca(ctx: JobContext, p: PcaParams): Promise<JsonObject> {
  const started = performance.now();
  const split = await loadData(ctx.gpu.adapter.runtime, p);
  const owned = new Owned();
  try {
    const [train, test] = [labelledBytes(split.train), labelledBytes(split.test)];
    const trainSet = await owned.add(DeviceDataset.upload(ctx, train, 'train'));
    ctx.onProgress?.(0, 3);
    const pca = await fitPca(ctx, trainSet, p.components, { seed: p.seed });
    const em = p.method === 'em' ? await fitPpcaEm(ctx, trainSet, p.components, { iterations: p.iterations, seed: p.seed, onIteration: (i) => ctx.onProgress?.(i / p.iterations, 3) }) : null;
    const model = em ? em.model : ppcaFromPca(pca);
    ctx.onProgress?.(1, 3);
    const trainLl = (await ppcaLogLikelihood(ctx, model, trainSet)).mean;
    ctx.onProgress?.(2, 3);
    const testLl = (await ppcaLogLikelihood(ctx, model, await owned.add(DeviceDataset.upload(ctx, test, 'test')))).mean;
    ctx.onProgress?.(3, 3);
    // The total in the model's own convention: n - 1 in the closed form's denominator, n in EM's.
    const total = em ? pca.totalVariance : (pca.totalVariance * pca.count) / (pca.count - 1);
    return {
      components: p.components,
      width: model.width,
      train_count: train.count,
      test_count: test.count,
      explained_variance: Array.from(model.explainedVariance),
      explained_variance_ratio: Array.from(model.explainedVariance, (v) => v / total),
      total_variance: total,
      noise_variance: model.noiseVariance,
      method: p.method,
      // EM's mean log-likelihood of the training rows before its first step and after each.
      em_log_likelihood: em ? em.logLikelihoods : null,
      // The held-out examples' when --test names them, else the training data's (as scikit-learn's score on what it is given).
      log_likelihood: p.test === undefined ? trainLl : testLl,
      train_log_likelihood: trainLl,
      test_log_likelihood: testLl,
      seed: p.seed,
      wall_ms: performance.now() - started,
      adapter: { ...ctx.gpu.adapter },
      ...(p['return-model'] ? { model_base64: toBase64(pcaFile(model, { count: train.count, dataset: split.note }), 'the model file') } : {}),
    };
  } finally {
    owned.release();
  }
}

export const pcaJob = defineJob(PCA_JOB, runPca);
