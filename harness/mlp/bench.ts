// The 'bench-mlp' job: one training epoch of the MLP (784-H-H-10, relu, Adam, batch 100 on our
// 8,000 MNIST training digits) in examples/s, beside the same model written with tfjs-backend-webgpu
// on the same device in the same run, and the fraction of the adapter's measured FMA peak reached.
// Before timing, each is checked: our first step's loss against the float64 reference, and tfjs's
// first step's loss and the loss after that step against ours, from the same initial weights.
import { HarmoniumError, InputError } from '../../engine/index.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { labelledBytes } from '../data/dataset.js';
import { Mlp, MLP_TRAINING, MlpEvaluator, validateMlpTraining, MlpTrainer, mlpOptimizerState, type MlpTrainingOptions } from '../../models/mlp.js';
import { Owned } from '../../models/owned.js';
import type { JobContext } from '../backends/context.js';
import { reps, sizes } from '../bench/flags.js';
import { benchJob, type Workload } from '../bench/flow.js';
import { validateClose } from '../bench/validate.js';
import { optionFlag } from '../cli/options.js';
import { withDefault } from '../cli/schema.js';
import { sliceDataset, type LabelledDataset } from '../data/index.js';
import { DATA_FLAGS } from '../data/source.js';
import type { TfjsPeer } from '../gemm/tfjs_peer.js';
import type { JsonObject } from '../io/json.js';
import { loadMnistSplit } from '../data/mnist_split.js';
import { mlpLossReference } from './reference.js';
import { tfjsMlp } from './tfjs_mlp.js';

export const BENCH_MLP_JOB = {
  sizes: withDefault(sizes, [512]),
  reps,
  batch: optionFlag(MLP_TRAINING.batch, { hidden: true, help: 'examples per step' }),
  lr: optionFlag(MLP_TRAINING.lr, { hidden: true, help: "Adam's learning rate" }),
  'train-count': DATA_FLAGS['train-count'],
} as const;

const SEED = 1;

/**
 * Useful f32 operations per training example of a network of `layers` (2 per multiply-add): the
 * forward product of each layer, its weight gradient, and the input gradient of every layer but the first.
 */
export function mlpFlopsPerExample(layers: readonly number[]): number {
  const products = layers.slice(1).map((outputs, i) => 2 * layers[i] * outputs);
  return products.reduce((sum, p, i) => sum + (i === 0 ? 2 : 3) * p, 0);
}


/** Our model from seed 1 and its initial weights and biases on the host (the peer starts from the same). */
async function freshModel(ctx: JobContext, layers: number[]): Promise<{ mlp: Mlp; weights: Float32Array[]; biases: Float32Array[] }> {
  const mlp = await Mlp.create(ctx, { layers, activation: 'relu' }, { seed: SEED, state: mlpOptimizerState({ optimizer: 'adam' }) });
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (const layer of mlp.layers) {
    weights.push(new Float32Array(await layer.weight.value.read()));
    biases.push(new Float32Array(await layer.bias.value.read()));
  }
  return { mlp, weights, biases };
}

/** Fails unless |actual - expected| <= rtol |expected| (the report names what was compared). */
function expectClose(what: string, actual: number, expected: number, rtol: number): void {
  const v = validateClose(`bench mlp: ${what}`, [actual], [expected], { atol: 0, rtol });
  if (!v.ok) throw new HarmoniumError(`${v.message}; not timing it`);
}

/**
 * One Adam step on the first `batch` digits from the same initial weights: our first loss against
 * the float64 reference, and (with the peer) tfjs's first loss and loss after the step against ours.
 */
