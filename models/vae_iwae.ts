// Training a gaussian VAE by the importance-weighted bound of Burda, Grosse & Salakhutdinov (2016):
// per example K reparameterised draws z_k = mean + sigma eps_k, log-weights
//   log w_k = log p(x | z_k) + log p(z_k) - log q(z_k | x),
// and the loss -log (1/K) sum_k w_k, whose gradient is -sum_k w~_k grad log w_k with the normalised
// weights w~_k = w_k / sum_j w_j (K = 1: the ELBO with a one-draw KL instead of the closed form). With
// eps held fixed, log q(z_k | x) = -sum_d (log 2 pi + log_var_d + eps_kd^2) / 2, so a draw's gradient
//   reaches the decoder as w~_k (sigmoid(logits_k) - x),
//   reaches z_k as w~_k (d(-log p(x | z_k))/dz_k + z_k)        (log p(z) = -|z|^2 / 2 + const),
//   and log_var directly as -1/2 per dimension (the weights sum to 1),
// then the draw's backward sums each example's K draws into mean and log_var (addReparameterizeBackward).
// Tested against float64 central differences of the bound with the GPU's own normals (test/vae_iwae.test.ts).
import { InputError, type KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addGather, addLogMeanExp, addReduce, addSigmoidCrossEntropy, addUnary, type ReduceTarget } from '../engine/ops/index.js';
import { repeatedRows } from './minibatch.js';
import { building, Owned, type Releasable } from './owned.js';
import type { Vae, VaeBatch, VaeDraw, VaeMetrics } from './vae.js';

/**
 * The scratch of the IWAE objective for batches of `rows` examples and `k` draws each.
 *
 *   const b = await vae.batch(ctx, rows, { samples: k, training: true, importance: true });
 *   const iwae = await IwaeObjective.create(ctx, rows, k, vae.latentWidth);
 *   await iwae.addGradients(graph, ctx, vae, b, { draw: { seed } });   // after b.x is filled
 */
export class IwaeObjective implements Releasable {
  private constructor(
    private readonly owned: Owned,
    readonly rows: number,
    readonly k: number,
    /** u32 [rows * k]: draw i reads example floor(i / k) (x repeated as each draw's target). */
    private readonly repeated: Tensor,
    /** [rows * k]: log w of each draw, then its normalised weight. */
    private readonly logW: Tensor,
    private readonly weights: Tensor,
    /** [rows]: log (1/K) sum_k w_k; [rows * k]: it repeated per draw. */
    private readonly bound: Tensor,
    private readonly boundPerDraw: Tensor,
    /** [rows * k, latent]: w~ z, log p(z)'s term of z's gradient. */
    private readonly zTerm: Tensor,
  ) {}

  /** For batches of `rows` examples, `k` draws each, of a latent of `width`. */
  static create(ctx: RunContext, rows: number, k: number, width: number): Promise<IwaeObjective> {
    if (!(Number.isInteger(k) && k >= 1)) throw new InputError(`iwae: k = ${k} must be a positive integer`);
    return building(async (owned) => {
      const draws = rows * k;
      const f32 = (label: string, shape: number[]) => owned.add(ctx.pool.tensor(`iwae ${label}`, 'f32', shape));
      const repeated = await owned.add(repeatedRows(ctx, 'iwae repeated rows', rows, k));
      return new IwaeObjective(owned, rows, k, repeated, await f32('log-weights', [draws]), await f32('weights', [draws]), await f32('bound', [rows, 1]), await f32('bound per draw', [draws]), await f32('z prior term', [draws, width]));
    });
  }

  /**
   * Adds a training step's loss and gradients on `b` (rows x k draws, training): encoder, K draws,
   * decoder, the bound and its gradients into every Param.grad. `metrics`: the mean -log p(x | z) and
   * the mean log q(z | x) - log p(z) over the draws (a one-draw KL estimate).
   */
  addGradients(graph: KernelGraph, ctx: RunContext, vae: Vae, b: VaeBatch, o: { draw: VaeDraw; metrics?: VaeMetrics }): Promise<Releasable> {
    const { rows, k } = this;
    const g = b.grads;
    if (b.rows !== rows || b.samples !== k || !g || !b.logRatio || !b.mean) throw new InputError(`iwae: needs a gaussian training batch of ${rows} rows x ${k} draws with importance terms`);
    const draws = rows * k;
    return building(async (owned) => {
      // Each draw's target: its example's (binarised) pixels (with one draw, x itself).
      if (k > 1) await owned.add(addGather(graph, ctx, { source: b.x, rows, width: vae.config.inputs, indices: this.repeated, output: b.target, batchSize: draws, batches: 1 }));
      await owned.add(vae.addEncoder(graph, ctx, b));
      await owned.add(vae.addDraw(graph, ctx, b, o.draw));
      await owned.add(vae.addDecoder(graph, ctx, b));
      const dLogits = g.decoded[g.decoded.length - 1];
      await owned.add(addSigmoidCrossEntropy(graph, ctx, { logits: b.decoded[b.decoded.length - 1], targets: b.target, losses: b.reconstruction, grad: dLogits, gradScale: 1 / rows, meanLoss: o.metrics?.reconstruction }));
      if (o.metrics?.kl) {
        // The one-draw KL estimate, log q - log p, averaged over the draws: the weights' tensor as scratch.
        await owned.add(addUnary(graph, ctx, { op: 'neg', x: b.logRatio!, out: this.weights }));
        await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'all', x: this.weights, ...o.metrics.kl }));
      }
      // log w = log p(x | z) + log p(z) - log q(z | x); w~ = exp(log w - bound - log K).
      await owned.add(addBinary(graph, ctx, { op: 'sub', a: b.logRatio!, b: b.reconstruction, out: this.logW }));
      await owned.add(addLogMeanExp(graph, ctx, { x: this.logW, rows, samples: k, out: this.bound }));
      await owned.add(addGather(graph, ctx, { source: this.bound, rows, width: 1, indices: this.repeated, output: this.boundPerDraw, batchSize: draws, batches: 1 }));
      await owned.add(addBinary(graph, ctx, { op: 'sub', a: this.logW, b: this.boundPerDraw, out: this.weights }));
      await owned.add(addUnary(graph, ctx, { op: 'affine', x: this.weights, out: this.weights, alpha: 1, beta: -Math.log(k) }));
      await owned.add(addUnary(graph, ctx, { op: 'exp', x: this.weights, out: this.weights }));
      // The decoder's gradient of each draw, weighted; its backward gives z's through log p(x | z).
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: dLogits, b: this.weights, out: dLogits }));
      await owned.add(vae.addDecoderBackward(graph, ctx, b));
      // log p(z)'s term: + w~ z / rows.
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: b.z, b: this.weights, out: this.zTerm }));
      await owned.add(addBinary(graph, ctx, { op: 'axpy', a: this.zTerm, b: g.z, out: g.z, alpha: 1 / rows }));
      await owned.add(vae.addEncoderBackward(graph, ctx, b, o.draw, { iwae: true }));
      return owned;
    });
  }

  /** Adds the mean over the rows of the bound of the last addGradients (nats per example) into `target`. */
  addMeanBound(graph: KernelGraph, ctx: RunContext, target: ReduceTarget): Promise<Releasable> {
    return addReduce(graph, ctx, { op: 'mean', per: 'all', x: this.bound, ...target });
  }

  release(): void {
    this.owned.release();
  }
}
