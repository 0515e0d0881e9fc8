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
import { RbmTrainer, rbmOptimizerState, type RbmTrainingOptions } from '../../models/rbm_trainer.js';
import { defineJob, type JobContext } from '../backends/context.js';
import { measureLimits } from '../bench/limits.js';
import { reps, sizes } from '../bench/flags.js';
import { timeHost, timeRuns, speedup } from '../bench/timing.js';
import { validateClose } from '../bench/validate.js';
import { boolean, integer, number, text, withDefault, type Values } from '../cli/schema.js';
import { loadTfjs, tfjsStatus } from '../gemm/bench.js';
import type { TfjsPeer } from '../gemm/tfjs_peer.js';
import type { Json, JsonObject } from '../io/json.js';
import { permutationReference } from '../reference/permute.js';
import { initialVisibleBiases, loadRbmData, type RbmImages } from './data.js';
import { cdStepReference, type RbmReference } from './reference.js';
import { tfjsRbm, type UniformSource } from './tfjs_rbm.js';

export const BENCH_RBM_JOB = {
  sizes: withDefault(sizes, [500]),
  reps,
  batch: integer({ hidden: true, min: 1, default: 100, help: 'examples per update' }),
  lr: number({ hidden: true, min: 0, default: 0.05, help: 'learning rate' }),
  chains: integer({ hidden: true, min: 1, default: 100, help: 'persistent chains of the PCD row' }),
  'ais-runs': integer({ hidden: true, min: 2, default: 100, help: 'AIS runs of the AIS row' }),
  'ais-betas': integer({ hidden: true, min: 3, default: 1000, help: 'AIS transitions of the AIS row' }),
  'reference-batches': integer({ hidden: true, min: 1, default: 1, help: 'batches the TypeScript reference is timed on' }),
  'train-count': integer({ hidden: true, min: 1, help: 'train on the first N digits only (default all 8,000)' }),
  'no-tfjs': boolean({ hidden: true, help: 'leave the tfjs peer out' }),
  'tfjs-url': text({ hidden: true, help: "where a page loads the tfjs peer from (default: next to the runner's bundle)" }),
} as const;

const SEED = 1;
const MOMENTUM = 0.5;
const WEIGHT_DECAY = 2e-4;

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
      const model = tfjsRbm(peer.tf, { visible: train.width, hidden, weights: w, visibleBias: b, hiddenBias: c, images: first.images, count: o.batch, batch: o.batch, lr: o.lr as number, momentum: MOMENTUM, weightDecay: 0 });
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

