// The blocked Gibbs sampler of a Dirichlet-process mixture of Gaussians (models/dpmm.ts) with every
// point's cluster drawn on the GPU at once: the logits log pi_k + x.mu_k / sigma^2 - |mu_k|^2 / (2 sigma^2)
// (the point's own terms are the same for every k) by one GEMM with a bias, then one categorical draw
// per row by Gumbel-max (engine/ops/sample.ts addCategorical: Philox purpose gumbel, call 1, step =
// the sweep). The sticks and means, T x d, on the host between sweeps (sticksAndMeans).
import { InputError, KernelGraph, type RunContext } from '../engine/index.js';
import { addCategorical, addGemm } from '../engine/ops/index.js';
import { blockedStart, blockedSweepIndex, checkPrior, clusterSums, mixtureLogLikelihood, sticksAndMeans, type DpmmPrior, type Points } from './dpmm.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { Owned } from './owned.js';

export interface DpmmRun {
  /** Occupied clusters after each sweep. */
  clusters: number[];
  /** The last sweep's assignment. */
  labels: Uint32Array;
  /** The mean log-likelihood per point under the last sweep's mixture (its sticks and means). */
  logLikelihood: number;
}

/**
 * `sweeps` blocked Gibbs sweeps over every example of `data` (`x` the same values on the host) from
 * blockedStart (`startSweeps` collapsed sweeps, 1 by default).
 *
 *   const run = await blockedGibbsGpu(ctx, set, rows, { alpha: 1, sigma: 1, m0, tau0: 10 }, 50, 200, 1);
 */
export async function blockedGibbsGpu(
  ctx: RunContext,
  data: DeviceDataset,
  x: Points,
  p: DpmmPrior,
  truncation: number,
  sweeps: number,
  seed: number,
  o: { startSweeps?: number; onSweep?: (sweep: number, clusters: number) => void } = {},
): Promise<DpmmRun> {
  const startSweeps = o.startSweeps ?? 1;
  checkPrior(p, x);
  const [n, d, t] = [data.count, data.width, truncation];
  if (x.count !== n || x.width !== d) throw new InputError(`dpmm: ${x.count} x ${x.width} host values are not the data's ${n} x ${d}`);
  if (!(Number.isInteger(t) && t >= 2)) throw new InputError(`dpmm: truncation = ${t} must be an integer >= 2`);
  if (!(Number.isInteger(sweeps) && sweeps >= 1)) throw new InputError(`dpmm: sweeps = ${sweeps} must be a positive integer`);
  const owned = new Owned();
  try {
    const tensor = (name: string, dtype: 'f32' | 'u32', shape: number[]) => owned.add(ctx.pool.tensor(`dpmm ${name}`, dtype, shape));
    const rows = await tensor('rows', 'f32', [n, d]);
    const gather = new KernelGraph('dpmm rows');
    await owned.add(addBatchGather(gather, ctx, { data, indices: data.inOrder, x: rows, batchSize: n }));
    await ctx.scheduler.run(gather);
    const [scale, bias, logits, drawn] = [await tensor('mu / sigma^2', 'f32', [d, t]), await tensor('log pi - |mu|^2 / (2 sigma^2)', 'f32', [t]), await tensor('logits', 'f32', [n, t]), await tensor('clusters', 'u32', [n])];
    const graph = new KernelGraph('dpmm assignments');
    await owned.add(addGemm(graph, ctx, { a: rows, b: scale, c: logits, m: n, n: t, k: d, bias }));
    await owned.add(addCategorical(graph, ctx, { logits, output: drawn, rows: n, classes: t, seed, step: 0, call: 1 }));
    let labels = blockedStart(x, p, t, seed, startSweeps);
    const clusters: number[] = [];
    let last: { logPi: Float64Array; means: Float64Array[] } = { logPi: new Float64Array(t), means: [] };
    const s2 = p.sigma ** 2;
    for (let s = 0; s < sweeps; s++) {
      const { sizes, sums } = clusterSums(x, labels, t);
      last = sticksAndMeans(sizes, sums, p, t, d, n, seed, blockedSweepIndex(s, startSweeps));
      const b = new Float32Array(d * t);
      const c = new Float32Array(t);
      last.means.forEach((mu, k) => {
        let norm = 0;
        mu.forEach((m, e) => {
          b[e * t + k] = m / s2;
          norm += m * m;
        });
        c[k] = last.logPi[k] - norm / (2 * s2);
      });
      await scale.write(b);
      await bias.write(c);
      await ctx.scheduler.run(graph, { firstIteration: s });
      labels = new Uint32Array(await drawn.read());
      clusters.push(new Set(labels).size);
      o.onSweep?.(s + 1, clusters[s]);
    }
    return { clusters, labels, logLikelihood: mixtureLogLikelihood(x, last.logPi, last.means, p.sigma) };
  } finally {
    owned.release();
  }
}
