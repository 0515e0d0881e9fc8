// k-means (Lloyd's algorithm) with many restarts at once on the GPU, as scikit-learn's KMeans defines
// it: inertia is the sum over the rows of the squared distance to the nearest centre, and the seeding
// is greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + floor(ln K) candidates a
// step, each drawn with probability proportional to D^2, the one that lowers the potential most kept),
// drawn on the host in float64 from Philox (seed, kmeansSeeding, restart). Each Lloyd step, for the R
// restarts' K centres together:
//   scores = |c|^2 - 2 X C'         one GEMM, n x RK (|x|^2 is the same for every centre of a row)
//   labels, minima, one-hot A       the segmented argmin (shaders/argmin.wgsl), K per segment
//   sums = A' X, counts = A' 1      a GEMM and a column sum: no atomics, so the same seed gives the same bits
// and the new centres (sums / counts; an empty cluster keeps its centre) on the host. A restart stops
// when its labels no longer change; the one with the lowest inertia (as of its last assignment) is
// kept, and its final centres' labels and inertia are computed again in float64.
import { InputError, KernelGraph, RNG_PURPOSES, rngBits, uniform24, type RunContext, type Tensor } from '../engine/index.js';
import { addGemm, addReduce, addSegmentArgmin } from '../engine/ops/index.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { rowOf } from './linalg.js';
import { building, Owned, type Releasable } from './owned.js';

export interface KmeansOptions {
  clusters: number;
  restarts: number;
  /** Lloyd steps at most per restart (scikit-learn's max_iter: 300). */
  iterations: number;
  seed: number;
  onIteration?: (iteration: number, changed: number) => void;
}

export interface KmeansFit {
  /** The best restart's centres: clusters x width, float64. */
  centres: Float64Array;
  /** Its label per training row. */
  labels: Uint32Array;
  /** Its inertia, in float64. */
  inertia: number;
  /** Every restart's inertia at its last assignment (|x|^2 plus the GPU's smallest score per row), in restart order. */
  inertias: number[];
  /** The restart kept. */
  best: number;
  /** Lloyd steps run (the last restart to settle's). */
  iterations: number;
}

/** The squared distance between row r of `rows` and centre c of `centres` (width values each). */
function squaredDistance(rows: ArrayLike<number>, r: number, centres: ArrayLike<number>, c: number, width: number): number {
  let s = 0;
  for (let e = 0; e < width; e++) s += (rows[r * width + e] - centres[c * width + e]) ** 2;
  return s;
}

/**
 * Greedy k-means++ seeding of `clusters` centres from `count` rows (float64 on the host): the first
 * centre a uniform row, each next the best of 2 + floor(ln K) rows drawn with probability
 * proportional to their squared distance to the nearest centre so far. Draws: Philox (seed,
 * kmeansSeeding, restart), element = the draw's number.
 */
export function kmeansPlusPlus(rows: ArrayLike<number>, count: number, width: number, clusters: number, seed: number, restart: number): Float64Array {
  const trials = 2 + Math.floor(Math.log(clusters));
  let draw = 0;
  const uniform = () => uniform24(rngBits(seed, RNG_PURPOSES.kmeansSeeding, restart, draw++, 0)[0]);
  const centres = new Float64Array(clusters * width);
  const place = (c: number, r: number) => centres.set(rowOf(rows, r, width), c * width);
  place(0, Math.min(count - 1, Math.floor(uniform() * count)));
  const nearest = Float64Array.from({ length: count }, (_, r) => squaredDistance(rows, r, centres, 0, width));
  for (let c = 1; c < clusters; c++) {
    const total = nearest.reduce((a, b) => a + b, 0);
    let best: { row: number; potential: number; distances: Float64Array } | null = null;
    for (let t = 0; t < trials; t++) {
      // The row whose cumulative D^2 first passes u * total (the last row if rounding leaves it short).
      const target = uniform() * total;
      let [row, cumulative] = [count - 1, 0];
      for (let r = 0; r < count; r++) {
        cumulative += nearest[r];
        if (cumulative > target) {
          row = r;
          break;
        }
      }
      place(c, row);
      const distances = Float64Array.from(nearest, (d, r) => Math.min(d, squaredDistance(rows, r, centres, c, width)));
      const potential = distances.reduce((a, b) => a + b, 0);
      if (!best || potential < best.potential) best = { row, potential, distances };
    }
    place(c, best!.row);
    nearest.set(best!.distances);
  }
  return centres;
}