async function validate(ctx: JobContext, layers: number[], train: LabelledDataset, o: MlpTrainingOptions, peer: TfjsPeer | null): Promise<JsonObject> {
  const first = sliceDataset(train, 0, o.batch);
  const owned = new Owned();
  try {
    const { mlp, weights, biases } = await freshModel(ctx, layers);
    await owned.add(mlp);
    const data = await owned.add(DeviceDataset.upload(ctx, labelledBytes(first), 'bench mlp check'));
    const trainer = await owned.add(MlpTrainer.create(ctx, mlp, data, { ...o, epochs: 1 }));
    const ours = (await trainer.trainEpoch()).losses[0];
    const oursAfter = (await (await owned.add(MlpEvaluator.create(ctx, mlp, data))).evaluate()).loss;
    const x = Float64Array.from(first.images, (b) => b / 255);
    const reference = mlpLossReference({ layers, activation: 'relu', weights, biases }, x, first.labels, o.batch).loss;
    // A mean of 100 f32 log-softmax terms after f32 products of 784 terms.
    expectClose('first-step loss, ours vs the float64 reference', ours, reference, 1e-5);
    const check: JsonObject = { first_loss: ours, reference_first_loss: reference, loss_after_step: oursAfter };
    if (peer) {
      const model = tfjsMlp(peer.tf, { layers, weights, biases, images: first.images as Uint8Array, labels: first.labels, count: o.batch, batch: o.batch, lr: o.lr as number });
      try {
        const tfjsFirst = (await model.trainEpoch(Int32Array.from({ length: o.batch }, (_, i) => i)))[0];
        const tfjsAfter = await model.loss();
        expectClose('first-step loss, tfjs vs ours', tfjsFirst, ours, 1e-4);
        // Adam's first step moves each parameter by about lr against its gradient's sign; where a
        // gradient is near 0 the two may disagree in sign, which moves the loss by far less than this.
        expectClose('loss after one Adam step, tfjs vs ours', tfjsAfter, oursAfter, 1e-3);
        Object.assign(check, { tfjs_first_loss: tfjsFirst, tfjs_loss_after_step: tfjsAfter });
      } finally {
        model.dispose();
      }
    }
    return check;
  } finally {
    owned.release();
  }
}

export const benchMlpJob = benchJob('mlp', BENCH_MLP_JOB, async (ctx, p, bench) => {
  const { sizes, batch, lr } = p;
  const { train } = await loadMnistSplit(ctx.gpu.adapter.runtime, { trainCount: p['train-count'] });
  if (batch > train.count) throw new InputError(`bench mlp: batch ${batch} exceeds the ${train.count} training digits`);
  const examples = Math.floor(train.count / batch) * batch;
  for (const hidden of sizes) {
    const layers = [train.rows * train.cols, hidden, hidden, 10];
    const options = { optimizer: 'adam' as const, lr, batch, seed: SEED, epochs: 1 + bench.reps };
    const w: Workload = { label: layers.join('-'), fields: { layers, batch, examples_per_epoch: examples }, units: examples, flopsPerUnit: mlpFlopsPerExample(layers) };
    let validated: JsonObject | null = null;
    const ensureValid = async () => {
      validated ??= { layers, ...(await validate(ctx, layers, train, options, bench.peer)) };
    };
    const owned = new Owned();
    try {
      const { mlp, weights, biases } = await freshModel(ctx, layers);
      await owned.add(mlp);
      const data = await owned.add(DeviceDataset.upload(ctx, labelledBytes(train), 'bench mlp train'));
      const trainer = await owned.add(MlpTrainer.create(ctx, mlp, data, options));
      // One epoch, timed on the host to its metrics readback (as tfjs's is to its losses' readback).
      const ours = await bench.time('harmonium', w, () => trainer.trainEpoch(), { validate: ensureValid });
      await bench.timePeer(w, ours, (peer) => {
        const model = tfjsMlp(peer.tf, { layers, weights, biases, images: train.images as Uint8Array, labels: train.labels, count: train.count, batch, lr });
        return { run: () => model.trainEpoch(), dispose: () => model.dispose() };
      });
    } finally {
      owned.release();
    }
    bench.checks.push(validated);
  }
  return { sizes: sizes as number[], reps: bench.reps, batch, lr, train_count: train.count, optimizer: 'adam', activation: 'relu', seed: SEED };
}, (p) => validateMlpTraining({ optimizer: 'adam', lr: p.lr, batch: p.batch, seed: SEED, epochs: 1 }));
