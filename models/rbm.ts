// A restricted Boltzmann machine (Smolensky's harmonium): visible units v, binary hidden units h,
// weights W (visible x hidden), biases b (visible) and c (hidden), with the energy
//   Bernoulli visible units:  E(v, h) = -b.v - c.h - v'W h
//   Gaussian visible units:   E(v, h) = |v - b|^2 / 2 - c.h - v'W h   (unit variance; standardised data)
// so that the units of one layer are independent given the other:
//   p(h_j = 1 | v) = sigmoid(c_j + (vW)_j)
//   p(v_i = 1 | h) = sigmoid(b_i + (Wh)_i)          or  v_i | h ~ N(b_i + (Wh)_i, 1)
// and the free energy F(v) = -log sum_h exp(-E(v, h)) = -b.v - sum_j softplus(c_j + (vW)_j) (Gaussian:
// |v - b|^2 / 2 in place of -b.v). Hidden units may instead be linear with unit Gaussian noise,
//   E(v, h) = ... + |h - c|^2 / 2 - v'W h,   h_j | v ~ N(c_j + (vW)_j, 1),
// the code layer of the deep autoencoder's pretraining (Hinton & Salakhutdinov 2006). The top RBM of
// a deep belief net may also join a softmax group of label units y (one-hot; Hinton, Osindero & Teh
// 2006): E(v, y, h) = ... - d.y - y'U h, p(y = e_k | h) = softmax(d + U h)_k, and the hidden units
// then see c + vW + yU. Each conditional is one GEMM with the bias, the sigmoid and the Philox
// Bernoulli draw in its epilogue (two with label units); the CD statistics are two GEMMs into one
// gradient per parameter. Training: models/rbm_trainer.ts; free energies and reconstructions: rbm_evaluate.ts;
// the partition function (exact, AIS): rbm_partition.ts. Reference: harness/rbm/reference.ts.
import { decodeSafetensors, InputError, KernelGraph, ParamSet, type CheckpointExtra, type OpContext, type Param, type Safetensors, type SafetensorsTensor, type Tensor, type RunContext } from '../engine/index.js';
import { addBinary, addGemm, addGumbelSoftmax, addSample, addSoftmax, addUnary } from '../engine/ops/index.js';
import { building, Owned, type Releasable } from './owned.js';
import { checkModelTag, fileTensor } from './model_file.js';


export const RBM_VISIBLE_TYPES = ['bernoulli', 'gaussian'] as const;
export type RbmVisibleType = (typeof RBM_VISIBLE_TYPES)[number];

export interface RbmConfig {
  /** Visible units (784 for MNIST). */
  visible: number;
  /** Hidden units. */
  hidden: number;
  /** Default 'bernoulli'. */
  visibleType?: RbmVisibleType;
  /** Default 'bernoulli'; 'gaussian': linear units with unit-variance Gaussian noise. */
  hiddenType?: RbmVisibleType;
  /** Label units in one softmax group beside the visible units (default 0: none). */
  labels?: number;
}

/** The metadata key of the hidden units' type (written only when not Bernoulli). */
const RBM_HIDDEN_TYPE_KEY = 'hidden_type';

/** metadata 'model' of an RBM file. */
export const RBM_MODEL = 'rbm';

/** The parameters' names in a ParamSet and a model file: weights [visible, hidden], visible_bias [visible], hidden_bias [hidden]. */
export const RBM_PARAMS = { weights: 'weights', visibleBias: 'visible_bias', hiddenBias: 'hidden_bias', labelWeights: 'label_weights', labelBias: 'label_bias' } as const;

/**
 * The Philox call word of each draw of a training step (the counter's step is the iteration): the
 * data's hidden units draw with call 0; Gibbs step i >= 1 of the negative chain draws its hidden units
 * with call 2i and its visible units with 2i + 1 (CD's first step takes the data's hidden draw).
 * A chain's first visible state, drawn from p(v | h = 0), uses CHAIN_INIT.
 */
