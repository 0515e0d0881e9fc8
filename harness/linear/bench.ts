// The 'bench-cluster' job (`bench cluster`): on MNIST-PCA-50 (our 8,000 training digits projected onto
// their first 50 principal components), k-means' Lloyd steps for many restarts at once (10 by default)
// (and, for what the batch buys, one restart at a time) and Gaussian mixtures' EM steps (diagonal and
// full covariances), each for K components (the sizes, 10 by default), in steps per second beside the
// single-thread float64 TypeScript reference
// (harness/reference/clustering.ts, the same step on the same rows) and as a fraction of the adapter's
// measured FMA peak. Before timing, one step of each is checked against the reference from the same
// start: k-means' labels (each row's centre is nearest to within float32 rounding) and sums, the
// mixture's log-likelihood and next parameters.
import { HarmoniumError } from '../../engine/index.js';
import { fitGmm, GmmEm, type Gmm, type GmmCovariance } from '../../models/gmm.js';
import { kmeansPlusPlus, LloydSteps, moveCentres } from '../../models/kmeans.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import type { JobContext } from '../backends/context.js';
import { reps, sizes } from '../bench/flags.js';
import { benchJobWithoutPeer, type BenchRun, type Workload } from '../bench/flow.js';
import { timeHost, timeRuns } from '../bench/timing.js';
import { validateClose } from '../bench/validate.js';
import { integer, withDefault, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import type { JsonObject } from '../io/json.js';
import { gmmEmStepReference, lloydStepReference } from '../reference/clustering.js';
import { loadRows, LINEAR_DATA_FLAGS, type LinearDataParams } from './data.js';

export const BENCH_CLUSTER_JOB = {
  sizes: withDefault(sizes, [10]),
  reps,
  restarts: integer({ hidden: true, min: 1, default: 10, help: 'k-means restarts stepped at once' }),
  steps: integer({ hidden: true, min: 1, default: 10, help: 'Lloyd or EM steps per timed repetition' }),
  project: integer({ hidden: true, min: 1, default: 50, help: 'principal components the digits are projected onto' }),
  'train-count': DATA_FLAGS['train-count'],
} as const;

const SEED = 1;
const REG = 1e-6;

function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: { atol: number; rtol: number }): void {
  const v = validateClose(`bench cluster: ${what}`, actual, expected, tolerance);
  if (!v.ok) throw new HarmoniumError(`${v.message}; not timing it`);
}

/** Useful f32 operations per Lloyd step and restart: the scores' GEMM and the sums' GEMM, 2 n K d each. */
export const lloydFlops = (n: number, k: number, d: number) => 4 * n * k * d;

/** Useful f32 operations per EM step: diag, the scores' two GEMMs and the sums' two (2 n K d each); full, the whitening and the second moments (2 n K d^2 each) and R'X. */
export const emFlops = (n: number, k: number, d: number, covariance: GmmCovariance) => (covariance === 'full' ? 4 * n * k * d * d + 2 * n * k * d : 8 * n * k * d);

/** One Lloyd step on the GPU against the reference, restart by restart: each label a nearest centre, the sums of those labels. */
export function checkLloyd(rows: Float32Array, n: number, d: number, centres: Float64Array, k: number, restarts: number, got: { labels: Uint32Array; sums: Float32Array; counts: Float32Array }): JsonObject {
  let mismatched = 0;
  for (let r = 0; r < restarts; r++) {
    const own = centres.subarray(r * k * d, (r + 1) * k * d);
    const want = lloydStepReference(rows, n, d, own, k);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const label = got.labels[i * restarts + r];
      if (label !== want.labels[i]) {
        mismatched++;
        // A different label is a tie to within float32: its distance within 1e-5 of the row's scale of the best.
        let dist = 0;
        for (let e = 0; e < d; e++) dist += (rows[i * d + e] - own[label * d + e]) ** 2;
        if (dist - want.distances[i] > 1e-5 * (1 + want.distances[i])) throw new HarmoniumError(`bench cluster: restart ${r}, row ${i}: label ${label} at squared distance ${dist}, the nearest is ${want.labels[i]} at ${want.distances[i]}; not timing it`);
      }
      counts[label]++;
      for (let e = 0; e < d; e++) sums[label * d + e] += rows[i * d + e];
    }
    expectClose(`restart ${r}'s counts`, got.counts.subarray(r * k, (r + 1) * k), counts, { atol: 0, rtol: 0 });
    expectClose(`restart ${r}'s sums`, got.sums.subarray(r * k * d, (r + 1) * k * d), sums, { atol: 1e-2, rtol: 1e-5 });
  }
  return { task: 'Lloyd step', restarts, rows_checked: n * restarts, ties: mismatched };
}

