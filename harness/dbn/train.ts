// `dbn train`: a deep belief net trained greedily on --data (MNIST's split by default, binarised as the
// RBM sees it): --epochs epochs of each RBM in turn, bottom up, each with the RBM's options. The
// training feature's adapter (harness/train): its epochs count over the stack (layers x --epochs). The
// model file holds each RBM's file under rbm0., rbm1., ... (weights, biases, momentum, iteration), and
//   chains F32 [chains, units]              PCD: the persistent chains of the layer in training
//   train_reconstruction_error F32 [steps]  per step, the batch's mean |v0 - E[v | h0]|^2 of its layer's input
// with metadata model 'dbn', layers, the training settings, epochs (done, over the stack).
import { Dbn, DbnTrainer, readDbnConfig, validateDbnConfig, validateDbnTraining, type DbnConfig, type DbnEpoch, type DbnTrainingOptions } from '../../models/dbn.js';
import { fileTensor } from '../../models/model_file.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { rbmOptimizerState } from '../../models/rbm_trainer.js';
import type { SafetensorsTensor } from '../../engine/index.js';
import { checkModelWidth } from '../data/dataset.js';
import type { Json } from '../io/json.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { perStep } from '../train/history.js';
import { initialVisibleBiases, rbmData, type RbmData } from '../rbm/data.js';
import { DBN_TRAIN_FLAGS } from './flags.js';

type Params = TrainParams<typeof DBN_TRAIN_FLAGS>;

/** The net of a run: the data's width (MNIST's 784 before any is read), then the hidden widths. */
export function dbnConfig(p: Pick<Params, 'hidden'>, visible = 784): DbnConfig {
  return { layers: [visible, ...p.hidden] };
}

