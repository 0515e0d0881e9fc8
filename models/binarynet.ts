// BinaryNet (Courbariaux, Hubara, Soudry, El-Yaniv & Bengio 2016): dense layers whose weights, and
// with binary activations the hidden units too, are +-1 in the forward pass. Each layer keeps real
// weights W_r (the ones updated and clipped to [-1, 1]) and uses W_b = Sign(W_r) (deterministic) or
// +1 with probability hard_sigmoid(W_r) (stochastic, Philox keyed by the step) in its product; batch
// normalisation follows every product; hidden units are Sign(BN(z)) (BinaryNet) or ReLU (BinaryConnect).
// The gradient passes through Sign by the straight-through estimator g_r = g_q 1_{|r| <= 1} (hardtanh's
// backward pass) and through the binarised weights to W_r unchanged. Inputs are the examples' bytes
// 0..255, so that the first layer's sums are integers too (models/binarynet_inference.ts).
import { decodeSafetensors, InputError, ParamSet, type CheckpointExtra, type KernelGraph, type OpContext, type Param, type Safetensors, type SafetensorsTensor, type Tensor } from '../engine/index.js';
import { addBatchNorm, addBatchNormBackward, addDropout, addDropoutBackward, addGemm, addSample, addUnary, addUnaryBackward, optimizerState, type BatchNormState } from '../engine/ops/index.js';
import { checkModelTag, configFromMetadata, fileTensor, metadataList } from './model_file.js';
import { checkOptions, onOff, real } from './options.js';
import { building, type Owned, type Releasable } from './owned.js';

/** metadata 'model' of a BinaryNet file. */
export const BINARYNET_MODEL = 'binarynet';

export const BINARIZATIONS = ['deterministic', 'stochastic'] as const;
export type Binarization = (typeof BINARIZATIONS)[number];

export interface BinaryNetConfig {
  /** Widths from the inputs to the classes, e.g. [784, 4096, 4096, 4096, 10]. */
  layers: readonly number[];
  /** Binary hidden units (BinaryNet, default) or ReLU ones (BinaryConnect: binary weights only). */
  binaryActivations?: boolean;
  /** Batch normalisation's epsilon (default 1e-4). */
  eps?: number;
  /** Shift-based batch normalisation (powers of two instead of the scale and gamma; default off). */
  shift?: boolean;
}

/** The configuration's rules (the layers are checked apart). */
export const BINARYNET_CONFIG = {
  binaryActivations: onOff({ default: true }),
  eps: real({ min: 0, minOpen: true, default: 1e-4 }),
  shift: onOff(),
} as const;

export type CheckedBinaryNetConfig = Required<BinaryNetConfig>;

/**
 * Checks a configuration; every problem is an InputError naming the parameter.
 *
 *   validateBinaryNetConfig({ layers: [784, 512, 10] });   // binary activations, eps 1e-4
 */
export function validateBinaryNetConfig(c: BinaryNetConfig): CheckedBinaryNetConfig {
  const layers = c.layers;
  if (!Array.isArray(layers) || layers.length < 2 || !layers.every((w) => Number.isInteger(w) && w > 0)) {
    throw new InputError(`binarynet: layers ${JSON.stringify(layers)} must be two or more positive integers (inputs, hidden widths, classes)`);
  }
  if (layers[layers.length - 1] < 2) throw new InputError(`binarynet: ${layers[layers.length - 1]} class: a classifier needs at least 2`);
  return { layers: [...layers], ...checkOptions(BINARYNET_CONFIG, c, 'binarynet: ', { binaryActivations: 'binary activations' }) };
}

/** The names of layer i's parameters and statistics: `layer${i}.weight`, `.gamma`, `.beta`, `.running_mean`, `.running_var`. */
export const binaryLayerName = (i: number): string => `layer${i}`;

/** The running statistics' tensor names of layer i. */
const runningNames = (i: number) => ({ mean: `${binaryLayerName(i)}.running_mean`, var: `${binaryLayerName(i)}.running_var` });

/**
 * Reads and checks what makes a safetensors file a BinaryNet (no GPU): metadata model = 'binarynet',
 * its layers and settings, and per layer an F32 weight [inputs, outputs], gamma, beta, running mean
 * and variance [outputs].
 */
