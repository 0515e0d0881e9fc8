// The 'rbm-train', 'rbm-eval' and 'rbm-sample' jobs: an RBM on MNIST (our split) on the GPU, plain
// JSON in and out, the same in Node and in a page. Training can save the model after every epoch
// (`save`, the Node command's --out) and continue from a model file (`resume`), ending bit-identical
// to an uninterrupted run: the file holds the parameters, the momentum, the persistent chains, the
// sparsity estimate and the step, and every random number is keyed by the step.
import { InputError } from '../../engine/index.js';
import { Rbm, sampleRbm, validateRbmConfig, type RbmConfig } from '../../models/rbm.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { RbmEvaluator } from '../../models/rbm_evaluate.js';
import { aisBaseBiases, rbmAis, rbmExactLogZ, type RbmAisResult } from '../../models/rbm_partition.js';
import { RbmTrainer, rbmOptimizerState, validateRbmTraining, type RbmTrainingOptions, type RbmTrainingState } from '../../models/rbm_trainer.js';
import { Owned } from '../../models/owned.js';
import { trainEpochs } from '../backends/epochs.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { Json, JsonObject } from '../io/json.js';
import { emptyHistory, fileStandardization, rbmFileExtra, resumeState, type RbmHistory, type RbmTrainParams } from './checkpoint.js';
import { initialVisibleBiases, loadRbmData, type RbmBinarize, type RbmData } from './data.js';
import { RBM_EVAL_JOB, RBM_SAMPLE_JOB, RBM_TRAIN_JOB } from './flags.js';
import { filterImages, greyBytes, visibleImages } from './images.js';

/** The model of a run: MNIST's 784 visible units, the hidden count, the visible units' kind. */
export function rbmConfig(p: Pick<RbmTrainParams, 'hidden' | 'visible'>): RbmConfig {
  return { visible: 784, hidden: p.hidden, visibleType: p.visible };
}

/**
 * The training options of a run. With --lr-decay the learning rate is lr * decay^(t / stepsPerEpoch)
 * at step t: a schedule of the step alone, so that a resumed run follows it whatever --epochs says.
 */
export function rbmTraining(p: RbmTrainParams, stepsPerEpoch = 1): RbmTrainingOptions {
  const target = p['sparsity-target'];
  const decay = p['lr-decay'];
  return {
    k: p.cd,
    chains: p.pcd ? p.chains : 0,
    lr: decay === 1 ? p.lr : { kind: 'exponential', initial: p.lr, gamma: decay ** (1 / stepsPerEpoch) },
    momentum: p.momentum,
    finalMomentum: p['final-momentum'],
    momentumEpochs: p['momentum-epochs'],
    weightDecay: p['weight-decay'],
    sparsity: target === undefined ? undefined : { target, cost: p['sparsity-cost'] },
    batch: p.batch,
    seed: p.seed,
    epochs: p.epochs,
  };
}

/** The model's own rules on a run's values (InputErrors naming the parameter), before any device is opened. */
export function checkRbmTrainParams(p: RbmTrainParams): void {
  validateRbmConfig(rbmConfig(p));
  validateRbmTraining(rbmTraining(p));
  if (!(p['lr-decay'] > 0 && p['lr-decay'] <= 1)) throw new InputError(`rbm training: lr-decay must lie in (0, 1], got ${p['lr-decay']}`);
}

export interface RbmTrainHooks {
  /** Receives the model file's bytes after every epoch (the Node command writes them to --out). */
  save?: (bytes: Uint8Array) => Promise<void> | void;
  /** A model file to continue from (else the spec's resume-model, else a fresh model). */
  resume?: { bytes: Uint8Array; source: string };
}

