// The variational autoencoder (Kingma & Welling 2014): an encoder q(z | x), a decoder p(x | z) with
// Bernoulli pixels (logits out), and the negative ELBO as the loss,
//   -ELBO = E_q[-log p(x | z)] + beta KL(q(z | x) || p(z))   (beta = 1: the VAE; beta > 1: beta-VAE),
// the expectation estimated with one reparameterised draw per example. Two kinds of latent:
//   gaussian      q = N(mean, diag exp(log_var)) from two dense heads, p(z) = N(0, I), z = mean +
//                 sigma * eps (addReparameterize), the KL in closed form (addGaussianKl);
//   categorical   `groups` categoricals of `classes` each from one logits head, p(c) uniform, the
//                 decoder fed a Gumbel-softmax draw (relaxed, or straight-through one-hot), the KL to
//                 the uniform prior in closed form (addCategoricalKl).
// Dense layers are models/dense.ts (one GEMM each, bias and activation fused). This file holds the
// model, its batch tensors and one step's graph; vae_training.ts trains it, vae_eval.ts evaluates it.
import { decodeSafetensors, InputError, ParamSet, type CheckpointExtra, type KernelGraph, type OpContext, type Safetensors, type SafetensorsTensor, type Tensor } from '../engine/index.js';
import { addBinary, addUnary, addCategoricalKl, addGaussianKl, addGumbelSoftmax, addGumbelSoftmaxBackward, addReduce, addReparameterize, addReparameterizeBackward, addSigmoidCrossEntropy, type ReduceTarget, type Temperature } from '../engine/ops/index.js';
import { addDenseBackward, addDenseForward, DENSE_ACTIVATIONS, denseLayer, denseParams, type DenseActivation, type DenseLayer } from './dense.js';
import { building, type Releasable } from './owned.js';
import { checkModelTag, configFromMetadata, fileTensor, metadataList } from './model_file.js';

/** A Gaussian latent of `size` dimensions, or `groups` categoricals of `classes` classes each. */
export type VaeLatent = { kind: 'gaussian'; size: number } | { kind: 'categorical'; groups: number; classes: number };

export interface VaeConfig {
  /** Values per example (784 for MNIST), each a Bernoulli pixel of the decoder. */
  inputs: number;
  /** Hidden widths of the encoder, input side first; the decoder mirrors them. At least one. */
  hidden: readonly number[];
  latent: VaeLatent;
  /** Of the hidden layers (default relu). */
  activation?: DenseActivation;
}

/** metadata 'model' of a VAE file. */
export const VAE_MODEL = 'vae';

/** Parameter names: `encoder{i}`, the heads `mean` and `log_var` (gaussian) or `logits` (categorical), `decoder{i}` (the last gives the inputs' logits). */
export const vaeEncoderName = (i: number): string => `encoder${i}`;
export const vaeDecoderName = (i: number): string => `decoder${i}`;

/** The width of the decoder's input: the latent size, or groups x classes (one-hot codes side by side). */
export function latentWidth(latent: VaeLatent): number {
  return latent.kind === 'gaussian' ? latent.size : latent.groups * latent.classes;
}

/**
 * A latent as text ('20': gaussian of 20 dimensions; '30x10': 30 categoricals of 10 classes), as the
 * CLI and the model file write it.
 *
 *   parseLatent('30x10');   // { kind: 'categorical', groups: 30, classes: 10 }
 */
export function parseLatent(text: string): VaeLatent {
  const categorical = /^(\d+)x(\d+)$/.exec(text);
  if (categorical) return { kind: 'categorical', groups: Number(categorical[1]), classes: Number(categorical[2]) };
  if (!/^\d+$/.test(text)) throw new InputError(`vae: latent '${text}' is neither a size (20) nor groups x classes (30x10)`);
  return { kind: 'gaussian', size: Number(text) };
}

export function formatLatent(latent: VaeLatent): string {
  return latent.kind === 'gaussian' ? String(latent.size) : `${latent.groups}x${latent.classes}`;
}

const positive = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 2 ** 31;

/**
 * Checks a configuration; every problem is an InputError naming the parameter.
 *
 *   validateVaeConfig({ inputs: 784, hidden: [400], latent: { kind: 'gaussian', size: 20 } });
 */
