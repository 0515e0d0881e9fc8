// `binarynet train`: a BinaryNet (or BinaryConnect) classifier trained on --data (MNIST's split by
// default) by the paper's recipe and evaluated on the held-out examples after every epoch. The
// training feature's adapter (harness/train). The model file holds, beside the parameters
// (layer{i}.weight [inputs, outputs] W_r, .gamma, .beta [outputs]), the running statistics
// (.running_mean, .running_var) and Adam's state:
//   packed.layer{i}.bits U32 [outputs, ceil(inputs / 32)]   Sign(W_r) packed, what inference reads
//   packed.layer{i}.threshold, .direction F32 [outputs]     hidden units' folded batch norm + Sign
//   train_loss F32 [steps], train_errors U32 [epochs], test_error, test_loss F64 [epochs]
// and metadata model 'binarynet', layers, binary_activations, eps, shift, and the run's settings.
import { BinaryNet } from '../../models/binarynet.js';
import { foldBinaryNet, hostLayers, packedTensors } from '../../models/binarynet_inference.js';
import { BinaryNetEvaluator, BinaryNetTrainer, validateBinaryNetTraining, type BinaryNetEpoch, type BinaryNetTrainingOptions } from '../../models/binarynet_training.js';
import { readBinaryNetConfig, validateBinaryNetConfig, type BinaryNetConfig } from '../../models/binarynet.js';
import { DeviceDataset } from '../../models/minibatch.js';
import type { DataSplit } from '../data/source.js';
import { checkModelWidth, classCount, labelledBytes } from '../data/dataset.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { checkLabelledData, CLASSIFIER_SERIES, classifierRecord, classifierReportLines, classifierResult } from '../train/classifier.js';
import { BINARYNET_TRAIN_FLAGS } from './flags.js';

type Params = TrainParams<typeof BINARYNET_TRAIN_FLAGS>;

/** The network of a run: the data's inputs (MNIST's 784 before any is read), the hidden widths, its classes (10). */
export function binaryNetConfig(p: Pick<Params, 'hidden' | 'binary-activations' | 'shift' | 'eps'>, split?: DataSplit): BinaryNetConfig {
  const [inputs, classes] = split ? [split.train.rows * split.train.cols, classCount(split.train)] : [784, 10];
  return { layers: [inputs, ...p.hidden, classes], binaryActivations: p['binary-activations'] === 'on', shift: p.shift, eps: p.eps };
}

/** The training options of a run. */
export function binaryNetTraining(p: Params): BinaryNetTrainingOptions {
  return {
    epochs: p.epochs,
    batch: p.batch,
    seed: p.seed,
    lr: p.lr,
    lrEnd: p['lr-end'],
    inputDropout: p['input-dropout'],
    hiddenDropout: p['hidden-dropout'],
    binarization: p.binarize,
    loss: p.loss,
  };
}