export const RBM_CALLS = { data: 0, hidden: (i: number): number => 2 * i, visible: (i: number): number => 2 * i + 1, chainInit: 0xffffffff } as const;

/** Standard deviation of the initial weights, N(0, 0.01^2) (Hinton's practical guide). */
export const RBM_WEIGHT_STD = 0.01;

/**
 * Checks a configuration; every problem is an InputError naming the parameter.
 *
 *   validateRbmConfig({ visible: 784, hidden: 500 });   // { visible: 784, hidden: 500, visibleType: 'bernoulli', hiddenType: 'bernoulli', labels: 0 }
 */
export function validateRbmConfig(c: RbmConfig): Required<RbmConfig> {
  for (const key of ['visible', 'hidden'] as const) {
    if (!(Number.isInteger(c[key]) && c[key] > 0)) throw new InputError(`rbm: ${key} = ${String(c[key])} must be a positive integer (units)`);
  }
  const [visibleType, hiddenType] = (['visible', 'hidden'] as const).map((layer) => {
    const type = c[`${layer}Type`] ?? 'bernoulli';
    if (!RBM_VISIBLE_TYPES.includes(type)) throw new InputError(`rbm: ${layer} units '${String(type)}' are not one of ${RBM_VISIBLE_TYPES.join(', ')}`);
    return type;
  });
  const labels = c.labels ?? 0;
  if (!(Number.isInteger(labels) && labels >= 0 && labels !== 1)) throw new InputError(`rbm: labels = ${String(c.labels)} must be 0 (none) or an integer >= 2 (a softmax group)`);
  return { visible: c.visible, hidden: c.hidden, visibleType, hiddenType, labels };
}

/**
 * Reads and checks what makes a safetensors file an RBM (no GPU): metadata model = 'rbm' and visible
 * = 'bernoulli' | 'gaussian' (hidden, when present, the same), and F32 tensors weights [visible, hidden], visible_bias [visible],
 * hidden_bias [hidden]. Errors are InputErrors that start with `source` and name the key or tensor.
 *
 *   const config = readRbmConfig(decodeSafetensors(bytes, 'm.safetensors'), 'm.safetensors');
 */
export function readRbmConfig(file: Safetensors, source: string): Required<RbmConfig> {
  checkModelTag(file, source, RBM_MODEL, 'an RBM');
  const meta = file.metadata;
  // RBM_HIDDEN_TYPE_KEY is written only for Gaussian hidden units: files from before it have Bernoulli
  // ones. ('hidden' itself is taken: training checkpoints keep the --hidden width under it.)
  const hiddenType = meta[RBM_HIDDEN_TYPE_KEY] ?? 'bernoulli';
  for (const [key, type] of [['visible', meta.visible], [RBM_HIDDEN_TYPE_KEY, hiddenType]] as const) {
    if (!RBM_VISIBLE_TYPES.includes(type as RbmVisibleType)) throw new InputError(`${source}: metadata '${key}' is ${JSON.stringify(type ?? null)}, expected one of ${RBM_VISIBLE_TYPES.join(', ')}`);
  }
  const [visible, hidden] = fileTensor(file.tensors, source, RBM_PARAMS.weights, 'F32', ['visible', 'hidden']).shape;
  const hint = `weights are [${visible}, ${hidden}]`;
  fileTensor(file.tensors, source, RBM_PARAMS.visibleBias, 'F32', [visible], hint);
  fileTensor(file.tensors, source, RBM_PARAMS.hiddenBias, 'F32', [hidden], hint);
  // Label units: label_weights [labels, hidden] and label_bias [labels], or neither.
  let labels = 0;
  if (RBM_PARAMS.labelWeights in file.tensors || RBM_PARAMS.labelBias in file.tensors) {
    labels = fileTensor(file.tensors, source, RBM_PARAMS.labelWeights, 'F32', ['labels', hidden], hint).shape[0];
    fileTensor(file.tensors, source, RBM_PARAMS.labelBias, 'F32', [labels], `${hint}, label_weights [${labels}, ${hidden}]`);
  }
  return validateRbmConfig({ labels, visible, hidden, visibleType: meta.visible as RbmVisibleType, hiddenType: hiddenType as RbmVisibleType });
}