/** One EM step on the GPU against the reference from the same model. */
export function checkEm(rows: Float32Array, n: number, model: Gmm, got: { logLikelihood: number; next: Gmm }): JsonObject {
  const want = gmmEmStepReference(rows, n, model, REG);
  const what = `${model.covariance} EM step`;
  expectClose(`${what}'s log-likelihood`, [got.logLikelihood], [want.logLikelihood], { atol: 1e-3, rtol: 1e-5 });
  expectClose(`${what}'s weights`, got.next.weights, want.next.weights, { atol: 1e-5, rtol: 1e-4 });
  expectClose(`${what}'s means`, got.next.means, want.next.means, { atol: 1e-3, rtol: 1e-4 });
  expectClose(`${what}'s variances`, got.next.variances, want.next.variances, { atol: 1e-3, rtol: 1e-3 });
  if (model.covariance === 'full') expectClose(`${what}'s covariances`, got.next.covariances!, want.next.covariances!, { atol: 1e-3, rtol: 1e-3 });
  return { task: what, log_likelihood: got.logLikelihood, reference_log_likelihood: want.logLikelihood };
}

/** One size K: k-means batched and one restart at a time, then the two mixtures, each against the reference; its graphs and tensors `sized`'s. */
async function benchSize(ctx: JobContext, bench: BenchRun, set: DeviceDataset, rows: Float32Array, k: number, p: Values<typeof BENCH_CLUSTER_JOB>, sized: Owned): Promise<void> {
  const [n, d] = [set.count, set.width];
  const fields = (task: string, extra: JsonObject = {}): JsonObject => ({ what: task, clusters: k, rows: n, width: d, ...extra });
  // 1. k-means: `steps` Lloyd steps of all restarts per repetition, the centres moved on the host between steps.
  const restarts = p.restarts;
  const start = new Float64Array(restarts * k * d);
  for (let r = 0; r < restarts; r++) start.set(kmeansPlusPlus(rows, n, d, k, SEED, r), r * k * d);
  const lloyd = await sized.add(LloydSteps.create(ctx, set, { clusters: k, restarts }));
  const lloydWork: Workload = { label: `Lloyd step K=${k} x ${restarts} restarts`, fields: fields('Lloyd step', { restarts }), units: restarts * p.steps, flopsPerUnit: lloydFlops(n, k, d), unit: 'restart-steps', keys: { rate: 'steps_per_s', flops: 'flops_per_step' } };
  const lloydRun = async () => {
    const centres = Float64Array.from(start);
    for (let s = 0; s < p.steps; s++) {
      const { sums, counts } = await lloyd.step(centres);
      moveCentres(centres, sums, counts, d, 0, restarts * k);
    }
  };
  await bench.time('harmonium', lloydWork, lloydRun, { validate: async () => void bench.checks.push(checkLloyd(rows, n, d, start, k, restarts, await lloyd.step(start))) });
  const batched = bench.rows[bench.rows.length - 1];
  // What the batch buys: the same steps for one restart at a time (its first restart's start).
  const single = await sized.add(LloydSteps.create(ctx, set, { clusters: k, restarts: 1 }));
  const first = start.slice(0, k * d);
  const singleRun = async () => {
    const centres = Float64Array.from(first);
    for (let s = 0; s < p.steps; s++) {
      const { sums, counts } = await single.step(centres);
      moveCentres(centres, sums, counts, d, 0, k);
    }
  };
  await bench.time('harmonium', { ...lloydWork, label: `Lloyd step K=${k}, one restart`, fields: fields('Lloyd step', { restarts: 1 }), units: p.steps }, singleRun);
  batched.batch_over_single = (batched.steps_per_s as number) / (bench.rows[bench.rows.length - 1].steps_per_s as number);
  await timeReference(bench, { ...lloydWork, label: `Lloyd step K=${k}, one restart`, fields: fields('Lloyd step', { restarts: 1 }), units: 1 }, batched, () => lloydStepReference(rows, n, d, start, k));
  // 2. Gaussian mixtures: `steps` EM steps per repetition from the same start (one EM step after k-means).
  for (const covariance of ['diag', 'full'] as const) {
    const { model } = await fitGmm(ctx, set, rows, { components: k, covariance, iterations: 1, seed: SEED });
    const em = await sized.add(GmmEm.create(ctx, set, k, covariance));
    const work: Workload = { label: `EM step (${covariance}) K=${k}`, fields: fields(`EM step (${covariance})`), units: p.steps, flopsPerUnit: emFlops(n, k, d, covariance), unit: 'steps', keys: { rate: 'steps_per_s', flops: 'flops_per_step' } };
    const run = async () => {
      let current = model;
      for (let s = 0; s < p.steps; s++) current = (await em.step(current, REG)).next;
    };
    await bench.time('harmonium', work, run, { validate: async () => void bench.checks.push(checkEm(rows, n, model, await em.step(model, REG))) });
    await timeReference(bench, { ...work, units: 1 }, bench.rows[bench.rows.length - 1], () => gmmEmStepReference(rows, n, model, REG));
  }
}

