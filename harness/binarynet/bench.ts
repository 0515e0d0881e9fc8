// The 'bench-binarynet' job: BinaryNet inference (784-H-H-H-10, the paper's MNIST shape at H = 4096)
// in images/s over our 8,000 MNIST training digits in batches, by the packed path (XNOR-popcount on
// bits), the f32 path (the same +-1 network by f32 GEMMs) and tfjs-backend-webgpu (the f32 network as
// a tfjs user writes it), on the same device in the same run; then one training epoch of BinaryNet
// beside one of the float MLP of the same widths. The inference network is folded from random values
// (speed does not depend on them). Before timing: the f32 path's scores of the first batch against
// the float64 definition, the packed path's against the f32 path's bit for bit, and tfjs's predicted
// classes against ours.
import { HarmoniumError, InputError } from '../../engine/index.js';
import { BinaryNetInference, foldBinaryNet, INFERENCE_PATHS, type FoldedNetwork, type InferencePath } from '../../models/binarynet_inference.js';
import { BinaryNet, validateBinaryNetConfig } from '../../models/binarynet.js';
import { BinaryNetTrainer } from '../../models/binarynet_training.js';
import { Mlp, MlpTrainer, mlpOptimizerState } from '../../models/mlp.js';
import { DeviceDataset, type LabelledBytes } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import type { JobContext } from '../backends/context.js';
import { reps, sizes } from '../bench/flags.js';
import { benchJob, type BenchRun, type Workload } from '../bench/flow.js';
import { validateClose } from '../bench/validate.js';
import { boolean, integer, withDefault } from '../cli/schema.js';
import { labelledBytes, sliceDataset, type LabelledDataset } from '../data/dataset.js';
import { loadMnistSplit } from '../data/mnist_split.js';
import { DATA_FLAGS } from '../data/source.js';
import type { JsonObject } from '../io/json.js';
import { binaryNetInferReference } from '../reference/binarynet.js';
import { mlpFlopsPerExample } from '../mlp/bench.js';
import { randomBinaryLayers } from './random_net.js';
import { tfjsBinaryNet } from './tfjs_binarynet.js';

export const BENCH_BINARYNET_JOB = {
  sizes: withDefault(sizes, [4096]),
  reps,
  rows: integer({ min: 1, default: 1000, hidden: true, help: 'examples per inference batch' }),
  'no-training': boolean({ hidden: true, help: 'time inference only' }),
  'train-count': DATA_FLAGS['train-count'],
} as const;

const SEED = 1;

/** Multiply-adds per example, twice: the ops of the +-1 products, which the packed path does 32 to a word. */
export const binaryOpsPerExample = (layers: readonly number[]): number => layers.slice(1).reduce((sum, outputs, i) => sum + 2 * layers[i] * outputs, 0);

/** The predicted class of each row of scores (the first largest). */
function classes(scores: ArrayLike<number>, classCount: number): number[] {
  return Array.from({ length: scores.length / classCount }, (_, r) => {
    let best = 0;
    for (let k = 1; k < classCount; k++) if (scores[r * classCount + k] > scores[r * classCount + best]) best = k;
    return best;
  });
}

function fail(message: string): never {
  throw new HarmoniumError(`bench binarynet: ${message}; not timing it`);
}

/** Rows of the first batch checked against the float64 definition (a 4096-wide network's rows cost the host 37M multiply-adds each). */
const REFERENCE_ROWS = 16;

/** The first batch by both paths against each other (all of it, bit for bit) and the definition (its first rows), and tfjs's classes against ours. */
async function validate(ctx: JobContext, net: FoldedNetwork, layers: ReturnType<typeof randomBinaryLayers>, first: LabelledBytes, peerScores: (() => Promise<Float32Array>) | null): Promise<JsonObject> {
  const owned = new Owned();
  try {
    const data = await owned.add(DeviceDataset.upload(ctx, first, 'bench binarynet first batch'));
    const scores: Record<InferencePath, Float32Array> = { float: new Float32Array(), packed: new Float32Array() };
    for (const path of INFERENCE_PATHS) scores[path] = (await (await owned.add(BinaryNetInference.create(ctx, net, data, { rows: first.count, path }))).classifyAll()).scores;
    if (!scores.float.every((x, i) => Object.is(x, scores.packed[i]))) fail('the packed and f32 paths differ on the first batch');
    const rows = Math.min(REFERENCE_ROWS, first.count);
    const classCount = net.last.outputs;
    const reference = binaryNetInferReference(layers, first.images.subarray(0, rows * first.width), rows, net.config);
    const v = validateClose('bench binarynet: f32 path vs the float64 definition', scores.float.subarray(0, rows * classCount), reference, { atol: 1e-4, rtol: 1e-5 });
    if (!v.ok) fail(v.message);
    const check: JsonObject = { first_batch_rows: first.count, packed_matches_float: true, reference_rows: rows, float_matches_reference: true };
    if (peerScores) {
      const theirs = classes(await peerScores(), classCount);
      const ours = classes(scores.float, classCount);
      const differ = theirs.filter((c, r) => c !== ours[r]).length;
      // Scores near a tie may order differently under tfjs's f32 batch norm; more than 1% is a bug.
      if (differ > first.count / 100) fail(`tfjs classifies ${differ} of the first ${first.count} examples otherwise than we do`);
      check.tfjs_class_mismatches = differ;
    }
    return check;
  } finally {
    owned.release();
  }
}

