// Sparse coding's inference: for a dictionary D (K atoms x d values) the codes h of every example x
// minimising 1/2 ||x - h D||^2 + alpha ||h||_1 (the Lasso per example, on scikit-learn's scale: its
// SparseCoder and dict_learning), by ISTA or FISTA (Beck & Teboulle 2009) with the step 1/L, L the
// largest eigenvalue of G = D D' (its eigenvalues in float64):
//   ISTA:  h <- shrink(h - (h G - x D') / L, alpha / L)
//   FISTA: the same step from y = h + (t_prev - 1) / t (h - h_prev), t = (1 + sqrt(1 + 4 t_prev^2)) / 2.
// On the GPU: G and B = X D' by GEMMs once, then per step one GEMM (y G), two element-wise ops and the
// shrink op. The objective per example, 1/2 |x|^2 - h.b + 1/2 h G h' + alpha |h|_1, in float64 on the host.
import { InputError, KernelGraph, type RunContext } from '../engine/index.js';
import { addBinary, addGemm, addReduce, addUnary } from '../engine/ops/index.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { Owned } from './owned.js';
import { symmetricEigen } from './pca.js';

export const SPARSE_CODING_METHODS = ['ista', 'fista'] as const;
export type SparseCodingMethod = (typeof SPARSE_CODING_METHODS)[number];

export interface SparseCodingOptions {
  /** The L1 weight alpha (per example, on scikit-learn's scale). */
  alpha: number;
  iterations: number;
  method: SparseCodingMethod;
}

export interface SparseCodes {
  /** n x K codes (float32, as the GPU holds them). */
  codes: Float32Array;
  /** The mean objective per example before the first step (h = 0) and after each. */
  objectives: number[];
  /** The fraction of the codes that are exactly zero. */
  sparsity: number;
  /** L, the largest eigenvalue of D D'. */
  lipschitz: number;
}

/** The mean over rows of 1/2 |x|^2 - h.b + 1/2 h G h' + alpha |h|_1 (b = x D'), in float64. */
function meanObjective(h: Float32Array, b: Float32Array, norms: Float32Array, g: Float64Array, k: number, alpha: number): number {
  const n = norms.length;
  let total = 0;
  for (let r = 0; r < n; r++) {
    let [linear, quadratic, l1] = [0, 0, 0];
    for (let i = 0; i < k; i++) {
      const hi = h[r * k + i];
      if (hi === 0) continue;
      linear += hi * b[r * k + i];
      l1 += Math.abs(hi);
      for (let j = 0; j < k; j++) quadratic += hi * g[i * k + j] * h[r * k + j];
    }
    total += 0.5 * norms[r] - linear + 0.5 * quadratic + alpha * l1;
  }
  return total / n;
}

/**
 * The codes of every example of `data` (as gathered) under `dictionary` (atoms x data.width, float64),
 * with the objective after every step.
 *
 *   const { codes, sparsity } = await sparseCodes(ctx, atoms, 100, test, { alpha: 0.1, iterations: 200, method: 'fista' });
 */
