// The 'bench-rbm' job: one CD-1 epoch of a Bernoulli RBM (784-H, batch 100, SGD with momentum and
// weight decay) on our 8,000 binarised MNIST training digits in examples/s, beside the same CD-1
// written with tfjs-backend-webgpu on the same device in the same run, the single-thread float64
// TypeScript reference (harness/rbm/reference.ts, timed on a few batches), and the fraction of the
// adapter's measured FMA peak reached; then PCD-1 (100 persistent chains) in examples/s and AIS in
// intermediate distributions x runs per second. Before timing, each is checked on the first batch
// from the same weights: our CD-1 gradient against the float64 reference with the GPU's own draws,
// and tfjs's against ours with the same uniform numbers.
import { HarmoniumError, InputError, rngBits, RNG_PURPOSES } from '../../engine/index.js';
import { Owned } from '../../models/owned.js';
import { Rbm, RBM_CALLS } from '../../models/rbm.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { aisBaseBiases, rbmAis } from '../../models/rbm_partition.js';
import { RBM_RECIPE, RBM_TRAINING, RbmTrainer, rbmOptimizerState, validateRbmTraining, type RbmTrainingOptions } from '../../models/rbm_trainer.js';
import type { JobContext } from '../backends/context.js';
import { reps, sizes } from '../bench/flags.js';
import { benchJob, type Workload } from '../bench/flow.js';
import { validateClose } from '../bench/validate.js';
import { optionFlag } from '../cli/options.js';
import { integer, withDefault } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import type { TfjsPeer } from '../gemm/tfjs_peer.js';
import type { JsonObject } from '../io/json.js';
import { permutationReference } from '../reference/permute.js';
import { initialVisibleBiases, loadRbmData, type RbmImages } from './data.js';
import { cdStepReference, type RbmReference } from './reference.js';
import { tfjsRbm, type UniformSource } from './tfjs_rbm.js';

export const BENCH_RBM_JOB = {
  sizes: withDefault(sizes, [500]),
  reps,
  batch: optionFlag(RBM_TRAINING.batch, { hidden: true, help: 'examples per update' }),
  lr: optionFlag(RBM_TRAINING.lr, { hidden: true, help: 'learning rate' }),
  chains: integer({ hidden: true, min: 1, default: 100, help: 'persistent chains of the PCD row' }),
  'ais-runs': integer({ hidden: true, min: 2, default: 100, help: 'AIS runs of the AIS row' }),
  'ais-betas': integer({ hidden: true, min: 3, default: 1000, help: 'AIS transitions of the AIS row' }),
  'reference-batches': integer({ hidden: true, min: 1, default: 1, help: 'batches the TypeScript reference is timed on' }),
  'train-count': DATA_FLAGS['train-count'],
} as const;

const SEED = 1;

/** Useful f32 operations per example of CD-k or PCD-k: 2 V H per product of the batch (or chains) with W. */
export function rbmFlopsPerExample(visible: number, hidden: number, o: { k: number; chainsPerExample?: number }): number {
  const product = 2 * visible * hidden;
  // CD-k: p(h | v0), k visible and k - 1 hidden draws, p(h | vk), two statistics products: 2k + 3.
  if (o.chainsPerExample === undefined) return (2 * o.k + 3) * product;
  // PCD-k: the data's p(h | v0), its reconstruction and statistics product, and per chain 2k draws, p(h | vk), statistics.
  return (3 + (2 * o.k + 2) * o.chainsPerExample) * product;
}

/** AIS: per run and transition, v W, h W' (and v.d, negligible). */
export const aisFlopsPerTransition = (visible: number, hidden: number) => 4 * visible * hidden;

function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: { atol: number; rtol: number }): void {
  const v = validateClose(`bench rbm: ${what}`, actual, expected, tolerance);
  if (!v.ok) throw new HarmoniumError(`${v.message}; not timing it`);
}

/** A fresh 784-H model from seed 1 (visible biases from the data) and its initial parameters on the host. */
async function freshModel(ctx: JobContext, hidden: number, visible: number, biases: Float64Array, o: RbmTrainingOptions) {
  const rbm = await Rbm.create(ctx, { visible, hidden }, { seed: SEED, state: rbmOptimizerState(o), visibleBias: biases });
  const read = async (t: { read(): Promise<ArrayBuffer> }) => new Float32Array(await t.read());
  return { rbm, w: await read(rbm.weights.value), b: await read(rbm.visibleBias.value), c: await read(rbm.hiddenBias.value) };
}

