// Sparse coding's inference: for a dictionary D (K atoms x d values) the codes h of every example x
// minimising 1/2 ||x - h D||^2 + alpha ||h||_1 (the Lasso per example, on scikit-learn's scale: its
// SparseCoder and dict_learning), by ISTA or FISTA (Beck & Teboulle 2009) with the step 1/L, L the
// largest eigenvalue of G = D D' (its eigenvalues in float64):
//   ISTA:  h <- shrink(h - (h G - x D') / L, alpha / L)
//   FISTA: the same step from y = h + (t_prev - 1) / t (h - h_prev), t = (1 + sqrt(1 + 4 t_prev^2)) / 2.
// On the GPU: the rows gathered once per dataset; G and B = X D' per dictionary; then per step one GEMM
// (y G), two element-wise ops and the shrink op (FISTA's momentum weight is a one-value tensor written
// before each step, so one graph serves every step). The objective per example,
// 1/2 |x|^2 - h.b + 1/2 h G h' + alpha |h|_1: at the end in float64 on the host; per step (a trace, for
// convergence curves) on the GPU in float32 (a GEMM, four element-wise ops and one sum; 1/2 |x|^2 from
// the host).
import { InputError, KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addGemm, addReduce, addUnary } from '../engine/ops/index.js';
import type { DeviceDataset } from './minibatch.js';
import { addBatchGather } from './minibatch.js';
import { building, Owned, type Releasable } from './owned.js';
import { symmetricEigen } from './pca.js';

export const SPARSE_CODING_METHODS = ['ista', 'fista'] as const;
export type SparseCodingMethod = (typeof SPARSE_CODING_METHODS)[number];

export interface SparseCodingOptions {
  /** The L1 weight alpha (per example, on scikit-learn's scale). */
  alpha: number;
  iterations: number;
  method: SparseCodingMethod;
  /** Record the mean objective before the first step and after each (float32, on the GPU). */
  trace?: boolean;
  /** Start from the last codes this coder found (dictionary learning's warm start), not from h = 0. */
  warm?: boolean;
}

export interface SparseCodes {
  /** n x K codes (float32, as the GPU holds them). */
  codes: Float32Array;
  /** The mean objective per example of the codes (float64). */
  objective: number;
  /** With `trace`: the mean objective before the first step and after each. */
  trace?: number[];
  /** The fraction of the codes that are exactly zero. */
  sparsity: number;
  /** L, the largest eigenvalue of D D'. */
  lipschitz: number;
}

/** D D' of K atoms of d values (float64). */
export function gramOf(dictionary: ArrayLike<number>, k: number, d: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let e = 0; e < d; e++) s += dictionary[i * d + e] * dictionary[j * d + e];
      g[i * k + j] = g[j * k + i] = s;
    }
  }
  return g;
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
 * The codes of one dataset's rows under dictionaries set one after another (dictionary learning's
 * loop), its device tensors held between calls.
 *
 *   const coder = await SparseCoder.create(ctx, data, 100);
 *   await coder.setDictionary(atoms);
 *   const { codes, objective } = await coder.encode({ alpha: 1, iterations: 100, method: 'fista' });
 *   coder.release();
 */
