// The log-likelihood of a sigmoid belief net (models/sbn.ts) by importance sampling with its
// recognition network as the proposal: log p(x) ~ log (1/K) sum_k p(x, h_k) / q(h_k | x), h_k ~ q(h | x)
// (a lower bound in expectation that tightens as K grows, as IWAE's), by an ImportancePass: per batch
// of examples the load graph gathers each example once per draw; the draw graph draws h from q and
// forms the log-weights log p(x, h) - log q(h | x).
import { InputError, type RunContext } from '../engine/index.js';
import { addGather } from '../engine/ops/index.js';
import { ImportancePass, type ImportanceEstimate, type ImportanceOptions } from './importance_pass.js';
import type { DeviceDataset } from './minibatch.js';
import type { Releasable } from './owned.js';
import { SBN_CALLS, type Sbn } from './sbn.js';

export type SbnEvaluation = ImportanceEstimate;

export type SbnEvaluationOptions = ImportanceOptions;

/**
 * Importance-sampled log p(x) of every example of a DeviceDataset of binary values (bytes 0 or 255).
 *
 *   const evaluator = await SbnEvaluator.create(ctx, sbn, test, { k: 5000, seed: 1 });
 *   const { logPx } = await evaluator.evaluate();
 */
export class SbnEvaluator implements Releasable {
  private constructor(private readonly pass: ImportancePass) {}

  static async create(ctx: RunContext, sbn: Sbn, data: DeviceDataset, o: SbnEvaluationOptions): Promise<SbnEvaluator> {
    if (data.width !== sbn.config.inputs) throw new InputError(`sbn evaluation: the data has ${data.width} values per example, the model ${sbn.config.inputs} inputs`);
    const pass = await ImportancePass.create(ctx, data.count, {
      name: 'sbn evaluation',
      k: o.k,
      maxRows: o.maxRows,
      async part({ part, samples, repeated, load, draw, owned }) {
        const rows = part.rows * samples;
        const b = await owned.add(sbn.batch(ctx, rows));
        await owned.add(addGather(load, ctx, { source: data.images, format: 'u8', rows: data.count, width: data.width, indices: repeated, output: b.wake.h[0], batchSize: rows, first: part.first * samples, batches: part.batches }));
        await owned.add(sbn.addRecognition(draw, ctx, b, b.wake, { seed: o.seed, call: SBN_CALLS.evaluation }));
        await owned.add(sbn.addJoint(draw, ctx, b, b.wake));
        await owned.add(sbn.addRecognitionLogProb(draw, ctx, b, b.wake));
        await owned.add(sbn.addLogWeight(draw, ctx, b.wake));
        return b.wake.logW;
      },
    });
    return new SbnEvaluator(pass);
  }

  /** Runs every batch (`onProgress` after each, in batches), then reads the totals once. */
  evaluate(onProgress?: (done: number, total: number) => void): Promise<SbnEvaluation> {
    return this.pass.evaluate(onProgress);
  }

  release(): void {
    this.pass.release();
  }
}