/** The first `count` images of `x`. */
const firstOf = (x: RbmImages, count: number): RbmImages => ({ images: x.images.subarray(0, count * x.width), count, width: x.width });

/**
 * One CD-1 step on the first batch from the same weights: our weight gradient against the float64
 * reference with the GPU's draws, and (with the peer) tfjs's against ours with the same uniforms.
 */
async function validate(ctx: JobContext, hidden: number, train: RbmImages, biases: Float64Array, o: RbmTrainingOptions, peer: TfjsPeer | null): Promise<JsonObject> {
  const first = firstOf(train, o.batch);
  const owned = new Owned();
  try {
    const { rbm, w, b, c } = await freshModel(ctx, hidden, train.width, biases, o);
    await owned.add(rbm);
    const data = await owned.add(RbmDataset.upload(ctx, first, 'bench rbm check'));
    const trainer = await owned.add(RbmTrainer.create(ctx, rbm, data, { ...o, epochs: 1, weightDecay: 0 }));
    await trainer.trainEpoch();
    const ours = new Float32Array(await rbm.weights.grad.read());
    // The batch in the order the step saw it (the permutation of epoch 0).
    const order = permutationReference(o.batch, o.seed, 0);
    const v0 = new Float64Array(o.batch * train.width);
    order.forEach((row, i) => {
      for (let e = 0; e < train.width; e++) v0[i * train.width + e] = first.images[row * train.width + e] / 255;
    });
    const model: RbmReference = { visible: train.width, hidden, type: 'bernoulli', w, b, c };
    const reference = cdStepReference(model, v0, o.batch, { k: 1, seed: o.seed, step: 0 }).gradient.w;
    // Means over 100 rows of f32 products; one draw decided otherwise would move an entry by 1 / 100.
    const tolerance = { atol: 1e-5, rtol: 1e-4 };
    expectClose('CD-1 weight gradient, ours vs the float64 reference', ours, reference, tolerance);
    const check: JsonObject = { weight_gradient_checked: ours.length, max_abs_weight_gradient: ours.reduce((m, x) => Math.max(m, Math.abs(x)), 0) };
    if (peer) {
      const model = tfjsRbm(peer.tf, { visible: train.width, hidden, weights: w, visibleBias: b, hiddenBias: c, images: first.images, count: o.batch, batch: o.batch, lr: o.lr as number, momentum: RBM_RECIPE.momentum, weightDecay: 0 });
      try {
        // The uniforms behind our draws: u = (word >> 8) / 2^24, and u < p is exactly our Bernoulli rule.
        const uniform: UniformSource = (tf, shape, draw) => {
          const call = draw === 'hidden' ? RBM_CALLS.data : RBM_CALLS.visible(1);
          const words = Float32Array.from({ length: shape[0] * shape[1] }, (_, e) => (rngBits(o.seed, RNG_PURPOSES.bernoulli, 0, Math.floor(e / 4), call)[e % 4] >>> 8) / 2 ** 24);
          return tf.tensor2d(words, shape);
        };
        const theirs = await model.gradient(order, uniform);
        expectClose('CD-1 weight gradient, tfjs vs ours (the same uniforms)', theirs, ours, tolerance);
        check.tfjs_weight_gradient_checked = theirs.length;
      } finally {
        model.dispose();
      }
    }
    return check;
  } finally {
    owned.release();
  }
}