export async function sparseCodes(ctx: RunContext, dictionary: Float64Array, atoms: number, data: DeviceDataset, o: SparseCodingOptions): Promise<SparseCodes> {
  const { count: n, width: d } = data;
  const k = atoms;
  if (!(Number.isInteger(k) && k >= 1)) throw new InputError(`sparse coding: atoms = ${k} must be a positive integer`);
  if (!SPARSE_CODING_METHODS.includes(o.method)) throw new InputError(`sparse coding: method '${String(o.method)}'; use one of ${SPARSE_CODING_METHODS.join(', ')}`);
  if (dictionary.length !== k * d) throw new InputError(`sparse coding: ${dictionary.length} dictionary values are not ${k} atoms x ${d}`);
  if (!(Number.isFinite(o.alpha) && o.alpha >= 0)) throw new InputError(`sparse coding: alpha = ${o.alpha} must be a finite number >= 0`);
  if (!(Number.isInteger(o.iterations) && o.iterations >= 0)) throw new InputError(`sparse coding: iterations = ${o.iterations} must be a non-negative integer`);
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let e = 0; e < d; e++) g[i * k + j] += dictionary[i * d + e] * dictionary[j * d + e];
  // L exactly (Jacobi): a power iteration's start can miss the top eigenvector, and a step past 2 / L diverges.
  const lipschitz = symmetricEigen(g, k).values[0];
  if (!(lipschitz > 0)) throw new InputError('sparse coding: the dictionary is all zeros');
  const owned = new Owned();
  try {
    const tensor = (name: string, shape: number[], values?: ArrayLike<number>) => owned.add(ctx.pool.tensor(`sparse coding ${name}`, 'f32', shape, values ? { data: Float32Array.from(values) } : undefined));
    const x = await tensor('rows', [n, d]);
    const dict = await tensor('dictionary', [k, d], dictionary);
    const gram = await tensor('D D\'', [k, k], g);
    const b = await tensor('X D\'', [n, k]);
    const norms = await tensor('squared norms', [n]);
    const setup = new KernelGraph('sparse coding setup');
    await owned.add(addBatchGather(setup, ctx, { data, indices: data.inOrder, x, batchSize: n }));
    await owned.add(addGemm(setup, ctx, { a: x, b: dict, c: b, m: n, n: k, k: d, transB: true }));
    await owned.add(addReduce(setup, ctx, { op: 'sumsq', per: 'row', x, out: norms }));
    await ctx.scheduler.run(setup);
    const [bHost, normsHost] = [new Float32Array(await b.read()), new Float32Array(await norms.read())];
    // h (the codes), y (where the step starts: h for ISTA), and the step's scratch.
    // Both start at h = y = 0 (pooled buffers are not cleared).
    const zeros = new Float32Array(n * k);
    const [h, y, previous, step] = [await tensor('codes', [n, k], zeros), await tensor('momentum point', [n, k], zeros), await tensor('previous codes', [n, k]), await tensor('step', [n, k])];
    /** One step from y into h (its dispatches `owner`'s): step = y G - B, step = y - step / L, h = shrink(step, alpha / L). */
    const addStep = async (graph: KernelGraph, owner: Owned) => {
      await owner.add(addGemm(graph, ctx, { a: y, b: gram, c: step, m: n, n: k, k }));
      await owner.add(addBinary(graph, ctx, { op: 'sub', a: step, b, out: step }));
      await owner.add(addBinary(graph, ctx, { op: 'axpy', a: step, b: y, out: step, alpha: -1 / lipschitz }));
      await owner.add(addUnary(graph, ctx, { op: 'shrink', x: step, out: h, alpha: o.alpha / lipschitz }));
    };
    const ista = new KernelGraph('ista step');
    await addStep(ista, owned);
    await owned.add(addUnary(ista, ctx, { op: 'copy', x: h, out: y }));
    const objectives = [meanObjective(new Float32Array(n * k), bHost, normsHost, g, k, o.alpha)];
    let t = 1;
    for (let it = 0; it < o.iterations; it++) {
      if (o.method === 'ista') {
        await ctx.scheduler.run(ista);
      } else {
        // FISTA's momentum changes every step: its graph is built for the step's weight.
        const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
        const fista = new KernelGraph('fista step');
        const kept = new Owned();
        try {
          await kept.add(addUnary(fista, ctx, { op: 'copy', x: h, out: previous }));
          await addStep(fista, kept);
          await kept.add(addBinary(fista, ctx, { op: 'sub', a: h, b: previous, out: y }));
          await kept.add(addBinary(fista, ctx, { op: 'axpy', a: y, b: h, out: y, alpha: (t - 1) / tNext }));
          await ctx.scheduler.run(fista);
        } finally {
          kept.release();
        }
        t = tNext;
      }
      objectives.push(meanObjective(new Float32Array(await h.read()), bHost, normsHost, g, k, o.alpha));
    }
    const codes = new Float32Array(await h.read());
    return { codes, objectives, sparsity: codes.filter((v) => v === 0).length / codes.length, lipschitz };
  } finally {
    owned.release();
  }
}