/** What one Lloyd step leaves on the host: each row's label and smallest score per restart, the clusters' sums and counts. */
export interface LloydStep {
  /** n x R labels (row-major: row i's restarts together). */
  labels: Uint32Array;
  /** n x R smallest scores |c|^2 - 2 x.c (add |x|^2 for the squared distance). */
  minima: Float32Array;
  /** RK x d sums of each cluster's rows. */
  sums: Float32Array;
  /** RK counts. */
  counts: Float32Array;
}

/**
 * Lloyd steps for R restarts' K centres at once over one dataset: the graph of the step (scores by one
 * GEMM, the segmented argmin, the sums by a GEMM of the one-hot assignments, the counts by a column
 * sum), its tensors held between steps.
 *
 *   const lloyd = await LloydSteps.create(ctx, data, { clusters: 10, restarts: 10 });
 *   const { labels, sums, counts } = await lloyd.step(centres);
 *   lloyd.release();
 */
export class LloydSteps implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly graph: KernelGraph,
    private readonly t: Record<'c' | 'labels' | 'minima' | 'sums' | 'counts', Tensor>,
  ) {}

  static create(ctx: RunContext, data: DeviceDataset, o: { clusters: number; restarts: number }): Promise<LloydSteps> {
    const { count: n, width: d } = data;
    const [k, restarts] = [o.clusters, o.restarts];
    const rk = restarts * k;
    return building(async (owned) => {
      const tensor = (name: string, dtype: 'f32' | 'u32', shape: number[]) => owned.add(ctx.pool.tensor(`kmeans ${name}`, dtype, shape));
      const x = await tensor('rows', 'f32', [n, d]);
      const gather = new KernelGraph('kmeans rows');
      await owned.add(addBatchGather(gather, ctx, { data, indices: data.inOrder, x, batchSize: n }));
      await ctx.scheduler.run(gather);
      const c = await tensor('centres', 'f32', [rk, d]);
      const cNorms = await tensor("centres' squared norms", 'f32', [rk]);
      const scores = await tensor('scores', 'f32', [n, rk]);
      const labels = await tensor('labels', 'u32', [n, restarts]);
      const minima = await tensor('minima', 'f32', [n, restarts]);
      const oneHot = await tensor('assignments', 'f32', [n, rk]);
      const sums = await tensor('sums', 'f32', [rk, d]);
      const counts = await tensor('counts', 'f32', [rk]);
      const step = new KernelGraph('kmeans step');
      await owned.add(addReduce(step, ctx, { op: 'sumsq', per: 'row', x: c, out: cNorms }));
      await owned.add(addGemm(step, ctx, { a: x, b: c, c: scores, m: n, n: rk, k: d, transB: true, alpha: -2, bias: cNorms }));
      await owned.add(addSegmentArgmin(step, ctx, { scores, rows: n, segments: restarts, width: k, indices: labels, minima, oneHot }));
      await owned.add(addGemm(step, ctx, { a: oneHot, b: x, c: sums, m: rk, n: d, k: n, transA: true }));
      await owned.add(addReduce(step, ctx, { op: 'sum', per: 'column', x: oneHot, out: counts }));
      return new LloydSteps(ctx, owned, step, { c, labels, minima, sums, counts });
    });
  }

  /** One step from `centres` (RK x d): the assignment to them and the sums it gives. */
  async step(centres: Float64Array): Promise<LloydStep> {
    const { t } = this;
    await t.c.write(Float32Array.from(centres));
    await this.ctx.scheduler.run(this.graph);
    const [labels, minima, sums, counts] = await Promise.all([t.labels.read(), t.minima.read(), t.sums.read(), t.counts.read()]);
    return { labels: new Uint32Array(labels), minima: new Float32Array(minima), sums: new Float32Array(sums), counts: new Float32Array(counts) };
  }

  release(): void {
    this.owned.release();
  }
}

