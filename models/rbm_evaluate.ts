// An RBM's free energy and reconstruction error over a whole dataset, on the GPU: the examples in
// order, in batches of one graph (the rest in a second), the sums accumulated into one metrics tensor
// that is read once. The mean free energy of training and held-out data, side by side, is the
// practical guide's overfitting monitor (their gap grows when the model overfits); with log Z it is
// the average log-probability, -mean F - log Z.
import { addBinary, addReduce, InputError, KernelGraph, type Tensor, type RunContext } from '../engine/index.js';
import { building, Owned, type Releasable } from './owned.js';
import { RBM_CALLS, type Rbm } from './rbm.js';
import { batchParts } from './minibatch.js';
import type { RbmDataset } from './rbm_data.js';

export interface RbmEvaluation {
  /** The mean free energy F(v) over the examples. */
  meanFreeEnergy: number;
  /** The mean squared reconstruction error |v - E[v | h]|^2 per example, h drawn from p(h | v) (Philox, the evaluator's seed). */
  reconstructionError: number;
  count: number;
}

/** Slots of the metrics tensor per part: the sum of F, the sum of squared reconstruction errors. */
const SLOTS = 2;

/**
 * Evaluates an Rbm on every example of an RbmDataset.
 *
 *   const evaluator = await RbmEvaluator.create(ctx, rbm, test);
 *   const { meanFreeEnergy, reconstructionError } = await evaluator.evaluate();
 */
export class RbmEvaluator implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly parts: ReadonlyArray<{ graph: KernelGraph; batches: number }>,
    private readonly metrics: Tensor,
    readonly count: number,
  ) {}

  static async create(ctx: RunContext, rbm: Rbm, data: RbmDataset, o: { batch?: number; seed?: number } = {}): Promise<RbmEvaluator> {
    const batch = o.batch ?? 1000;
    const seed = o.seed ?? 0;
    if (data.width !== rbm.visible) throw new InputError(`rbm evaluation: the data has ${data.width} values per example, the model ${rbm.visible} visible units`);
    const plan = batchParts(data.count, batch, 'rbm evaluation');
    return building(async (owned) => {
      const metrics = await owned.add(ctx.pool.tensor('rbm eval metrics', 'f32', [2 * SLOTS]));
      const part = async (index: number, size: number, batches: number, first: number) => {
        const graph = new KernelGraph(`rbm.eval ${index}`);
        const chain = await owned.add(rbm.chain(ctx, size, `rbm eval ${index}`));
        const energies = await owned.add(ctx.pool.tensor(`rbm eval ${index} free energies`, 'f32', [size]));
        const slot = (k: number) => ({ out: metrics, series: { base: SLOTS * index + k, every: batches }, accumulate: true });
        await owned.add(data.addBatch(graph, ctx, { indices: data.inOrder, x: chain.v, batchSize: size, first, batches }));
        await owned.add(rbm.addFreeEnergy(graph, ctx, { v: chain.v, rows: size, out: energies }));
        await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'all', x: energies, ...slot(0) }));
        await owned.add(rbm.addHidden(graph, ctx, { v: chain.v, ph: chain.ph, h: chain.h, rows: size, draw: { seed, step: 0, call: RBM_CALLS.data } }));
        await owned.add(rbm.addVisible(graph, ctx, { h: chain.h, pv: chain.pv, rows: size }));
        await owned.add(addBinary(graph, ctx, { op: 'sub', a: chain.v, b: chain.pv, out: chain.pv }));
        await owned.add(addReduce(graph, ctx, { op: 'sumsq', per: 'all', x: chain.pv, ...slot(1) }));
        return { graph, batches };
      };
      const parts = [];
      for (const [index, p] of plan.entries()) parts.push(await part(index, p.rows, p.batches, p.first));
      return new RbmEvaluator(ctx, owned, parts, metrics, data.count);
    });
  }

  async evaluate(): Promise<RbmEvaluation> {
    await this.metrics.write(new Float32Array(2 * SLOTS));
    for (const p of this.parts) await this.ctx.scheduler.run(p.graph, { repeat: p.batches });
    const m = new Float32Array(await this.metrics.read());
    const total = (k: number) => this.parts.reduce((sum, _p, i) => sum + m[SLOTS * i + k], 0);
    return { meanFreeEnergy: total(0) / this.count, reconstructionError: total(1) / this.count, count: this.count };
  }

  release(): void {
    this.owned.release();
  }
}