/** The training options of a run (every RBM's, --epochs each). */
export function dbnTraining(p: Params): DbnTrainingOptions {
  return {
    k: p.cd,
    chains: p.pcd ? p.chains : 0,
    lr: p.lr,
    momentum: p.momentum,
    finalMomentum: p['final-momentum'],
    momentumEpochs: p['momentum-epochs'],
    weightDecay: p['weight-decay'],
    batch: p.batch,
    seed: p.seed,
    epochs: p.epochs,
    input: p.input,
  };
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

export const DBN_FEATURE: TrainingFeature<typeof DBN_TRAIN_FLAGS, Dbn, DbnEpoch, RbmData> = {
  name: 'dbn',
  summary: 'train a deep belief net (on MNIST by default) greedily, one RBM after another, on the GPU',
  details: `Trains --epochs epochs of each RBM, bottom up: the first on the binarised digits, each above on the
hidden units of the one below for every training example (--input: their probabilities, or one draw).
Logs one line per epoch on stderr: the layer and its training reconstruction error. The run's epochs
count over the stack (layers x --epochs), and a resume must keep --epochs. With --json the object holds
layers, input, k, pcd, chains, lr, batch, seed, epochs (per layer), train_count, test_count,
steps_per_epoch, reconstruction_error (per layer, its last epoch's), history (per epoch: layer,
train_reconstruction_error), train_reconstruction_error (per step), examples_per_s, wall_ms, adapter,
backend. The model file (safetensors) holds each RBM's file under rbm0., rbm1., ... (weights
[visible, hidden], visible_bias, hidden_bias, momentum/<name>, its metadata and harmonium.iteration),
chains [chains, units] (PCD, the layer in training), train_reconstruction_error (per step), and
metadata model = "dbn", layers, the training settings, epochs (done, over the stack).`,
  flags: DBN_TRAIN_FLAGS,
  check(p) {
    validateDbnConfig(dbnConfig(p));
    validateDbnTraining(dbnTraining(p));
  },
  readConfig: readDbnConfig,
  prepare: async (_runtime, p, split) => rbmData(split, { visible: 'bernoulli', binarize: p.binarize }),
  create: (ctx, p, data) => Dbn.create(ctx, dbnConfig(p, data.train.width), { seed: p.seed, state: rbmOptimizerState(dbnTraining(p)), visibleBias: initialVisibleBiases('bernoulli', data.means) }),
  restore: (ctx, bytes, source) => Dbn.fromSafetensors(ctx, bytes, source).then(({ dbn, ...file }) => ({ model: dbn, ...file })),
  settings: (p, split) => ({
    hidden: p.hidden.join(','),
    epochs_per_layer: String(p.epochs),
    input: p.input,
    k: String(p.cd),
    pcd: String(p.pcd),
    chains: p.pcd ? String(p.chains) : 'none',
    lr: String(p.lr),
    momentum: String(p.momentum),
    final_momentum: String(p['final-momentum']),
    momentum_epochs: String(p['momentum-epochs']),
    weight_decay: String(p['weight-decay']),
    batch: String(p.batch),
    binarize: p.binarize,
    seed: String(p.seed),
    train_count: String(split.train.count),
  }),
  flagNames: { k: 'cd', epochs_per_layer: 'epochs' },
  series: perStep('train_reconstruction_error'),
  async start(ctx, dbn, p, data, owned, resumed) {
    checkModelWidth(dbn.layers[0], data.train.width, 'visible units');
    const train = await owned.add(RbmDataset.upload(ctx, data.train, 'train'));
    const chains = resumed && p.pcd ? (fileTensor(resumed.tensors, 'the resumed model', 'chains', 'F32', [p.chains, 'units']).data as Float32Array) : undefined;
    const trainer = await owned.add(DbnTrainer.create(ctx, dbn, train, dbnTraining(p), { chains }));
    return {
      trainer,
      epochs: trainer.epochs,
      async record(epoch) {
        const line = `epoch ${epoch.epoch + 1}/${trainer.epochs} (layer ${epoch.layer + 1} of ${dbn.rbms.length}, its epoch ${epoch.layerEpoch + 1}/${p.epochs}): reconstruction error ${mean(epoch.reconstructionErrors).toFixed(4)}`;
        return { values: { train_reconstruction_error: epoch.reconstructionErrors }, line: () => line };
      },
      async state() {
        const kept = await trainer.state();
        const tensors: Record<string, SafetensorsTensor> = {};
        if (kept.chains) tensors.chains = { dtype: 'F32', shape: [p.chains, kept.chains.length / p.chains], data: kept.chains };
        return tensors;
      },
    };
  },
  result(dbn, h, p, steps) {
    const errors = h.train_reconstruction_error;
    const epochs = Math.floor(errors.length / steps);
    const history = Array.from({ length: epochs }, (_, e): Json => ({ epoch: e + 1, layer: Math.floor(e / p.epochs) + 1, train_reconstruction_error: mean(errors.slice(e * steps, (e + 1) * steps)) }));
    // Each layer's last epoch trained.
    const byLayer = dbn.rbms.map((_, layer) => {
      const last = Math.min(epochs, (layer + 1) * p.epochs) - 1;
      return last >= layer * p.epochs ? mean(errors.slice(last * steps, (last + 1) * steps)) : null;
    });
    return { model: 'dbn', layers: [...dbn.layers], input: p.input, k: p.cd, pcd: p.pcd, chains: p.pcd ? p.chains : null, lr: p.lr, batch: p.batch, seed: p.seed, reconstruction_error: byLayer, history, train_reconstruction_error: errors };
  },
  report: (r) => ({
    title: `DBN ${(r.layers as number[]).join('-')}, ${r.pcd ? `PCD-${r.k} (${r.chains} chains)` : `CD-${r.k}`} on the layer below's ${r.input}, lr ${r.lr}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs per layer on ${r.train_count} examples`,
    lines: (r.reconstruction_error as Array<number | null>).map((e, i): [string, string] => [`layer ${i + 1} reconstruction error`, e === null ? 'not trained yet' : `${e.toFixed(4)} per training example (its last epoch)`]),
  }),
};

