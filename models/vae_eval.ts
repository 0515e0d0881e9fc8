// Evaluating a VAE (models/vae.ts) on a DeviceDataset, in nats per example:
//   VaeEvaluator   the ELBO, E_q[log p(x | z)] - KL(q || p), with one draw per example (categorical
//                  latents: a hard one-hot draw, so that it bounds the discrete model's log p(x));
//   IwaeEvaluator  the importance-weighted bound of Burda, Grosse & Salakhutdinov (2016),
//                  log (1/K) sum_k p(x, z_k) / q(z_k | x) with z_k ~ q(z | x), which rises towards
//                  log p(x) as K grows (K = 1 is the ELBO in expectation); K = 5,000 is streamed in
//                  chunks of draws (addLogMeanExp keeps a running max and sum per example);
//   VaeCodec       encode and decode fixed-size batches on the host's request (samples, pictures, demos).
import { InputError, KernelGraph, type Tensor, type RunContext } from '../engine/index.js';
import { addBinary, addGather, addUnary } from '../engine/ops/index.js';
import { EvaluationPass } from './evaluation_pass.js';
import { ImportancePass, type ImportanceEstimate, type ImportanceOptions } from './importance_pass.js';
import { addBatchGather, type DeviceDataset } from './minibatch.js';
import { building, Owned, type Releasable } from './owned.js';
import type { Vae, VaeBatch } from './vae.js';


/** Philox calls of the evaluation draws: apart from training's (call 0) at the same steps. */
const ELBO_CALL = 1;
const IWAE_CALL = 2;

/** An ELBO estimate over a dataset, per example (nats). */
export interface VaeEvaluation {
  /** -reconstruction - kl. */
  elbo: number;
  /** Mean -log p(x | z) over the draws. */
  reconstruction: number;
  /** Mean KL(q(z | x) || p(z)). */
  kl: number;
  count: number;
}

function checkData(vae: Vae, data: DeviceDataset): void {
  if (data.width !== vae.config.inputs) throw new InputError(`vae evaluation: the data has ${data.width} values per example, the model ${vae.config.inputs} inputs`);
}

/**
 * The ELBO of every example of a DeviceDataset, in order, on the GPU: a graph per part (full batches,
 * then the rest), the mean terms accumulated into one metrics tensor that is read once.
 *
 *   const evaluator = await VaeEvaluator.create(ctx, vae, test, { seed: 1 });
 *   const { elbo } = await evaluator.evaluate();
 */
export class VaeEvaluator implements Releasable {
  private constructor(
    private readonly pass: EvaluationPass,
    readonly count: number,
  ) {}

  static async create(ctx: RunContext, vae: Vae, data: DeviceDataset, o: { seed: number; batch?: number }): Promise<VaeEvaluator> {
    checkData(vae, data);
    const pass = await EvaluationPass.create(ctx, data.count, {
      name: 'vae evaluation',
      batch: o.batch ?? 500,
      metrics: ['mean', 'mean'],
      part: async (graph, p, slot, owned) => {
        const b = await owned.add(vae.batch(ctx, p.rows, { hard: vae.latent.kind === 'categorical' }));
        await owned.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x: b.x, batchSize: p.rows, first: p.first, batches: p.batches }));
        await owned.add(vae.addEncoder(graph, ctx, b));
        await owned.add(vae.addDraw(graph, ctx, b, { seed: o.seed, call: ELBO_CALL, hard: true }));
        await owned.add(vae.addDecoder(graph, ctx, b));
        await owned.add(vae.addLosses(graph, ctx, b, { metrics: { reconstruction: slot(0), kl: slot(1) } }));
      },
    });
    return new VaeEvaluator(pass, data.count);
  }

  async evaluate(): Promise<VaeEvaluation> {
    const [reconstructionSum, klSum] = await this.pass.run();
    const reconstruction = reconstructionSum / this.count;
    const kl = klSum / this.count;
    return { elbo: -reconstruction - kl, reconstruction, kl, count: this.count };
  }

  release(): void {
    this.pass.release();
  }
}

/** An IWAE estimate over a dataset. */
export type IwaeEvaluation = ImportanceEstimate;

/** k: importance samples per example (5,000 as Burda et al. evaluate). */
export type IwaeOptions = ImportanceOptions;

/**
 * The IWAE bound with K samples per example of every example of a DeviceDataset (gaussian latents),
 * by an ImportancePass: per batch of examples, the load graph gathers them (and their rows repeated
 * once per draw) and encodes them; the draw graph draws `samples` z per example, decodes them and
 * forms the log-weights log p(x | z) + log p(z) - log q(z | x).
 *
 *   const iwae = await IwaeEvaluator.create(ctx, vae, test, { k: 5000, seed: 1 });
 *   const { logPx } = await iwae.evaluate();
 */