/**
 * Fits k-means to every example of `data` (as the models see it: bytes / 255, or real rows; `rows` the same values
 * on the host, for the seeding and the final inertia) with `restarts` restarts at once.
 *
 *   const fit = await fitKmeans(ctx, train, pixels, { clusters: 10, restarts: 10, iterations: 300, seed: 1 });
 */
export async function fitKmeans(ctx: RunContext, data: DeviceDataset, rows: ArrayLike<number>, o: KmeansOptions): Promise<KmeansFit> {
  const { count: n, width: d } = data;
  const [k, restarts] = [o.clusters, o.restarts];
  if (rows.length !== n * d) throw new InputError(`kmeans: ${rows.length} host values are not the data's ${n} x ${d}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new InputError(`kmeans: clusters = ${k} must be an integer in [1, ${n}] (the examples)`);
  if (!(Number.isInteger(restarts) && restarts >= 1)) throw new InputError(`kmeans: restarts = ${restarts} must be a positive integer`);
  if (!(Number.isInteger(o.iterations) && o.iterations >= 1)) throw new InputError(`kmeans: iterations = ${o.iterations} must be a positive integer`);
  const centres = new Float64Array(restarts * k * d);
  for (let r = 0; r < restarts; r++) centres.set(kmeansPlusPlus(rows, n, d, k, o.seed, r), r * k * d);
  const lloyd = await LloydSteps.create(ctx, data, { clusters: k, restarts });
  try {
    let previous: Uint32Array | null = null;
    const settled = new Array<boolean>(restarts).fill(false);
    let iterations = 0;
    let scoreMinima: Float32Array = new Float32Array(n * restarts);
    while (iterations < o.iterations && !settled.every(Boolean)) {
      const { labels: assigned, minima, sums: s, counts: m } = await lloyd.step(centres);
      iterations++;
      scoreMinima = minima;
      let changed = 0;
      for (let r = 0; r < restarts; r++) {
        // A restart whose labels did not change has converged: its centres are the means of its clusters already.
        let same = previous !== null;
        for (let i = 0; same && i < n; i++) same = assigned[i * restarts + r] === previous![i * restarts + r];
        if (same) settled[r] = true;
        else changed++;
        if (settled[r]) continue;
        moveCentres(centres, s, m, d, r * k, k);
      }
      previous = assigned;
      o.onIteration?.(iterations, changed);
    }
    // Inertia per restart as the GPU sees it (|x|^2 + the row's smallest score), then the best one's in float64.
    const rowNorms = Float64Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let e = 0; e < d; e++) s += rows[i * d + e] ** 2;
      return s;
    });
    const inertias = Array.from({ length: restarts }, (_, r) => rowNorms.reduce((t, v, i) => t + v + scoreMinima[i * restarts + r], 0));
    const best = inertias.indexOf(Math.min(...inertias));
    // Its final centres' own assignment (the last step may have moved them), in float64.
    const bestCentres = centres.slice(best * k * d, (best + 1) * k * d);
    const { labels: bestLabels, inertia } = kmeansAssign(rows, n, bestCentres, k, d);
    return { centres: bestCentres, labels: bestLabels, inertia, inertias, best, iterations };
  } finally {
    lloyd.release();
  }
}

/**
 * Lloyd's update: centres first .. first + count - 1 (of `width` values each) moved to the means of
 * their rows, sums / counts, in place; an empty cluster keeps its centre.
 */
export function moveCentres(centres: Float64Array, sums: ArrayLike<number>, counts: ArrayLike<number>, width: number, first: number, count: number): void {
  for (let j = first; j < first + count; j++) if (counts[j] > 0) for (let e = 0; e < width; e++) centres[j * width + e] = sums[j * width + e] / counts[j];
}

/** The inertia of rows against centres (each row's squared distance to its nearest centre), float64 on the host, with the labels. */
export function kmeansAssign(rows: ArrayLike<number>, count: number, centres: ArrayLike<number>, clusters: number, width: number): { labels: Uint32Array; inertia: number } {
  const labels = new Uint32Array(count);
  let inertia = 0;
  for (let r = 0; r < count; r++) {
    let [best, at] = [Infinity, 0];
    for (let c = 0; c < clusters; c++) {
      const dist = squaredDistance(rows, r, centres, c, width);
      if (dist < best) [best, at] = [dist, c];
    }
    labels[r] = at;
    inertia += best;
  }
  return { labels, inertia };
}