export function readBinaryNetConfig(file: Safetensors, source: string): CheckedBinaryNetConfig {
  checkModelTag(file, source, BINARYNET_MODEL, 'a BinaryNet');
  const meta = file.metadata;
  const flag = (key: string) => (meta[key] === 'true' ? true : meta[key] === 'false' ? false : Symbol.for('bad'));
  const config = configFromMetadata(source, () => {
    for (const key of ['binary_activations', 'shift']) if (typeof flag(key) !== 'boolean') throw new InputError(`metadata '${key}' = ${JSON.stringify(meta[key] ?? null)} is not 'true' or 'false'`);
    return validateBinaryNetConfig({ layers: metadataList(meta, 'layers') as number[], binaryActivations: flag('binary_activations') as boolean, shift: flag('shift') as boolean, eps: Number(meta.eps) });
  });
  const hint = `metadata layers ${meta.layers}`;
  config.layers.slice(1).forEach((outputs, i) => {
    const name = binaryLayerName(i);
    fileTensor(file.tensors, source, `${name}.weight`, 'F32', [config.layers[i], outputs], hint);
    for (const part of ['gamma', 'beta', 'running_mean', 'running_var']) fileTensor(file.tensors, source, `${name}.${part}`, 'F32', [outputs], hint);
  });
  return config;
}

/** One layer: its real weights, batch normalisation, and the +-1 weights of the current step. */
export interface BinaryLayer {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  /** inputs x outputs: W_r, updated and clipped. */
  readonly weight: Param;
  readonly gamma: Param;
  readonly beta: Param;
  readonly norm: BatchNormState;
  /** inputs x outputs f32 +-1: W_b of this step (addBinarize writes it). */
  readonly binary: Tensor;
}

/** Dropout of the inputs and of the hidden units while training (keep probabilities) and its Philox seed. */
export interface BinaryDropout {
  inputKeep: number;
  hiddenKeep: number;
  seed: number;
}

/** The tensors of one batch: the input, each layer's products, normalised values and activations, and the gradients while training. */
export interface BinaryNetBatch extends Releasable {
  rows: number;
  /** rows x inputs: the examples' bytes 0..255. */
  x: Tensor;
  /** rows u32. */
  labels: Tensor;
  /** With input dropout: x dropped out, which the first layer reads. */
  xDropped: Tensor | null;
  /** Per layer, rows x outputs: z = h W_b. */
  products: Tensor[];
  /** Per layer, rows x outputs: BN(z) (the last layer's: the scores). */
  normed: Tensor[];
  /** Per hidden layer: the activation (Sign or ReLU of BN(z)). */
  activations: Tensor[];
  /** Per hidden layer with dropout: the activation dropped out, which the next layer reads. */
  dropped: Tensor[];
  /** Training, per layer: dL/d(normed), then dL/dz in place. */
  grads: Tensor[];
  /** Training, per hidden layer: dL/d(the next layer's input). */
  inputGrads: Tensor[];
  /** Training with dropout, per hidden layer: dL/d(activation). */
  activationGrads: Tensor[];
}

/** Adam's state slots: BinaryNetTrainer's optimiser, so BinaryNet.create's default `state`. */
const ADAM_STATE = optimizerState({ kind: 'adam', lr: 0 });

/** Philox calls of the dropout masks: the inputs', then one per hidden layer. */
const DROPOUT_CALL = { input: 0, hidden: (i: number) => 1 + i } as const;

/**
 * A BinaryNet's parameters, batch-norm statistics and layers.
 *
 *   const net = await BinaryNet.create(ctx, { layers: [784, 512, 512, 10] }, { seed: 1 });
 *   const bytes = await net.toSafetensors();   // the harness writes the file
 *   net.release();
 */
export class BinaryNet implements Releasable {
  private constructor(
    readonly config: CheckedBinaryNetConfig,
    readonly params: ParamSet,
    readonly layers: readonly BinaryLayer[],
    private readonly owned: Owned,
  ) {}