export function validateVaeConfig(c: VaeConfig): Required<VaeConfig> {
  if (!positive(c.inputs)) throw new InputError(`vae: inputs must be a positive integer, got ${String(c.inputs)}`);
  if (!Array.isArray(c.hidden) || c.hidden.length === 0 || !c.hidden.every(positive)) {
    throw new InputError(`vae: hidden ${JSON.stringify(c.hidden)} must be one or more positive integer widths`);
  }
  const latent = c.latent;
  if (latent?.kind === 'gaussian') {
    if (!positive(latent.size)) throw new InputError(`vae: the latent size must be a positive integer, got ${String(latent.size)}`);
  } else if (latent?.kind === 'categorical') {
    if (!positive(latent.groups)) throw new InputError(`vae: categorical latent groups must be a positive integer, got ${String(latent.groups)}`);
    if (!positive(latent.classes) || latent.classes < 2) throw new InputError(`vae: categorical latent classes must be an integer >= 2, got ${String(latent.classes)}`);
  } else {
    throw new InputError(`vae: latent kind ${JSON.stringify((latent as { kind?: unknown })?.kind ?? null)} is not 'gaussian' or 'categorical'`);
  }
  const activation = c.activation ?? 'relu';
  if (!DENSE_ACTIVATIONS.includes(activation)) throw new InputError(`vae: activation '${String(activation)}' is not one of ${DENSE_ACTIVATIONS.join(', ')}`);
  return { inputs: c.inputs, hidden: [...c.hidden], latent: { ...latent }, activation };
}

/** The dense layers of a configuration: [name, inputs, outputs] in order (encoder, heads, decoder). */
function layerShapes(c: Required<VaeConfig>): Array<[string, number, number]> {
  const widths = [c.inputs, ...c.hidden];
  const top = c.hidden[c.hidden.length - 1];
  const width = latentWidth(c.latent);
  const encoder = c.hidden.map((w, i): [string, number, number] => [vaeEncoderName(i), widths[i], w]);
  const heads: Array<[string, number, number]> = c.latent.kind === 'gaussian' ? [['mean', top, width], ['log_var', top, width]] : [['logits', top, width]];
  const down = [width, ...[...c.hidden].reverse(), c.inputs];
  const decoder = down.slice(1).map((w, i): [string, number, number] => [vaeDecoderName(i), down[i], w]);
  return [...encoder, ...heads, ...decoder];
}

/**
 * Reads and checks what makes a safetensors file a VAE (no GPU): metadata model = 'vae', inputs,
 * hidden (JSON widths), latent ('20' or '30x10'), activation, and an F32 weight and bias per layer.
 * Errors are InputErrors that start with `source` and name the key or tensor.
 *
 *   const config = readVaeConfig(decodeSafetensors(bytes, 'vae.safetensors'), 'vae.safetensors');
 */
export function readVaeConfig(file: Safetensors, source: string): Required<VaeConfig> {
  checkModelTag(file, source, VAE_MODEL, 'a VAE');
  const meta = file.metadata;
  const config = configFromMetadata(source, () =>
    validateVaeConfig({ inputs: Number(meta.inputs), hidden: metadataList(meta, 'hidden') as number[], latent: parseLatent(meta.latent ?? ''), activation: meta.activation as DenseActivation }),
  );
  const hint = `metadata hidden ${meta.hidden}, latent ${meta.latent}`;
  for (const [name, inputs, outputs] of layerShapes(config)) {
    fileTensor(file.tensors, source, `${name}.weight`, 'F32', [inputs, outputs], hint);
    fileTensor(file.tensors, source, `${name}.bias`, 'F32', [outputs], hint);
  }
  return config;
}

function gradsOf(b: VaeBatch): VaeGrads {
  if (!b.grads) throw new InputError('vae backward: the batch was made without training gradients');
  return b.grads;
}

/** How the latent is drawn in a graph: the Philox stream, and for categorical latents the temperature and the straight-through one-hot. */
export interface VaeDraw {
  seed: number;
  /** Philox call word (default 0): evaluation draws use calls of their own. */
  call?: number;
  /** Categorical: tau (a number or a Schedule; default 1). */
  temperature?: Temperature;
  /** Categorical: feed the decoder the one-hot of the draw (straight-through estimator when training). */
  hard?: boolean;
}

