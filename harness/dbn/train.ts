// `dbn train`: a deep belief net trained greedily on --data (MNIST's split by default, binarised as the
// RBM sees it): --epochs epochs of each RBM in turn, bottom up, each with the RBM's options, then
// --fine-tune-epochs of the stack unrolled into a classifier. The training feature's adapter
// (harness/train): its epochs count over the run (layers x --epochs + --fine-tune-epochs). The model
// file holds each RBM's file under rbm0., rbm1., ... (weights, biases, momentum, iteration), the
// classifier's (an MLP's) under classifier. once fine-tuning has begun, and
//   chains F32 [chains, units]   PCD: the persistent chains of the layer in training
//   chain_labels F32 [chains, classes]  PCD with --labels, the top layer in training: the chains' label units
//   train_loss F32 [steps]       per step: an RBM's batch mean |v0 - E[v | h0]|^2, or the classifier's cross-entropy
//   test_error F64 [epochs]      the classifier's test error after each fine-tuning epoch (NaN before)
//   generative_test_error F64 [epochs]  with --labels: the label units' test error after each of the top RBM's epochs (else NaN)
// with metadata model 'dbn', layers, the training settings, epochs (done, over the run).
import { Dbn, dbnClassify, DbnTrainer, readDbnConfig, validateDbnConfig, validateDbnTraining, type DbnConfig, type DbnEpoch, type DbnTrainingOptions } from '../../models/dbn.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { MlpEvaluator } from '../../models/mlp.js';
import { fileTensor } from '../../models/model_file.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { rbmOptimizerState } from '../../models/rbm_trainer.js';
import type { RunContext, SafetensorsTensor } from '../../engine/index.js';
import type { Owned } from '../../models/owned.js';
import { InputError } from '../../engine/index.js';
import { checkModelWidth, classCount } from '../data/dataset.js';
import type { DataSplit } from '../data/source.js';
import type { Json } from '../io/json.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { perEpoch, perStep } from '../train/history.js';
import { initialVisibleBiases, rbmData, type RbmData } from '../rbm/data.js';
import { DBN_TRAIN_FLAGS } from './flags.js';
import { mean } from '../../models/stats.js';

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
    l1: p.l1,
    batch: p.batch,
    seed: p.seed,
    epochs: p.epochs,
    input: p.input,
    fineTuneEpochs: p['fine-tune-epochs'],
    fineTuneLr: p['fine-tune-lr'],
  };
}

/** The digits as the RBMs see them (binarised), with their labels and class count for the fine-tuning. */
export interface DbnData extends RbmData {
  labels: { train: Uint8Array; test: Uint8Array };
  classes: number;
}

/** The binarised split with its labels. */
export function dbnData(split: DataSplit, binarize: Params['binarize']): DbnData {
  const data = rbmData(split, { visible: 'bernoulli', binarize });
  return { ...data, labels: { train: split.train.labels.subarray(0, data.train.count), test: split.test.labels.subarray(0, data.test.count) }, classes: classCount(split.train) };
}

/** The generative classifier's test error (the top RBM's label units, dbnClassify) on the test digits: `uploaded`, or uploaded once into `owned`. */
export function generativeTester(ctx: RunContext, dbn: Dbn, data: DbnData, owned: Owned, uploaded?: RbmDataset): () => Promise<{ error: number; errors: number }> {
  let test: RbmDataset | null = uploaded ?? null;
  return async () => {
    test ??= await owned.add(RbmDataset.upload(ctx, data.test, 'test'));
    const classes = await dbnClassify(ctx, dbn, test);
    const errors = classes.reduce((n, k, i) => n + (k === data.labels.test[i] ? 0 : 1), 0);
    return { error: errors / data.test.count, errors };
  };
}

/** An evaluator of the net's classifier on the test digits (binarised, labelled), made once the classifier exists. */
export async function classifierEvaluator(ctx: RunContext, dbn: Dbn, data: DbnData, owned: Owned): Promise<MlpEvaluator> {
  const test = await owned.add(DeviceDataset.upload(ctx, { images: data.test.images, labels: data.labels.test, count: data.test.count, width: data.test.width }, 'test'));
  return owned.add(MlpEvaluator.create(ctx, dbn.classifier!, test));
}