  private static over(ctx: OpContext, params: ParamSet, config: CheckedBinaryNetConfig, running?: Record<string, SafetensorsTensor>): Promise<BinaryNet> {
    return building(async (owned) => {
      const layers: BinaryLayer[] = [];
      for (const [i, outputs] of config.layers.slice(1).entries()) {
        const name = binaryLayerName(i);
        const inputs = config.layers[i];
        const vector = (label: string, values?: ArrayLike<number>) => owned.add(ctx.pool.tensor(`${name} ${label}`, 'f32', [outputs], values ? { data: Float32Array.from(values) } : {}));
        const names = runningNames(i);
        const norm: BatchNormState = {
          gamma: params.get(`${name}.gamma`).value,
          beta: params.get(`${name}.beta`).value,
          runningMean: await vector('running mean', running?.[names.mean]?.data),
          runningVar: await vector('running var', running?.[names.var]?.data ?? new Float32Array(outputs).fill(1)),
          batchMean: await vector('batch mean'),
          batchInvstd: await vector('batch invstd'),
        };
        const binary = await owned.add(ctx.pool.tensor(`${name} binary weight`, 'f32', [inputs, outputs]));
        layers.push({ name, inputs, outputs, weight: params.get(`${name}.weight`), gamma: params.get(`${name}.gamma`), beta: params.get(`${name}.beta`), norm, binary });
      }
      return new BinaryNet(config, params, layers, owned);
    });
  }

  /**
   * The paper's weights: uniform in [-1, 1] (H = 1) from `seed`; gamma 1, beta 0; running mean 0 and
   * variance 1; with Adam's state slots (BinaryNetTrainer's optimiser) unless `state` names others.
   */
  static async create(ctx: OpContext, config: BinaryNetConfig, o: { seed: number; state?: readonly string[] }): Promise<BinaryNet> {
    const c = validateBinaryNetConfig(config);
    const specs = c.layers.slice(1).flatMap((outputs, i) => {
      const name = binaryLayerName(i);
      return [
        { name: `${name}.weight`, shape: [c.layers[i], outputs], init: { kind: 'uniform' as const, low: -1, high: 1 } },
        { name: `${name}.gamma`, shape: [outputs], init: { kind: 'constant' as const, value: 1 } },
        { name: `${name}.beta`, shape: [outputs] },
      ];
    });
    const params = await ParamSet.create(ctx, { seed: o.seed, params: specs, state: o.state ?? ADAM_STATE });
    return BinaryNet.over(ctx, params, c).catch((e: unknown) => {
      params.release();
      throw e;
    });
  }

