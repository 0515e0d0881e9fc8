// The 'sbn-train' and 'sbn-eval' jobs: a sigmoid belief net trained (the training feature, train.ts),
// and its test log p(x) estimated by importance sampling with K draws; plain JSON in and out, the same
// in Node and in a page.
import { Owned } from '../../models/owned.js';
import { Sbn } from '../../models/sbn.js';
import { SbnEvaluator } from '../../models/sbn_eval.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { fromBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { trainJob } from '../train/job.js';
import { uploadBinaryTestDigits } from '../vae/data.js';
import { SBN_EVAL_JOB } from './flags.js';
import { SBN_FEATURE } from './train.js';

export async function runSbnEval(ctx: JobContext, p: Values<typeof SBN_EVAL_JOB>): Promise<JsonObject> {
  const started = performance.now();
  const { sbn, metadata } = await Sbn.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(sbn);
  try {
    const { test } = await uploadBinaryTestDigits(ctx, p, sbn.config.inputs, owned);
    const evaluator = await owned.add(SbnEvaluator.create(ctx, sbn, test, { k: p.k, seed: p.seed, maxRows: p['max-rows'] }));
    const e = await evaluator.evaluate(ctx.onProgress);
    return { log_px: e.logPx, k: e.k, test_count: e.count, hidden: sbn.config.hidden as number[], method: metadata.method ?? null, epochs: Number(metadata.epochs ?? NaN), steps: sbn.params.iteration, seed: p.seed, wall_ms: performance.now() - started, adapter: { ...ctx.gpu.adapter } };
  } finally {
    owned.release();
  }
}

export const sbnTrainJob = trainJob(SBN_FEATURE);
export const sbnEvalJob = defineJob(SBN_EVAL_JOB, runSbnEval);
