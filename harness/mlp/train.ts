// `mlp train`: an MLP classifier trained on --data (MNIST's split by default) and evaluated on the
// held-out examples after every epoch. The training feature's adapter (harness/train): its flags, its
// model file and its evaluation; the shared flow does the rest. The model file holds, beside the
// parameters (layer{i}.weight [inputs, outputs], layer{i}.bias [outputs]) and the optimiser state:
//   train_loss F32 [steps]      the mean cross-entropy of each step's batch
//   train_errors U32 [epochs]   training examples misclassified per epoch (while training on them)
//   test_error, test_loss F64 [epochs]   after each epoch
// and metadata model 'mlp', layers, activation, optimizer, lr, momentum, batch, dropout, seed,
// train_count, test_count, epochs (done), dataset, harmonium.iteration (steps).
import { InputError } from '../../engine/index.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Mlp, MlpEvaluator, MlpTrainer, mlpOptimizerState, readMlpConfig, validateMlpConfig, validateMlpTraining, type MlpConfig, type MlpEpoch, type MlpTrainingOptions } from '../../models/mlp.js';
import type { Json } from '../io/json.js';
import { hasLabels, MNIST, type DataSplit } from '../data/source.js';
import { classCount, labelledBytes } from '../data/dataset.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { perEpoch, perStep } from '../train/history.js';
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

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

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
    if (p.data !== MNIST && !hasLabels(p.data)) throw new InputError(`--data ${p.data}: a classifier needs labels: FILE,LABELS`);
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
  series: [...perStep('train_loss'), { name: 'train_errors', dtype: 'U32', per: 'epoch' }, ...perEpoch('test_error', 'test_loss')],
  async start(ctx, mlp, p, split, owned) {
    if (mlp.inputs !== split.train.rows * split.train.cols) throw new InputError(`the model has ${mlp.inputs} inputs; the data has ${split.train.rows * split.train.cols} values per example`);
    const train = await owned.add(DeviceDataset.upload(ctx, labelledBytes(split.train), 'train'));
    const test = await owned.add(DeviceDataset.upload(ctx, labelledBytes(split.test), 'test'));
    const trainer = await owned.add(MlpTrainer.create(ctx, mlp, train, mlpTraining(p)));
    const evaluator = await owned.add(MlpEvaluator.create(ctx, mlp, test));
    return {
      trainer,
      async record(epoch) {
        const e = await evaluator.evaluate();
        const line = `epoch ${epoch.epoch + 1}/${p.epochs}: train loss ${mean([...epoch.losses]).toFixed(4)}, test error ${pct(e.error)}, test loss ${e.loss.toFixed(4)}`;
        return { values: { train_loss: epoch.losses, train_errors: epoch.errors, test_error: e.error, test_loss: e.loss }, line: () => line };
      },
    };
  },
  result(mlp, h, p, steps) {
    const last = h.test_error.length - 1;
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
      test_error: h.test_error[last],
      test_loss: h.test_loss[last],
      history: h.test_error.map((testError, e): Json => ({
        epoch: e + 1,
        train_loss: mean(h.train_loss.slice(e * steps, (e + 1) * steps)),
        train_error: h.train_errors[e] / (steps * p.batch),
        test_error: testError,
        test_loss: h.test_loss[e],
      })),
      train_loss: h.train_loss,
    };
  },
  report: (r) => ({
    title: `MLP ${(r.layers as number[]).join('-')} ${r.activation}, ${r.optimizer} lr ${r.lr}, batch ${r.batch}, dropout ${r.dropout}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} examples`,
    lines: [
      ['test error', `${(100 * (r.test_error as number)).toFixed(2)}% of ${r.test_count} examples`],
      ['test loss', (r.test_loss as number).toFixed(4)],
    ],
  }),
};
