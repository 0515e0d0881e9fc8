// `rbm train`: a restricted Boltzmann machine trained by CD-k or PCD-k on --data (MNIST's split by
// default), monitored after every epoch by the reconstruction error and the mean free energy of the
// test examples and of as many training examples (Hinton's overfitting monitor), optionally with an AIS
// estimate of the test log-likelihood. The training feature's adapter (harness/train). The model file
// holds, beside weights [visible, hidden], visible_bias, hidden_bias and the momentum buffers:
//   chains F32 [chains, visible]          PCD: the persistent chains' visible states
//   hidden_activity F32 [hidden]          with a sparsity target: the running estimate of each unit's activity
//   pixel_mean, pixel_std F32 [visible]   Gaussian units: the standardisation v = (x - mean) / std of pixels x in [0, 1]
//   train_reconstruction_error F32 [steps]   per step, the batch's mean |v0 - E[v | h0]|^2
//   test_reconstruction_error, train_free_energy, test_free_energy F64 [epochs]   after each epoch
// and metadata model 'rbm', visible, hidden, the training settings, epochs (done), dataset.
import { checkModelWidth } from '../data/dataset.js';
import type { SafetensorsTensor, RunContext } from '../../engine/index.js';
import { fileTensor } from '../../models/model_file.js';
import { checkOption } from '../../models/options.js';
import { readRbmConfig, Rbm, sampleRbm, validateRbmConfig, type RbmConfig } from '../../models/rbm.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { RbmEvaluator } from '../../models/rbm_evaluate.js';
import { aisBaseBiases, rbmAis } from '../../models/rbm_partition.js';
import { RbmTrainer, rbmOptimizerState, validateRbmTraining, type RbmEpoch, type RbmTrainingOptions } from '../../models/rbm_trainer.js';
import { toBase64 } from '../io/base64.js';
import type { Json, JsonObject } from '../io/json.js';
import type { History, TrainingFeature, TrainParams } from '../train/feature.js';
import { perEpoch, perStep } from '../train/history.js';
import { initialVisibleBiases, rbmData, type RbmData } from './data.js';
import { LR_DECAY, RBM_TRAIN_FLAGS } from './flags.js';
import { filterImages, greyBytes, visibleImages } from './images.js';
import { mean } from '../../models/stats.js';

type Params = TrainParams<typeof RBM_TRAIN_FLAGS>;

/** The model of a run: the data's width (MNIST's 784 before any is read), the hidden count, the visible units' kind. */
export function rbmConfig(p: Pick<Params, 'hidden' | 'visible'>, visible = 784): RbmConfig {
  return { visible, hidden: p.hidden, visibleType: p.visible };
}

/**
 * The training options of a run. With --lr-decay the learning rate is lr * decay^(t / stepsPerEpoch)
 * at step t: a schedule of the step alone, so that a resumed run follows it whatever --epochs says.
 */
export function rbmTraining(p: Params, stepsPerEpoch = 1): RbmTrainingOptions {
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
    l1: p.l1,
    sparsity: target === undefined ? undefined : { target, cost: p['sparsity-cost'] },
    batch: p.batch,
    seed: p.seed,
    epochs: p.epochs,
  };
}

/** The standardisation a Gaussian model's file holds (pixel_mean, pixel_std). */
export function fileStandardization(source: string, tensors: Record<string, SafetensorsTensor>, visible: number): { mean: ArrayLike<number>; std: ArrayLike<number> } {
  return { mean: fileTensor(tensors, source, 'pixel_mean', 'F32', [visible]).data, std: fileTensor(tensors, source, 'pixel_std', 'F32', [visible]).data };
}

const f32 = (values: ArrayLike<number>, shape: number[]): SafetensorsTensor => ({ dtype: 'F32', shape, data: Float32Array.from(values) });
/** Images for the report: the first 100 filters and 100 fantasy particles after `steps` Gibbs steps, as base64 grey bytes. */
async function modelImages(ctx: RunContext, rbm: Rbm, data: RbmData, o: { seed: number; steps: number }): Promise<JsonObject> {
  const count = Math.min(100, rbm.hidden);
  const filters = filterImages(new Float32Array(await rbm.weights.value.read()), rbm.visible, rbm.hidden, count);
  const samples = visibleImages(await sampleRbm(ctx, rbm, { count: 100, steps: o.steps, seed: o.seed }), rbm.visible, data.standardization);
  return { image_rows: data.rows, image_cols: data.cols, filters_count: count, filters_base64: toBase64(greyBytes(filters)), samples_count: 100, samples_steps: o.steps, samples_base64: toBase64(greyBytes(samples)) };
}

