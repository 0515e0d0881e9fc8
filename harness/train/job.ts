// The training job every trainable model shares, in Node or in a page: the data, the model (fresh, or
// a checkpoint checked against the run), the epochs left to --epochs with the model's evaluation and a
// log line after each, the model file saved after every epoch (`save`, the Node command's --out) with
// the history and the run's settings, and the result as plain JSON. A resumed run ends bit-identical to
// an uninterrupted one: the file holds the parameters, the optimiser's and the trainer's state and the
// step, and every random number is keyed by the step.
import { decodeSafetensors } from '../../engine/index.js';
import { Owned } from '../../models/owned.js';
import { defineJob, type Job, type JobContext } from '../backends/context.js';
import type { Schema } from '../cli/schema.js';
import { loadData, DATA_FLAGS, MNIST, type DataSplit } from '../data/source.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { trainEpochs } from './epochs.js';
import type { TrainableModel, TrainedEpochInfo, TrainingFeature, TrainParams } from './feature.js';
import { TRAIN_JOB_FLAGS } from './flags.js';
import { appendEpoch, checkRunSettings, emptyHistory, historyTensors, readHistory } from './history.js';

export interface TrainHooks {
  /** Receives the model file's bytes after every epoch (the Node command writes them to --out). */
  save?: (bytes: Uint8Array) => Promise<void> | void;
  /** A model file to continue from (else the spec's resume-model, else a fresh model). */
  resume?: { bytes: Uint8Array; source: string };
}

/** The schema of a feature's training job: its flags, the data's, the flow's own. */
export function trainJobSchema<S extends Schema>(feature: { flags: S }): S & typeof DATA_FLAGS & typeof TRAIN_JOB_FLAGS {
  return { ...feature.flags, ...DATA_FLAGS, ...TRAIN_JOB_FLAGS };
}

/** The schema of a feature's training job as the flow reads specs with it: without the data's flags when the feature makes its own examples. */
export function featureJobSchema(feature: { flags: Schema; generate?: unknown }): Schema {
  return feature.generate ? { ...feature.flags, ...TRAIN_JOB_FLAGS } : trainJobSchema(feature);
}

type Settings = Pick<TrainingFeature<Schema, TrainableModel, TrainedEpochInfo, unknown>, 'settings' | 'modelSettings' | 'flagNames' | 'generate'>;

/** The settings a checkpoint must share with the run: the data (unless the feature makes its own), then the feature's. */
const runSettings = (feature: Settings, p: TrainParams<Schema>, split: DataSplit) => ({ ...(feature.generate ? {} : { data: p.data }), ...feature.settings(p, split) });

/** The settings saved in a model file: the run's, but those the model's own metadata records. */
function savedSettings(feature: Settings, p: TrainParams<Schema>, split: DataSplit, model: TrainableModel): Record<string, string> {
  const own = new Set(Object.keys(feature.modelSettings?.(model) ?? {}));
  return Object.fromEntries(Object.entries(runSettings(feature, p, split)).filter(([key]) => !own.has(key)));
}

/**
 * Runs a feature's training: see the top of this file.
 *
 *   const result = await runTraining(mlpFeature, ctx, p, { save: (bytes) => writeFileAtomic(out, bytes) });
 */
export async function runTraining<S extends Schema, M extends TrainableModel, E extends TrainedEpochInfo, D>(feature: TrainingFeature<S, M, E, D>, ctx: JobContext, p: TrainParams<S>, hooks: TrainHooks = {}): Promise<JsonObject> {
  feature.check(p);
  const resume = hooks.resume ?? (p['resume-model'] ? { bytes: fromBase64(p['resume-model']), source: 'the resumed model' } : undefined);
  // Data a feature makes may take minutes: a checkpoint of another run is refused first.
  if (resume && feature.knownSettings) checkRunSettings(resume.source, decodeSafetensors(resume.bytes, resume.source).metadata, feature.knownSettings(p), feature.flagNames);
  const split = feature.generate ? await feature.generate(ctx, p) : await loadData(ctx.gpu.adapter.runtime, p);
  const data = await feature.prepare(ctx.gpu.adapter.runtime, p, split);
  const owned = new Owned();
  try {
    const restored = resume ? await feature.restore(ctx, resume.bytes, resume.source) : undefined;
    const model = await owned.add(restored ? restored.model : feature.create(ctx, p, data));
    let history = emptyHistory(feature.series);
    if (restored) {
      // The settings first: a run with another batch size must hear so, not that the steps make no whole epochs.
      // Files from before --data trained on MNIST.
      const saved = { ...(feature.generate ? {} : { data: MNIST }), ...restored.metadata, ...feature.modelSettings?.(model) };
      checkRunSettings(resume!.source, saved, runSettings(feature as Settings, p, split), feature.flagNames);
      const stepsPerEpoch = Math.floor(split.train.count / (feature.examplesPerStep?.(p) ?? p.batch));
      history = readHistory(resume!.source, restored.tensors, restored.metadata, feature.series, { steps: model.params.iteration, stepsPerEpoch });
    }
    const session = await feature.start(ctx, model, p, data, owned, restored);
    const steps = session.trainer.batchesPerEpoch;
    const settings = savedSettings(feature as Settings, p, split, model);
    const file = async () => {
      const metadata = { ...split.metadata, ...settings, test_count: String(split.test.count), epochs: String(Math.round(session.trainer.epoch)), dataset: `${split.note}${feature.dataNote ?? ''}` };
      return model.toSafetensors({ tensors: { ...historyTensors(feature.series, history), ...(await session.state?.()) }, metadata });
    };
    const { wallMs, examples } = await trainEpochs(ctx, session.trainer, session.epochs ?? p.epochs, async (epoch) => {
      const { values, line } = await session.record(epoch, history);
      history = appendEpoch(history, values);
      if (line) ctx.onUnit?.(line(history));
      if (hooks.save) await hooks.save(await file());
    });
    const result: JsonObject = {
      ...feature.result(model, history, p, steps),
      epochs: p.epochs,
      train_count: split.train.count,
      test_count: split.test.count,
      steps_per_epoch: steps,
      // This run's training steps only (a resumed run's earlier epochs are not timed), evaluation excluded.
      examples_per_s: wallMs > 0 ? (1000 * examples) / wallMs : null,
      wall_ms: wallMs,
      adapter: { ...ctx.gpu.adapter },
      ...(await session.finish?.()),
    };
    if (p['return-model']) result.model_base64 = toBase64(await file(), 'the model file');
    return result;
  } finally {
    owned.release();
  }
}

/** The feature's training job: its spec checked (and the model's rules applied) before a device opens. */
export function trainJob<S extends Schema, M extends TrainableModel, E extends TrainedEpochInfo, D>(feature: TrainingFeature<S, M, E, D>): Job {
  return defineJob(featureJobSchema(feature), (ctx, p) => runTraining(feature, ctx, p as TrainParams<S>), (p) => feature.check(p as TrainParams<S>));
}