/** A one-line account of an epoch, as the CLI logs it. */
function epochLine(epoch: number, epochs: number, h: RbmHistory, steps: number, ais?: RbmAisResult & { testLogProb: number }): string {
  const recent = h.trainReconstruction.slice(-steps);
  const recon = recent.reduce((a, b) => a + b, 0) / recent.length;
  const [train, test] = [h.trainFreeEnergy[epoch], h.testFreeEnergy[epoch]];
  const line = `epoch ${epoch + 1}/${epochs}: reconstruction error ${recon.toFixed(3)} (test ${h.testReconstruction[epoch].toFixed(3)}), free energy train ${train.toFixed(3)} test ${test.toFixed(3)} (gap ${(test - train).toFixed(3)})`;
  return ais ? `${line}, test log-likelihood ${ais.testLogProb.toFixed(2)} +- ${ais.logZStderr.toFixed(2)} (AIS)` : line;
}

/** The file's model and state when resuming (checked against the run), else a fresh model. */
async function startModel(ctx: JobContext, p: RbmTrainParams, data: RbmData, hooks: RbmTrainHooks): Promise<{ rbm: Rbm; history: RbmHistory; state: RbmTrainingState }> {
  const resume = hooks.resume ?? (p['resume-model'] ? { bytes: fromBase64(p['resume-model']), source: 'the resumed model' } : undefined);
  if (!resume) {
    const rbm = await Rbm.create(ctx, rbmConfig(p), { seed: p.seed, state: rbmOptimizerState(rbmTraining(p)), visibleBias: initialVisibleBiases(p.visible, data.means) });
    return { rbm, history: emptyHistory(), state: {} };
  }
  const restored = await Rbm.fromSafetensors(ctx, resume.bytes, resume.source);
  const rbm = restored.rbm;
  try {
    const model = { visible: rbm.visible, hidden: rbm.hidden, visibleType: rbm.visibleType, steps: rbm.params.iteration };
    return { rbm, ...resumeState(resume.source, restored, model, p, data.train.count) };
  } catch (e) {
    rbm.release();
    throw e;
  }
}

/** The first `count` training examples, the free-energy monitor's training side (as many as the test set). */
const firstOf = (x: RbmData['train'], count: number) => ({ images: x.images.subarray(0, count * x.width), count, width: x.width });

