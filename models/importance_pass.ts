// An importance-sampled log-likelihood over every example of a dataset, log p(x) ~ log (1/K)
// sum_k w_k, in chunks that fit the GPU: per batch of examples a `load` graph (run once: gathers
// them, encodes them), then a `draw` graph repeated once per chunk that fills `samples` log-weights
// per example (its Philox step is the global chunk index, so no two chunks share draws) and folds
// them into each example's running log-mean-exp, then a graph that adds the batch's estimates into a
// per-batch slot; one readback at the end. Each model's evaluator (IWAE of a VAE, an SBN's) is its
// load and draw graphs; this is the rest.
import { InputError, KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import { addLogMeanExp, addReduce } from '../engine/ops/index.js';
import { batchParts, repeatedRows, type BatchPart } from './minibatch.js';
import { building, Owned, type Releasable } from './owned.js';

export interface ImportanceEstimate {
  /** The mean over the examples of the estimate of log p(x) (nats). */
  logPx: number;
  k: number;
  count: number;
  /** Draws per chunk and chunks per example (k = samples x chunks). */
  samples: number;
  chunks: number;
}

/** What an evaluator built on the pass takes: draws per example, the Philox seed of its draws, the chunk size. */
export interface ImportanceOptions {
  /** Draws per example (K). */
  k: number;
  seed: number;
  /** The most rows (examples x draws) one draw graph holds (default 5,000): memory against submits. */
  maxRows?: number;
}

/** What a model adds for one batch of `part.rows` examples, `samples` draws each. */
export interface ImportancePart {
  part: BatchPart;
  samples: number;
  /** u32 [count x samples]: example e's number once per draw (gather with first = part.first * samples). */
  repeated: Tensor;
  /** Run once per batch. */
  load: KernelGraph;
  /** Run once per chunk. */
  draw: KernelGraph;
  owned: Owned;
}

export interface ImportancePassOptions {
  /** Names the graphs and tensors, and the caller in errors. */
  name: string;
  /** Draws per example. */
  k: number;
  /** The most rows (examples x draws) one draw graph holds (default 5,000). */
  maxRows?: number;
  /** Adds a batch's gathers to `load` and its draws to `draw`; returns the f32 [rows x samples] tensor the draw graph fills with log-weights. */
  part(p: ImportancePart): Promise<Tensor>;
}

/** The largest divisor of k that is at most `limit`: draws per chunk. */
export function drawsPerChunk(k: number, limit: number): number {
  for (let s = Math.min(k, limit); s > 1; s--) if (k % s === 0) return s;
  return 1;
}

/**
 *   const pass = await ImportancePass.create(ctx, test.count, { name: 'iwae', k: 5000, part: async (p) => { ...; return logWeights; } });
 *   const { logPx } = await pass.evaluate();
 */
export class ImportancePass implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly parts: Array<{ load: KernelGraph; draw: KernelGraph; collect: KernelGraph; batches: number; firstBatch: number }>,
    private readonly totals: Tensor,
    /** Examples, draws per example, draws per chunk and chunks per example. */
    readonly shape: { readonly count: number; readonly k: number; readonly samples: number; readonly chunks: number },
  ) {}

  static async create(ctx: RunContext, count: number, o: ImportancePassOptions): Promise<ImportancePass> {
    if (!(Number.isInteger(o.k) && o.k > 0)) throw new InputError(`${o.name}: k must be a positive integer, got ${o.k}`);
    const maxRows = o.maxRows ?? 5000;
    if (!(Number.isInteger(maxRows) && maxRows > 0)) throw new InputError(`${o.name}: maxRows must be a positive integer, got ${maxRows}`);
    const samples = drawsPerChunk(o.k, maxRows);
    const chunks = o.k / samples;
    const plan = batchParts(count, Math.max(1, Math.floor(maxRows / samples)), o.name);
    const totalBatches = plan.reduce((n, p) => n + p.batches, 0);
    return building(async (owned) => {
      const totals = await owned.add(ctx.pool.tensor(`${o.name} totals`, 'f32', [totalBatches]));
      const repeated = await owned.add(repeatedRows(ctx, `${o.name} repeated rows`, count, samples));
      const parts = [];
      let firstBatch = 0;
      for (const [index, part] of plan.entries()) {
        const rows = part.rows;
        const [load, draw, collect] = ['load', 'draw', 'collect'].map((g) => new KernelGraph(`${o.name}.${g} ${index}`));
        const logWeights = await o.part({ part, samples, repeated, load, draw, owned });
        const state = await owned.add(ctx.pool.tensor(`${o.name} log-mean-exp state`, 'f32', [rows, 2]));
        const estimates = await owned.add(ctx.pool.tensor(`${o.name} estimates`, 'f32', [rows]));
        await owned.add(addLogMeanExp(draw, ctx, { x: logWeights, rows, samples, chunks, state: chunks > 1 ? state : undefined, out: estimates }));
        await owned.add(addReduce(collect, ctx, { op: 'sum', per: 'all', x: estimates, out: totals, series: {} }));
        parts.push({ load, draw, collect, batches: part.batches, firstBatch });
        firstBatch += part.batches;
      }
      return new ImportancePass(ctx, owned, parts, totals, { count, k: o.k, samples, chunks });
    });
  }

  /** Runs every batch (`onProgress` after each, in batches), then reads the totals once. */
  async evaluate(onProgress?: (done: number, total: number) => void): Promise<ImportanceEstimate> {
    const { chunks } = this.shape;
    const all = this.parts.reduce((n, p) => n + p.batches, 0);
    for (const p of this.parts) {
      for (let i = 0; i < p.batches; i++) {
        const batch = p.firstBatch + i;
        // The part's own batch index for its gathers; the global one for the draws and the slot.
        await this.ctx.scheduler.run(p.load, { firstIteration: i });
        await this.ctx.scheduler.run(p.draw, { repeat: chunks, firstIteration: batch * chunks });
        await this.ctx.scheduler.run(p.collect, { firstIteration: batch });
        onProgress?.(batch + 1, all);
      }
    }
    const totals = new Float32Array(await this.totals.read());
    return { logPx: totals.reduce((s, v) => s + v, 0) / this.shape.count, ...this.shape };
  }

  release(): void {
    this.owned.release();
  }
}
