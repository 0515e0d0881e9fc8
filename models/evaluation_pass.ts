// An evaluation's pass over every example of a dataset, in order, on the GPU: a graph per part of the
// pass (full batches, then the rest: batchParts), run with `repeat` over its batches, every metric
// accumulated into one slot per part of one tensor, read once. Each model's evaluator is its graph
// for one batch and what its metrics mean; this is the rest.
import { KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import type { ReduceTarget } from '../engine/ops/index.js';
import { batchParts, type BatchPart } from './minibatch.js';
import { building, type Owned, type Releasable } from './owned.js';

/**
 * What a metric's slot accumulates per batch: 'mean', a mean over the batch's examples (a part's
 * total is then its slot times its rows); 'sum', a sum over them (the slot is the part's total).
 */
export type MetricKind = 'mean' | 'sum';

export interface EvaluationPassOptions {
  /** Names the graphs and tensors, and the caller in the error for a bad batch. */
  name: string;
  /** Examples per batch (the last part has the rest). */
  batch: number;
  /** Each metric's kind, in slot order. */
  metrics: readonly MetricKind[];
  /** Adds one batch's work to `graph`: `slot(k)` is where metric k goes; what it makes goes in `owned`. */
  part: (graph: KernelGraph, part: BatchPart, slot: (k: number) => Required<ReduceTarget>, owned: Owned) => Promise<void>;
}

/**
 *   const pass = await EvaluationPass.create(ctx, test.count, { name: 'mlp evaluation', batch: 1000, metrics: ['mean', 'sum'], part: async (graph, p, slot, owned) => { ... } });
 *   const [lossSum, errors] = await pass.run();   // over every example
 */
export class EvaluationPass implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly parts: ReadonlyArray<{ graph: KernelGraph; rows: number; batches: number }>,
    private readonly metrics: Tensor,
    private readonly kinds: readonly MetricKind[],
  ) {}

  static async create(ctx: RunContext, count: number, o: EvaluationPassOptions): Promise<EvaluationPass> {
    const plan = batchParts(count, o.batch, o.name);
    const slots = o.metrics.length;
    return building(async (owned) => {
      const metrics = await owned.add(ctx.pool.tensor(`${o.name} metrics`, 'f32', [slots * plan.length]));
      const parts = [];
      for (const [index, p] of plan.entries()) {
        const graph = new KernelGraph(`${o.name} ${index}`);
        const slot = (k: number) => ({ out: metrics, series: { base: slots * index + k, every: p.batches }, accumulate: true });
        await o.part(graph, p, slot, owned);
        parts.push({ graph, rows: p.rows, batches: p.batches });
      }
      return new EvaluationPass(ctx, owned, parts, metrics, o.metrics);
    });
  }

  /** Each metric's total over every example: its slots summed over the parts (a mean's times the part's rows). */
  async run(): Promise<number[]> {
    const slots = this.kinds.length;
    await this.metrics.write(new Float32Array(slots * this.parts.length));
    for (const p of this.parts) await this.ctx.scheduler.run(p.graph, { repeat: p.batches });
    const m = new Float32Array(await this.metrics.read());
    return this.kinds.map((kind, k) => this.parts.reduce((sum, p, i) => sum + m[slots * i + k] * (kind === 'mean' ? p.rows : 1), 0));
  }

  /** Runs the first part's graph once: its first batch, for a caller that reads what the batch's tensors then hold. */
  async runFirstBatch(): Promise<void> {
    await this.ctx.scheduler.run(this.parts[0].graph, { repeat: 1 });
  }

  release(): void {
    this.owned.release();
  }
}