export async function runRbmTrain(ctx: JobContext, p: RbmTrainParams, hooks: RbmTrainHooks = {}): Promise<JsonObject> {
  checkRbmTrainParams(p);
  const data = await loadRbmData(ctx.gpu.adapter.runtime, { visible: p.visible, binarize: p.binarize, trainCount: p['train-count'], testCount: p['test-count'] });
  const start = await startModel(ctx, p, data, hooks);
  const { rbm, state } = start;
  let history = start.history;
  const owned = new Owned();
  await owned.add(rbm);
  try {
    const s = data.standardization;
    const train = await owned.add(RbmDataset.upload(ctx, data.train, 'mnist train', s));
    const test = await owned.add(RbmDataset.upload(ctx, data.test, 'mnist test', s));
    const monitor = await owned.add(RbmDataset.upload(ctx, firstOf(data.train, Math.min(data.test.count, data.train.count)), 'mnist train monitor', s));
    const steps = Math.floor(data.train.count / p.batch);
    const trainer = await owned.add(RbmTrainer.create(ctx, rbm, train, rbmTraining(p, steps), state));
    const testEval = await owned.add(RbmEvaluator.create(ctx, rbm, test, { seed: p.seed }));
    const trainEval = await owned.add(RbmEvaluator.create(ctx, rbm, monitor, { seed: p.seed }));
    const curve: Json[] = [];
    const save = async () => hooks.save?.(await rbm.toSafetensors(rbmFileExtra(p, { train: data.train.count, test: data.test.count, visible: rbm.visible }, history, await trainer.state(), s)));
    const { wallMs, examples } = await trainEpochs(ctx, trainer, p.epochs, async (epoch) => {
      const [onTest, onTrain] = [await testEval.evaluate(), await trainEval.evaluate()];
      history = {
        trainReconstruction: [...history.trainReconstruction, ...epoch.reconstructionErrors],
        testReconstruction: [...history.testReconstruction, onTest.reconstructionError],
        trainFreeEnergy: [...history.trainFreeEnergy, onTrain.meanFreeEnergy],
        testFreeEnergy: [...history.testFreeEnergy, onTest.meanFreeEnergy],
      };
      let ais: (RbmAisResult & { testLogProb: number }) | undefined;
      if (p['curve-ais-runs'] > 0) {
        const r = await rbmAis(ctx, rbm, { runs: p['curve-ais-runs'], betas: p['curve-ais-betas'], base: aisBaseBiases(rbm.visibleType, data.means), seed: p.seed + epoch.epoch });
        ais = { ...r, testLogProb: -onTest.meanFreeEnergy - r.logZ };
        curve.push({ epoch: epoch.epoch + 1, log_z: r.logZ, log_z_stderr: r.logZStderr, test_avg_log_prob: ais.testLogProb, train_avg_log_prob: -onTrain.meanFreeEnergy - r.logZ });
      }
      ctx.onUnit?.(epochLine(epoch.epoch, p.epochs, history, steps, ais));
      await save();
    });
    const last = history.testFreeEnergy.length - 1;
    const result: JsonObject = {
      model: 'rbm',
      visible: rbm.visibleType,
      hidden: rbm.hidden,
      k: p.cd,
      pcd: p.pcd,
      chains: p.pcd ? p.chains : null,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      epochs: p.epochs,
      train_count: data.train.count,
      test_count: data.test.count,
      steps_per_epoch: steps,
      reconstruction_error: history.testReconstruction[last] ?? null,
      free_energy_gap: last >= 0 ? history.testFreeEnergy[last] - history.trainFreeEnergy[last] : null,
      history: history.testFreeEnergy.map((testF, e): Json => ({
        epoch: e + 1,
        train_reconstruction_error: history.trainReconstruction.slice(e * steps, (e + 1) * steps).reduce((a, b) => a + b, 0) / steps,
        test_reconstruction_error: history.testReconstruction[e],
        train_free_energy: history.trainFreeEnergy[e],
        test_free_energy: testF,
        free_energy_gap: testF - history.trainFreeEnergy[e],
      })),
      train_reconstruction_error: history.trainReconstruction,
      ais_curve: curve,
      // This run's training steps only (a resumed run's earlier epochs are not timed), evaluation excluded.
      examples_per_s: wallMs > 0 ? (1000 * examples) / wallMs : null,
      wall_ms: wallMs,
      adapter: { ...ctx.gpu.adapter },
    };
    if (p['return-model']) result.model_base64 = toBase64(await rbm.toSafetensors(rbmFileExtra(p, { train: data.train.count, test: data.test.count, visible: rbm.visible }, history, await trainer.state(), s)));
    if (p['return-images']) Object.assign(result, await modelImages(ctx, rbm, { rows: data.rows, cols: data.cols, seed: p.seed, steps: p['image-steps'], standardization: s }));
    return result;
  } finally {
    owned.release();
  }
}

/** Images for the report: the first 100 filters and 100 fantasy particles after `steps` Gibbs steps, as base64 grey bytes. */
async function modelImages(ctx: JobContext, rbm: Rbm, o: { rows: number; cols: number; seed: number; steps: number; standardization?: RbmData['standardization'] }): Promise<JsonObject> {
  const count = Math.min(100, rbm.hidden);
  const filters = filterImages(new Float32Array(await rbm.weights.value.read()), rbm.visible, rbm.hidden, count);
  const samples = visibleImages(await sampleRbm(ctx, rbm, { count: 100, steps: o.steps, seed: o.seed }), rbm.visible, o.standardization);
  return { image_rows: o.rows, image_cols: o.cols, filters_count: count, filters_base64: toBase64(greyBytes(filters)), samples_count: 100, samples_steps: o.steps, samples_base64: toBase64(greyBytes(samples)) };
}

export type RbmEvalParams = Values<typeof RBM_EVAL_JOB>;

/** The binarisation a model was trained with (its metadata), for its evaluation data. */
function binarizeOf(metadata: Record<string, string>): RbmBinarize {
  return metadata.binarize === 'threshold' ? 'threshold' : 'sample';
}