export const benchRbmJob = benchJob('rbm', BENCH_RBM_JOB, async (ctx, p, bench) => {
  const { sizes, batch, lr } = p;
  const data = await loadRbmData(ctx.gpu.adapter.runtime, { visible: 'bernoulli', binarize: 'sample', trainCount: p['train-count'] });
  const train = data.train;
  if (batch > train.count) throw new InputError(`bench rbm: batch ${batch} exceeds the ${train.count} training digits`);
  const biases = initialVisibleBiases('bernoulli', data.means);
  const steps = Math.floor(train.count / batch);
  const examples = steps * batch;
  const visible = train.width;
  // Each row says what it timed and in which units: examples of an epoch, or AIS transitions x runs.
  const workload = (what: string, hidden: number, flopsPerUnit: number, units: number, unit: string): Workload => ({
    label: `${what} ${visible}-${hidden}`,
    fields: { what, visible, hidden, units, unit },
    units,
    unit,
    flopsPerUnit,
    keys: { rate: 'per_s', flops: 'flops_per_unit' },
  });
  const options = (epochs: number, chains = 0): RbmTrainingOptions => ({ k: 1, chains, lr, momentum: RBM_RECIPE.momentum, weightDecay: RBM_RECIPE.weightDecay, batch, seed: SEED, epochs });
  for (const hidden of sizes) {
    const cd1 = workload('CD-1 epoch', hidden, rbmFlopsPerExample(visible, hidden, { k: 1 }), examples, 'examples');
    let validated: JsonObject | null = null;
    const ensureValid = async () => {
      validated ??= { hidden, ...(await validate(ctx, hidden, train, biases, options(1), bench.peer)) };
    };
    const owned = new Owned();
    try {
      const set = await owned.add(RbmDataset.upload(ctx, train, 'bench rbm train'));
      // 1. Ours, CD-1, an epoch timed on the host to its metrics readback (as tfjs's is to its errors' readback).
      const { rbm, w, b, c } = await freshModel(ctx, hidden, visible, biases, options(1 + bench.reps));
      await owned.add(rbm);
      const trainer = await owned.add(RbmTrainer.create(ctx, rbm, set, options(1 + bench.reps)));
      const ours = await bench.time('harmonium', cd1, () => trainer.trainEpoch(), { validate: ensureValid });
      // 2. tfjs, CD-1, from the same weights.
      await bench.timePeer(cd1, ours, (peer) => {
        const model = tfjsRbm(peer.tf, { visible, hidden, weights: w, visibleBias: b, hiddenBias: c, images: train.images, count: train.count, batch, lr, momentum: RBM_RECIPE.momentum, weightDecay: RBM_RECIPE.weightDecay });
        return { run: () => model.trainEpoch(), dispose: () => model.dispose() };
      });
      // 3. The float64 reference, one thread, on `reference-batches` batches.
      const model: RbmReference = { visible, hidden, type: 'bernoulli', w, b, c };
      const batches = Math.min(p['reference-batches'], steps);
      const v0 = Float64Array.from(train.images.subarray(0, batch * visible), (x) => x / 255);
      const reference = workload('CD-1 epoch', hidden, cd1.flopsPerUnit, batches * batch, 'examples');
      await bench.time('typescript (float64, 1 thread)', reference, async () => {
        for (let s = 0; s < batches; s++) cdStepReference(model, v0, batch, { k: 1, seed: SEED, step: s });
      }, { reps: 1, warmup: 0 });
      // 4. Ours, PCD-1 with its persistent chains.
      const pcdModel = await owned.add((await freshModel(ctx, hidden, visible, biases, options(1 + bench.reps, p.chains))).rbm);
      const pcd = await owned.add(RbmTrainer.create(ctx, pcdModel, set, options(1 + bench.reps, p.chains)));
      const pcdFlops = rbmFlopsPerExample(visible, hidden, { k: 1, chainsPerExample: p.chains / batch });
      await bench.time('harmonium', workload(`PCD-1 epoch (${p.chains} chains)`, hidden, pcdFlops, examples, 'examples'), () => pcd.trainEpoch());
      // 5. Ours, AIS: runs x transitions per second.
      const runs = p['ais-runs'];
      const betas = p['ais-betas'];
      const base = aisBaseBiases('bernoulli', data.means);
      const ais = workload(`AIS (${runs} runs x ${betas} transitions)`, hidden, aisFlopsPerTransition(visible, hidden), runs * betas, 'transitions x runs');
      await bench.time('harmonium', ais, () => rbmAis(ctx, rbm, { runs, betas, base, seed: SEED }));
    } finally {
      owned.release();
    }
    bench.checks.push(validated);
  }
  return { sizes: sizes as number[], reps: bench.reps, batch, lr, momentum: RBM_RECIPE.momentum, weight_decay: RBM_RECIPE.weightDecay, chains: p.chains, ais_runs: p['ais-runs'], ais_betas: p['ais-betas'], train_count: train.count, seed: SEED };
}, (p) => validateRbmTraining({ k: 1, lr: p.lr, batch: p.batch, seed: SEED, epochs: 1 }));