export const benchBinaryNetJob = benchJob('binarynet', BENCH_BINARYNET_JOB, async (ctx, p, bench) => {
  const { sizes, rows } = p;
  const { train } = await loadMnistSplit(ctx.gpu.adapter.runtime, { trainCount: p['train-count'] });
  if (rows > train.count) throw new InputError(`bench binarynet: --rows ${rows} exceeds the ${train.count} digits`);
  const batches = Math.floor(train.count / rows);
  const examples = batches * rows;
  const digits = labelledBytes(sliceDataset(train, 0, examples));
  for (const hidden of sizes) {
    const widths = [digits.width, hidden, hidden, hidden, 10];
    const config = validateBinaryNetConfig({ layers: widths });
    const layers = randomBinaryLayers(widths, SEED);
    const net = foldBinaryNet(layers, config);
    const w = (path: string): Workload => ({ label: `${path} inference ${widths.join('-')}`, fields: { layers: widths, path, rows, examples }, units: examples, flopsPerUnit: binaryOpsPerExample(widths), unit: 'images', keys: { rate: 'images_per_s', flops: 'ops_per_image' } });
    const owned = new Owned();
    try {
      const data = await owned.add(DeviceDataset.upload(ctx, digits, 'bench binarynet digits'));
      const peer = bench.peer ? tfjsBinaryNet(bench.peer.tf, net, { images: digits.images, rows, batches: 1 }) : null;
      try {
        const first = { ...digits, images: digits.images.subarray(0, rows * digits.width), labels: Array.from(digits.labels).slice(0, rows), count: rows };
        bench.checks.push({ layers: widths, ...(await validate(ctx, net, layers, first, peer && (() => peer.run()))) });
      } finally {
        peer?.dispose();
      }
      const timings = [];
      for (const path of ['packed', 'float'] as const) {
        const inference = await owned.add(BinaryNetInference.create(ctx, net, data, { rows, path }));
        timings.push(await bench.time('harmonium', w(path), () => inference.runFullBatches()));
        // One 32-bit xor + popcount handles 32 connections (bench/limits.ts counts it as 2 ops: 64 binary ops a word).
        const row = bench.rows[bench.rows.length - 1];
        row.fraction_of_popcount_peak = path === 'packed' ? (row.gflops as number) / (32 * bench.limits.popcount_gops) : null;
      }
      await bench.timePeer(w('float'), timings[0], (peer) => tfjsBinaryNet(peer.tf, net, { images: digits.images, rows, batches }));
      if (!p['no-training']) await timeTraining(ctx, bench, widths, train, owned);
    } finally {
      owned.release();
    }
  }
  return { sizes: sizes as number[], reps: bench.reps, rows, examples, train_batch: TRAIN_BATCH, seed: SEED };
});

/** Examples per training step of the epochs timed (the paper's batch). */
const TRAIN_BATCH = 100;

/** One training epoch of BinaryNet (the paper's recipe) and of the float MLP of the same widths (relu, Adam), each timed to its metrics readback. */
async function timeTraining(ctx: JobContext, bench: BenchRun, widths: number[], train: LabelledDataset, owned: Owned): Promise<void> {
  const data = await owned.add(DeviceDataset.upload(ctx, labelledBytes(train), 'bench binarynet training digits'));
  const steps = Math.floor(train.count / TRAIN_BATCH);
  const w = (model: string): Workload => ({ label: `${model} training epoch ${widths.join('-')}`, fields: { layers: widths, path: `${model} train`, rows: TRAIN_BATCH, examples: steps * TRAIN_BATCH }, units: steps * TRAIN_BATCH, flopsPerUnit: mlpFlopsPerExample(widths), unit: 'images', keys: { rate: 'images_per_s', flops: 'ops_per_image' } });
  const epochs = 1 + bench.reps;
  const net = await owned.add(BinaryNet.create(ctx, { layers: widths }, { seed: SEED }));
  const binaryTrainer = await owned.add(BinaryNetTrainer.create(ctx, net, data, { epochs, batch: TRAIN_BATCH, seed: SEED }));
  await bench.time('harmonium', w('binarynet'), () => binaryTrainer.trainEpoch());
  const mlp = await owned.add(Mlp.create(ctx, { layers: widths, activation: 'relu' }, { seed: SEED, state: mlpOptimizerState({ optimizer: 'adam' }) }));
  const mlpTrainer = await owned.add(MlpTrainer.create(ctx, mlp, data, { optimizer: 'adam', lr: 1e-3, batch: TRAIN_BATCH, seed: SEED, epochs }));
  await bench.time('harmonium', w('mlp'), () => mlpTrainer.trainEpoch());
}