export const benchClusterJob = benchJobWithoutPeer('cluster', BENCH_CLUSTER_JOB, async (ctx, p, bench) => {
  const data: LinearDataParams = { ...defaultsOf(), project: p.project, 'train-count': p['train-count'], seed: SEED };
  const { train } = await loadRows(ctx, data);
  const rows = train.values;
  const owned = new Owned();
  try {
    const set = await owned.add(DeviceDataset.uploadRows(ctx, train, 'bench cluster rows'));
    for (const k of p.sizes) {
      // Each size's graphs and tensors (full covariances hold two n x Kd matrices) released before the next.
      const sized = new Owned();
      try {
        await benchSize(ctx, bench, set, rows, k, p, sized);
      } finally {
        sized.release();
      }
    }
    return { sizes: p.sizes as number[], reps: p.reps, restarts: p.restarts, steps: p.steps, project: p.project, train_count: train.count, reg_covar: REG, seed: SEED };
  } finally {
    owned.release();
  }
});

/** The reference's row: one step on the host, timed as ours (a warm-up, the median of the repetitions), with how many times faster ours ran. */
async function timeReference(bench: BenchRun, w: Workload, ours: JsonObject, step: () => unknown): Promise<void> {
  const t = await timeRuns(async () => timeHost(() => void step()), { reps: bench.reps, warmup: 1 });
  const row = bench.row('typescript', w, t);
  ours.harmonium_over_typescript = (ours.steps_per_s as number) / (row.steps_per_s as number);
}

/** The data flags' defaults (MNIST, no --test): the benchmark's rows are MNIST's training digits. */
function defaultsOf(): Omit<LinearDataParams, 'seed'> {
  return Object.fromEntries(Object.entries(LINEAR_DATA_FLAGS).map(([name, flag]) => [name, flag.default])) as Omit<LinearDataParams, 'seed'>;
}