/** `labels` (each a class 0..classes - 1, not checked here) as one-hot rows, labels.length x classes. */
export function oneHotRows(labels: ArrayLike<number>, classes: number): Float32Array {
  const rows = new Float32Array(labels.length * classes);
  for (let r = 0; r < labels.length; r++) rows[r * classes + labels[r]] = 1;
  return rows;
}

/** A chain's label units: one-hot states y, probabilities py (rows x labels), and the Gumbel draw's soft sample (scratch). */
export interface RbmLabelStates {
  y: Tensor;
  py: Tensor;
  scratch: Tensor;
}

/** Where a Gibbs step's draws come from: the Philox seed, the counter step at repetition 0 (the repetition adds to it). */
export interface RbmStream {
  seed: number;
  step: number;
}

/**
 * The state of a batch of Gibbs chains (or of a minibatch and its reconstruction): rows x visible
 * visible states v and their means pv, rows x hidden hidden states h and their probabilities ph.
 */
export interface RbmChain extends Releasable {
  rows: number;
  v: Tensor;
  pv: Tensor;
  h: Tensor;
  ph: Tensor;
  /** With label units: rows x labels one-hot states y, their probabilities py, and a draw's scratch; null without. */
  labels: RbmLabelStates | null;
  /** rows f32 of ones: sums over the rows as a GEMM (the bias statistics). */
  ones: Tensor;
}

/**
 * An RBM's parameters.
 *
 *   const rbm = await Rbm.create(ctx, { visible: 784, hidden: 500 }, { seed: 1, state: ['momentum'] });
 *   const bytes = await rbm.toSafetensors();   // the harness writes the file
 *   rbm.release();
 */
export class Rbm implements Releasable {
  readonly weights: Param;
  readonly visibleBias: Param;
  readonly hiddenBias: Param;
  /** Label units' weights U [labels, hidden] and biases d [labels]; null without label units. */
  readonly labelWeights: Param | null;
  readonly labelBias: Param | null;

  private constructor(
    readonly config: Required<RbmConfig>,
    readonly params: ParamSet,
  ) {
    this.weights = params.get(RBM_PARAMS.weights);
    this.visibleBias = params.get(RBM_PARAMS.visibleBias);
    this.hiddenBias = params.get(RBM_PARAMS.hiddenBias);
    this.labelWeights = config.labels > 0 ? params.get(RBM_PARAMS.labelWeights) : null;
    this.labelBias = config.labels > 0 ? params.get(RBM_PARAMS.labelBias) : null;
  }

  /**
   * Weights N(0, weightStd^2) (default 0.01) and zero biases from `seed`, or the visible biases given
   * (log(p / (1 - p)) of the data's marginals, as the practical guide advises); `state` lists the
   * optimiser's slots (rbmOptimizerState).
   */
  static async create(ctx: OpContext, config: RbmConfig, o: { seed: number; state?: readonly string[]; weightStd?: number; visibleBias?: ArrayLike<number> }): Promise<Rbm> {
    const c = validateRbmConfig(config);
    const std = o.weightStd ?? RBM_WEIGHT_STD;
    if (!(Number.isFinite(std) && std >= 0)) throw new InputError(`rbm: weightStd = ${std} must be a finite number >= 0`);
    if (o.visibleBias && o.visibleBias.length !== c.visible) throw new InputError(`rbm: ${o.visibleBias.length} visible biases for ${c.visible} visible units`);
    const params = await ParamSet.create(ctx, {
      seed: o.seed,
      params: [
        { name: RBM_PARAMS.weights, shape: [c.visible, c.hidden], init: { kind: 'normal', std } },
        { name: RBM_PARAMS.visibleBias, shape: [c.visible], init: { kind: 'zeros' } },
        { name: RBM_PARAMS.hiddenBias, shape: [c.hidden], init: { kind: 'zeros' } },
        ...(c.labels > 0
          ? [
              { name: RBM_PARAMS.labelWeights, shape: [c.labels, c.hidden], init: { kind: 'normal' as const, std } },
              { name: RBM_PARAMS.labelBias, shape: [c.labels], init: { kind: 'zeros' as const } },
            ]
          : []),
      ],
      state: o.state,
    });
    const rbm = new Rbm(c, params);
    if (o.visibleBias) await rbm.visibleBias.value.write(Float32Array.from(o.visibleBias));
    return rbm;
  }