/** A one-line account of an epoch, as the CLI logs it. */
function epochLine(h: History, epoch: number, p: Params, steps: number, ais?: { testLogProb: number; logZStderr: number }): string {
  const [train, test] = [h.train_free_energy[epoch], h.test_free_energy[epoch]];
  const line = `epoch ${epoch + 1}/${p.epochs}: reconstruction error ${mean(h.train_reconstruction_error.slice(-steps)).toFixed(3)} (test ${h.test_reconstruction_error[epoch].toFixed(3)}), free energy train ${train.toFixed(3)} test ${test.toFixed(3)} (gap ${(test - train).toFixed(3)})`;
  return ais ? `${line}, test log-likelihood ${ais.testLogProb.toFixed(2)} +- ${ais.logZStderr.toFixed(2)} (AIS)` : line;
}

export const RBM_FEATURE: TrainingFeature<typeof RBM_TRAIN_FLAGS, Rbm, RbmEpoch, RbmData> = {
  name: 'rbm',
  summary: 'train an RBM (on MNIST by default) by CD-k or PCD-k on the GPU',
  details: `Logs one line per epoch on stderr: the training reconstruction error, the test one, and the mean free
energy of the test examples and of as many training examples, with their gap (Hinton's overfitting monitor).
With --json the object holds visible, hidden, k, pcd, chains, lr, batch, seed, epochs, train_count,
test_count, steps_per_epoch, reconstruction_error, free_energy_gap, history (per epoch),
train_reconstruction_error (per step), examples_per_s, wall_ms, adapter, backend.
The model file (safetensors) holds weights [visible, hidden], visible_bias [visible] and hidden_bias
[hidden] (F32; E(v, h) = -b.v - c.h - v'W h, or |v - b|^2 / 2 - c.h - v'W h for Gaussian units), the
momentum buffers (momentum/<name>), chains [chains, visible] (PCD), hidden_activity [hidden] (sparsity),
pixel_mean and pixel_std [visible] (Gaussian), train_reconstruction_error (per step),
test_reconstruction_error, train_free_energy and test_free_energy (per epoch), and metadata model =
"rbm", visible, hidden, the training settings, epochs, harmonium.iteration (steps: the Philox step).`,
  flags: RBM_TRAIN_FLAGS,
  check(p) {
    validateRbmConfig(rbmConfig(p));
    validateRbmTraining(rbmTraining(p));
    checkOption(LR_DECAY, p['lr-decay'], 'lr-decay', 'rbm training: ');
  },
  readConfig: readRbmConfig,
  prepare: async (_runtime, p, split) => rbmData(split, { visible: p.visible, binarize: p.binarize }),
  create: (ctx, p, data) =>
    Rbm.create(ctx, rbmConfig(p, data.train.width), { seed: p.seed, state: rbmOptimizerState(rbmTraining(p)), visibleBias: initialVisibleBiases(p.visible, data.means) }),
  restore: (ctx, bytes, source) => Rbm.fromSafetensors(ctx, bytes, source).then(({ rbm, ...file }) => ({ model: rbm, ...file })),
  settings: (p, split) => ({
    visible: p.visible,
    hidden: String(p.hidden),
    k: String(p.cd),
    pcd: String(p.pcd),
    chains: p.pcd ? String(p.chains) : 'none',
    lr: String(p.lr),
    lr_decay: String(p['lr-decay']),
    momentum: String(p.momentum),
    final_momentum: String(p['final-momentum']),
    momentum_epochs: String(p['momentum-epochs']),
    weight_decay: String(p['weight-decay']),
    // Written only when used, so that files from before the flag resume as they were.
    ...(p.l1 > 0 ? { l1: String(p.l1) } : {}),
    batch: String(p.batch),
    sparsity_target: p['sparsity-target'] === undefined ? 'none' : String(p['sparsity-target']),
    sparsity_cost: p['sparsity-target'] === undefined ? 'none' : String(p['sparsity-cost']),
    binarize: p.visible === 'bernoulli' ? p.binarize : 'none',
    seed: String(p.seed),
    train_count: String(split.train.count),
  }),
  flagNames: { k: 'cd' },
  modelSettings: (rbm) => ({ visible: rbm.visibleType }),
  series: [...perStep('train_reconstruction_error'), ...perEpoch('test_reconstruction_error', 'train_free_energy', 'test_free_energy')],
  async start(ctx, rbm, p, data, owned, resumed) {
    checkModelWidth(rbm.visible, data.train.width, 'visible units');
    const s = data.standardization;
    const train = await owned.add(RbmDataset.upload(ctx, data.train, 'train', s));
    const test = await owned.add(RbmDataset.upload(ctx, data.test, 'test', s));
    // The free-energy monitor's training side: as many training examples as there are test ones.
    const count = Math.min(data.test.count, data.train.count);
    const monitor = await owned.add(RbmDataset.upload(ctx, { images: data.train.images.subarray(0, count * data.train.width), count, width: data.train.width }, 'train monitor', s));
    const steps = Math.floor(data.train.count / p.batch);
    const source = 'the resumed model';
    const state = {
      chains: resumed && p.pcd ? (fileTensor(resumed.tensors, source, 'chains', 'F32', [p.chains, rbm.visible]).data as Float32Array) : undefined,
      hiddenActivity: resumed && p['sparsity-target'] !== undefined ? (fileTensor(resumed.tensors, source, 'hidden_activity', 'F32', [rbm.hidden]).data as Float32Array) : undefined,
    };
    const trainer = await owned.add(RbmTrainer.create(ctx, rbm, train, rbmTraining(p, steps), state));
    const testEval = await owned.add(RbmEvaluator.create(ctx, rbm, test, { seed: p.seed }));
    const trainEval = await owned.add(RbmEvaluator.create(ctx, rbm, monitor, { seed: p.seed }));
    const curve: Json[] = [];
    return {
      trainer,
      async record(epoch) {
        const [onTest, onTrain] = [await testEval.evaluate(), await trainEval.evaluate()];
        let ais: { testLogProb: number; logZStderr: number } | undefined;
        if (p['curve-ais-runs'] > 0) {
          const r = await rbmAis(ctx, rbm, { runs: p['curve-ais-runs'], betas: p['curve-ais-betas'], base: aisBaseBiases(rbm.visibleType, data.means), seed: p.seed + epoch.epoch });
          ais = { testLogProb: -onTest.meanFreeEnergy - r.logZ, logZStderr: r.logZStderr };
          curve.push({ epoch: epoch.epoch + 1, log_z: r.logZ, log_z_stderr: r.logZStderr, test_avg_log_prob: ais.testLogProb, train_avg_log_prob: -onTrain.meanFreeEnergy - r.logZ });
        }
        return {
          values: { train_reconstruction_error: epoch.reconstructionErrors, test_reconstruction_error: onTest.reconstructionError, train_free_energy: onTrain.meanFreeEnergy, test_free_energy: onTest.meanFreeEnergy },
          line: (h) => epochLine(h, epoch.epoch, p, steps, ais),
        };
      },
      async state() {
        const kept = await trainer.state();
        const tensors: Record<string, SafetensorsTensor> = {};
        if (kept.chains) tensors.chains = f32(kept.chains, [kept.chains.length / rbm.visible, rbm.visible]);
        if (kept.hiddenActivity) tensors.hidden_activity = f32(kept.hiddenActivity, [kept.hiddenActivity.length]);
        if (s) Object.assign(tensors, { pixel_mean: f32(s.mean, [rbm.visible]), pixel_std: f32(s.std, [rbm.visible]) });
        return tensors;
      },
      finish: async () => ({ ais_curve: curve, ...(p['return-images'] ? await modelImages(ctx, rbm, data, { seed: p.seed, steps: p['image-steps'] }) : {}) }),
    };
  },
  result(rbm, h, p, steps) {
    const last = h.test_free_energy.length - 1;
    return {
      model: 'rbm',
      visible: rbm.visibleType,
      hidden: rbm.hidden,
      k: p.cd,
      pcd: p.pcd,
      chains: p.pcd ? p.chains : null,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      reconstruction_error: h.test_reconstruction_error[last] ?? null,
      free_energy_gap: last >= 0 ? h.test_free_energy[last] - h.train_free_energy[last] : null,
      history: h.test_free_energy.map((testF, e): Json => ({
        epoch: e + 1,
        train_reconstruction_error: mean(h.train_reconstruction_error.slice(e * steps, (e + 1) * steps)),
        test_reconstruction_error: h.test_reconstruction_error[e],
        train_free_energy: h.train_free_energy[e],
        test_free_energy: testF,
        free_energy_gap: testF - h.train_free_energy[e],
      })),
      train_reconstruction_error: h.train_reconstruction_error,
    };
  },
  report: (r) => ({
    title: `RBM ${r.hidden} hidden (${r.visible} visible), ${r.pcd ? `PCD-${r.k} (${r.chains} chains)` : `CD-${r.k}`}, lr ${r.lr}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} examples`,
    lines: [
      ['reconstruction error', `${(r.reconstruction_error as number).toFixed(4)} per test example`],
      ['free-energy gap', `${(r.free_energy_gap as number).toFixed(4)} (test - train)`],
    ],
  }),
};
