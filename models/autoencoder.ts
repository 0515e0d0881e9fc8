// Autoencoders: dense encoder layers from the input to a code, a decoder mirroring them back to the
// inputs' logits, and the Bernoulli cross-entropy of the reconstruction against the clean input (the
// seeds' loss for binary or [0, 1] inputs; its gradient at the logits is x_hat - x). Three ways to
// keep it from learning the identity, combinable:
//   denoising    the encoder sees a corrupted input, x~ = x * mask with mask ~ Bernoulli(1 - rate)
//                (masking noise) or x~ = x + N(0, std^2) (additive Gaussian noise); the loss compares
//                the reconstruction of x~ with the clean x;
//   contractive  lambda ||dh/dx||_F^2, for a code h = sigmoid(x W + b) of one layer:
//                sum_j (h_j (1 - h_j))^2 sum_i W_ij^2, with its exact gradient (below);
//   tied         the decoder's weights are the encoder's, transposed: that weight's gradient is the
//                sum of its two uses.
// The code layer may have its own activation: linear for the deep autoencoder (Hinton & Salakhutdinov
// 2006), sigmoid with Gaussian noise added to its input while training for semantic hashing's binary
// codes (the noise pushes the units to 0 or 1; Salakhutdinov & Hinton 2009).
// Dense layers are models/dense.ts; a tied decoder layer is one GEMM with B transposed.
import { decodeSafetensors, InputError, ParamSet, type CheckpointExtra, type KernelGraph, type OpContext, type Param, type Safetensors, type SafetensorsTensor, type Tensor } from '../engine/index.js';
import { addBinary, addGemm, addReduce, addSample, addSigmoidCrossEntropy, addUnary, addUnaryBackward, type ReduceTarget } from '../engine/ops/index.js';
import { addDenseBackward, addDenseForward, DENSE_ACTIVATIONS, denseLayer, denseParams, type DenseActivation, type DenseLayer } from './dense.js';
import { building, type Releasable } from './owned.js';
import { checkModelTag, configFromMetadata, fileTensor, metadataList } from './model_file.js';

export interface AutoencoderConfig {
  /** Widths from the input to the code, e.g. [784, 256]: an encoder layer per neighbouring pair, the decoder mirrors them. */
  layers: readonly number[];
  /** Of every layer but the code and the decoder's last (default sigmoid). */
  activation?: DenseActivation;
  /** Of the code layer, the encoder's last (default: activation). */
  codeActivation?: DenseActivation;
  /** Decoder weights = the encoder's, transposed (default false). */
  tied?: boolean;
}

/** metadata 'model' of an autoencoder file. */
export const AUTOENCODER_MODEL = 'autoencoder';

/** Parameter names: `encoder{i}.weight|bias`, `decoder{i}.bias`, and `decoder{i}.weight` unless tied (decoder i mirrors encoder n - 1 - i). */
export const aeEncoderName = (i: number): string => `encoder${i}`;
export const aeDecoderName = (i: number): string => `decoder${i}`;

const positive = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 2 ** 31;

/**
 * Checks a configuration; every problem is an InputError naming the parameter.
 *
 *   validateAutoencoderConfig({ layers: [784, 256], tied: true });
 */
export function validateAutoencoderConfig(c: AutoencoderConfig): Required<AutoencoderConfig> {
  if (!Array.isArray(c.layers) || c.layers.length < 2 || !c.layers.every(positive)) {
    throw new InputError(`autoencoder: layers ${JSON.stringify(c.layers)} must be two or more positive integer widths (inputs, ..., code)`);
  }
  const activation = c.activation ?? 'sigmoid';
  const codeActivation = c.codeActivation ?? activation;
  for (const [label, value] of [['activation', activation], ['code activation', codeActivation]] as const) {
    if (!DENSE_ACTIVATIONS.includes(value)) throw new InputError(`autoencoder: ${label} '${String(value)}' is not one of ${DENSE_ACTIVATIONS.join(', ')}`);
  }
  return { layers: [...c.layers], activation, codeActivation, tied: !!c.tied };
}

/** The parameters: [name, shape] per tensor, encoder first. */
function paramShapes(c: Required<AutoencoderConfig>): Array<[string, number, number, boolean]> {
  const n = c.layers.length - 1;
  const encoder = c.layers.slice(1).map((w, i): [string, number, number, boolean] => [aeEncoderName(i), c.layers[i], w, true]);
  // Decoder layer i maps layers[n - i] to layers[n - 1 - i].
  const decoder = encoder.map((_, i): [string, number, number, boolean] => [aeDecoderName(i), c.layers[n - i], c.layers[n - 1 - i], !c.tied]);
  return [...encoder, ...decoder];
}

