// The 'bench-mlp' job: one training epoch of the MLP (784-H-H-10, relu, Adam, batch 100 on our
// 8,000 MNIST training digits) in examples/s, beside the same model written with tfjs-backend-webgpu
// on the same device in the same run, and the fraction of the adapter's measured FMA peak reached.
// Before timing, each is checked: our first step's loss against the float64 reference, and tfjs's
// first step's loss and the loss after that step against ours, from the same initial weights.
import { HarmoniumError, InputError } from '../../engine/index.js';
import { DeviceDataset, type LabelledBytes } from '../../models/minibatch.js';
import { Mlp, MlpEvaluator, MlpTrainer, mlpOptimizerState, type MlpTrainingOptions } from '../../models/mlp.js';
import { Owned } from '../../models/owned.js';
import { defineJob, type JobContext } from '../backends/context.js';
import { measureLimits } from '../bench/limits.js';
import { reps, sizes } from '../bench/flags.js';
import { timeRuns, speedup } from '../bench/timing.js';
import { validateClose } from '../bench/validate.js';
import { boolean, integer, number, text, withDefault, type Values } from '../cli/schema.js';
import { sliceDataset, type LabelledDataset } from '../data/index.js';
import { loadTfjs, tfjsStatus } from '../gemm/bench.js';
import type { TfjsPeer } from '../gemm/tfjs_peer.js';
import type { Json, JsonObject } from '../io/json.js';
import { loadMnistSplit } from '../data/mnist_split.js';
import { mlpLossReference } from './reference.js';
import { tfjsMlp } from './tfjs_mlp.js';

export const BENCH_MLP_JOB = {
  sizes: withDefault(sizes, [512]),
  reps,
  batch: integer({ hidden: true, min: 1, default: 100, help: 'examples per step' }),
  lr: number({ hidden: true, min: 0, default: 1e-3, help: "Adam's learning rate" }),
  'train-count': integer({ hidden: true, min: 1, help: 'train on the first N digits only (default all 8,000)' }),
  'no-tfjs': boolean({ hidden: true, help: 'leave the tfjs peer out' }),
  'tfjs-url': text({ hidden: true, help: "where a page loads the tfjs peer from (default: next to the runner's bundle)" }),
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

const bytesOf = (d: LabelledDataset): LabelledBytes => ({ images: d.images as Uint8Array, labels: d.labels, count: d.count, width: d.rows * d.cols });

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
    const data = await owned.add(DeviceDataset.upload(ctx, bytesOf(first), 'bench mlp check'));
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

export async function runBenchMlpJob(ctx: JobContext, p: Values<typeof BENCH_MLP_JOB>): Promise<JsonObject> {
  const { sizes, reps, batch, lr } = p;
  if (!(lr > 0)) throw new InputError(`bench mlp: lr must be a positive number, got ${lr}`);
  const limits = await measureLimits(ctx, { reps });
  const { train } = await loadMnistSplit(ctx.gpu.adapter.runtime, { trainCount: p['train-count'] });
  if (batch > train.count) throw new InputError(`bench mlp: batch ${batch} exceeds the ${train.count} training digits`);
  const state = p['no-tfjs'] ? { reason: 'tfjs disabled (no_tfjs: true)' } : await loadTfjs(ctx.gpu, p['tfjs-url']);
  const peer = 'peer' in state ? state.peer : null;
  const steps = Math.floor(train.count / batch);
  const examples = steps * batch;
  const rows: JsonObject[] = [];
  const checks: Json[] = [];
  const row = (impl: string, layers: number[], t: { median_ms: number; min_ms: number; max_ms: number }): JsonObject => {
    const flops = mlpFlopsPerExample(layers);
    const perSecond = (1000 * examples) / t.median_ms;
    const gflops = (flops * perSecond) / 1e9;
    const r: JsonObject = { impl, layers, batch, examples_per_epoch: examples, median_ms: t.median_ms, min_ms: t.min_ms, max_ms: t.max_ms, examples_per_s: perSecond, flops_per_example: flops, gflops, fraction_of_fma_peak: gflops / limits.fma_gflops };
    ctx.onUnit?.(`${impl} ${layers.join('-')}: ${perSecond.toFixed(0)} examples/s, ${gflops.toFixed(3)} GFLOP/s (${(100 * (gflops / limits.fma_gflops)).toFixed(1)}% of FMA peak)`);
    return r;
  };
  try {
    for (const hidden of sizes) {
      const layers = [train.rows * train.cols, hidden, hidden, 10];
      const options: MlpTrainingOptions = { optimizer: 'adam', lr, batch, seed: SEED, epochs: 1 + reps };
      let validated: JsonObject | null = null;
      const ensureValid = async () => {
        validated ??= { layers, ...(await validate(ctx, layers, train, options, peer)) };
      };
      const owned = new Owned();
      try {
        const { mlp, weights, biases } = await freshModel(ctx, layers);
        await owned.add(mlp);
        const data = await owned.add(DeviceDataset.upload(ctx, bytesOf(train), 'bench mlp train'));
        const trainer = await owned.add(MlpTrainer.create(ctx, mlp, data, options));
        // One epoch, timed on the host to its metrics readback (as tfjs's is to its losses' readback).
        const ours = await timeRuns(async () => {
          const start = performance.now();
          await trainer.trainEpoch();
          return performance.now() - start;
        }, { reps, warmup: 1, validate: ensureValid });
        rows.push(row('harmonium', layers, ours));
        if (peer) {
          const model = tfjsMlp(peer.tf, { layers, weights, biases, images: train.images as Uint8Array, labels: train.labels, count: train.count, batch, lr });
          try {
            const theirs = await timeRuns(async () => {
              const start = performance.now();
              await model.trainEpoch();
              return performance.now() - start;
            }, { reps, warmup: 1 });
            rows.push({ ...row('tfjs', layers, theirs), ours_over_tfjs: speedup(ours, theirs) });
          } finally {
            model.dispose();
          }
        }
      } finally {
        owned.release();
      }
      checks.push(validated);
    }
  } finally {
    peer?.dispose();
  }
  return {
    name: 'mlp',
    adapter: { ...ctx.gpu.adapter },
    params: { sizes: sizes as number[], reps, batch, lr, train_count: train.count, optimizer: 'adam', activation: 'relu', seed: SEED },
    limits: { ...limits },
    tfjs: tfjsStatus(state),
    checks,
    rows,
    date: new Date().toISOString(),
  };
}

export const benchMlpJob = defineJob(BENCH_MLP_JOB, runBenchMlpJob);
