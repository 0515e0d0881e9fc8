// `mlp train`: an MLP classifier trained on --data (MNIST's split by default) and evaluated on the
// held-out examples after every epoch. The training feature's adapter (harness/train): its flags, its
// model file and its evaluation; the shared flow does the rest. The model file holds, beside the
// parameters (layer{i}.weight [inputs, outputs], layer{i}.bias [outputs]) and the optimiser state:
//   train_loss F32 [steps]      the mean cross-entropy of each step's batch
//   train_errors U32 [epochs]   training examples misclassified per epoch (while training on them)
//   test_error, test_loss F64 [epochs]   after each epoch
// and metadata model 'mlp', layers, activation, optimizer, lr, momentum, batch, dropout, seed,
// train_count, test_count, epochs (done), dataset, harmonium.iteration (steps).
import { DeviceDataset } from '../../models/minibatch.js';
import { Mlp, MlpEvaluator, MlpTrainer, mlpOptimizerState, readMlpConfig, validateMlpConfig, validateMlpTraining, type MlpConfig, type MlpEpoch, type MlpTrainingOptions } from '../../models/mlp.js';
import type { DataSplit } from '../data/source.js';
import { checkModelWidth, classCount, labelledBytes } from '../data/dataset.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { checkLabelledData, CLASSIFIER_SERIES, classifierRecord, classifierReportLines, classifierResult } from '../train/classifier.js';
import { MLP_TRAIN_FLAGS } from './flags.js';

type Params = TrainParams<typeof MLP_TRAIN_FLAGS>;

/** The network of a run: the data's inputs (MNIST's 784 before any is read), the hidden widths, its classes (10). */
export function mlpConfig(p: Pick<Params, 'hidden' | 'activation'>, split?: DataSplit): MlpConfig {
  const [inputs, classes] = split ? [split.train.rows * split.train.cols, classCount(split.train)] : [784, 10];
  return { layers: [inputs, ...p.hidden, classes], activation: p.activation };
}

/** The training options of a run. */
export function mlpTraining(p: Params): MlpTrainingOptions {
  return { optimizer: p.optimizer, lr: p.lr, momentum: p.momentum, batch: p.batch, seed: p.seed, dropout: p.dropout, epochs: p.epochs };
}


export const MLP_FEATURE: TrainingFeature<typeof MLP_TRAIN_FLAGS, Mlp, MlpEpoch, DataSplit> = {
  name: 'mlp',
  summary: 'train an MLP classifier (MNIST: 8,000 training / 2,000 test digits, or your data) on the GPU',
  details: `Logs one line per epoch (train loss, test error, test loss) on stderr. With --json the object holds
layers, activation, optimizer, lr, momentum, batch, dropout, seed, epochs, train_count, test_count,
steps_per_epoch, test_error, test_loss, history (per epoch: train_loss, train_error, test_error,
test_loss), train_loss (per step), examples_per_s, wall_ms, adapter, backend. A --data file needs its
labels (FILE,LABELS).
The model file holds layer{i}.weight [inputs, outputs] and layer{i}.bias [outputs] (F32, y = act(x W + b)),
the optimiser state (m/, v/ or momentum/ + the parameter's name), train_loss (per step), train_errors,
test_error and test_loss (per epoch), and metadata model = "mlp", layers, activation, optimizer, lr,
momentum, batch, dropout, seed, train_count, test_count, epochs, dataset, harmonium.iteration (steps).`,
  flags: MLP_TRAIN_FLAGS,
  check(p) {
    checkLabelledData(p.data);
    validateMlpConfig(mlpConfig(p));
    validateMlpTraining(mlpTraining(p));
  },
  readConfig: readMlpConfig,
  prepare: async (_runtime, _p, split) => split,
  create: (ctx, p, split) => Mlp.create(ctx, mlpConfig(p, split), { seed: p.seed, state: mlpOptimizerState(mlpTraining(p)) }),
  restore: (ctx, bytes, source) => Mlp.fromSafetensors(ctx, bytes, source).then(({ mlp, ...file }) => ({ model: mlp, ...file })),
  settings: (p, split) => ({
    hidden: p.hidden.join(','),
    activation: p.activation,
    optimizer: p.optimizer,
    lr: String(p.lr),
    momentum: String(p.momentum),
    batch: String(p.batch),
    dropout: String(p.dropout),
    seed: String(p.seed),
    train_count: String(split.train.count),
  }),
  modelSettings: (mlp) => ({ hidden: mlp.config.layers.slice(1, -1).join(','), activation: mlp.config.activation }),
  series: CLASSIFIER_SERIES,
  async start(ctx, mlp, p, split, owned) {
    checkModelWidth(mlp.inputs, split.train.rows * split.train.cols);
    const train = await owned.add(DeviceDataset.upload(ctx, labelledBytes(split.train), 'train'));
    const test = await owned.add(DeviceDataset.upload(ctx, labelledBytes(split.test), 'test'));
    const trainer = await owned.add(MlpTrainer.create(ctx, mlp, train, mlpTraining(p)));
    const evaluator = await owned.add(MlpEvaluator.create(ctx, mlp, test));
    return {
      trainer,
      record: async (epoch) => classifierRecord(epoch, await evaluator.evaluate(), p.epochs),
    };
  },
  result(mlp, h, p, steps) {
    return {
      model: 'mlp',
      layers: mlp.config.layers as number[],
      activation: mlp.config.activation,
      optimizer: p.optimizer,
      lr: p.lr,
      momentum: p.momentum,
      batch: p.batch,
      dropout: p.dropout,
      seed: p.seed,
      ...classifierResult(h, steps, p.batch),
    };
  },
  report: (r) => ({
    title: `MLP ${(r.layers as number[]).join('-')} ${r.activation}, ${r.optimizer} lr ${r.lr}, batch ${r.batch}, dropout ${r.dropout}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} examples`,
    lines: classifierReportLines(r),
  }),
};
