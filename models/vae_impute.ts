// Missing-data imputation with a trained VAE (Rezende, Mohamed & Wierstra 2014, section 5.3): the
// Markov chain that encodes the current digit, draws z ~ q(z | x), decodes it and keeps the observed
// pixels, the missing ones replaced by the decoder's mean p(x | z). Under a good model its stationary
// distribution approaches p(x_missing | x_observed). One kernel graph per step for every digit at once:
// encoder, draw (Philox keyed by seed and step), decoder, sigmoid, and the merge
// x = observed + missing (.) sigmoid(logits) by two element-wise ops.
import { InputError, KernelGraph, type OpContext, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addUnary } from '../engine/ops/index.js';
import { building, Owned, type Releasable } from './owned.js';
import type { Vae, VaeBatch } from './vae.js';

export interface ImputationProblem {
  /** Digits in the chain and values per digit (the VAE's inputs). */
  rows: number;
  /** rows x inputs: 1 where a value is observed, 0 where it is missing. */
  observed: Uint8Array;
  /** rows x inputs: the true values (only the observed ones are read). */
  values: Float32Array;
  /** inputs: where each missing value starts (say the training mean of its pixel). */
  start: Float32Array;
}

/** An InputError unless the problem fits the VAE. */
export function validateImputation(vae: Vae, p: ImputationProblem): void {
  const inputs = vae.config.inputs;
  if (!(Number.isInteger(p.rows) && p.rows >= 1)) throw new InputError(`vae impute: rows = ${p.rows} must be a positive integer`);
  if (p.observed.length !== p.rows * inputs || p.values.length !== p.rows * inputs) throw new InputError(`vae impute: the mask and the values must hold ${p.rows} x ${inputs} entries (the model's inputs)`);
  if (p.start.length !== inputs) throw new InputError(`vae impute: the start must hold ${inputs} values`);
  if (p.observed.some((m) => m !== 0 && m !== 1)) throw new InputError('vae impute: the mask must be 0 (missing) or 1 (observed)');
}

/**
 * The chain on the GPU.
 *
 *   const chain = await VaeImputer.create(ctx, vae, { rows, observed, values, start }, 1);
 *   await chain.step(50);
 *   const x = await chain.read();   // rows x inputs: observed values kept, missing ones imputed
 *   chain.release();
 */
export class VaeImputer implements Releasable {
  private done = 0;

  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly graph: KernelGraph,
    private readonly x: Tensor,
  ) {}

  static create(ctx: RunContext & OpContext, vae: Vae, p: ImputationProblem, seed: number): Promise<VaeImputer> {
    validateImputation(vae, p);
    const inputs = vae.config.inputs;
    const { rows } = p;
    return building(async (owned) => {
      // A categorical latent feeds the decoder the one-hot of its draw, as the evaluation does.
      const categorical = vae.latent.kind === 'categorical';
      const b: VaeBatch = await owned.add(vae.batch(ctx, rows, { hard: categorical }));
      const f32 = (label: string, data: Float32Array) => owned.add(ctx.pool.tensor(`vae impute ${label}`, 'f32', [rows, inputs], { data }));
      const observedPart = new Float32Array(rows * inputs);
      const missing = new Float32Array(rows * inputs);
      const x0 = new Float32Array(rows * inputs);
      for (let i = 0; i < rows * inputs; i++) {
        const seen = p.observed[i] === 1;
        observedPart[i] = seen ? p.values[i] : 0;
        missing[i] = seen ? 0 : 1;
        x0[i] = seen ? p.values[i] : p.start[i % inputs];
      }
      const [observed, mask, mean] = [await f32('observed values', observedPart), await f32('missing mask', missing), await f32('decoder mean', new Float32Array(rows * inputs))];
      await b.x.write(x0);
      const graph = new KernelGraph('vae impute step');
      await owned.add(vae.addEncoder(graph, ctx, b));
      await owned.add(vae.addDraw(graph, ctx, b, { seed, hard: categorical }));
      await owned.add(vae.addDecoder(graph, ctx, b));
      await owned.add(addUnary(graph, ctx, { op: 'sigmoid', x: b.decoded[b.decoded.length - 1], out: mean }));
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: mean, b: mask, out: mean }));
      await owned.add(addBinary(graph, ctx, { op: 'add', a: mean, b: observed, out: b.x }));
      return new VaeImputer(ctx, owned, graph, b.x);
    });
  }

  /** Steps run so far (step s draws z from step s of the stream). */
  get steps(): number {
    return this.done;
  }

  async step(count: number): Promise<void> {
    if (!(Number.isInteger(count) && count >= 0)) throw new InputError(`vae impute: steps = ${count} must be a non-negative integer`);
    await this.ctx.scheduler.run(this.graph, { repeat: count, firstIteration: this.done });
    this.done += count;
  }

  /** The digits now: observed values as given, missing ones the last step's decoder mean (the start before any step). */
  async read(): Promise<Float32Array> {
    return new Float32Array(await this.x.read());
  }

  release(): void {
    this.owned.release();
  }
}
