// Sigmoid belief networks and Helmholtz machines (Neal 1992; Hinton, Dayan, Frey & Neal 1995): layers
// of stochastic binary units, the top one h_L with a factorised prior p(h_L) = Bernoulli(sigm(b)),
// each lower one drawn given the one above, p(h_l = 1 | h_{l+1}) = sigm(h_{l+1} G_l + g_l), down to
// the pixels x = h_0; and a recognition network q(h_{l+1} = 1 | h_l) = sigm(h_l R_l + r_l) from x up.
// Every layer's logits come from one GEMM (models/dense.ts, identity), its log-probability of a given
// binary vector from the sigmoid cross-entropy per row, and its draws from the Bernoulli sampler on the
// logits (Philox: seed, the step, a call word per layer). This file holds the model, a batch's tensors
// and the graphs the training (sbn_training.ts: wake-sleep, NVIL) and the evaluation (sbn_eval.ts:
// importance-sampled log p(x)) share.
import { decodeSafetensors, InputError, ParamSet, type CheckpointExtra, type KernelGraph, type OpContext, type Safetensors, type SafetensorsTensor, type Tensor } from '../engine/index.js';
import { addBinary, addReduce, addSample, addSigmoidCrossEntropy, addUnary } from '../engine/ops/index.js';
import { addDenseBackward, addDenseForward, denseLayer, denseParams, type DenseLayer } from './dense.js';
import { checkModelTag, configFromMetadata, fileTensor, metadataList } from './model_file.js';
import { building, type Releasable } from './owned.js';

export interface SbnConfig {
  /** Binary values per example (784 for MNIST). */
  inputs: number;
  /** Widths of the stochastic hidden layers, data side first (h_1, ..., h_L). At least one. */
  hidden: readonly number[];
  /** With NVIL's baseline b(x), an MLP x -> BASELINE_HIDDEN tanh units -> 1 (`baseline0`, `baseline1`; default false). */
  baseline?: boolean;
}

/** The hidden units of NVIL's baseline (the paper's 100). */
export const BASELINE_HIDDEN = 100;
export const sbnBaselineName = (i: number): string => `baseline${i}`;

/** metadata 'model' of an SBN file. */
export const SBN_MODEL = 'sbn';

/** Parameter names: the prior's logits `prior.bias`, `gen{l}` from h_{l+1} to h_l (gen0 gives x), `rec{l}` from h_l to h_{l+1} (rec0 reads x). */
export const sbnGenName = (l: number): string => `gen${l}`;
export const sbnRecName = (l: number): string => `rec${l}`;
export const SBN_PRIOR = 'prior.bias';

/**
 * The Philox call words of a batch's draws, layer l at base + l: training's recognition draws, its
 * dreams, and an evaluation's recognition draws (apart from training's at the same steps). Disjoint
 * while a net has at most MAX_SBN_LAYERS layers.
 */
export const SBN_CALLS = { recognition: 1, dream: 32, evaluation: 64 } as const;
export const MAX_SBN_LAYERS = 30;

const positive = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 2 ** 31;

/** Checks a configuration; every problem is an InputError naming the parameter. */
export function validateSbnConfig(c: SbnConfig): Required<SbnConfig> {
  if (!positive(c.inputs)) throw new InputError(`sbn: inputs must be a positive integer, got ${String(c.inputs)}`);
  if (!Array.isArray(c.hidden) || c.hidden.length === 0 || !c.hidden.every(positive)) throw new InputError(`sbn: hidden ${JSON.stringify(c.hidden)} must be one or more positive integer widths`);
  if (c.hidden.length > MAX_SBN_LAYERS) throw new InputError(`sbn: ${c.hidden.length} hidden layers; at most ${MAX_SBN_LAYERS}`);
  if (c.baseline !== undefined && typeof c.baseline !== 'boolean') throw new InputError(`sbn: baseline must be true or false, got ${String(c.baseline)}`);
  return { inputs: c.inputs, hidden: [...c.hidden], baseline: !!c.baseline };
}

/** The widths of x = h_0, h_1, ..., h_L. */
const widthsOf = (c: Required<SbnConfig>): number[] => [c.inputs, ...c.hidden];

/** The dense layers: [name, inputs, outputs], generative then recognition. */
function layerShapes(c: Required<SbnConfig>): Array<[string, number, number]> {
  const w = widthsOf(c);
  const baseline: Array<[string, number, number]> = c.baseline ? [[sbnBaselineName(0), c.inputs, BASELINE_HIDDEN], [sbnBaselineName(1), BASELINE_HIDDEN, 1]] : [];
  return [...c.hidden.map((_, l): [string, number, number] => [sbnGenName(l), w[l + 1], w[l]]), ...c.hidden.map((_, l): [string, number, number] => [sbnRecName(l), w[l], w[l + 1]]), ...baseline];
}