/**
 * Reads and checks what makes a safetensors file an autoencoder (no GPU): metadata model =
 * 'autoencoder', layers (JSON widths), activation, tied ('true' or 'false'), code_activation (only
 * where it differs from activation: files from before it have none), and its F32 tensors.
 *
 *   const config = readAutoencoderConfig(decodeSafetensors(bytes, 'ae.safetensors'), 'ae.safetensors');
 */
export function readAutoencoderConfig(file: Safetensors, source: string): Required<AutoencoderConfig> {
  checkModelTag(file, source, AUTOENCODER_MODEL, 'an autoencoder');
  const meta = file.metadata;
  const config = configFromMetadata(source, () => {
    const layers = metadataList(meta, 'layers') as number[];
    if (meta.tied !== 'true' && meta.tied !== 'false') throw new InputError(`metadata 'tied' = ${JSON.stringify(meta.tied ?? null)} is not 'true' or 'false'`);
    return validateAutoencoderConfig({ layers, activation: meta.activation as DenseActivation, codeActivation: (meta.code_activation ?? meta.activation) as DenseActivation, tied: meta.tied === 'true' });
  });
  const hint = `metadata layers ${meta.layers}, tied ${meta.tied}`;
  for (const [name, inputs, outputs, weight] of paramShapes(config)) {
    if (weight) fileTensor(file.tensors, source, `${name}.weight`, 'F32', [inputs, outputs], hint);
    fileTensor(file.tensors, source, `${name}.bias`, 'F32', [outputs], hint);
  }
  return config;
}

/** A decoder layer: its own weight (inputs x outputs), or an encoder layer's (outputs x inputs) read transposed. */
export interface DecoderLayer {
  name: string;
  inputs: number;
  outputs: number;
  activation: DenseActivation;
  weight: Param;
  bias: Param;
  transposed: boolean;
}

/** Noise on the code layer's input while training: its std and the run's seed. */
export interface CodeNoise {
  std: number;
  seed: number;
}

/** The Philox call of the code noise (the training corruption's is 0, the evaluation's 1). */
const CODE_NOISE_CALL = 2;

/** Input corruption of a denoising autoencoder. */
export type AutoencoderNoise = { kind: 'none' } | { kind: 'mask'; rate: number } | { kind: 'gaussian'; std: number };

/** Checks a noise setting (an InputError naming the parameter). */
export function validateNoise(noise: AutoencoderNoise): AutoencoderNoise {
  if (noise?.kind === 'none') return noise;
  if (noise?.kind === 'mask') {
    if (!(Number.isFinite(noise.rate) && noise.rate >= 0 && noise.rate < 1)) throw new InputError(`autoencoder: masking rate must lie in [0, 1), got ${noise.rate}`);
    return noise;
  }
  if (noise?.kind === 'gaussian') {
    if (!(Number.isFinite(noise.std) && noise.std >= 0)) throw new InputError(`autoencoder: noise std must be a finite number >= 0, got ${noise.std}`);
    return noise;
  }
  throw new InputError(`autoencoder: noise kind ${JSON.stringify((noise as { kind?: unknown })?.kind ?? null)} is not none, mask or gaussian`);
}

/** The tensors of one batch. */
export interface AutoencoderBatch extends Releasable {
  rows: number;
  /** rows x inputs: the clean input (the loss's target). */
  x: Tensor;
  /** rows x inputs: the corrupted input the encoder reads (x itself without noise). */
  corrupted: Tensor;
  /** Masking noise: the mask (rows x inputs) and the keep probability of every pixel. */
  mask: Tensor | null;
  keep: Tensor | null;
  /** Per encoder layer, rows x width (the last: the code). */
  encoded: Tensor[];
  /** Per decoder layer, rows x width (the last: the inputs' logits). */
  decoded: Tensor[];
  /** rows: the cross-entropy of each reconstruction. */
  losses: Tensor;
  /** Code noise: rows x code, the code layer's input with the noise added (before its sigmoid). */
  noisyCode: Tensor | null;
  grads: { encoded: Tensor[]; decoded: Tensor[]; tied: Tensor[] } | null;
  /** The contractive penalty's work tensors (training with lambda > 0). */
  contractive: ContractiveTensors | null;
}