export class IwaeEvaluator implements Releasable {
  private constructor(private readonly pass: ImportancePass) {}

  static async create(ctx: RunContext, vae: Vae, data: DeviceDataset, o: IwaeOptions): Promise<IwaeEvaluator> {
    checkData(vae, data);
    if (vae.latent.kind !== 'gaussian') throw new InputError('iwae: the estimate is for gaussian latents (a categorical VAE reports its ELBO)');
    const pass = await ImportancePass.create(ctx, data.count, {
      name: 'iwae',
      k: o.k,
      maxRows: o.maxRows,
      async part({ part, samples, repeated, load, draw, owned }) {
        const rows = part.rows;
        const b = await owned.add(vae.batch(ctx, rows, { samples, importance: true }));
        const logWeights = await owned.add(ctx.pool.tensor('iwae log-weights', 'f32', [rows * samples]));
        const gathered = { data, batchSize: rows, first: part.first, batches: part.batches };
        await owned.add(addBatchGather(load, ctx, { ...gathered, indices: data.inOrder, x: b.x }));
        await owned.add(addGather(load, ctx, { source: data.images, format: 'u8', rows: data.count, width: data.width, indices: repeated, output: b.target, batchSize: rows * samples, first: part.first * samples, batches: part.batches }));
        await owned.add(vae.addEncoder(load, ctx, b));
        await owned.add(vae.addDraw(draw, ctx, b, { seed: o.seed, call: IWAE_CALL }));
        await owned.add(vae.addDecoder(draw, ctx, b));
        await owned.add(vae.addLosses(draw, ctx, b));
        // log w = log p(x | z) + (log p(z) - log q(z | x)).
        await owned.add(addBinary(draw, ctx, { op: 'sub', a: b.logRatio!, b: b.reconstruction, out: logWeights }));
        return logWeights;
      },
    });
    return new IwaeEvaluator(pass);
  }

  get count(): number {
    return this.pass.shape.count;
  }

  get k(): number {
    return this.pass.shape.k;
  }

  /** Draws per chunk and chunks per example (k = samples x chunks). */
  get samples(): number {
    return this.pass.shape.samples;
  }

  get chunks(): number {
    return this.pass.shape.chunks;
  }

  /** Runs every batch (`onProgress` after each, in batches), then reads the totals once. */
  evaluate(onProgress?: (done: number, total: number) => void): Promise<IwaeEvaluation> {
    return this.pass.evaluate(onProgress);
  }

  release(): void {
    this.pass.release();
  }
}

/**
 * Encodes and decodes `rows` examples at a time on request: the means (or logits) of q(z | x) of
 * given inputs, and the pixel probabilities sigmoid(logits) of given latents.
 *
 *   const codec = await VaeCodec.create(ctx, vae, 100);
 *   const pixels = await codec.decode(z);          // 100 x 784 probabilities
 *   codec.release();
 */
export class VaeCodec implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly b: VaeBatch,
    private readonly encoder: KernelGraph,
    private readonly decoder: KernelGraph,
    private readonly probabilities: Tensor,
    readonly rows: number,
  ) {}

  static async create(ctx: RunContext, vae: Vae, rows: number): Promise<VaeCodec> {
    return building(async (owned) => {
      const b = await owned.add(vae.batch(ctx, rows));
      const encoder = new KernelGraph('vae.encode');
      await owned.add(vae.addEncoder(encoder, ctx, b));
      const decoder = new KernelGraph('vae.decode');
      await owned.add(vae.addDecoder(decoder, ctx, b));
      const probabilities = await owned.add(ctx.pool.tensor('vae decoded probabilities', 'f32', [rows, vae.config.inputs]));
      await owned.add(addUnary(decoder, ctx, { op: 'sigmoid', x: b.decoded[b.decoded.length - 1], out: probabilities }));
      return new VaeCodec(ctx, owned, b, encoder, decoder, probabilities, rows);
    });
  }

  /** q(z | x) of rows x inputs values: the means and log-variances (gaussian) or the logits (categorical). */
  async encode(x: Float32Array): Promise<{ mean: Float32Array | null; logVar: Float32Array | null; logits: Float32Array | null }> {
    await this.b.x.write(x);
    await this.ctx.scheduler.run(this.encoder);
    const read = async (t: Tensor | null) => (t ? new Float32Array(await t.read()) : null);
    return { mean: await read(this.b.mean), logVar: await read(this.b.logVar), logits: await read(this.b.logits) };
  }

  /** p(x | z) of rows x latent-width values: each pixel's probability. */
  async decode(z: Float32Array): Promise<Float32Array> {
    await this.b.z.write(z);
    await this.ctx.scheduler.run(this.decoder);
    return new Float32Array(await this.probabilities.read());
  }

  release(): void {
    this.owned.release();
  }
}