/** Reads and checks what makes a safetensors file an SBN (no GPU): metadata model, inputs, hidden, an F32 weight and bias per layer and the prior. */
export function readSbnConfig(file: Safetensors, source: string): Required<SbnConfig> {
  checkModelTag(file, source, SBN_MODEL, 'a sigmoid belief net');
  const meta = file.metadata;
  const config = configFromMetadata(source, () => validateSbnConfig({ inputs: Number(meta.inputs), hidden: metadataList(meta, 'hidden') as number[], baseline: meta.baseline === 'true' }));
  const hint = `metadata hidden ${meta.hidden}`;
  for (const [name, inputs, outputs] of layerShapes(config)) {
    fileTensor(file.tensors, source, `${name}.weight`, 'F32', [inputs, outputs], hint);
    fileTensor(file.tensors, source, `${name}.bias`, 'F32', [outputs], hint);
  }
  fileTensor(file.tensors, source, SBN_PRIOR, 'F32', [config.hidden[config.hidden.length - 1]], hint);
  return config;
}

/** One pass of a network over `rows` rows: each layer's logits and binary values (h[0] is x). */
export interface SbnPass {
  /** h[0] = x, h[1..L]: rows x width, 0 or 1. */
  h: Tensor[];
  /** The generative logits: gen[l] of h_l given h_{l+1} (l < L), gen[L] the prior's (its bias on every row). */
  gen: Tensor[];
  /** The recognition logits: rec[l] of h_l given h_{l-1} (l >= 1; rec[0] unused). */
  rec: Tensor[];
  /** Per row: -log p(h_l | h_{l+1}) for each l (l = L: the prior). */
  genLoss: Tensor[];
  /** Per row: -log q(h_l | h_{l-1}) for l >= 1. */
  recLoss: Tensor[];
  /** Per row: log p(x, h), log q(h | x), and log p(x, h) - log q(h | x). */
  logP: Tensor;
  logQ: Tensor;
  logW: Tensor;
  /** With gradients: dL/d(logits) of each generative (gen) and recognition (rec) layer. */
  dGen: Tensor[] | null;
  dRec: Tensor[] | null;
}

/** A batch: a wake pass (x given, h drawn from q) and, for wake-sleep, a sleep pass (a dream drawn from p). */
export interface SbnBatch extends Releasable {
  rows: number;
  wake: SbnPass;
  sleep: SbnPass | null;
  /** rows x top width of zeros: the prior's logits are these plus its bias. */
  zeros: Tensor;
}

/**
 * A sigmoid belief net with its recognition network.
 *
 *   const sbn = await Sbn.create(ctx, { inputs: 784, hidden: [200] }, { seed: 1, state: ['m', 'v'] });
 */
export class Sbn implements Releasable {
  private constructor(
    readonly config: Required<SbnConfig>,
    readonly params: ParamSet,
    /** gen[l]: h_{l+1} -> logits of h_l. */
    readonly gen: readonly DenseLayer[],
    /** rec[l]: h_l -> logits of h_{l+1}. */
    readonly rec: readonly DenseLayer[],
    /** NVIL's baseline b(x): x -> tanh -> 1; null without one. */
    readonly baseline: readonly DenseLayer[] | null,
  ) {}

  private static over(params: ParamSet, c: Required<SbnConfig>): Sbn {
    const layers = (name: (l: number) => string) => c.hidden.map((_, l) => denseLayer(params, name(l), 'identity'));
    const baseline = c.baseline ? [denseLayer(params, sbnBaselineName(0), 'tanh'), denseLayer(params, sbnBaselineName(1), 'identity')] : null;
    return new Sbn(c, params, layers(sbnGenName), layers(sbnRecName), baseline);
  }

  /** Glorot-uniform weights, zero biases and prior from `seed`; `state` lists the optimiser's slots. */
  static async create(ctx: OpContext, config: SbnConfig, o: { seed: number; state?: readonly string[] }): Promise<Sbn> {
    const c = validateSbnConfig(config);
    const specs = [...layerShapes(c).flatMap(([name, inputs, outputs]) => denseParams(name, inputs, outputs)), { name: SBN_PRIOR, shape: [c.hidden[c.hidden.length - 1]], init: { kind: 'zeros' as const } }];
    return Sbn.over(await ParamSet.create(ctx, { seed: o.seed, params: specs, state: o.state }), c);
  }