  /**
   * A model from the bytes of toSafetensors: checked to be an RBM first (readRbmConfig), then its
   * parameters, optimiser state and iteration restored bit for bit, with the file's other tensors
   * and metadata.
   */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ rbm: Rbm; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const config = readRbmConfig(decodeSafetensors(bytes, source), source);
    const { params, tensors, metadata } = await ParamSet.fromSafetensors(ctx, bytes, source);
    return { rbm: new Rbm(config, params), tensors, metadata };
  }

  /** The model as safetensors bytes: ParamSet.toSafetensors with metadata model and visible beside `extra`'s. */
  toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const hidden: Record<string, string> = this.hiddenType === 'gaussian' ? { [RBM_HIDDEN_TYPE_KEY]: this.hiddenType } : {};
    return this.params.toSafetensors({ tensors: extra.tensors, metadata: { ...extra.metadata, model: RBM_MODEL, visible: this.config.visibleType, ...hidden } });
  }

  get visible(): number {
    return this.config.visible;
  }

  get hidden(): number {
    return this.config.hidden;
  }

  get visibleType(): RbmVisibleType {
    return this.config.visibleType;
  }

  get hiddenType(): RbmVisibleType {
    return this.config.hiddenType;
  }

  /** Label units (0: none). */
  get labels(): number {
    return this.config.labels;
  }

  /** The tensors of `rows` chains (zeros: h = 0, so a first visible step draws from the biases alone). */
  chain(ctx: OpContext, rows: number, label: string): Promise<RbmChain> {
    return building(async (owned) => {
      const f32 = (name: string, width: number) => owned.add(ctx.pool.tensor(`${label} ${name}`, 'f32', [rows, width]));
      return {
        rows,
        v: await f32('v', this.visible),
        pv: await f32('pv', this.visible),
        h: await f32('h', this.hidden),
        ph: await f32('ph', this.hidden),
        labels: this.labels > 0 ? { y: await f32('y', this.labels), py: await f32('py', this.labels), scratch: await f32('y draw', this.labels) } : null,
        ones: await owned.add(ctx.pool.tensor(`${label} ones`, 'f32', [rows], { data: new Float32Array(rows).fill(1) })),
        release: () => owned.release(),
      };
    });
  }

  /**
   * Adds ph = E[h | v] (sigmoid(v W + c), or v W + c for Gaussian units), and with `draw` h ~ p(h | v)
   * (Bernoulli in the GEMM's epilogue, on the bernoulli purpose with counter (draw.step + repetition,
   * element / 4, call); or ph + N(0, 1) by addSample, on the gaussian purpose).
   *
   *   await rbm.addHidden(graph, ctx, { v: x, ph, h, rows: 100, draw: { seed: 1, step: 0, call: RBM_CALLS.data } });
   */
  addHidden(graph: KernelGraph, ctx: OpContext, o: { v: Tensor; y?: Tensor; ph: Tensor; h?: Tensor; rows: number; draw?: RbmStream & { call: number } }): Promise<Releasable> {
    const hidden = { mean: o.ph, state: o.h, rows: o.rows, width: this.hidden, transB: false, bias: this.hiddenBias.value, draw: o.draw };
    if (!this.labelWeights) return this.addConditional(graph, ctx, this.hiddenType, { ...hidden, x: o.v, weights: this.weights.value, depth: this.visible });
    const y = o.y;
    if (!y) throw new InputError(`rbm: the hidden units of an RBM with ${this.labels} label units need the labels' states y`);
    const labelWeights = this.labelWeights.value;
    return building(async (owned) => {
      // vW first, then c + yU added in the second GEMM, the activation and draw in its epilogue.
      await owned.add(addGemm(graph, ctx, { a: o.v, b: this.weights.value, c: o.ph, m: o.rows, n: this.hidden, k: this.visible }));
      await owned.add(this.addConditional(graph, ctx, this.hiddenType, { ...hidden, x: y, weights: labelWeights, depth: this.labels, beta: 1 }));
      return owned;
    });
  }

  /**
   * Adds pv = E[v | h] (sigmoid(b + W h), or b + W h for Gaussian units), and with `draw` v ~ p(v | h)
   * as addHidden draws h.
   *
   *   await rbm.addVisible(graph, ctx, { h, pv, v, rows: 100, draw: { seed: 1, step: 0, call: RBM_CALLS.visible(1) } });
   */
  addVisible(graph: KernelGraph, ctx: OpContext, o: { h: Tensor; pv: Tensor; v?: Tensor; rows: number; draw?: RbmStream & { call: number }; labels?: RbmLabelStates; clampLabels?: boolean }): Promise<Releasable> {
    const units = () => this.addConditional(graph, ctx, this.visibleType, { x: o.h, weights: this.weights.value, mean: o.pv, state: o.v, rows: o.rows, width: this.visible, depth: this.hidden, transB: true, bias: this.visibleBias.value, draw: o.draw });
    if (!this.labelWeights || o.clampLabels) return units();
    const [labels, labelWeights, labelBias] = [o.labels, this.labelWeights.value, this.labelBias!.value];
    if (!labels) throw new InputError(`rbm: the visible step of an RBM with ${this.labels} label units needs the labels' tensors (a chain's labels)`);
    return building(async (owned) => {
      await owned.add(units());
      // py = softmax(d + hU'); with a draw, y = the one-hot of a Gumbel-max draw from it (gumbel purpose, the draw's counter).
      await owned.add(addGemm(graph, ctx, { a: o.h, b: labelWeights, c: labels.py, m: o.rows, n: this.labels, k: this.hidden, transB: true, bias: labelBias }));
      if (o.draw) await owned.add(addGumbelSoftmax(graph, ctx, { logits: labels.py, rows: o.rows, classes: this.labels, temperature: 1, y: labels.scratch, hard: labels.y, ...o.draw }));
      await owned.add(addSoftmax(graph, ctx, { x: labels.py, out: labels.py }));
      return owned;
    });
  }

  /** One layer given the other: the GEMM with the bias (and the sigmoid, and the Bernoulli draw, in its epilogue), or the linear mean and a Gaussian draw. */
  private addConditional(
    graph: KernelGraph,
    ctx: OpContext,
    type: RbmVisibleType,
    o: { x: Tensor; weights: Tensor; mean: Tensor; state?: Tensor; rows: number; width: number; depth: number; transB: boolean; bias: Tensor; beta?: number; draw?: RbmStream & { call: number } },
  ): Promise<Releasable> {
    const gaussian = type === 'gaussian';
    const draw = o.draw && o.state ? { seed: o.draw.seed, step: o.draw.step, call: o.draw.call } : undefined;
    const bernoulli = !gaussian && draw ? { ...draw, samples: o.state! } : undefined;
    return building(async (owned) => {
      await owned.add(addGemm(graph, ctx, { a: o.x, b: o.weights, c: o.mean, m: o.rows, n: o.width, k: o.depth, transB: o.transB, beta: o.beta, bias: o.bias, activation: gaussian ? 'identity' : 'sigmoid', bernoulli }));
      if (gaussian && draw) await owned.add(addSample(graph, ctx, { distribution: 'gaussian', mean: o.mean, std: 1, output: o.state!, ...draw }));
      return owned;
    });
  }

  /**
   * Adds Gibbs steps first .. first + steps - 1 of `chain`: each draws h ~ p(h | v) (call
   * RBM_CALLS.hidden(i)) then v ~ p(v | h) (call RBM_CALLS.visible(i)); with `finish`, ph = p(h | v)
   * of the last state after them (the negative statistics' probabilities).
   *
   *   await rbm.addGibbs(graph, ctx, chains, { steps: 1, first: 1, seed: 1, step: 0, finish: true });   // PCD-1
   */
  addGibbs(graph: KernelGraph, ctx: OpContext, chain: RbmChain, o: RbmStream & { steps: number; first: number; finish?: boolean; clampLabels?: boolean }): Promise<Releasable> {
    return building(async (owned) => {
      const draw = (call: number) => ({ seed: o.seed, step: o.step, call });
      const [labels, y] = [chain.labels ?? undefined, chain.labels?.y];
      for (let i = o.first; i < o.first + o.steps; i++) {
        await owned.add(this.addHidden(graph, ctx, { v: chain.v, y, ph: chain.ph, h: chain.h, rows: chain.rows, draw: draw(RBM_CALLS.hidden(i)) }));
        await owned.add(this.addVisible(graph, ctx, { h: chain.h, pv: chain.pv, v: chain.v, labels, clampLabels: o.clampLabels, rows: chain.rows, draw: draw(RBM_CALLS.visible(i)) }));
      }
      if (o.finish) await owned.add(this.addHidden(graph, ctx, { v: chain.v, y, ph: chain.ph, rows: chain.rows }));
      return owned;
    });
  }

  /**
   * Adds the CD statistics into every parameter's gradient (overwritten), as two GEMMs each: the
   * negative log-likelihood's estimated gradient <.>_model - <.>_data,
   *   dW = model.v' model.ph / model.rows - data.v' data.ph / data.rows
   *   db = sum of model.v / model.rows - sum of data.v / data.rows     (1' v as a GEMM with a ones row)
   *   dc = the same of the ph;
   * with label units, dU and dd the same of the label states y as dW and db of v.
   *
   *   await rbm.addStatistics(graph, ctx, { data: batch, model: negative });
   */
  addStatistics(graph: KernelGraph, ctx: OpContext, o: { data: RbmChain; model: RbmChain }): Promise<Releasable> {
    const { data, model } = o;
    return building(async (owned) => {
      // One gradient from two products: the negative phase (beta 0), then minus the positive (beta 1).
      const twoProducts = async (grad: Tensor, m: number, n: number, pick: (c: RbmChain) => { a: Tensor; b: Tensor; transA: boolean }) => {
        for (const [chain, sign, beta] of [[model, 1, 0], [data, -1, 1]] as const) {
          const { a, b, transA } = pick(chain);
          await owned.add(addGemm(graph, ctx, { a, b, c: grad, m, n, k: chain.rows, transA, alpha: sign / chain.rows, beta }));
        }
      };
      await twoProducts(this.weights.grad, this.visible, this.hidden, (c) => ({ a: c.v, b: c.ph, transA: true }));
      await twoProducts(this.visibleBias.grad, 1, this.visible, (c) => ({ a: c.ones, b: c.v, transA: false }));
      await twoProducts(this.hiddenBias.grad, 1, this.hidden, (c) => ({ a: c.ones, b: c.ph, transA: false }));
      if (this.labelWeights && this.labelBias) {
        const y = (c: RbmChain) => {
          if (!c.labels) throw new InputError(`rbm: the statistics of an RBM with ${this.labels} label units need both chains' labels`);
          return c.labels.y;
        };
        await twoProducts(this.labelWeights.grad, this.labels, this.hidden, (c) => ({ a: y(c), b: c.ph, transA: true }));
        await twoProducts(this.labelBias.grad, 1, this.labels, (c) => ({ a: c.ones, b: y(c), transA: false }));
      }
      return owned;
    });
  }

  /**
   * Adds the free energy of each of `rows` visible vectors into `out` (rows f32):
   *   F(v) = -b.v - sum_j softplus(c_j + (vW)_j)          Bernoulli
   *   F(v) = |v - b|^2 / 2 - sum_j softplus(c_j + (vW)_j)  Gaussian
   * and with label units F(v, y): -d.y more, and yU added to c + vW. Sums over units are GEMMs with a
   * ones vector (no per-row reduction). Its scratch tensors are released with the result.
   *
   *   await rbm.addFreeEnergy(graph, ctx, { v: x, rows: 1000, out: energies });
   */
  addFreeEnergy(graph: KernelGraph, ctx: OpContext, o: { v: Tensor; y?: Tensor; rows: number; out: Tensor }): Promise<Releasable> {
    return this.addFreeEnergies(graph, ctx, { v: o.v, rows: o.rows, terms: [{ y: o.y, out: o.out }] });
  }

  /**
   * addFreeEnergy for the same visible vectors with several label states: F(v, y_t) into each term's
   * out. The visible term and c + vW are computed once and copied (exactly) to each term, so each
   * term costs a GEMM of its labels, not of the visible units: a generative classifier's K classes.
   */
  addFreeEnergies(graph: KernelGraph, ctx: OpContext, o: { v: Tensor; rows: number; terms: ReadonlyArray<{ y?: Tensor; out: Tensor }> }): Promise<Releasable> {
    const { v, rows, terms } = o;
    if (this.hiddenType !== 'bernoulli') throw new InputError(`rbm free energy: implemented for Bernoulli hidden units; this RBM's are ${this.hiddenType}`);
    if (this.labels > 0 && terms.some((t) => !t.y)) throw new InputError(`rbm free energy: an RBM with ${this.labels} label units needs the labels' states y`);
    const [first, ...others] = terms;
    const copy = (x: Tensor, out: Tensor) => addUnary(graph, ctx, { op: 'scale', x, out, alpha: 1 });
    return building(async (owned) => {
      // 1. The visible units' own term, into the first out (then copied to the others): -b.v, or |v - b|^2 / 2.
      if (this.visibleType === 'bernoulli') {
        await owned.add(addGemm(graph, ctx, { a: v, b: this.visibleBias.value, c: first.out, m: rows, n: 1, k: this.visible, alpha: -1 }));
      } else {
        const diff = await owned.add(ctx.pool.tensor('rbm free energy (v - b)^2', 'f32', [rows, this.visible]));
        await owned.add(addBinary(graph, ctx, { op: 'sub', a: v, b: this.visibleBias.value, out: diff }));
        await owned.add(addUnary(graph, ctx, { op: 'square', x: diff, out: diff }));
        await owned.add(addRowSums(graph, ctx, { x: diff, rows, cols: this.visible, out: first.out, alpha: 0.5, beta: 0 }));
      }
      for (const t of others) await owned.add(copy(first.out, t.out));
      // 2. Minus sum_j softplus(c + vW [+ yU]), from a rows x hidden scratch (c + vW kept apart when several terms need it).
      const base = await owned.add(ctx.pool.tensor('rbm free energy c + vW', 'f32', [rows, this.hidden]));
      await owned.add(addGemm(graph, ctx, { a: v, b: this.weights.value, c: base, m: rows, n: this.hidden, k: this.visible, bias: this.hiddenBias.value }));
      const x = others.length > 0 ? await owned.add(ctx.pool.tensor('rbm free energy c + vW + yU', 'f32', [rows, this.hidden])) : base;
      for (const t of terms) {
        if (x !== base) await owned.add(copy(base, x));
        if (t.y && this.labelWeights && this.labelBias) {
          await owned.add(addGemm(graph, ctx, { a: t.y, b: this.labelWeights.value, c: x, m: rows, n: this.hidden, k: this.labels, beta: 1 }));
          await owned.add(addGemm(graph, ctx, { a: t.y, b: this.labelBias.value, c: t.out, m: rows, n: 1, k: this.labels, alpha: -1, beta: 1 }));
        }
        await owned.add(addUnary(graph, ctx, { op: 'softplus', x, out: x }));
        await owned.add(addRowSums(graph, ctx, { x, rows, cols: this.hidden, out: t.out, alpha: -1, beta: 1 }));
      }
      return owned;
    });
  }

  release(): void {
    this.params.release();
  }
}

