// An RBM's free energy and reconstruction error over a whole dataset, on the GPU: the examples in
// order, in batches of one graph (the rest in a second), the sums accumulated into one metrics tensor
// that is read once. The mean free energy of training and held-out data, side by side, is the
// practical guide's overfitting monitor (their gap grows when the model overfits); with log Z it is
// the average log-probability, -mean F - log Z.
import { InputError, type RunContext } from '../engine/index.js';
import { addBinary, addReduce } from '../engine/ops/index.js';
import type { Releasable } from './owned.js';
import { RBM_CALLS, type Rbm } from './rbm.js';
import { EvaluationPass } from './evaluation_pass.js';
import type { RbmDataset } from './rbm_data.js';

export interface RbmEvaluation {
  /** The mean free energy F(v) over the examples. */
  meanFreeEnergy: number;
  /** The mean squared reconstruction error |v - E[v | h]|^2 per example, h drawn from p(h | v) (Philox, the evaluator's seed). */
  reconstructionError: number;
  count: number;
}

/**
 * Evaluates an Rbm on every example of an RbmDataset.
 *
 *   const evaluator = await RbmEvaluator.create(ctx, rbm, test);
 *   const { meanFreeEnergy, reconstructionError } = await evaluator.evaluate();
 */
export class RbmEvaluator implements Releasable {
  private constructor(
    private readonly pass: EvaluationPass,
    readonly count: number,
  ) {}

  static async create(ctx: RunContext, rbm: Rbm, data: RbmDataset, o: { batch?: number; seed?: number } = {}): Promise<RbmEvaluator> {
    const seed = o.seed ?? 0;
    if (data.width !== rbm.visible) throw new InputError(`rbm evaluation: the data has ${data.width} values per example, the model ${rbm.visible} visible units`);
    const pass = await EvaluationPass.create(ctx, data.count, {
      name: 'rbm evaluation',
      batch: o.batch ?? 1000,
      // The sum of F, the sum of squared reconstruction errors.
      metrics: ['sum', 'sum'],
      part: async (graph, p, slot, owned) => {
        const { rows, first, batches } = p;
        const chain = await owned.add(rbm.chain(ctx, rows, 'rbm eval'));
        const energies = await owned.add(ctx.pool.tensor('rbm eval free energies', 'f32', [rows]));
        await owned.add(data.addBatch(graph, ctx, { indices: data.inOrder, x: chain.v, batchSize: rows, first, batches }));
        await owned.add(rbm.addFreeEnergy(graph, ctx, { v: chain.v, rows, out: energies }));
        await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'all', x: energies, ...slot(0) }));
        await owned.add(rbm.addHidden(graph, ctx, { v: chain.v, ph: chain.ph, h: chain.h, rows, draw: { seed, step: 0, call: RBM_CALLS.data } }));
        await owned.add(rbm.addVisible(graph, ctx, { h: chain.h, pv: chain.pv, rows }));
        await owned.add(addBinary(graph, ctx, { op: 'sub', a: chain.v, b: chain.pv, out: chain.pv }));
        await owned.add(addReduce(graph, ctx, { op: 'sumsq', per: 'all', x: chain.pv, ...slot(1) }));
      },
    });
    return new RbmEvaluator(pass, data.count);
  }

  async evaluate(): Promise<RbmEvaluation> {
    const [freeEnergy, reconstruction] = await this.pass.run();
    return { meanFreeEnergy: freeEnergy / this.count, reconstructionError: reconstruction / this.count, count: this.count };
  }

  release(): void {
    this.pass.release();
  }
}