/** The gradients of one training batch. */
export interface VaeGrads {
  /** Per encoder layer, rows x width. */
  hidden: Tensor[];
  /** Gaussian: the log-variance head's dL/d(last hidden), added into the last of `hidden`. */
  hiddenExtra: Tensor | null;
  /** Gaussian: dL/dmean and dL/dlogVar; categorical: dL/dlogits in `logits`. */
  mean: Tensor | null;
  logVar: Tensor | null;
  logits: Tensor | null;
  /** dL/dz (the decoder's input). */
  z: Tensor;
  /** Per decoder layer, dL/d(its output); the last: dL/d(x logits). */
  decoded: Tensor[];
}

/** The tensors of one batch of `rows` examples with `samples` draws each. */
export interface VaeBatch extends Releasable {
  rows: number;
  samples: number;
  /** rows x inputs: the encoder's input. */
  x: Tensor;
  /** (rows * samples) x inputs: what the decoder reconstructs; x itself when samples = 1, else the caller fills it (x repeated). */
  target: Tensor;
  /** Per encoder layer, rows x width. */
  hidden: Tensor[];
  /** Gaussian: rows x size each. */
  mean: Tensor | null;
  logVar: Tensor | null;
  /** Categorical: rows x (groups * classes). */
  logits: Tensor | null;
  /** (rows * samples) x latent width: the decoder's input (the one-hot with a hard categorical draw). */
  z: Tensor;
  /** Categorical: the relaxed draw (z itself unless the draw is hard). */
  soft: Tensor | null;
  /** Importance draws (gaussian): log p(z) - log q(z | x) per draw. */
  logRatio: Tensor | null;
  /** Per decoder layer, (rows * samples) x width; the last holds the logits of x. */
  decoded: Tensor[];
  /** rows * samples: -log p(x | z) of each draw. */
  reconstruction: Tensor;
  /** rows: KL(q(z | x) || p(z)) of each example. */
  kl: Tensor;
  /** Categorical: rows x groups, the KL of each categorical. */
  klGroups: Tensor | null;
  grads: VaeGrads | null;
}

/** Where a step's losses go: the mean reconstruction term and the mean KL over the batch, as reduction targets. */
export interface VaeMetrics {
  reconstruction?: ReduceTarget;
  kl?: ReduceTarget;
}

/**
 * A VAE's parameters and layers.
 *
 *   const vae = await Vae.create(ctx, { inputs: 784, hidden: [400], latent: { kind: 'gaussian', size: 20 } }, { seed: 1, state: ['m', 'v'] });
 *   const bytes = await vae.toSafetensors();   // the harness writes the file
 *   vae.release();
 */
export class Vae implements Releasable {
  private constructor(
    readonly config: Required<VaeConfig>,
    readonly params: ParamSet,
    readonly encoder: readonly DenseLayer[],
    /** Gaussian: [mean, logVar]; categorical: [logits]. */
    readonly heads: readonly DenseLayer[],
    readonly decoder: readonly DenseLayer[],
  ) {}

  private static over(params: ParamSet, c: Required<VaeConfig>): Vae {
    const encoder = c.hidden.map((_, i) => denseLayer(params, vaeEncoderName(i), c.activation));
    const heads = c.latent.kind === 'gaussian' ? [denseLayer(params, 'mean', 'identity'), denseLayer(params, 'log_var', 'identity')] : [denseLayer(params, 'logits', 'identity')];
    const last = c.hidden.length;
    const decoder = Array.from({ length: last + 1 }, (_, i) => denseLayer(params, vaeDecoderName(i), i === last ? 'identity' : c.activation));
    return new Vae(c, params, encoder, heads, decoder);
  }

  /** Glorot-uniform weights and zero biases from `seed`; `state` lists the optimiser's slots. */
  static async create(ctx: OpContext, config: VaeConfig, o: { seed: number; state?: readonly string[] }): Promise<Vae> {
    const c = validateVaeConfig(config);
    const specs = layerShapes(c).flatMap(([name, inputs, outputs]) => denseParams(name, inputs, outputs));
    return Vae.over(await ParamSet.create(ctx, { seed: o.seed, params: specs, state: o.state }), c);
  }