/**
 * log Z (exact or AIS), the average log-probability of the test and training digits, and the test
 * reconstruction error; the data binarised or standardised as the model file says.
 */
export async function runRbmEval(ctx: JobContext, p: RbmEvalParams): Promise<JsonObject> {
  const { rbm, metadata, tensors } = await Rbm.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(rbm);
  try {
    if (rbm.visible !== 784) throw new InputError(`the model has ${rbm.visible} visible units; MNIST needs 784`);
    if (p.exact && rbm.hidden > 24) throw new InputError(`--exact sums over 2^hidden states: at most 24 hidden units, the model has ${rbm.hidden} (use AIS)`);
    const standardization = rbm.visibleType === 'gaussian' ? fileStandardization('the model', tensors, rbm.visible) : undefined;
    const data = await loadRbmData(ctx.gpu.adapter.runtime, { visible: rbm.visibleType, binarize: binarizeOf(metadata), trainCount: p['train-count'], testCount: p['test-count'], standardization });
    const test = await owned.add(RbmDataset.upload(ctx, data.test, 'mnist test', standardization));
    const train = await owned.add(RbmDataset.upload(ctx, data.train, 'mnist train', standardization));
    const onTest = await (await owned.add(RbmEvaluator.create(ctx, rbm, test, { seed: p.seed }))).evaluate();
    const onTrain = await (await owned.add(RbmEvaluator.create(ctx, rbm, train, { seed: p.seed }))).evaluate();
    const partition = p.exact
      ? { logZ: await rbmExactLogZ(ctx, rbm), logZStderr: 0, runs: null, steps: null }
      : await rbmAis(ctx, rbm, { runs: p['ais-runs'], betas: p['ais-betas'], base: aisBaseBiases(rbm.visibleType, data.means), seed: p.seed, onProgress: ctx.onProgress });
    return {
      log_z: partition.logZ,
      log_z_stderr: partition.logZStderr,
      exact: p.exact,
      test_avg_log_prob: -onTest.meanFreeEnergy - partition.logZ,
      train_avg_log_prob: -onTrain.meanFreeEnergy - partition.logZ,
      reconstruction_error: onTest.reconstructionError,
      test_free_energy: onTest.meanFreeEnergy,
      train_free_energy: onTrain.meanFreeEnergy,
      ais_runs: partition.runs,
      ais_steps: partition.steps,
      visible: rbm.visibleType,
      hidden: rbm.hidden,
      test_count: data.test.count,
      train_count: data.train.count,
      epochs: Number(metadata.epochs ?? NaN),
      steps: rbm.params.iteration,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    owned.release();
  }
}

export type RbmSampleParams = Values<typeof RBM_SAMPLE_JOB>;

/** Fantasy particles: `count` chains of `steps` Gibbs steps, their last means as grey bytes (base64), pixels as the data's. */
export async function runRbmSample(ctx: JobContext, p: RbmSampleParams): Promise<JsonObject> {
  const { rbm, tensors } = await Rbm.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  try {
    const standardization = rbm.visibleType === 'gaussian' ? fileStandardization('the model', tensors, rbm.visible) : undefined;
    const means = await sampleRbm(ctx, rbm, { count: p.count, steps: p.steps, seed: p.seed, onProgress: ctx.onProgress });
    const images = visibleImages(means, rbm.visible, standardization);
    return { count: p.count, steps: p.steps, visible: rbm.visible, images_base64: toBase64(greyBytes(images)), adapter: { ...ctx.gpu.adapter } };
  } finally {
    rbm.release();
  }
}

export const rbmTrainJob = defineJob(RBM_TRAIN_JOB, (ctx, p) => runRbmTrain(ctx, p), checkRbmTrainParams);
export const rbmEvalJob = defineJob(RBM_EVAL_JOB, runRbmEval);
export const rbmSampleJob = defineJob(RBM_SAMPLE_JOB, runRbmSample);