interface ContractiveTensors {
  /** rows x code: a = h (1 - h), a^2, 1 - 2h, and the penalty's terms. */
  a: Tensor;
  a2: Tensor;
  work: Tensor;
  /** code: omega_j = sum_i W_ij^2 and s_j = sum over the rows of a^2. */
  omega: Tensor;
  colSums: Tensor;
  /** rows: the penalty of each row (without lambda). */
  perRow: Tensor;
  /** inputs x code: W * s. */
  weighted: Tensor;
}

/** Where a step's metrics go: the mean cross-entropy, and the mean penalty ||J||_F^2 (without lambda). */
export interface AutoencoderMetrics {
  loss?: ReduceTarget;
  contractive?: ReduceTarget;
}

/**
 * An autoencoder's parameters and layers.
 *
 *   const ae = await Autoencoder.create(ctx, { layers: [784, 256], tied: true }, { seed: 1, state: ['m', 'v'] });
 */
export class Autoencoder implements Releasable {
  private constructor(
    readonly config: Required<AutoencoderConfig>,
    readonly params: ParamSet,
    readonly encoder: readonly DenseLayer[],
    readonly decoder: readonly DecoderLayer[],
  ) {}

  private static over(params: ParamSet, c: Required<AutoencoderConfig>): Autoencoder {
    const n = c.layers.length - 1;
    const encoder = c.layers.slice(1).map((_, i) => denseLayer(params, aeEncoderName(i), i === n - 1 ? c.codeActivation : c.activation));
    const decoder = encoder.map((_, i): DecoderLayer => {
      const mirror = encoder[n - 1 - i];
      const name = aeDecoderName(i);
      return {
        name,
        inputs: mirror.outputs,
        outputs: mirror.inputs,
        activation: i === n - 1 ? 'identity' : c.activation,
        weight: c.tied ? mirror.weight : params.get(`${name}.weight`),
        bias: params.get(`${name}.bias`),
        transposed: c.tied,
      };
    });
    return new Autoencoder(c, params, encoder, decoder);
  }

  /** Glorot-uniform weights and zero biases from `seed`; `state` lists the optimiser's slots. */
  static async create(ctx: OpContext, config: AutoencoderConfig, o: { seed: number; state?: readonly string[] }): Promise<Autoencoder> {
    const c = validateAutoencoderConfig(config);
    const specs = paramShapes(c).flatMap(([name, inputs, outputs, weight]) => (weight ? denseParams(name, inputs, outputs) : denseParams(name, inputs, outputs).slice(1)));
    return Autoencoder.over(await ParamSet.create(ctx, { seed: o.seed, params: specs, state: o.state }), c);
  }