export const BINARYNET_FEATURE: TrainingFeature<typeof BINARYNET_TRAIN_FLAGS, BinaryNet, BinaryNetEpoch, DataSplit> = {
  name: 'binarynet',
  summary: 'train a BinaryNet classifier (+-1 weights and activations; MNIST by default, or your data) on the GPU',
  details: `Logs one line per epoch (train loss, test error, test loss) on stderr. The inputs are the examples'
bytes 0..255; every layer is a +-1 product and batch normalisation, hidden units Sign (or ReLU with
--binary-activations off). With --json the object holds layers, binary_activations, binarize, loss, lr,
lr_end, batch, input_dropout, hidden_dropout, shift, seed, epochs, train_count, test_count,
steps_per_epoch, test_error, test_loss, history (per epoch: train_loss, train_error, test_error,
test_loss), train_loss (per step), examples_per_s, wall_ms, adapter, backend. A --data file needs its
labels (FILE,LABELS).
The model file holds layer{i}.weight [inputs, outputs] (the real weights W_r; Sign(W_r) is used),
.gamma, .beta, .running_mean, .running_var [outputs] (F32), Adam's state, and for BinaryNet the packed
network that \`binarynet eval\` checks: packed.layer{i}.bits U32 [outputs, ceil(inputs / 32)] (bit k of
a unit's row: W_r[k] >= 0) and the hidden units' integer thresholds packed.layer{i}.threshold and
.direction (+1: on when the integer sum >= threshold; -1: when <=); then train_loss (per step),
train_errors, test_error and test_loss (per epoch), and metadata model =
"binarynet", layers, binary_activations, eps, shift, binarize, loss, lr, lr_end, batch, input_dropout,
hidden_dropout, seed, train_count, test_count, epochs, dataset, harmonium.iteration (steps).`,
  flags: BINARYNET_TRAIN_FLAGS,
  check(p) {
    checkLabelledData(p.data);
    validateBinaryNetConfig(binaryNetConfig(p));
    validateBinaryNetTraining(binaryNetTraining(p));
  },
  readConfig: readBinaryNetConfig,
  prepare: async (_runtime, _p, split) => split,
  create: (ctx, p, split) => BinaryNet.create(ctx, binaryNetConfig(p, split), { seed: p.seed }),
  restore: (ctx, bytes, source) => BinaryNet.fromSafetensors(ctx, bytes, source).then(({ net, ...file }) => ({ model: net, ...file })),
  settings: (p, split) => ({
    hidden: p.hidden.join(','),
    binary_activations: p['binary-activations'],
    shift: String(p.shift),
    eps: String(p.eps),
    binarize: p.binarize,
    loss: p.loss,
    lr: String(p.lr),
    lr_end: String(p['lr-end']),
    batch: String(p.batch),
    input_dropout: String(p['input-dropout']),
    hidden_dropout: String(p['hidden-dropout']),
    seed: String(p.seed),
    train_count: String(split.train.count),
    // The learning rate decays over the planned steps: a run resumes only toward the same --epochs.
    planned_epochs: String(p.epochs),
  }),
  flagNames: { planned_epochs: 'epochs' },
  modelSettings: (net) => ({
    hidden: net.config.layers.slice(1, -1).join(','),
    binary_activations: net.config.binaryActivations ? 'on' : 'off',
    shift: String(net.config.shift),
    eps: String(net.config.eps),
  }),
  series: CLASSIFIER_SERIES,
  async start(ctx, net, p, split, owned) {
    checkModelWidth(net.inputs, split.train.rows * split.train.cols);
    const train = await owned.add(DeviceDataset.upload(ctx, labelledBytes(split.train), 'train'));
    const test = await owned.add(DeviceDataset.upload(ctx, labelledBytes(split.test), 'test'));
    const trainer = await owned.add(BinaryNetTrainer.create(ctx, net, train, binaryNetTraining(p)));
    const evaluator = await owned.add(BinaryNetEvaluator.create(ctx, net, test, { loss: p.loss }));
    return {
      trainer,
      record: async (epoch) => classifierRecord(epoch, await evaluator.evaluate(), p.epochs),
      // What inference reads, folded from the trained values (BinaryConnect's real activations do not fold).
      state: async () => (net.config.binaryActivations ? packedTensors(foldBinaryNet(await hostLayers(net), net.config)) : {}),
    };
  },
  result(net, h, p, steps) {
    return {
      model: 'binarynet',
      layers: net.config.layers as number[],
      binary_activations: net.config.binaryActivations,
      binarize: p.binarize,
      loss: p.loss,
      lr: p.lr,
      lr_end: p['lr-end'],
      batch: p.batch,
      input_dropout: p['input-dropout'],
      hidden_dropout: p['hidden-dropout'],
      shift: net.config.shift,
      seed: p.seed,
      ...classifierResult(h, steps, p.batch),
    };
  },
  report: (r) => ({
    title: `${r.binary_activations ? 'BinaryNet' : 'BinaryConnect'} ${(r.layers as number[]).join('-')}, ${r.binarize} weights, ${r.loss} loss, Adam lr ${r.lr} to ${r.lr_end}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} examples`,
    lines: classifierReportLines(r),
  }),
};
