// The 'dbn-train', 'dbn-eval' and 'dbn-sample' jobs: a deep belief net trained greedily (the training
// feature, train.ts), evaluated in nats and sampled on the GPU, plain JSON in and out, the same in Node
// and in a page.
import { InputError } from '../../engine/index.js';
import { Dbn, dbnLowerBound, sampleDbn } from '../../models/dbn.js';
import { Owned } from '../../models/owned.js';
import type { Rbm } from '../../models/rbm.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { RbmEvaluator } from '../../models/rbm_evaluate.js';
import { aisBaseBiases, EXACT_MAX_HIDDEN, rbmAis, rbmExactLogZ } from '../../models/rbm_partition.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { checkModelWidth } from '../data/dataset.js';
import { loadData } from '../data/source.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import type { TrainParams } from '../train/feature.js';
import { runTraining, trainJob, type TrainHooks } from '../train/job.js';
import { greyBytes } from '../rbm/images.js';
import { DBN_EVAL_JOB, DBN_SAMPLE_JOB, type DBN_TRAIN_FLAGS } from './flags.js';
import { classifierEvaluator, DBN_FEATURE, dbnData, generativeTester } from './train.js';

export const runDbnTrain = (ctx: JobContext, p: TrainParams<typeof DBN_TRAIN_FLAGS>, hooks?: TrainHooks): Promise<JsonObject> => runTraining(DBN_FEATURE, ctx, p, hooks);

export type DbnEvalParams = Values<typeof DBN_EVAL_JOB>;

/**
 * log Z of an RBM: exact (a sum over its hidden states), or AIS from the base-rate model of its
 * visible units' means over the training data (as the RBM sees it).
 */
async function logZOf(ctx: JobContext, rbm: Rbm, p: DbnEvalParams, means: ArrayLike<number>): Promise<{ logZ: number; logZStderr: number }> {
  if (p.exact) return { logZ: await rbmExactLogZ(ctx, rbm), logZStderr: 0 };
  return rbmAis(ctx, rbm, { runs: p['ais-runs'], betas: p['ais-betas'], base: aisBaseBiases('bernoulli', means), seed: p.seed, onProgress: ctx.onProgress });
}

/**
 * The fine-tuned classifier's test error (null before fine-tuning), the label units' (null without),
 * the first RBM's own test log-likelihood (-F(v) - log Z_1; null when it is the top RBM with label
 * units), and for a two-layer net without label units the variational lower bound on log p(v) of the
 * test digits (dbnLowerBound with log Z_2; its standard error is log Z_2's), so that one sees whether
 * the second layer helped. The digits are binarised as the net was trained.
 */
export async function runDbnEval(ctx: JobContext, p: DbnEvalParams): Promise<JsonObject> {
  const { dbn, metadata } = await Dbn.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(dbn);
  try {
    const [bottom] = dbn.rbms;
    if (p.exact && dbn.rbms.some((rbm) => rbm.hidden > EXACT_MAX_HIDDEN)) throw new InputError(`--exact sums over 2^hidden states: at most ${EXACT_MAX_HIDDEN} hidden units per RBM, the net has ${dbn.layers.slice(1).join(', ')} (leave --exact out for AIS)`);
    const data = dbnData(await loadData(ctx.gpu.adapter.runtime, p), metadata.binarize === 'threshold' ? 'threshold' : 'sample');
    checkModelWidth(bottom.visible, data.train.width, 'visible units');
    const test = await owned.add(RbmDataset.upload(ctx, data.test, 'test'));
    let first: JsonObject = { rbm_log_p: null, rbm_log_p_stderr: null, rbm_log_z: null };
    if (bottom.labels === 0) {
      const logZ = await logZOf(ctx, bottom, p, data.means);
      const onTest = await (await owned.add(RbmEvaluator.create(ctx, bottom, test, { seed: p.seed }))).evaluate();
      first = { rbm_log_p: -onTest.meanFreeEnergy - logZ.logZ, rbm_log_p_stderr: logZ.logZStderr, rbm_log_z: logZ.logZ };
    }
    let bound: JsonObject = { log_p_lower_bound: null, log_p_lower_bound_stderr: null, top_log_z: null, samples: null };
    if (dbn.rbms.length === 2 && dbn.labels === 0) {
      const train = await owned.add(RbmDataset.upload(ctx, data.train, 'train'));
      const middle = await owned.add(dbn.propagate(ctx, train, { layer: 0, input: 'probabilities', seed: p.seed }));
      const top = await logZOf(ctx, dbn.top, p, await middle.columnMeans(ctx));
      const b = await dbnLowerBound(ctx, dbn, test, { logZ: top.logZ, samples: p.samples, seed: p.seed });
      bound = { log_p_lower_bound: b.logPLowerBound, log_p_lower_bound_stderr: top.logZStderr, top_log_z: top.logZ, samples: p.samples };
    }
    const classifier = dbn.classifier ? await (await classifierEvaluator(ctx, dbn, data, owned)).evaluate() : null;
    const generative = dbn.labels > 0 ? await generativeTester(ctx, dbn, data, owned, test)() : null;
    return {
      test_error: classifier?.error ?? null,
      test_errors: classifier?.errors ?? null,
      generative_test_error: generative?.error ?? null,
      generative_test_errors: generative?.errors ?? null,
      labels: dbn.labels,
      ...bound,
      ...first,
      exact: p.exact,
      ais_runs: p.exact ? null : p['ais-runs'],
      layers: [...dbn.layers],
      test_count: data.test.count,
      train_count: data.train.count,
      epochs: metadata.epochs === undefined ? null : Number(metadata.epochs),
      steps: dbn.params.iteration,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    owned.release();
  }
}

export type DbnSampleParams = Values<typeof DBN_SAMPLE_JOB>;

/**
 * Generated digits: `count` chains of `steps` Gibbs steps in the top RBM (its label units clamped to
 * `label` when given), then one down pass; the means as grey bytes (base64).
 */
export async function runDbnSample(ctx: JobContext, p: DbnSampleParams): Promise<JsonObject> {
  const { dbn } = await Dbn.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  try {
    const means = await sampleDbn(ctx, dbn, { count: p.count, steps: p.steps, seed: p.seed, label: p.label, onProgress: ctx.onProgress });
    return { count: p.count, steps: p.steps, label: p.label ?? null, visible: dbn.layers[0], images_base64: toBase64(greyBytes(means)), adapter: { ...ctx.gpu.adapter } };
  } finally {
    dbn.release();
  }
}

export const dbnTrainJob = trainJob(DBN_FEATURE);
export const dbnEvalJob = defineJob(DBN_EVAL_JOB, runDbnEval);
export const dbnSampleJob = defineJob(DBN_SAMPLE_JOB, runDbnSample);