  /** A model from the bytes of toSafetensors: checked to be a VAE first (readVaeConfig), then restored bit for bit. */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ vae: Vae; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const config = readVaeConfig(decodeSafetensors(bytes, source), source);
    const { params, tensors, metadata } = await ParamSet.fromSafetensors(ctx, bytes, source);
    return { vae: Vae.over(params, config), tensors, metadata };
  }

  /** The model as safetensors bytes: ParamSet.toSafetensors with metadata model, inputs, hidden, latent and activation beside `extra`'s. */
  toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const { inputs, hidden, latent, activation } = this.config;
    return this.params.toSafetensors({
      tensors: extra.tensors,
      metadata: { ...extra.metadata, model: VAE_MODEL, inputs: String(inputs), hidden: JSON.stringify(hidden), latent: formatLatent(latent), activation },
    });
  }

  get latent(): VaeLatent {
    return this.config.latent;
  }

  /** The decoder's input width. */
  get latentWidth(): number {
    return latentWidth(this.config.latent);
  }

  /**
   * The tensors of a batch: `rows` examples, `samples` draws each with their log-density ratios when
   * `importance` (gaussian only: an IWAE estimate, or its training), gradients when training, a
   * separate one-hot when the categorical draw is `hard`.
   */
  batch(ctx: OpContext, rows: number, o: { samples?: number; importance?: boolean; training?: boolean; hard?: boolean } = {}): Promise<VaeBatch> {
    const samples = o.samples ?? 1;
    const training = !!o.training;
    const { inputs, latent } = this.config;
    if (!positive(rows) || !positive(samples)) throw new InputError(`vae batch: rows = ${rows} and samples = ${samples} must be positive integers`);
    const importance = !!o.importance || samples > 1;
    if (importance && latent.kind !== 'gaussian') throw new InputError('vae batch: importance draws are for a gaussian VAE');
    const draws = rows * samples;
    const width = this.latentWidth;
    return building(async (owned) => {
      const f32 = (label: string, shape: number[]) => owned.add(ctx.pool.tensor(`vae ${label}`, 'f32', shape));
      const gaussian = latent.kind === 'gaussian';
      const groups = latent.kind === 'categorical' ? latent.groups : 0;
      const x = await f32('x', [rows, inputs]);
      const eachOf = (label: string, layers: readonly DenseLayer[], n: number) => Promise.all(layers.map((l) => f32(`${l.name} ${label}`, [n, l.outputs])));
      const z = await f32('z', [draws, width]);
      const b: VaeBatch = {
        rows,
        samples,
        x,
        target: samples === 1 ? x : await f32('target', [draws, inputs]),
        hidden: await eachOf('output', this.encoder, rows),
        mean: gaussian ? await f32('mean', [rows, width]) : null,
        logVar: gaussian ? await f32('log_var', [rows, width]) : null,
        logits: gaussian ? null : await f32('logits', [rows, width]),
        z,
        soft: gaussian ? null : o.hard ? await f32('soft draw', [rows, width]) : z,
        logRatio: importance ? await f32('log ratio', [draws]) : null,
        decoded: await eachOf('output', this.decoder, draws),
        reconstruction: await f32('reconstruction', [draws]),
        kl: await f32('kl', [rows]),
        klGroups: gaussian ? null : await f32('kl per group', [rows, groups]),
        grads: null,
        release: () => owned.release(),
      };
      if (training) {
        b.grads = {
          hidden: await eachOf('grad', this.encoder, rows),
          hiddenExtra: gaussian ? await f32('log_var head grad', [rows, this.encoder[this.encoder.length - 1].outputs]) : null,
          mean: gaussian ? await f32('mean grad', [rows, width]) : null,
          logVar: gaussian ? await f32('log_var grad', [rows, width]) : null,
          logits: gaussian ? null : await f32('logits grad', [rows, width]),
          z: await f32('z grad', [draws, width]),
          decoded: await eachOf('grad', this.decoder, draws),
        };
      }
      return b;
    });
  }

  /** Adds the encoder: the hidden layers, then the heads (mean and log-variance, or logits). */
  addEncoder(graph: KernelGraph, ctx: OpContext, b: VaeBatch): Promise<Releasable> {
    return building(async (owned) => {
      for (const [i, layer] of this.encoder.entries()) {
        await owned.add(addDenseForward(graph, ctx, layer, { x: i === 0 ? b.x : b.hidden[i - 1], y: b.hidden[i], rows: b.rows }));
      }
      const top = b.hidden[b.hidden.length - 1];
      const outputs = b.mean ? [b.mean, b.logVar!] : [b.logits!];
      for (const [i, head] of this.heads.entries()) await owned.add(addDenseForward(graph, ctx, head, { x: top, y: outputs[i], rows: b.rows }));
      return owned;
    });
  }

  /**
   * Adds the draw of z from q(z | x): reparameterised (Philox step = the iteration), `samples` per
   * example with their log-density ratios in an importance batch; or a Gumbel-softmax draw per categorical.
   */
  addDraw(graph: KernelGraph, ctx: OpContext, b: VaeBatch, d: VaeDraw): Promise<Releasable> {
    return building(async (owned) => {
      const stream = { seed: d.seed, step: 0, call: d.call ?? 0 };
      if (b.mean && b.logVar) {
        await owned.add(addReparameterize(graph, ctx, { mean: b.mean, logVar: b.logVar, z: b.z, samples: b.samples, logRatio: b.logRatio ?? undefined, ...stream }));
      } else {
        const { groups, classes } = this.categorical();
        const hard = b.soft !== b.z;
        await owned.add(addGumbelSoftmax(graph, ctx, { logits: b.logits!, rows: b.rows * groups, classes, temperature: d.temperature ?? 1, y: b.soft!, hard: hard ? b.z : undefined, ...stream }));
      }
      return owned;
    });
  }

  /** Adds the decoder from z to the logits of x (the last of b.decoded). */
  addDecoder(graph: KernelGraph, ctx: OpContext, b: VaeBatch): Promise<Releasable> {
    return building(async (owned) => {
      const rows = b.rows * b.samples;
      for (const [i, layer] of this.decoder.entries()) {
        await owned.add(addDenseForward(graph, ctx, layer, { x: i === 0 ? b.z : b.decoded[i - 1], y: b.decoded[i], rows }));
      }
      return owned;
    });
  }

  private categorical(): { groups: number; classes: number } {
    const latent = this.config.latent;
    if (latent.kind !== 'categorical') throw new InputError('vae: not a categorical latent');
    return latent;
  }

  /**
   * Adds the two terms of -ELBO per example: -log p(x | z) of each draw (b.reconstruction; its
   * gradient (sigmoid(logits) - x) * gradScale into the decoder's last gradient when training) and
   * the closed-form KL (b.kl; beta * gradScale times its gradient into the head's gradient), their
   * means over the batch into `metrics`.
   */
  addLosses(graph: KernelGraph, ctx: OpContext, b: VaeBatch, o: { beta?: number; gradScale?: number; metrics?: VaeMetrics } = {}): Promise<Releasable> {
    const beta = o.beta ?? 1;
    const gradScale = o.gradScale ?? 1 / b.rows;
    const g = b.grads;
    return building(async (owned) => {
      const logits = b.decoded[b.decoded.length - 1];
      await owned.add(addSigmoidCrossEntropy(graph, ctx, { logits, targets: b.target, losses: b.reconstruction, grad: g?.decoded[g.decoded.length - 1], gradScale, meanLoss: o.metrics?.reconstruction }));
      const klScale = beta * gradScale;
      if (b.mean && b.logVar) {
        await owned.add(addGaussianKl(graph, ctx, { mean: b.mean, logVar: b.logVar, losses: b.kl, meanLoss: o.metrics?.kl, gradMean: g?.mean ?? undefined, gradLogVar: g?.logVar ?? undefined, gradScale: klScale }));
      } else {
        const { groups, classes } = this.categorical();
        await owned.add(addCategoricalKl(graph, ctx, { logits: b.logits!, rows: b.rows * groups, classes, losses: b.klGroups!, grad: g?.logits ?? undefined, gradScale: klScale }));
        // Per example: the sum over its groups.
        await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'row', x: b.klGroups!, out: b.kl }));
        if (o.metrics?.kl) await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'all', x: b.kl, ...o.metrics.kl }));
      }
      return owned;
    });
  }

  /**
   * Adds the backward pass from the gradients addLosses wrote (the decoder's last, and the KL's in
   * the head's) down to every parameter's gradient: the decoder, the draw (its gradient added to the
   * KL's), the heads, the encoder. `iwae`: the importance-weighted bound's instead (vae_iwae.ts): no
   * KL in the heads' gradients; the decoder's gradient and z's hold every draw's, weighted, and
   * log q(z | x)'s own term in the log-variance is added (the weights sum to 1: -1/2 per example).
   */
  addBackward(graph: KernelGraph, ctx: OpContext, b: VaeBatch, d: VaeDraw, o: { iwae?: boolean } = {}): Promise<Releasable> {
    return building(async (owned) => {
      await owned.add(this.addDecoderBackward(graph, ctx, b));
      await owned.add(this.addEncoderBackward(graph, ctx, b, d, o));
      return owned;
    });
  }

  /** The first half of addBackward: the decoder's, from the last of its gradients down to dL/dz (every draw's). */
  addDecoderBackward(graph: KernelGraph, ctx: OpContext, b: VaeBatch): Promise<Releasable> {
    const g = gradsOf(b);
    return building(async (owned) => {
      for (let i = this.decoder.length - 1; i >= 0; i--) {
        const x = i === 0 ? b.z : b.decoded[i - 1];
        await owned.add(addDenseBackward(graph, ctx, this.decoder[i], { x, y: b.decoded[i], dy: g.decoded[i], dx: i === 0 ? g.z : g.decoded[i - 1], rows: b.rows * b.samples }));
      }
      return owned;
    });
  }

  /** The second half of addBackward: from dL/dz through the draw, the heads and the encoder. */
  addEncoderBackward(graph: KernelGraph, ctx: OpContext, b: VaeBatch, d: VaeDraw, o: { iwae?: boolean } = {}): Promise<Releasable> {
    const g = gradsOf(b);
    return building(async (owned) => {
      const stream = { seed: d.seed, step: 0, call: d.call ?? 0 };
      const top = b.hidden[b.hidden.length - 1];
      const dTop = g.hidden[g.hidden.length - 1];
      if (b.mean && b.logVar && g.mean && g.logVar) {
        await owned.add(addReparameterizeBackward(graph, ctx, { logVar: b.logVar, dz: g.z, dMean: g.mean, dLogVar: g.logVar, samples: b.samples, accumulate: !o.iwae, ...stream }));
        if (o.iwae) await owned.add(addUnary(graph, ctx, { op: 'affine', x: g.logVar, out: g.logVar, alpha: 1, beta: -0.5 / b.rows }));
        await owned.add(addDenseBackward(graph, ctx, this.heads[0], { x: top, y: b.mean, dy: g.mean, dx: dTop, rows: b.rows }));
        await owned.add(addDenseBackward(graph, ctx, this.heads[1], { x: top, y: b.logVar, dy: g.logVar, dx: g.hiddenExtra!, rows: b.rows }));
        await owned.add(addBinary(graph, ctx, { op: 'add', a: dTop, b: g.hiddenExtra!, out: dTop }));
      } else {
        const { groups, classes } = this.categorical();
        await owned.add(addGumbelSoftmaxBackward(graph, ctx, { y: b.soft!, dy: g.z, grad: g.logits!, rows: b.rows * groups, classes, temperature: d.temperature ?? 1, accumulate: true }));
        await owned.add(addDenseBackward(graph, ctx, this.heads[0], { x: top, y: b.logits!, dy: g.logits!, dx: dTop, rows: b.rows }));
      }
      for (let i = this.encoder.length - 1; i >= 0; i--) {
        await owned.add(addDenseBackward(graph, ctx, this.encoder[i], { x: i === 0 ? b.x : b.hidden[i - 1], y: b.hidden[i], dy: g.hidden[i], dx: i === 0 ? undefined : g.hidden[i - 1], rows: b.rows }));
      }
      return owned;
    });
  }

  /**
   * Adds a training step's loss and gradients on batch `b` (made with training: true): encoder,
   * draw, decoder, -ELBO with the KL weighted by beta (gradients of the batch mean), backward into
   * every Param.grad. The optimiser step is the caller's (VaeTrainer adds it).
   */
  addGradients(graph: KernelGraph, ctx: OpContext, b: VaeBatch, o: { draw: VaeDraw; beta?: number; metrics?: VaeMetrics }): Promise<Releasable> {
    return building(async (owned) => {
      await owned.add(this.addEncoder(graph, ctx, b));
      await owned.add(this.addDraw(graph, ctx, b, o.draw));
      await owned.add(this.addDecoder(graph, ctx, b));
      await owned.add(this.addLosses(graph, ctx, b, { beta: o.beta, metrics: o.metrics }));
      await owned.add(this.addBackward(graph, ctx, b, o.draw));
      return owned;
    });
  }

  release(): void {
    this.params.release();
  }
}