/**
 * Adds out = alpha * (the sum of each row of x) + beta * out (rows x cols to rows), as a GEMM with a
 * ones vector: no per-row reduction, whose workgroups would mostly idle on rows of a few hundred.
 *
 *   await addRowSums(graph, ctx, { x: softplusOfInputs, rows, cols: hidden, out: energies, alpha: -1, beta: 1 });
 */
export function addRowSums(graph: KernelGraph, ctx: OpContext, o: { x: Tensor; rows: number; cols: number; out: Tensor; alpha: number; beta: number }): Promise<Releasable> {
  return building(async (owned) => {
    const ones = await owned.add(ctx.pool.tensor('row sums ones', 'f32', [o.cols], { data: new Float32Array(o.cols).fill(1) }));
    await owned.add(addGemm(graph, ctx, { a: o.x, b: ones, c: o.out, m: o.rows, n: 1, k: o.cols, alpha: o.alpha, beta: o.beta }));
    return owned;
  });
}

/** What a run of Gibbs chains takes: how many, how long, the seed, and who hears the repetitions. */
export interface GibbsRun {
  count: number;
  steps: number;
  seed: number;
  /** With label units: the class every chain's labels are clamped to (default: drawn with the rest). */
  label?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs `count` chains started from p(v | h = 0) (the visible biases alone) for `steps` Gibbs steps in
 * one submit; the chains (their last states v, h and means pv, ph) are `owned`'s. `what` names the
 * caller in the errors. With label units and `label`, every chain's labels stay that class's one-hot.
 *
 *   const chain = await runGibbsChains(ctx, rbm, { count: 100, steps: 1000, seed: 1 }, owned, 'rbm sample');
 */
export async function runGibbsChains(ctx: RunContext, rbm: Rbm, o: GibbsRun, owned: Owned, what: string): Promise<RbmChain> {
  if (!(Number.isInteger(o.count) && o.count > 0)) throw new InputError(`${what}: count = ${o.count} must be a positive integer`);
  if (!(Number.isInteger(o.steps) && o.steps >= 0)) throw new InputError(`${what}: steps = ${o.steps} must be a non-negative integer`);
  const clamped = o.label !== undefined;
  if (clamped && !(rbm.labels > 0 && Number.isInteger(o.label) && o.label! >= 0 && o.label! < rbm.labels)) {
    throw new InputError(`${what}: label = ${o.label} must be a class of the RBM's label units, 0 to ${rbm.labels - 1}${rbm.labels === 0 ? ' (it has none)' : ''}`);
  }
  const chain = await owned.add(rbm.chain(ctx, o.count, what));
  const labels = chain.labels ?? undefined;
  const start = new KernelGraph(`${what} start`);
  await owned.add(rbm.addVisible(start, ctx, { h: chain.h, pv: chain.pv, v: chain.v, labels, clampLabels: clamped, rows: o.count, draw: { seed: o.seed, step: 0, call: RBM_CALLS.chainInit } }));
  await ctx.scheduler.run(start);
  if (clamped && labels) await labels.y.write(oneHotRows(new Uint32Array(o.count).fill(o.label!), rbm.labels));
  if (o.steps > 0) {
    const step = new KernelGraph(`${what} gibbs`);
    await owned.add(rbm.addGibbs(step, ctx, chain, { steps: 1, first: 1, seed: o.seed, step: 0, clampLabels: clamped }));
    await ctx.scheduler.run(step, { repeat: o.steps, onProgress: o.onProgress });
  }
  return chain;
}

/**
 * Draws `count` fantasy particles: runGibbsChains, returned as the means E[v | h] of their last step
 * (count x visible; the images a sample is shown as).
 *
 *   const images = await sampleRbm(ctx, rbm, { count: 100, steps: 1000, seed: 1 });
 */
export async function sampleRbm(ctx: RunContext, rbm: Rbm, o: GibbsRun): Promise<Float32Array> {
  const owned = new Owned();
  try {
    const chain = await runGibbsChains(ctx, rbm, o, owned, 'rbm sample');
    return new Float32Array(await chain.pv.read());
  } finally {
    owned.release();
  }
}