export async function runBenchRbmJob(ctx: JobContext, p: Values<typeof BENCH_RBM_JOB>): Promise<JsonObject> {
  const { sizes, reps, batch, lr } = p;
  if (!(lr > 0)) throw new InputError(`bench rbm: lr must be a positive number, got ${lr}`);
  const limits = await measureLimits(ctx, { reps });
  const data = await loadRbmData(ctx.gpu.adapter.runtime, { visible: 'bernoulli', binarize: 'sample', trainCount: p['train-count'] });
  const train = data.train;
  if (batch > train.count) throw new InputError(`bench rbm: batch ${batch} exceeds the ${train.count} training digits`);
  const biases = initialVisibleBiases('bernoulli', data.means);
  const state = p['no-tfjs'] ? { reason: 'tfjs disabled (no_tfjs: true)' } : await loadTfjs(ctx.gpu, p['tfjs-url']);
  const peer = 'peer' in state ? state.peer : null;
  const steps = Math.floor(train.count / batch);
  const examples = steps * batch;
  const visible = train.width;
  const rows: JsonObject[] = [];
  const checks: Json[] = [];
  const row = (impl: string, what: string, hidden: number, flopsPerUnit: number, units: number, unit: string, t: { median_ms: number; min_ms: number; max_ms: number }): JsonObject => {
    const perSecond = (1000 * units) / t.median_ms;
    const gflops = (flopsPerUnit * perSecond) / 1e9;
    const r: JsonObject = { impl, what, visible, hidden, units, unit, median_ms: t.median_ms, min_ms: t.min_ms, max_ms: t.max_ms, per_s: perSecond, flops_per_unit: flopsPerUnit, gflops, fraction_of_fma_peak: gflops / limits.fma_gflops };
    ctx.onUnit?.(`${impl} ${what} ${visible}-${hidden}: ${perSecond.toFixed(0)} ${unit}/s, ${gflops.toFixed(3)} GFLOP/s (${(100 * (gflops / limits.fma_gflops)).toFixed(1)}% of FMA peak)`);
    return r;
  };
  const options = (epochs: number, chains = 0): RbmTrainingOptions => ({ k: 1, chains, lr, momentum: MOMENTUM, weightDecay: WEIGHT_DECAY, batch, seed: SEED, epochs });
  // An epoch timed on the host to its metrics readback (as tfjs's is to its errors' readback).
  const epochTimer = (trainer: RbmTrainer) => async () => {
    const start = performance.now();
    await trainer.trainEpoch();
    return performance.now() - start;
  };
  try {
    for (const hidden of sizes) {
      const cd1 = rbmFlopsPerExample(visible, hidden, { k: 1 });
      let validated: JsonObject | null = null;
      const ensureValid = async () => {
        validated ??= { hidden, ...(await validate(ctx, hidden, train, biases, options(1), peer)) };
      };
      const owned = new Owned();
      try {
        const set = await owned.add(RbmDataset.upload(ctx, train, 'bench rbm train'));
        // 1. Ours, CD-1.
        const { rbm, w, b, c } = await freshModel(ctx, hidden, visible, biases, options(1 + reps));
        await owned.add(rbm);
        const trainer = await owned.add(RbmTrainer.create(ctx, rbm, set, options(1 + reps)));
        const ours = await timeRuns(epochTimer(trainer), { reps, warmup: 1, validate: ensureValid });
        rows.push(row('harmonium', 'CD-1 epoch', hidden, cd1, examples, 'examples', ours));
        // 2. tfjs, CD-1, from the same weights.
        if (peer) {
          const model = tfjsRbm(peer.tf, { visible, hidden, weights: w, visibleBias: b, hiddenBias: c, images: train.images, count: train.count, batch, lr, momentum: MOMENTUM, weightDecay: WEIGHT_DECAY });
          try {
            const theirs = await timeRuns(async () => {
              const start = performance.now();
              await model.trainEpoch();
              return performance.now() - start;
            }, { reps, warmup: 1 });
            rows.push({ ...row('tfjs', 'CD-1 epoch', hidden, cd1, examples, 'examples', theirs), ours_over_tfjs: speedup(ours, theirs) });
          } finally {
            model.dispose();
          }
        }
        // 3. The float64 reference, one thread, on `reference-batches` batches.
        const model: RbmReference = { visible, hidden, type: 'bernoulli', w, b, c };
        const batches = Math.min(p['reference-batches'], steps);
        const v0 = Float64Array.from(train.images.subarray(0, batch * visible), (x) => x / 255);
        const reference = await timeRuns(async () => timeHost(() => {
          for (let s = 0; s < batches; s++) cdStepReference(model, v0, batch, { k: 1, seed: SEED, step: s });
        }), { reps: 1, warmup: 0 });
        rows.push(row('typescript (float64, 1 thread)', 'CD-1 epoch', hidden, cd1, batches * batch, 'examples', reference));
        // 4. Ours, PCD-1 with its persistent chains.
        const pcdModel = await owned.add((await freshModel(ctx, hidden, visible, biases, options(1 + reps, p.chains))).rbm);
        const pcd = await owned.add(RbmTrainer.create(ctx, pcdModel, set, options(1 + reps, p.chains)));
        const pcdFlops = rbmFlopsPerExample(visible, hidden, { k: 1, chainsPerExample: p.chains / batch });
        rows.push(row('harmonium', `PCD-1 epoch (${p.chains} chains)`, hidden, pcdFlops, examples, 'examples', await timeRuns(epochTimer(pcd), { reps, warmup: 1 })));
        // 5. Ours, AIS: runs x transitions per second.
        const runs = p['ais-runs'];
        const betas = p['ais-betas'];
        const base = aisBaseBiases('bernoulli', data.means);
        const ais = await timeRuns(async () => {
          const start = performance.now();
          await rbmAis(ctx, rbm, { runs, betas, base, seed: SEED });
          return performance.now() - start;
        }, { reps, warmup: 1 });
        rows.push(row('harmonium', `AIS (${runs} runs x ${betas} transitions)`, hidden, aisFlopsPerTransition(visible, hidden), runs * betas, 'transitions x runs', ais));
      } finally {
        owned.release();
      }
      checks.push(validated);
    }
  } finally {
    peer?.dispose();
  }
  return {
    name: 'rbm',
    adapter: { ...ctx.gpu.adapter },
    params: { sizes: sizes as number[], reps, batch, lr, momentum: MOMENTUM, weight_decay: WEIGHT_DECAY, chains: p.chains, ais_runs: p['ais-runs'], ais_betas: p['ais-betas'], train_count: train.count, seed: SEED },
    limits: { ...limits },
    tfjs: tfjsStatus(state),
    checks,
    rows,
    date: new Date().toISOString(),
  };
}

export const benchRbmJob = defineJob(BENCH_RBM_JOB, runBenchRbmJob);