export const DBN_FEATURE: TrainingFeature<typeof DBN_TRAIN_FLAGS, Dbn, DbnEpoch, DbnData> = {
  name: 'dbn',
  summary: 'train a deep belief net (on MNIST by default) greedily, one RBM after another, then fine-tune it as a classifier, on the GPU',
  details: `Trains --epochs epochs of each RBM, bottom up: the first on the binarised digits, each above on the
hidden units of the one below for every training example (--input: their probabilities, or one draw);
with --labels the top RBM also sees each digit's label as a softmax group of label units, and classifies
the test digits by free energy after each of its epochs (generative_test_error); then --fine-tune-epochs
epochs of the stack unrolled into a classifier (sigmoid layers with the RBMs'
weights, a softmax layer on top; Adam, batch --batch). Logs one line per epoch on stderr: the stage
and its training loss (and the test error while fine-tuning). The run's epochs count over the stages
(layers x --epochs + --fine-tune-epochs), and a resume must keep both. With --json the object holds
layers, input, k, pcd, chains, lr, batch, seed, epochs (per layer), fine_tune_epochs, train_count,
test_count, steps_per_epoch, reconstruction_error (per layer, its last epoch's), test_error (the
classifier's, null without fine-tuning), labels (the top RBM's label units, 0 without --labels),
generative_test_error (theirs, null without), history (per epoch: stage, layer, train_loss,
test_error, generative_test_error),
train_loss (per step), examples_per_s, wall_ms, adapter, backend. The model file (safetensors) holds
each RBM's file under rbm0., rbm1., ... (weights [visible, hidden], visible_bias, hidden_bias,
momentum/<name>, its metadata and harmonium.iteration), the classifier's under classifier. (an MLP's
file), chains [chains, units] (PCD, the layer in training) and chain_labels [chains, classes] (their
label units), train_loss (per step), test_error and generative_test_error (per epoch), and metadata model = "dbn", layers, the training settings, epochs (done, over the run).`,
  flags: DBN_TRAIN_FLAGS,
  check(p) {
    validateDbnConfig(dbnConfig(p));
    validateDbnTraining(dbnTraining(p));
  },
  readConfig: readDbnConfig,
  prepare: async (_runtime, p, split) => dbnData(split, p.binarize),
  create: (ctx, p, data) => Dbn.create(ctx, dbnConfig(p, data.train.width), { seed: p.seed, state: rbmOptimizerState(dbnTraining(p)), visibleBias: initialVisibleBiases('bernoulli', data.means), labels: p.labels ? data.classes : 0 }),
  restore: (ctx, bytes, source) => Dbn.fromSafetensors(ctx, bytes, source).then(({ dbn, ...file }) => ({ model: dbn, ...file })),
  settings: (p, split) => ({
    hidden: p.hidden.join(','),
    epochs_per_layer: String(p.epochs),
    input: p.input,
    // Written only with --labels, so that files from before the flag resume as they were.
    ...(p.labels ? { labels: 'true' } : {}),
    fine_tune_epochs: String(p['fine-tune-epochs']),
    fine_tune_lr: String(p['fine-tune-lr']),
    k: String(p.cd),
    pcd: String(p.pcd),
    chains: p.pcd ? String(p.chains) : 'none',
    lr: String(p.lr),
    momentum: String(p.momentum),
    final_momentum: String(p['final-momentum']),
    momentum_epochs: String(p['momentum-epochs']),
    weight_decay: String(p['weight-decay']),
    // Written only when used, so that files from before the flag resume as they were.
    ...(p.l1 > 0 ? { l1: String(p.l1) } : {}),
    batch: String(p.batch),
    binarize: p.binarize,
    seed: String(p.seed),
    train_count: String(split.train.count),
  }),
  flagNames: { k: 'cd', epochs_per_layer: 'epochs' },
  series: [...perStep('train_loss'), ...perEpoch('test_error', 'generative_test_error')],
  async start(ctx, dbn, p, data, owned, resumed) {
    checkModelWidth(dbn.layers[0], data.train.width, 'visible units');
    if (dbn.labels > 0 && !p.labels) throw new InputError('the resumed model has label units: resume with --labels');
    const train = await owned.add(RbmDataset.upload(ctx, data.train, 'train'));
    const fineTuning = p['fine-tune-epochs'] > 0 ? await owned.add(DeviceDataset.upload(ctx, { images: data.train.images, labels: data.labels.train, count: data.train.count, width: data.train.width }, 'train')) : undefined;
    const labelled = fineTuning || p.labels ? { data: fineTuning, labels: data.labels.train, classes: data.classes } : undefined;
    // PCD's chains belong to the RBM in training: a checkpoint taken while fine-tuning has none.
    const steps = Math.floor(data.train.count / p.batch);
    const greedyLeft = dbn.rbms.some((rbm) => rbm.params.iteration < p.epochs * steps);
    const pcdChains = resumed && p.pcd && greedyLeft;
    const chains = pcdChains ? (fileTensor(resumed.tensors, 'the resumed model', 'chains', 'F32', [p.chains, 'units']).data as Float32Array) : undefined;
    const topInTraining = dbn.rbms.slice(0, -1).every((rbm) => rbm.params.iteration >= p.epochs * steps);
    const chainLabels = pcdChains && dbn.labels > 0 && topInTraining ? (fileTensor(resumed.tensors, 'the resumed model', 'chain_labels', 'F32', [p.chains, dbn.labels]).data as Float32Array) : undefined;
    const trainer = await owned.add(DbnTrainer.create(ctx, dbn, train, dbnTraining(p), { chains, chainLabels }, labelled));
    let evaluator: MlpEvaluator | null = null;
    const generative = generativeTester(ctx, dbn, data, owned);
    return {
      trainer,
      epochs: trainer.epochs,
      async record(epoch) {
        const stage = epoch.stage === 'greedy' ? `layer ${epoch.layer + 1} of ${dbn.rbms.length}, its epoch ${epoch.layerEpoch + 1}/${p.epochs}` : `fine-tuning, its epoch ${epoch.layerEpoch + 1}/${p['fine-tune-epochs']}`;
        let [testError, generativeError] = [NaN, NaN];
        if (epoch.stage === 'fine-tune') {
          evaluator ??= await classifierEvaluator(ctx, dbn, data, owned);
          testError = (await evaluator.evaluate()).error;
        } else if (dbn.labels > 0 && epoch.layer + 1 === dbn.rbms.length) {
          generativeError = (await generative()).error;
        }
        const loss = `${epoch.stage === 'greedy' ? 'reconstruction error' : 'cross-entropy'} ${mean(epoch.losses).toFixed(4)}`;
        const percent = (name: string, e: number) => (Number.isNaN(e) ? '' : `, ${name} ${(100 * e).toFixed(2)}%`);
        const line = `epoch ${epoch.epoch + 1}/${trainer.epochs} (${stage}): ${loss}${percent('test error', testError)}${percent('generative test error', generativeError)}, ${(epoch.wallMs / 1000).toFixed(1)} s`;
        return { values: { train_loss: epoch.losses, test_error: testError, generative_test_error: generativeError }, line: () => line };
      },
      async state() {
        const kept = await trainer.state();
        const tensors: Record<string, SafetensorsTensor> = {};
        if (kept.chains) tensors.chains = { dtype: 'F32', shape: [p.chains, kept.chains.length / p.chains], data: kept.chains };
        if (kept.chainLabels) tensors.chain_labels = { dtype: 'F32', shape: [p.chains, kept.chainLabels.length / p.chains], data: kept.chainLabels };
        return tensors;
      },
    };
  },
  result(dbn, h, p, steps) {
    const losses = h.train_loss;
    const epochs = Math.floor(losses.length / steps);
    const greedy = dbn.rbms.length * p.epochs;
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    const history = Array.from({ length: epochs }, (_, e): Json => ({
      epoch: e + 1,
      stage: e < greedy ? 'greedy' : 'fine-tune',
      layer: e < greedy ? Math.floor(e / p.epochs) + 1 : null,
      train_loss: mean(losses.slice(e * steps, (e + 1) * steps)),
      test_error: finite(h.test_error[e]),
      generative_test_error: finite(h.generative_test_error[e]),
    }));
    const generative = h.generative_test_error.filter(Number.isFinite);
    // Each layer's last epoch trained.
    const byLayer = dbn.rbms.map((_, layer) => {
      const last = Math.min(epochs, (layer + 1) * p.epochs) - 1;
      return last >= layer * p.epochs ? mean(losses.slice(last * steps, (last + 1) * steps)) : null;
    });
    return {
      model: 'dbn',
      layers: [...dbn.layers],
      input: p.input,
      k: p.cd,
      pcd: p.pcd,
      chains: p.pcd ? p.chains : null,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      fine_tune_epochs: p['fine-tune-epochs'],
      reconstruction_error: byLayer,
      test_error: epochs > greedy ? finite(h.test_error[epochs - 1]) : null,
      labels: dbn.labels,
      generative_test_error: generative.length > 0 ? generative[generative.length - 1] : null,
      history,
      train_loss: losses,
    };
  },
  report: (r) => ({
    title: `DBN ${(r.layers as number[]).join('-')}, ${r.pcd ? `PCD-${r.k} (${r.chains} chains)` : `CD-${r.k}`} on the layer below's ${r.input}, lr ${r.lr}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs per layer${r.fine_tune_epochs ? `, ${r.fine_tune_epochs} of fine-tuning` : ''} on ${r.train_count} examples`,
    lines: [
      ...(r.reconstruction_error as Array<number | null>).map((e, i): [string, string] => [`layer ${i + 1} reconstruction error`, e === null ? 'not trained yet' : `${e.toFixed(4)} per training example (its last epoch)`]),
      ...(r.generative_test_error === null ? [] : [['test error (label units, free energy)', `${(100 * (r.generative_test_error as number)).toFixed(2)}%`] as [string, string]]),
      ...(r.test_error === null ? [] : [['test error (fine-tuned)', `${(100 * (r.test_error as number)).toFixed(2)}%`] as [string, string]]),
    ],
  }),
};