  /** A model from the bytes of toSafetensors, checked first (readSbnConfig). */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ sbn: Sbn; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const config = readSbnConfig(decodeSafetensors(bytes, source), source);
    const { params, tensors, metadata } = await ParamSet.fromSafetensors(ctx, bytes, source);
    return { sbn: Sbn.over(params, config), tensors, metadata };
  }

  toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const { inputs, hidden, baseline } = this.config;
    return this.params.toSafetensors({ tensors: extra.tensors, metadata: { ...extra.metadata, model: SBN_MODEL, inputs: String(inputs), hidden: JSON.stringify(hidden), baseline: String(baseline) } });
  }

  private get layers(): number {
    return this.config.hidden.length;
  }

  /** The tensors of a batch of `rows` rows: a wake pass, with gradients when training, and a sleep pass for wake-sleep. */
  batch(ctx: OpContext, rows: number, o: { training?: boolean; sleep?: boolean } = {}): Promise<SbnBatch> {
    if (!positive(rows)) throw new InputError(`sbn batch: rows = ${rows} must be a positive integer`);
    const widths = widthsOf(this.config);
    const top = widths[this.layers];
    return building(async (owned) => {
      const f32 = (label: string, shape: number[]) => owned.add(ctx.pool.tensor(`sbn ${label}`, 'f32', shape));
      const pass = async (name: string, grads: { gen: boolean; rec: boolean }): Promise<SbnPass> => ({
        h: await Promise.all(widths.map((w, l) => f32(`${name} h${l}`, [rows, w]))),
        gen: await Promise.all(widths.map((w, l) => f32(`${name} gen logits ${l}`, [rows, w]))),
        rec: await Promise.all(widths.map((w, l) => f32(`${name} rec logits ${l}`, [rows, l === 0 ? 1 : w]))),
        genLoss: await Promise.all(widths.map((_, l) => f32(`${name} gen loss ${l}`, [rows]))),
        recLoss: await Promise.all(widths.map((_, l) => f32(`${name} rec loss ${l}`, [rows]))),
        logP: await f32(`${name} log p`, [rows]),
        logQ: await f32(`${name} log q`, [rows]),
        logW: await f32(`${name} log w`, [rows]),
        dGen: grads.gen ? await Promise.all(widths.map((w, l) => f32(`${name} gen grad ${l}`, [rows, w]))) : null,
        dRec: grads.rec ? await Promise.all(widths.map((w, l) => f32(`${name} rec grad ${l}`, [rows, l === 0 ? 1 : w]))) : null,
      });
      const training = !!o.training;
      return {
        rows,
        wake: await pass('wake', { gen: training, rec: training }),
        // A dream trains the recognition network only.
        sleep: training && o.sleep ? await pass('sleep', { gen: false, rec: true }) : null,
        zeros: await f32('zeros', [rows, top]),
        release: () => owned.release(),
      };
    });
  }

  /** Adds the recognition network's draws h_1 .. h_L from q given p.h[0] (x), with its logits; layer l's draw at call `stream.call` + l (default SBN_CALLS.recognition). */
  addRecognition(graph: KernelGraph, ctx: OpContext, b: SbnBatch, p: SbnPass, stream: { seed: number; call?: number }): Promise<Releasable> {
    return building(async (owned) => {
      for (let l = 1; l <= this.layers; l++) {
        await owned.add(addDenseForward(graph, ctx, this.rec[l - 1], { x: p.h[l - 1], y: p.rec[l], rows: b.rows }));
        await owned.add(addSample(graph, ctx, { distribution: 'bernoulliLogits', logits: p.rec[l], output: p.h[l], seed: stream.seed, step: 0, call: (stream.call ?? SBN_CALLS.recognition) + l }));
      }
      return owned;
    });
  }

  /** Adds a dream: h_L from the prior, then each layer down to x from the one above (p.h filled from the top). */
  addDream(graph: KernelGraph, ctx: OpContext, b: SbnBatch, p: SbnPass, stream: { seed: number }): Promise<Releasable> {
    return building(async (owned) => {
      const L = this.layers;
      await owned.add(this.addPriorLogits(graph, ctx, b, p));
      await owned.add(addSample(graph, ctx, { distribution: 'bernoulliLogits', logits: p.gen[L], output: p.h[L], seed: stream.seed, step: 0, call: SBN_CALLS.dream + L }));
      for (let l = L - 1; l >= 0; l--) {
        await owned.add(addDenseForward(graph, ctx, this.gen[l], { x: p.h[l + 1], y: p.gen[l], rows: b.rows }));
        await owned.add(addSample(graph, ctx, { distribution: 'bernoulliLogits', logits: p.gen[l], output: p.h[l], seed: stream.seed, step: 0, call: SBN_CALLS.dream + l }));
      }
      return owned;
    });
  }

  private addPriorLogits(graph: KernelGraph, ctx: OpContext, b: SbnBatch, p: SbnPass): Promise<Releasable> {
    return addBinary(graph, ctx, { op: 'add', a: b.zeros, b: this.params.get(SBN_PRIOR).value, out: p.gen[this.layers] });
  }

  /**
   * Adds log p(x, h) of the pass's values (p.logP): the prior's and each generative layer's logits and
   * -log p per row; with `gradScale`, dL/d(logits) of L = -gradScale * log p(x, h) into p.dGen.
   */
  addJoint(graph: KernelGraph, ctx: OpContext, b: SbnBatch, p: SbnPass, o: { gradScale?: number; meanLoss?: Parameters<typeof addSigmoidCrossEntropy>[2]['meanLoss'] } = {}): Promise<Releasable> {
    return building(async (owned) => {
      const L = this.layers;
      await owned.add(this.addPriorLogits(graph, ctx, b, p));
      for (let l = L - 1; l >= 0; l--) await owned.add(addDenseForward(graph, ctx, this.gen[l], { x: p.h[l + 1], y: p.gen[l], rows: b.rows }));
      for (let l = 0; l <= L; l++) {
        const grad = o.gradScale === undefined ? undefined : p.dGen![l];
        await owned.add(addSigmoidCrossEntropy(graph, ctx, { logits: p.gen[l], targets: p.h[l], losses: p.genLoss[l], grad, gradScale: o.gradScale }));
      }
      await owned.add(sumNegated(graph, ctx, p.genLoss, p.logP));
      return owned;
    });
  }

  /** Adds log q(h | x) of the pass's values from its recognition logits (p.logQ); with `gradScale`, dL/d(logits) of L = -gradScale * log q into p.dRec. */
  addRecognitionLogProb(graph: KernelGraph, ctx: OpContext, b: SbnBatch, p: SbnPass, o: { gradScale?: number; recompute?: boolean } = {}): Promise<Releasable> {
    return building(async (owned) => {
      for (let l = 1; l <= this.layers; l++) {
        if (o.recompute) await owned.add(addDenseForward(graph, ctx, this.rec[l - 1], { x: p.h[l - 1], y: p.rec[l], rows: b.rows }));
        const grad = o.gradScale === undefined ? undefined : p.dRec![l];
        await owned.add(addSigmoidCrossEntropy(graph, ctx, { logits: p.rec[l], targets: p.h[l], losses: p.recLoss[l], grad, gradScale: o.gradScale }));
      }
      await owned.add(sumNegated(graph, ctx, p.recLoss.slice(1), p.logQ));
      return owned;
    });
  }

  /** Adds log w = log p(x, h) - log q(h | x) per row (p.logW). */
  addLogWeight(graph: KernelGraph, ctx: OpContext, p: SbnPass): Promise<Releasable> {
    return addBinary(graph, ctx, { op: 'sub', a: p.logP, b: p.logQ, out: p.logW });
  }

  /** Adds the generative parameters' gradients from p.dGen (the prior's bias: the column sums of its logits' gradient). */
  addGenerativeBackward(graph: KernelGraph, ctx: OpContext, b: SbnBatch, p: SbnPass): Promise<Releasable> {
    return building(async (owned) => {
      const L = this.layers;
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: p.dGen![L], out: this.params.get(SBN_PRIOR).grad }));
      for (let l = 0; l < L; l++) await owned.add(addDenseBackward(graph, ctx, this.gen[l], { x: p.h[l + 1], y: p.gen[l], dy: p.dGen![l], rows: b.rows }));
      return owned;
    });
  }

  /** Adds the recognition parameters' gradients from p.dRec. */
  addRecognitionBackward(graph: KernelGraph, ctx: OpContext, b: SbnBatch, p: SbnPass): Promise<Releasable> {
    return building(async (owned) => {
      for (let l = 1; l <= this.layers; l++) await owned.add(addDenseBackward(graph, ctx, this.rec[l - 1], { x: p.h[l - 1], y: p.rec[l], dy: p.dRec![l], rows: b.rows }));
      return owned;
    });
  }

  release(): void {
    this.params.release();
  }
}

/** out = -(sum of the tensors), element by element. */
function sumNegated(graph: KernelGraph, ctx: OpContext, terms: readonly Tensor[], out: Tensor): Promise<Releasable> {
  return building(async (owned) => {
    await owned.add(addUnary(graph, ctx, { op: 'neg', x: terms[0], out }));
    for (const t of terms.slice(1)) await owned.add(addBinary(graph, ctx, { op: 'sub', a: out, b: t, out }));
    return owned;
  });
}