  /** A network from the bytes of toSafetensors: parameters, optimiser state, iteration and running statistics as saved. */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ net: BinaryNet; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const config = readBinaryNetConfig(decodeSafetensors(bytes, source), source);
    const { params, tensors, metadata } = await ParamSet.fromSafetensors(ctx, bytes, source);
    const net = await BinaryNet.over(ctx, params, config, tensors).catch((e: unknown) => {
      params.release();
      throw e;
    });
    return { net, tensors, metadata };
  }

  /** The network as safetensors bytes: its parameters and state, the running statistics, `extra`'s tensors and metadata. */
  async toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const running: Record<string, SafetensorsTensor> = {};
    for (const [i, l] of this.layers.entries()) {
      const names = runningNames(i);
      running[names.mean] = { dtype: 'F32', shape: [l.outputs], data: new Float32Array(await l.norm.runningMean.read()) };
      running[names.var] = { dtype: 'F32', shape: [l.outputs], data: new Float32Array(await l.norm.runningVar.read()) };
    }
    const { layers, binaryActivations, eps, shift } = this.config;
    const metadata = { ...extra.metadata, model: BINARYNET_MODEL, layers: JSON.stringify(layers), binary_activations: String(binaryActivations), eps: String(eps), shift: String(shift) };
    return this.params.toSafetensors({ tensors: { ...running, ...extra.tensors }, metadata });
  }

  get inputs(): number {
    return this.config.layers[0];
  }

  get classes(): number {
    return this.config.layers[this.config.layers.length - 1];
  }

  /** The tensors of a batch of `rows` (gradients for training; dropout's copies when asked). */
  batch(ctx: OpContext, rows: number, o: { training: boolean; dropout?: BinaryDropout }): Promise<BinaryNetBatch> {
    return building(async (owned) => {
      const f32 = (label: string, width: number) => owned.add(ctx.pool.tensor(`binarynet ${label}`, 'f32', [rows, width]));
      const each = (label: string, layers: readonly BinaryLayer[]) => Promise.all(layers.map((l) => f32(`${l.name} ${label}`, l.outputs)));
      const hidden = this.layers.slice(0, -1);
      const dropout = o.training && o.dropout;
      return {
        rows,
        x: await f32('x', this.inputs),
        labels: await owned.add(ctx.pool.tensor('binarynet labels', 'u32', [rows])),
        xDropped: dropout && o.dropout!.inputKeep < 1 ? await f32('x dropped', this.inputs) : null,
        products: await each('product', this.layers),
        normed: await each('normed', this.layers),
        activations: await each('activation', hidden),
        dropped: dropout ? await each('dropped', hidden) : [],
        grads: o.training ? await each('grad', this.layers) : [],
        inputGrads: o.training ? await each('input grad', hidden) : [],
        activationGrads: o.training && dropout ? await each('activation grad', hidden) : [],
        release: () => owned.release(),
      };
    });
  }

  /**
   * Adds W_b = Sign(W_r) for every layer, or with `stochastic` +1 with probability
   * hard_sigmoid(W_r) = clip((W_r + 1) / 2, 0, 1) (Philox keyed by seed and the iteration, call = layer).
   */
  addBinarize(graph: KernelGraph, ctx: OpContext, o: { stochastic?: { seed: number } } = {}): Promise<Releasable> {
    return building(async (owned) => {
      for (const [i, l] of this.layers.entries()) {
        if (!o.stochastic) {
          await owned.add(addUnary(graph, ctx, { op: 'binarize', x: l.weight.value, out: l.binary }));
          continue;
        }
        // p = clip((w + 1) / 2, 0, 1), then a Bernoulli draw b in {0, 1}, then 2 b - 1.
        const p = await owned.add(ctx.pool.tensor(`${l.name} weight probability`, 'f32', [l.inputs, l.outputs]));
        await owned.add(addUnary(graph, ctx, { op: 'affine', x: l.weight.value, out: p, alpha: 0.5, beta: 0.5 }));
        await owned.add(addUnary(graph, ctx, { op: 'clamp', x: p, out: p, lo: 0, hi: 1 }));
        await owned.add(addSample(graph, ctx, { distribution: 'bernoulli', probabilities: p, output: l.binary, seed: o.stochastic.seed, step: 0, call: i }));
        await owned.add(addUnary(graph, ctx, { op: 'affine', x: l.binary, out: l.binary, alpha: 2, beta: -1 }));
      }
      return owned;
    });
  }

  /** The tensor layer i reads: the input (dropped out), or the previous hidden layer's activation (dropped out). */
  private inputOf(b: BinaryNetBatch, i: number): Tensor {
    if (i === 0) return b.xDropped ?? b.x;
    return b.dropped.length ? b.dropped[i - 1] : b.activations[i - 1];
  }

  /**
   * Adds the forward pass of `b.x` (run addBinarize first): per layer z = h W_b, BN in training (the
   * batch's statistics, the running ones updated) or inference mode, and for hidden layers the
   * activation and, with dropout, its dropped-out copy. The last layer's normed values are the scores.
   */
  addForward(graph: KernelGraph, ctx: OpContext, b: BinaryNetBatch, o: { training: boolean; dropout?: BinaryDropout }): Promise<Releasable> {
    const { eps, shift, binaryActivations } = this.config;
    const dropout = o.training ? o.dropout : undefined;
    return building(async (owned) => {
      if (b.xDropped && dropout) await owned.add(addDropout(graph, ctx, { input: b.x, output: b.xDropped, keep: dropout.inputKeep, seed: dropout.seed, step: 0, call: DROPOUT_CALL.input }));
      for (const [i, l] of this.layers.entries()) {
        await owned.add(addGemm(graph, ctx, { a: this.inputOf(b, i), b: l.binary, c: b.products[i], m: b.rows, n: l.outputs, k: l.inputs }));
        await owned.add(addBatchNorm(graph, ctx, { x: b.products[i], y: b.normed[i], rows: b.rows, cols: l.outputs, state: l.norm, mode: o.training ? 'train' : 'infer', eps, shift }));
        if (i === this.layers.length - 1) break;
        await owned.add(addUnary(graph, ctx, { op: binaryActivations ? 'binarize' : 'relu', x: b.normed[i], out: b.activations[i] }));
        if (dropout && b.dropped.length) {
          await owned.add(addDropout(graph, ctx, { input: b.activations[i], output: b.dropped[i], keep: dropout.hiddenKeep, seed: dropout.seed, step: 0, call: DROPOUT_CALL.hidden(i) }));
        }
      }
      return owned;
    });
  }

  /**
   * Adds the backward pass from dL/dscores (in the last of `b.grads`) to every parameter's gradient:
   * BN's backward pass, dW_r = h' dz (the straight-through estimator of W_b), and between layers
   * dh = dz W_b', dropout's backward pass and the activation's: hardtanh's 1_{|BN(z)| <= 1} for Sign,
   * ReLU's own.
   */
  addBackward(graph: KernelGraph, ctx: OpContext, b: BinaryNetBatch, o: { dropout?: BinaryDropout }): Promise<Releasable> {
    const { shift, binaryActivations } = this.config;
    return building(async (owned) => {
      for (let i = this.layers.length - 1; i >= 0; i--) {
        const l = this.layers[i];
        const dz = b.grads[i];
        await owned.add(addBatchNormBackward(graph, ctx, { dy: dz, x: b.products[i], dx: dz, rows: b.rows, cols: l.outputs, state: l.norm, gradGamma: l.gamma.grad, gradBeta: l.beta.grad, shift }));
        await owned.add(addGemm(graph, ctx, { a: this.inputOf(b, i), b: dz, c: l.weight.grad, m: l.inputs, n: l.outputs, k: b.rows, transA: true }));
        if (i === 0) break;
        const dh = b.inputGrads[i - 1];
        await owned.add(addGemm(graph, ctx, { a: dz, b: l.binary, c: dh, m: b.rows, n: l.inputs, k: l.outputs, transB: true }));
        let dActivation = dh;
        if (o.dropout && b.dropped.length) {
          dActivation = b.activationGrads[i - 1];
          await owned.add(addDropoutBackward(graph, ctx, { gradOutput: dh, gradInput: dActivation, keep: o.dropout.hiddenKeep, seed: o.dropout.seed, step: 0, call: DROPOUT_CALL.hidden(i - 1) }));
        }
        const previous = b.grads[i - 1];
        if (binaryActivations) await owned.add(addUnaryBackward(graph, ctx, { op: 'hardtanh', dy: dActivation, x: b.normed[i - 1], dx: previous }));
        else await owned.add(addUnaryBackward(graph, ctx, { op: 'relu', dy: dActivation, y: b.activations[i - 1], dx: previous }));
      }
      return owned;
    });
  }

  /**
   * The paper's per-layer multiples of the learning rate (W_LR_scale 'Glorot'): the weights of a layer
   * learn 1 / sqrt(1.5 / (inputs + outputs)) times faster than gamma and beta, the inverse of Glorot's
   * initial range, since they stay in [-1, 1] whatever the width.
   */
  get lrScales(): Record<string, number> {
    return Object.fromEntries(this.layers.map((l) => [l.weight.name, 1 / Math.sqrt(1.5 / (l.inputs + l.outputs))]));
  }

  /** Adds W_r <- clip(W_r, -1, 1) for every layer (after the optimiser's step). */
  addClip(graph: KernelGraph, ctx: OpContext): Promise<Releasable> {
    return building(async (owned) => {
      for (const l of this.layers) await owned.add(addUnary(graph, ctx, { op: 'clamp', x: l.weight.value, out: l.weight.value, lo: -1, hi: 1 }));
      return owned;
    });
  }

  release(): void {
    this.owned.release();
    this.params.release();
  }
}