  /** A model from the bytes of toSafetensors: checked to be an autoencoder first, then restored bit for bit. */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ ae: Autoencoder; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const config = readAutoencoderConfig(decodeSafetensors(bytes, source), source);
    const { params, tensors, metadata } = await ParamSet.fromSafetensors(ctx, bytes, source);
    return { ae: Autoencoder.over(params, config), tensors, metadata };
  }

  toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const { layers, activation, codeActivation, tied } = this.config;
    const code: Record<string, string> = codeActivation === activation ? {} : { code_activation: codeActivation };
    return this.params.toSafetensors({ tensors: extra.tensors, metadata: { ...extra.metadata, model: AUTOENCODER_MODEL, layers: JSON.stringify(layers), activation, tied: String(tied), ...code } });
  }

  get inputs(): number {
    return this.config.layers[0];
  }

  /** Whether the contractive penalty can be applied: one sigmoid encoder layer. */
  get contractible(): boolean {
    return this.encoder.length === 1 && this.encoder[0].activation === 'sigmoid';
  }

  /** The code layer's width. */
  get code(): number {
    return this.config.layers[this.config.layers.length - 1];
  }

  /**
   * The tensors of a batch of `rows`: gradients when training, a mask for masking noise, the
   * penalty's work tensors for a contractive one, the noisy code inputs for code noise.
   */
  batch(ctx: OpContext, rows: number, o: { training?: boolean; noise?: AutoencoderNoise; contractive?: boolean; codeNoise?: boolean } = {}): Promise<AutoencoderBatch> {
    const noise = validateNoise(o.noise ?? { kind: 'none' });
    if (o.contractive && !this.contractible) {
      throw new InputError(`autoencoder: the contractive penalty needs one sigmoid encoder layer (layers [inputs, code], activation sigmoid); this one has layers ${JSON.stringify(this.config.layers)}, code activation ${this.config.codeActivation}`);
    }
    if (o.codeNoise && this.config.codeActivation !== 'sigmoid') throw new InputError(`autoencoder: code noise is for a sigmoid code layer (binary codes); this one's is ${this.config.codeActivation}`);
    return building(async (owned) => {
      const f32 = (label: string, shape: number[], data?: Float32Array) => owned.add(ctx.pool.tensor(`autoencoder ${label}`, 'f32', shape, data ? { data } : {}));
      const each = (label: string, widths: number[]) => Promise.all(widths.map((w, i) => f32(`${label} ${i}`, [rows, w])));
      const encWidths = this.encoder.map((l) => l.outputs);
      const decWidths = this.decoder.map((l) => l.outputs);
      const x = await f32('x', [rows, this.inputs]);
      const masked = noise.kind === 'mask';
      const code = this.code;
      return {
        rows,
        x,
        corrupted: noise.kind === 'none' ? x : await f32('corrupted', [rows, this.inputs]),
        mask: masked ? await f32('mask', [rows, this.inputs]) : null,
        keep: masked ? await f32('keep', [rows, this.inputs], new Float32Array(rows * this.inputs).fill(1 - noise.rate)) : null,
        encoded: await each('encoded', encWidths),
        decoded: await each('decoded', decWidths),
        losses: await f32('losses', [rows]),
        noisyCode: o.codeNoise ? await f32('noisy code input', [rows, code]) : null,
        grads: o.training
          ? { encoded: await each('encoded grad', encWidths), decoded: await each('decoded grad', decWidths), tied: this.config.tied ? await Promise.all(this.decoder.map((l) => f32(`${l.name} tied grad`, [l.outputs, l.inputs]))) : [] }
          : null,
        contractive: o.contractive
          ? {
              a: await f32('contractive a', [rows, code]),
              a2: await f32('contractive a^2', [rows, code]),
              work: await f32('contractive work', [rows, code]),
              omega: await f32('contractive omega', [code]),
              colSums: await f32('contractive column sums', [code]),
              perRow: await f32('contractive per row', [rows]),
              weighted: await f32('contractive weighted', [this.inputs, code]),
            }
          : null,
        release: () => owned.release(),
      };
    });
  }

  /** Adds the corruption of b.x into b.corrupted (Philox step = the iteration, `call` its stream). */
  addCorruption(graph: KernelGraph, ctx: OpContext, b: AutoencoderBatch, noise: AutoencoderNoise, stream: { seed: number; call: number }): Promise<Releasable> {
    return building(async (owned) => {
      const s = { seed: stream.seed, step: 0, call: stream.call };
      if (noise.kind === 'mask') {
        await owned.add(addSample(graph, ctx, { distribution: 'bernoulli', probabilities: b.keep!, output: b.mask!, ...s }));
        await owned.add(addBinary(graph, ctx, { op: 'mul', a: b.x, b: b.mask!, out: b.corrupted }));
      } else if (noise.kind === 'gaussian') {
        await owned.add(addSample(graph, ctx, { distribution: 'gaussian', mean: b.x, std: noise.std, output: b.corrupted, ...s }));
      }
      return owned;
    });
  }

  /**
   * Adds the encoder's pass of b.corrupted to the code; with `codeNoise` (a batch made with
   * codeNoise), N(0, std^2) is added to the code layer's input before its sigmoid (Philox step = the
   * iteration, call CODE_NOISE_CALL). The backward pass needs only the code itself.
   */
  addEncode(graph: KernelGraph, ctx: OpContext, b: AutoencoderBatch, codeNoise?: CodeNoise): Promise<Releasable> {
    return building(async (owned) => {
      const last = this.encoder.length - 1;
      for (const [i, layer] of this.encoder.entries()) {
        const x = i === 0 ? b.corrupted : b.encoded[i - 1];
        const noisy = i === last && codeNoise && codeNoise.std > 0;
        if (!noisy) {
          await owned.add(addDenseForward(graph, ctx, layer, { x, y: b.encoded[i], rows: b.rows }));
          continue;
        }
        if (!b.noisyCode) throw new InputError('autoencoder: code noise needs a batch made with codeNoise: true');
        await owned.add(addDenseForward(graph, ctx, { ...layer, activation: 'identity' }, { x, y: b.encoded[i], rows: b.rows }));
        await owned.add(addSample(graph, ctx, { distribution: 'gaussian', mean: b.encoded[i], std: codeNoise.std, output: b.noisyCode, seed: codeNoise.seed, step: 0, call: CODE_NOISE_CALL }));
        await owned.add(addUnary(graph, ctx, { op: 'sigmoid', x: b.noisyCode, out: b.encoded[i] }));
      }
      return owned;
    });
  }

  /** Adds the forward pass of b.corrupted: the encoder to the code (addEncode), the decoder to the logits. */
  addForward(graph: KernelGraph, ctx: OpContext, b: AutoencoderBatch, codeNoise?: CodeNoise): Promise<Releasable> {
    return building(async (owned) => {
      await owned.add(this.addEncode(graph, ctx, b, codeNoise));
      const code = b.encoded[b.encoded.length - 1];
      for (const [i, l] of this.decoder.entries()) {
        const x = i === 0 ? code : b.decoded[i - 1];
        await owned.add(addGemm(graph, ctx, { a: x, b: l.weight.value, c: b.decoded[i], m: b.rows, n: l.outputs, k: l.inputs, transB: l.transposed, bias: l.bias.value, activation: l.activation }));
      }
      return owned;
    });
  }

  /**
   * Adds a training step's loss and gradients: corruption, forward, the mean cross-entropy against
   * the clean x (gradient (sigmoid - x) / rows), the contractive penalty lambda ||J||_F^2 averaged over
   * the rows, and the backward pass into every Param.grad. The optimiser step is the caller's.
   */
  addGradients(
    graph: KernelGraph,
    ctx: OpContext,
    b: AutoencoderBatch,
    o: { noise?: AutoencoderNoise; seed: number; contractive?: number; codeNoise?: number; metrics?: AutoencoderMetrics },
  ): Promise<Releasable> {
    const g = b.grads;
    if (!g) throw new InputError('autoencoder: the batch was made without training gradients');
    const lambda = o.contractive ?? 0;
    if (!(Number.isFinite(lambda) && lambda >= 0)) throw new InputError(`autoencoder: the contractive weight must be a finite number >= 0, got ${lambda}`);
    if (lambda > 0 && !b.contractive) throw new InputError('autoencoder: a contractive penalty needs a batch made with contractive: true');
    return building(async (owned) => {
      await owned.add(this.addCorruption(graph, ctx, b, o.noise ?? { kind: 'none' }, { seed: o.seed, call: 0 }));
      await owned.add(this.addForward(graph, ctx, b, { std: o.codeNoise ?? 0, seed: o.seed }));
      const logits = b.decoded[b.decoded.length - 1];
      await owned.add(addSigmoidCrossEntropy(graph, ctx, { logits, targets: b.x, losses: b.losses, grad: g.decoded[g.decoded.length - 1], gradScale: 1 / b.rows, meanLoss: o.metrics?.loss }));
      // Decoder, last layer first; a tied layer's weight gradient waits in g.tied[i] until the encoder's is written.
      const code = b.encoded[b.encoded.length - 1];
      for (let i = this.decoder.length - 1; i >= 0; i--) {
        const l = this.decoder[i];
        const x = i === 0 ? code : b.decoded[i - 1];
        const dx = i === 0 ? g.encoded[g.encoded.length - 1] : g.decoded[i - 1];
        await owned.add(this.addDecoderBackward(graph, ctx, l, { x, y: b.decoded[i], dy: g.decoded[i], dx, rows: b.rows, tiedGrad: g.tied[i] }));
      }
      const c = b.contractive;
      if (lambda > 0 && c) await owned.add(this.addContractiveCodeGradient(graph, ctx, b, c, lambda, o.metrics?.contractive));
      for (let i = this.encoder.length - 1; i >= 0; i--) {
        const layer = this.encoder[i];
        await owned.add(addDenseBackward(graph, ctx, layer, { x: i === 0 ? b.corrupted : b.encoded[i - 1], y: b.encoded[i], dy: g.encoded[i], dx: i === 0 ? undefined : g.encoded[i - 1], rows: b.rows }));
      }
      if (lambda > 0 && c) await owned.add(this.addContractiveWeightGradient(graph, ctx, b, c, lambda));
      for (const [i, l] of this.decoder.entries()) {
        if (l.transposed) await owned.add(addBinary(graph, ctx, { op: 'add', a: l.weight.grad, b: g.tied[i], out: l.weight.grad }));
      }
      return owned;
    });
  }

  /** One decoder layer's backward pass: dz = dy act'(y) in place, dW (or, tied, dW^T into tiedGrad), db, dx. */
  private addDecoderBackward(graph: KernelGraph, ctx: OpContext, l: DecoderLayer, o: { x: Tensor; y: Tensor; dy: Tensor; dx: Tensor; rows: number; tiedGrad?: Tensor }): Promise<Releasable> {
    return building(async (owned) => {
      if (l.activation !== 'identity') await owned.add(addUnaryBackward(graph, ctx, { op: l.activation, dy: o.dy, y: o.y, dx: o.dy }));
      const dz = o.dy;
      if (l.transposed) {
        // The weight is stored outputs x inputs: its gradient dz^T x, and dx = dz W.
        await owned.add(addGemm(graph, ctx, { a: dz, b: o.x, c: o.tiedGrad!, m: l.outputs, n: l.inputs, k: o.rows, transA: true }));
        await owned.add(addGemm(graph, ctx, { a: dz, b: l.weight.value, c: o.dx, m: o.rows, n: l.inputs, k: l.outputs }));
      } else {
        await owned.add(addGemm(graph, ctx, { a: o.x, b: dz, c: l.weight.grad, m: l.inputs, n: l.outputs, k: o.rows, transA: true }));
        await owned.add(addGemm(graph, ctx, { a: dz, b: l.weight.value, c: o.dx, m: o.rows, n: l.inputs, k: l.outputs, transB: true }));
      }
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: dz, out: l.bias.grad }));
      return owned;
    });
  }

  /**
   * The contractive penalty P = lambda / rows sum_r sum_j a_rj^2 omega_j (a = h (1 - h), omega_j =
   * sum_i W_ij^2) and its gradient through the code: dP/dh_rj = 2 lambda / rows omega_j a_rj (1 - 2 h_rj),
   * added to dL/dh before the encoder's backward pass multiplies by a (giving dP/dz = 2 lambda / rows
   * omega a^2 (1 - 2h)).
   */
  private addContractiveCodeGradient(graph: KernelGraph, ctx: OpContext, b: AutoencoderBatch, c: ContractiveTensors, lambda: number, metric?: ReduceTarget): Promise<Releasable> {
    const h = b.encoded[0];
    const dh = b.grads!.encoded[0];
    const W = this.encoder[0].weight.value;
    return building(async (owned) => {
      // a = h - h^2, a^2, omega = column sums of W^2.
      await owned.add(addUnary(graph, ctx, { op: 'square', x: h, out: c.work }));
      await owned.add(addBinary(graph, ctx, { op: 'sub', a: h, b: c.work, out: c.a }));
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: c.a, b: c.a, out: c.a2 }));
      await owned.add(addReduce(graph, ctx, { op: 'sumsq', per: 'column', x: W, out: c.omega }));
      // The penalty per row, sum_j a^2 omega_j, and its mean.
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: c.a2, b: c.omega, out: c.work }));
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'row', x: c.work, out: c.perRow }));
      if (metric) await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'all', x: c.perRow, ...metric }));
      // dh += 2 lambda / rows * omega * a * (1 - 2h).
      await owned.add(addUnary(graph, ctx, { op: 'affine', x: h, out: c.work, alpha: -2, beta: 1 }));
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: c.work, b: c.a, out: c.work }));
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: c.work, b: c.omega, out: c.work }));
      await owned.add(addBinary(graph, ctx, { op: 'axpy', a: c.work, b: dh, out: dh, alpha: (2 * lambda) / b.rows }));
      return owned;
    });
  }

  /** The penalty's direct weight gradient dP/dW_ij = 2 lambda / rows W_ij sum_r a_rj^2, added after the encoder's backward pass wrote W's. */
  private addContractiveWeightGradient(graph: KernelGraph, ctx: OpContext, b: AutoencoderBatch, c: ContractiveTensors, lambda: number): Promise<Releasable> {
    const weight = this.encoder[0].weight;
    return building(async (owned) => {
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: c.a2, out: c.colSums }));
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: weight.value, b: c.colSums, out: c.weighted }));
      await owned.add(addBinary(graph, ctx, { op: 'axpy', a: c.weighted, b: weight.grad, out: weight.grad, alpha: (2 * lambda) / b.rows }));
      return owned;
    });
  }

  release(): void {
    this.params.release();
  }
}