export class SparseCoder implements Releasable {
  private gram: Float64Array = new Float64Array(0);
  private lipschitz = 0;
  private bHost: Float32Array = new Float32Array(0);
  private normsHost: Float32Array = new Float32Array(0);
  private hasCodes = false;

  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    readonly count: number,
    readonly width: number,
    readonly atoms: number,
    /** The rows (n x d), and the tensors of the current dictionary and codes. */
    readonly t: Record<'x' | 'norms' | 'dictionary' | 'gram' | 'b' | 'h' | 'y' | 'previous' | 'step' | 'momentum' | 'sum', Tensor>,
  ) {}

  static async create(ctx: RunContext, data: DeviceDataset, atoms: number): Promise<SparseCoder> {
    const { count: n, width: d } = data;
    const k = atoms;
    if (!(Number.isInteger(k) && k >= 1)) throw new InputError(`sparse coding: atoms = ${k} must be a positive integer`);
    return building(async (owned) => {
      const tensor = (name: string, shape: number[]) => owned.add(ctx.pool.tensor(`sparse coding ${name}`, 'f32', shape));
      const t = {
        x: await tensor('rows', [n, d]),
        norms: await tensor('squared norms', [n]),
        dictionary: await tensor('dictionary', [k, d]),
        gram: await tensor("D D'", [k, k]),
        b: await tensor("X D'", [n, k]),
        h: await tensor('codes', [n, k]),
        y: await tensor('momentum point', [n, k]),
        previous: await tensor('previous codes', [n, k]),
        step: await tensor('step', [n, k]),
        momentum: await tensor('momentum weight', [1]),
        sum: await tensor('objective part', [1]),
      };
      const setup = new KernelGraph('sparse coding rows');
      const kept = new Owned();
      try {
        await kept.add(addBatchGather(setup, ctx, { data, indices: data.inOrder, x: t.x, batchSize: n }));
        await kept.add(addReduce(setup, ctx, { op: 'sumsq', per: 'row', x: t.x, out: t.norms }));
        await ctx.scheduler.run(setup);
      } finally {
        kept.release();
      }
      const coder = new SparseCoder(ctx, owned, n, d, k, t);
      coder.normsHost = new Float32Array(await t.norms.read());
      return coder;
    });
  }

  /** Sets the dictionary (K x d, float64): G and B = X D' on the GPU; returns L. */
  async setDictionary(dictionary: Float64Array): Promise<number> {
    const [k, d, n] = [this.atoms, this.width, this.count];
    if (dictionary.length !== k * d) throw new InputError(`sparse coding: ${dictionary.length} dictionary values are not ${k} atoms x ${d}`);
    this.gram = gramOf(dictionary, k, d);
    // L exactly (Jacobi): a power iteration's start can miss the top eigenvector, and a step past 2 / L diverges.
    this.lipschitz = symmetricEigen(this.gram, k).values[0];
    if (!(this.lipschitz > 0)) throw new InputError('sparse coding: the dictionary is all zeros (its atoms are rows of the data: are they all zero?)');
    await this.t.dictionary.write(Float32Array.from(dictionary));
    await this.t.gram.write(Float32Array.from(this.gram));
    await this.run('sparse coding dictionary', async (graph, owned) => {
      await owned.add(addGemm(graph, this.ctx, { a: this.t.x, b: this.t.dictionary, c: this.t.b, m: n, n: k, k: d, transB: true }));
    });
    this.bHost = new Float32Array(await this.t.b.read());
    return this.lipschitz;
  }

  /** Builds a graph with `build`, runs it once, and releases its dispatches. */
  private async run(name: string, build: (graph: KernelGraph, owned: Owned) => Promise<void>): Promise<void> {
    const graph = new KernelGraph(name);
    const owned = new Owned();
    try {
      await build(graph, owned);
      await this.ctx.scheduler.run(graph);
    } finally {
      owned.release();
    }
  }

  /** The mean objective of the codes in h, on the GPU in float32 (a trace's point). */
  private async traceObjective(objective: KernelGraph): Promise<number> {
    await this.ctx.scheduler.run(objective);
    const [sum] = new Float32Array(await this.t.sum.read());
    return sum / this.count;
  }

  /** The codes by `o.iterations` ISTA or FISTA steps from h = 0 (or, `warm`, from the last codes). */
  async encode(o: SparseCodingOptions): Promise<SparseCodes> {
    const [n, k] = [this.count, this.atoms];
    if (!SPARSE_CODING_METHODS.includes(o.method)) throw new InputError(`sparse coding: method '${String(o.method)}'; use one of ${SPARSE_CODING_METHODS.join(', ')}`);
    if (!(Number.isFinite(o.alpha) && o.alpha >= 0)) throw new InputError(`sparse coding: alpha = ${o.alpha} must be a finite number >= 0`);
    if (!(Number.isInteger(o.iterations) && o.iterations >= 0)) throw new InputError(`sparse coding: iterations = ${o.iterations} must be a non-negative integer`);
    if (!(this.lipschitz > 0)) throw new InputError('sparse coding: no dictionary set');
    const { ctx, t } = this;
    const L = this.lipschitz;
    // h = 0 unless warm: a coder's second cold encode must not start from the first one's codes.
    if (!(o.warm && this.hasCodes)) await t.h.write(new Float32Array(n * k));
    const owned = new Owned();
    try {
      // The objective's graph: step = (0.5 h G - b) * h + alpha |h| (|h| in `previous`, free between
      // steps), summed; 1/2 |x|^2 per row is added on the host.
      const objective = new KernelGraph('sparse coding objective');
      if (o.trace) {
        await owned.add(addGemm(objective, ctx, { a: t.h, b: t.gram, c: t.step, m: n, n: k, k, alpha: 0.5 }));
        await owned.add(addBinary(objective, ctx, { op: 'sub', a: t.step, b: t.b, out: t.step }));
        await owned.add(addBinary(objective, ctx, { op: 'mul', a: t.step, b: t.h, out: t.step }));
        await owned.add(addUnary(objective, ctx, { op: 'abs', x: t.h, out: t.previous }));
        await owned.add(addBinary(objective, ctx, { op: 'axpy', a: t.previous, b: t.step, out: t.step, alpha: o.alpha }));
        await owned.add(addReduce(objective, ctx, { op: 'sum', per: 'all', x: t.step, out: t.sum }));
      }
      const halfNorms = (0.5 * this.normsHost.reduce((a, b) => a + b, 0)) / n;
      const trace = o.trace ? [(await this.traceObjective(objective)) + halfNorms] : undefined;
      // One step from y into h: step = y G - B, step = y - step / L, h = shrink(step, alpha / L).
      const graph = new KernelGraph(`${o.method} step`);
      if (o.method === 'fista') await owned.add(addUnary(graph, ctx, { op: 'copy', x: t.h, out: t.previous }));
      await owned.add(addGemm(graph, ctx, { a: t.y, b: t.gram, c: t.step, m: n, n: k, k }));
      await owned.add(addBinary(graph, ctx, { op: 'sub', a: t.step, b: t.b, out: t.step }));
      await owned.add(addBinary(graph, ctx, { op: 'axpy', a: t.step, b: t.y, out: t.step, alpha: -1 / L }));
      await owned.add(addUnary(graph, ctx, { op: 'shrink', x: t.step, out: t.h, alpha: o.alpha / L }));
      if (o.method === 'ista') {
        await owned.add(addUnary(graph, ctx, { op: 'copy', x: t.h, out: t.y }));
      } else {
        // y = h + w (h - h_prev), w written before each step.
        await owned.add(addBinary(graph, ctx, { op: 'sub', a: t.h, b: t.previous, out: t.y }));
        await owned.add(addBinary(graph, ctx, { op: 'mul', a: t.y, b: t.momentum, out: t.y }));
        await owned.add(addBinary(graph, ctx, { op: 'add', a: t.y, b: t.h, out: t.y }));
      }
      const start = new KernelGraph('sparse coding start');
      await owned.add(addUnary(start, ctx, { op: 'copy', x: t.h, out: t.y }));
      await ctx.scheduler.run(start);
      let momentum = 1;
      for (let it = 0; it < o.iterations; it++) {
        if (o.method === 'fista') {
          const next = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
          await t.momentum.write(Float32Array.of((momentum - 1) / next));
          momentum = next;
        }
        await ctx.scheduler.run(graph);
        if (trace) trace.push((await this.traceObjective(objective)) + halfNorms);
      }
      this.hasCodes = true;
      const codes = new Float32Array(await t.h.read());
      let zeros = 0;
      for (const v of codes) if (v === 0) zeros++;
      return { codes, objective: meanObjective(codes, this.bHost, this.normsHost, this.gram, k, o.alpha), ...(trace ? { trace } : {}), sparsity: zeros / codes.length, lipschitz: L };
    } finally {
      owned.release();
    }
  }

  /** The dictionary step's statistics of the current codes: A = H'H (K x K) and B = H'X (K x d), float64. */
  async codeStatistics(): Promise<{ a: Float64Array; b: Float64Array }> {
    const [n, k, d] = [this.count, this.atoms, this.width];
    const owned = new Owned();
    try {
      const hh = await owned.add(this.ctx.pool.tensor("sparse coding H'H", 'f32', [k, k]));
      const hx = await owned.add(this.ctx.pool.tensor("sparse coding H'X", 'f32', [k, d]));
      await this.run('sparse coding statistics', async (graph, kept) => {
        await kept.add(addGemm(graph, this.ctx, { a: this.t.h, b: this.t.h, c: hh, m: k, n: k, k: n, transA: true }));
        await kept.add(addGemm(graph, this.ctx, { a: this.t.h, b: this.t.x, c: hx, m: k, n: d, k: n, transA: true }));
      });
      return { a: Float64Array.from(new Float32Array(await hh.read())), b: Float64Array.from(new Float32Array(await hx.read())) };
    } finally {
      owned.release();
    }
  }

  release(): void {
    this.owned.release();
  }
}

/**
 * The codes of every example of `data` (as gathered) under `dictionary` (atoms x data.width, float64).
 *
 *   const { codes, sparsity } = await sparseCodes(ctx, atoms, 100, test, { alpha: 0.1, iterations: 200, method: 'fista' });
 */
export async function sparseCodes(ctx: RunContext, dictionary: Float64Array, atoms: number, data: DeviceDataset, o: SparseCodingOptions): Promise<SparseCodes> {
  const coder = await SparseCoder.create(ctx, data, atoms);
  try {
    await coder.setDictionary(dictionary);
    return await coder.encode(o);
  } finally {
    coder.release();
  }
}
