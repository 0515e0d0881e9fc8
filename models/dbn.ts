// A deep belief net (Hinton, Osindero & Teh 2006): a stack of RBMs, the hidden layer of each the
// visible layer of the next. The top two layers form an undirected RBM; the layers below are directed,
// p(h_(i-1) | h_i) = sigmoid(b_i + W_i h_i), with the lower RBMs' weights and visible biases.
// - Greedy training (DbnTrainer): the first RBM on the data, then each RBM on the hidden units of the
//   one below driven by the data (their probabilities, or one Bernoulli draw of them: `input`), by
//   CD-k or PCD-k with the RBM's options (models/rbm_trainer.ts); each layer's draws are keyed by its
//   own seed (dbnLayerSeed), so a stack equals RBMs trained by hand on the layers below, bit for bit.
// - Label units (Hinton et al. 2006): the top RBM may join a softmax group of labels beside its visible
//   units, trained on the examples' one-hot labels; generation may clamp them to a class, and
//   classification picks the class whose labels give the lowest free energy (dbnClassify).
// - Generation (sampleDbn): Gibbs chains in the top RBM, then one down pass.
// - The variational lower bound on log p(v) of a two-layer net (Salakhutdinov & Murray 2008, eq. 9):
//     log p(v) >= E_q[log p(v | h) - F_2(h)] + H(q) - log Z_2,   q(h | v) = sigmoid(c_1 + v W_1)
//   (F_2 the top RBM's free energy of its visible units h, Z_2 its partition function by AIS or
//   exactly), the expectation over draws of h ~ q and the entropy exact (dbnLowerBound).
// - Fine-tuning (unrollDbn): the stack as a sigmoid MLP with a softmax layer on top, trained by backprop.
// Reference: harness/dbn/reference.ts.
import { decodeSafetensors, encodeSafetensors, InputError, KernelGraph, RNG_PURPOSES, rngBits, type CheckpointExtra, type OpContext, type RunContext, type Safetensors, type SafetensorsTensor, type Tensor } from '../engine/index.js';
import { addBinary, addGemm, addReduce, addSample, addUnary } from '../engine/ops/index.js';
import { EvaluationPass } from './evaluation_pass.js';
import { Mlp, mlpLayerName, MlpTrainer, mlpOptimizerState, readMlpConfig, type MlpEpoch } from './mlp.js';
import { batchParts, type DeviceDataset } from './minibatch.js';
import { checkModelTag, configFromMetadata, metadataList } from './model_file.js';
import { checkOption, checkOptions, oneOf, real, whole, type CheckedOptions } from './options.js';
import { Owned, type Releasable } from './owned.js';
import { addRowSums, oneHotRows, Rbm, readRbmConfig, runGibbsChains, type GibbsRun, type RbmVisibleType } from './rbm.js';
import { RbmDataset } from './rbm_data.js';
import { RbmTrainer, validateRbmTraining, type RbmTrainingOptions, type RbmTrainingState } from './rbm_trainer.js';

export interface DbnConfig {
  /** The visible units, then each hidden layer's: [784, 500, 500, 2000]. */
  layers: readonly number[];
}

/** What each RBM above the first trains on: the hidden probabilities of the layer below, or one draw of them. */
export const DBN_INPUTS = ['probabilities', 'samples'] as const;
export type DbnInput = (typeof DBN_INPUTS)[number];

/**
 * Philox call words of the net's own draws (apart from its RBMs' training calls, which are small):
 * the up pass's draw of layer i's hidden units (with layer i's seed, step 0), and the down pass's
 * draw of the units below layer i in generation.
 */
export const DBN_CALLS = { up: 0xfffffffe, down: (layer: number): number => 0xfffffff0 - layer } as const;

/**
 * Checks a configuration: at least two layers (one RBM), each a positive count.
 *
 *   validateDbnConfig({ layers: [784, 500, 500] });
 */
export function validateDbnConfig(c: DbnConfig): { layers: number[] } {
  const layers = c.layers;
  if (!Array.isArray(layers) || layers.length < 2) throw new InputError(`dbn: layers must list the visible units and at least one hidden layer, got ${JSON.stringify(layers)}`);
  layers.forEach((n, i) => {
    if (!(Number.isInteger(n) && n > 0)) throw new InputError(`dbn: layers[${i}] = ${String(n)} must be a positive integer (units)`);
  });
  return { layers: [...layers] };
}

/** The seed of layer `layer`'s RBM (its initial weights and every draw of its training), from the net's seed. */
export function dbnLayerSeed(seed: number, layer: number): number {
  return rngBits(seed, RNG_PURPOSES.dbnLayer, 0, layer, 0)[0];
}

/** metadata 'model' of a DBN file. */
export const DBN_MODEL = 'dbn';

/** The prefix of the fine-tuned classifier's file (an MLP's) inside a DBN file. */
export const DBN_CLASSIFIER_PREFIX = 'classifier.';

/** The prefix of RBM `layer`'s tensors and metadata in a DBN file: each RBM's own file under it. */
export const dbnRbmPrefix = (layer: number): string => `rbm${layer}.`;

/** The tensors and metadata under `prefix`, without it: one RBM's file inside the net's. */
function underPrefix(file: Safetensors, prefix: string): Safetensors {
  const strip = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  return { tensors: strip(file.tensors), metadata: strip(file.metadata) };
}

/**
 * Reads and checks what makes a safetensors file a DBN (no GPU): metadata model = 'dbn' and layers,
 * and under rbm0., rbm1., ... each RBM's own file (readRbmConfig: Bernoulli units, its tensors) with
 * the widths the layers say. Errors are InputErrors that start with `source`.
 *
 *   const { layers } = readDbnConfig(decodeSafetensors(bytes, 'd.safetensors'), 'd.safetensors');
 */
export function readDbnConfig(file: Safetensors, source: string): { layers: number[]; labels: number } {
  checkModelTag(file, source, DBN_MODEL, 'a deep belief net');
  const config = configFromMetadata(source, () => validateDbnConfig({ layers: metadataList(file.metadata, 'layers') as number[] }));
  let labels = 0;
  config.layers.slice(1).forEach((hidden, i) => {
    const where = `${source} (${dbnRbmPrefix(i)}*)`;
    const rbm = readRbmConfig(underPrefix(file, dbnRbmPrefix(i)), where);
    if (i + 2 < config.layers.length && rbm.labels > 0) throw new InputError(`${where}: label units below the top RBM`);
    labels = rbm.labels;
    if (rbm.visibleType !== 'bernoulli' || rbm.visible !== config.layers[i] || rbm.hidden !== hidden) {
      throw new InputError(`${where}: a ${rbm.visibleType} RBM of ${rbm.visible} x ${rbm.hidden} units, but metadata layers ${config.layers.join(',')} need a bernoulli one of ${config.layers[i]} x ${hidden}`);
    }
  });
  const classifier = underPrefix(file, DBN_CLASSIFIER_PREFIX);
  if (Object.keys(classifier.tensors).length > 0) {
    const where = `${source} (${DBN_CLASSIFIER_PREFIX}*)`;
    const mlp = readMlpConfig(classifier, where);
    const unrolled = mlp.layers.length === config.layers.length + 1 && config.layers.every((n, i) => mlp.layers[i] === n) && mlp.activation === 'sigmoid';
    if (!unrolled) throw new InputError(`${where}: an MLP ${mlp.layers.join('-')} (${mlp.activation}) is not the net ${config.layers.join('-')} unrolled (sigmoid layers and a softmax layer on top)`);
  }
  return { ...config, labels };
}

/**
 * A stack of RBMs (Bernoulli units throughout).
 *
 *   const dbn = await Dbn.create(ctx, { layers: [784, 500, 500] }, { seed: 1, state: ['momentum'] });
 *   dbn.release();
 */
export class Dbn implements Releasable {
  /** The stack unrolled and fine-tuned as a classifier (unrollDbn), once a DbnTrainer's fine-tuning has begun; null before. */
  classifier: Mlp | null = null;

  private constructor(
    readonly layers: readonly number[],
    readonly rbms: readonly Rbm[],
  ) {}

  /**
   * Each RBM from its layer's seed (dbnLayerSeed): weights N(0, 0.01^2), zero biases, or the first
   * RBM's visible biases given (the data's log-odds); `state` lists the optimiser's slots; `topHidden`
   * 'gaussian' makes the top RBM's hidden units linear (the deep autoencoder's code layer); `labels`
   * joins that many label units to the top RBM.
   */
  static async create(ctx: OpContext, config: DbnConfig, o: { seed: number; state?: readonly string[]; visibleBias?: ArrayLike<number>; topHidden?: RbmVisibleType; labels?: number }): Promise<Dbn> {
    const { layers } = validateDbnConfig(config);
    const owned = new Owned();
    try {
      const rbms: Rbm[] = [];
      for (let i = 0; i + 1 < layers.length; i++) {
        const top = i + 2 === layers.length;
        rbms.push(await owned.add(Rbm.create(ctx, { visible: layers[i], hidden: layers[i + 1], hiddenType: top ? o.topHidden : undefined, labels: top ? o.labels : undefined }, { seed: dbnLayerSeed(o.seed, i), state: o.state, visibleBias: i === 0 ? o.visibleBias : undefined })));
      }
      return new Dbn(layers, rbms);
    } catch (e) {
      owned.release();
      throw e;
    }
  }

  /** A net of RBMs made elsewhere (restored from files, or trained by hand), which it owns from now on. */
  static fromRbms(rbms: readonly Rbm[]): Dbn {
    if (rbms.length === 0) throw new InputError('dbn: no RBMs');
    rbms.forEach((rbm, i) => {
      if (rbm.visibleType !== 'bernoulli') throw new InputError(`dbn: RBM ${i} has ${rbm.visibleType} visible units; a DBN's are Bernoulli`);
      if (i + 1 < rbms.length && rbm.hiddenType !== 'bernoulli') throw new InputError(`dbn: RBM ${i} has ${rbm.hiddenType} hidden units; below the top they are the next RBM's Bernoulli visible units`);
      if (i + 1 < rbms.length && rbm.labels > 0) throw new InputError(`dbn: RBM ${i} has label units; only the top RBM may`);
      if (i > 0 && rbm.visible !== rbms[i - 1].hidden) throw new InputError(`dbn: RBM ${i} has ${rbm.visible} visible units, the one below ${rbms[i - 1].hidden} hidden units`);
    });
    return new Dbn([rbms[0].visible, ...rbms.map((r) => r.hidden)], rbms);
  }

  /**
   * A net from the bytes of toSafetensors: checked first (readDbnConfig), then each RBM restored bit
   * for bit (parameters, optimiser state, iteration), with the file's other tensors and metadata.
   */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ dbn: Dbn; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const file = decodeSafetensors(bytes, source);
    const { layers } = readDbnConfig(file, source);
    const owned = new Owned();
    try {
      const rbms: Rbm[] = [];
      for (let i = 0; i + 1 < layers.length; i++) {
        const own = underPrefix(file, dbnRbmPrefix(i));
        rbms.push((await owned.add(Rbm.fromSafetensors(ctx, encodeSafetensors(own.tensors, own.metadata), `${source} (${dbnRbmPrefix(i)}*)`).then((r) => r.rbm))));
      }
      const dbn = Dbn.fromRbms(rbms);
      const classifier = underPrefix(file, DBN_CLASSIFIER_PREFIX);
      if (Object.keys(classifier.tensors).length > 0) {
        const { mlp } = await Mlp.fromSafetensors(ctx, encodeSafetensors(classifier.tensors, classifier.metadata), `${source} (${DBN_CLASSIFIER_PREFIX}*)`);
        dbn.classifier = mlp;
      }
      const isOwn = (key: string) => key.startsWith(DBN_CLASSIFIER_PREFIX) || layers.slice(1).some((_, i) => key.startsWith(dbnRbmPrefix(i)));
      const rest = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([k]) => !isOwn(k)));
      return { dbn, tensors: rest(file.tensors), metadata: rest(file.metadata) };
    } catch (e) {
      owned.release();
      throw e;
    }
  }

  /** The net as safetensors bytes: each RBM's file under its prefix (rbm0., ...), metadata model and layers, and `extra`'s tensors and metadata. */
  async toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const tensors: Record<string, SafetensorsTensor> = { ...extra.tensors };
    const metadata: Record<string, string> = { ...extra.metadata, model: DBN_MODEL, layers: JSON.stringify(this.layers) };
    const parts: Array<[string, Promise<Uint8Array>]> = this.rbms.map((rbm, i) => [dbnRbmPrefix(i), rbm.toSafetensors()]);
    if (this.classifier) parts.push([DBN_CLASSIFIER_PREFIX, this.classifier.toSafetensors()]);
    for (const [prefix, bytes] of parts) {
      const own = decodeSafetensors(await bytes, prefix);
      for (const [k, t] of Object.entries(own.tensors)) tensors[prefix + k] = t;
      for (const [k, v] of Object.entries(own.metadata)) metadata[prefix + k] = v;
    }
    return encodeSafetensors(tensors, metadata);
  }

  /** The steps trained over the stack (every RBM's iterations, then the fine-tuning's): what the training flow counts (harness/train). */
  get params(): { readonly iteration: number } {
    return { iteration: this.rbms.reduce((sum, rbm) => sum + rbm.params.iteration, this.classifier?.params.iteration ?? 0) };
  }

  /** The top RBM: the undirected pair of layers. */
  get top(): Rbm {
    return this.rbms[this.rbms.length - 1];
  }

  /** The top RBM's label units (0: none). */
  get labels(): number {
    return this.top.labels;
  }

  /**
   * The hidden units of RBM `layer` for every example of `data` (its input: the data, or the layer
   * below's output), in order, as the next RBM's data: their probabilities, or with `input` 'samples'
   * one Bernoulli draw of them (the layer's seed, step 0, call DBN_CALLS.up). One GEMM over all rows.
   *
   *   const above = await dbn.propagate(ctx, train, { layer: 0, input: 'probabilities', seed: 1 });
   */
  async propagate(ctx: RunContext, data: RbmDataset, o: { layer: number; input: DbnInput; seed: number }): Promise<RbmDataset> {
    const rbm = this.rbms[o.layer];
    if (!rbm) throw new InputError(`dbn: no layer ${o.layer} (it has ${this.rbms.length} RBMs)`);
    if (data.width !== rbm.visible) throw new InputError(`dbn: layer ${o.layer} takes ${rbm.visible} values per example, the data has ${data.width}`);
    const rows = data.count;
    const owned = new Owned();
    // The kept output goes to the new set (which releases it); the rest is scratch.
    const kept = await ctx.pool.tensor(`dbn layer ${o.layer + 1} ${o.input}`, 'f32', [rows, rbm.hidden]);
    let handedOver = false;
    try {
      const graph = new KernelGraph(`dbn up pass ${o.layer}`);
      const x = await owned.add(ctx.pool.tensor(`dbn layer ${o.layer} input`, 'f32', [rows, rbm.visible]));
      const samples = o.input === 'samples';
      const ph = samples ? await owned.add(ctx.pool.tensor(`dbn layer ${o.layer + 1} probabilities`, 'f32', [rows, rbm.hidden])) : kept;
      await owned.add(data.addBatch(graph, ctx, { indices: data.inOrder, x, batchSize: rows }));
      const draw = samples ? { seed: dbnLayerSeed(o.seed, o.layer), step: 0, call: DBN_CALLS.up } : undefined;
      await owned.add(rbm.addHidden(graph, ctx, { v: x, ph, h: samples ? kept : undefined, rows, draw }));
      await ctx.scheduler.run(graph);
      handedOver = true;
      return await RbmDataset.features(ctx, kept, `dbn layer ${o.layer + 1} data`);
    } finally {
      if (!handedOver) kept.release();
      owned.release();
    }
  }

  release(): void {
    this.classifier?.release();
    for (const rbm of [...this.rbms].reverse()) rbm.release();
  }
}

/** Greedy training's options: every RBM's (epochs are per layer), what the RBMs above the first train on, and the fine-tuning after them. */
export interface DbnTrainingOptions extends RbmTrainingOptions {
  /** Default 'probabilities'. */
  input?: DbnInput;
  /** Epochs of discriminative fine-tuning after the greedy layers (the stack unrolled into a classifier, Adam on the cross-entropy); default 0: none. */
  fineTuneEpochs?: number;
  /** Adam's learning rate while fine-tuning (default 0.001). */
  fineTuneLr?: number;
  /** The top RBM's learning rate (default: lr); the deep autoencoder's linear code layer takes a smaller one. */
  topLr?: number;
}

/** The net's own training options' rules (the CLI's flags are made from them). */
export const DBN_TRAINING = {
  input: oneOf(DBN_INPUTS, { default: 'probabilities' }),
  fineTuneEpochs: whole({ min: 0, default: 0 }),
  fineTuneLr: real({ min: 0, minOpen: true, default: 0.001 }),
} as const;

/** The top RBM's own learning rate, when given. */
const TOP_LR = real({ min: 0, minOpen: true });

export type CheckedDbnTraining = ReturnType<typeof validateRbmTraining> & CheckedOptions<typeof DBN_TRAINING> & { topLr: number | null };

const LABELS = { fineTuneEpochs: 'fine-tune epochs', fineTuneLr: 'fine-tune lr' } as const;

/**
 * Checks training options (the RBM's, then the net's own); every problem is an InputError naming the option.
 *
 *   validateDbnTraining({ k: 1, lr: 0.05, batch: 100, seed: 1, epochs: 10, input: 'samples', fineTuneEpochs: 5 });
 */
export function validateDbnTraining(o: DbnTrainingOptions): CheckedDbnTraining {
  const { input, fineTuneEpochs, fineTuneLr, topLr, ...rbm } = o;
  const where = 'dbn training: ';
  const top = topLr === undefined ? null : checkOption(TOP_LR, topLr, 'top lr', where);
  return { ...validateRbmTraining(rbm), ...checkOptions(DBN_TRAINING, { input, fineTuneEpochs, fineTuneLr }, where, LABELS), topLr: top };
}

/**
 * One epoch of one stage: an RBM's (its per-step reconstruction errors) or the fine-tuning's (its
 * per-step cross-entropies and the examples it got wrong); `epoch` counts over the whole run.
 */
export interface DbnEpoch {
  stage: 'greedy' | 'fine-tune';
  /** Per step: the batch's mean squared reconstruction error of the layer's input, or the classifier's mean cross-entropy. */
  losses: Float32Array;
  /** Fine-tuning: training examples classified wrongly while trained on; null for an RBM's epoch. */
  errors: number | null;
  epoch: number;
  /** The RBM trained (the number of RBMs while fine-tuning). */
  layer: number;
  /** The epoch within its stage (its layer, or the fine-tuning). */
  layerEpoch: number;
  examples: number;
  wallMs: number;
}

/** The training examples' labels: on the host for the top RBM's label units, on the GPU with the examples for fine-tuning. */
export interface DbnLabelled {
  data?: DeviceDataset;
  labels: ArrayLike<number>;
  classes: number;
}

interface Stage {
  layer: number;
  /** The current RBM's input (the data, or the layer below's output). */
  input: RbmDataset;
  /** The top RBM's one-hot labels, while it trains with label units. */
  oneHot?: RbmDataset;
  trainer: RbmTrainer | null;
  fine: MlpTrainer | null;
}

/**
 * Trains a Dbn: `epochs` epochs of each RBM in turn, bottom up, each on the layer below's output for
 * the data (Dbn.propagate), then `fineTuneEpochs` epochs of the stack unrolled into a classifier
 * (unrollDbn, Adam) on `labelled` (the same examples with their labels). Its epochs count over the
 * run (layers x epochs + fineTuneEpochs); a net restored mid-run goes on from the first stage short
 * of its epochs, with that RBM's trainer state (PCD's chains) from `resume`.
 *
 *   const trainer = await DbnTrainer.create(ctx, dbn, train, { k: 1, lr: 0.05, batch: 100, seed: 1, epochs: 10 });
 *   while (trainer.epoch < trainer.epochs) await trainer.trainEpoch();
 *   trainer.release();
 */
export class DbnTrainer implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly dbn: Dbn,
    private readonly data: RbmDataset,
    private readonly labelled: DbnLabelled | null,
    readonly options: CheckedDbnTraining,
    readonly batchesPerEpoch: number,
    private current: Stage,
  ) {}

  static async create(ctx: RunContext, dbn: Dbn, data: RbmDataset, options: DbnTrainingOptions, resume: RbmTrainingState = {}, labelled?: DbnLabelled): Promise<DbnTrainer> {
    const o = validateDbnTraining(options);
    if (data.width !== dbn.layers[0]) throw new InputError(`dbn training: the data has ${data.width} values per example, the net ${dbn.layers[0]} visible units`);
    if (o.fineTuneEpochs > 0 && !(labelled?.data && labelled.data.count === data.count && labelled.data.width === data.width)) {
      throw new InputError('dbn training: fine-tuning needs the same examples with their labels (a DeviceDataset and the class count)');
    }
    if (dbn.labels > 0 && !(labelled && labelled.labels.length === data.count && labelled.classes === dbn.labels)) {
      const given = labelled ? `, not ${labelled.labels.length} of ${labelled.classes} classes` : ', none given';
      throw new InputError(`dbn training: the top RBM's ${dbn.labels} label units train on the examples' labels (${data.count} of ${dbn.labels} classes${given})`);
    }
    const steps = Math.floor(data.count / o.batch);
    if (steps === 0) throw new InputError(`dbn training: batch ${o.batch} is more than the ${data.count} examples`);
    const short = dbn.rbms.findIndex((rbm) => rbm.params.iteration < o.epochs * steps);
    const layer = short < 0 ? dbn.rbms.length : short;
    const self = new DbnTrainer(ctx, dbn, data, labelled ?? null, o, steps, { layer: 0, input: data, trainer: null, fine: null });
    try {
      if (layer < dbn.rbms.length) {
        while (self.current.layer < layer) await self.climb();
        await self.startLayer(resume);
      } else {
        await self.startFineTuning();
      }
      return self;
    } catch (e) {
      self.release();
      throw e;
    }
  }

  /** The RBM being trained (the number of RBMs while fine-tuning or when done). */
  get layer(): number {
    return this.current.trainer ? this.current.layer : this.dbn.rbms.length;
  }

  /** Epochs done over the whole run: every layer below's, this layer's so far, the fine-tuning's. */
  get epoch(): number {
    const { trainer, fine, layer } = this.current;
    const greedy = this.dbn.rbms.length * this.options.epochs;
    if (trainer) return layer * this.options.epochs + trainer.epoch;
    return greedy + (fine?.epoch ?? (this.dbn.classifier ? this.options.fineTuneEpochs : 0));
  }

  /** Epochs in all: layers x epochs, then the fine-tuning's. */
  get epochs(): number {
    return this.dbn.rbms.length * this.options.epochs + this.options.fineTuneEpochs;
  }

  /** Trains one epoch of the current stage; after a stage's last, the next one's data and trainer are made. */
  async trainEpoch(onProgress?: (done: number, total: number) => void): Promise<DbnEpoch> {
    const { trainer, fine, layer } = this.current;
    const stageEpochs = this.dbn.rbms.length * this.options.epochs;
    if (trainer) {
      const trained = await trainer.trainEpoch(onProgress);
      const result: DbnEpoch = { stage: 'greedy', losses: trained.reconstructionErrors, errors: null, epoch: layer * this.options.epochs + trained.epoch, layer, layerEpoch: trained.epoch, examples: trained.examples, wallMs: trained.wallMs };
      if (trainer.epoch >= this.options.epochs) {
        trainer.release();
        this.current.oneHot?.release();
        this.current = { ...this.current, trainer: null, oneHot: undefined };
        if (layer + 1 < this.dbn.rbms.length) {
          await this.climb();
          await this.startLayer({});
        } else {
          await this.startFineTuning();
        }
      }
      return result;
    }
    if (!fine) throw new InputError(`dbn training: every stage has trained its epochs (${this.epochs} in all)`);
    const trained: MlpEpoch = await fine.trainEpoch(onProgress);
    return { stage: 'fine-tune', losses: trained.losses, errors: trained.errors, epoch: stageEpochs + trained.epoch, layer: this.dbn.rbms.length, layerEpoch: trained.epoch, examples: trained.examples, wallMs: trained.wallMs };
  }

  /** The current RBM's trainer state (PCD's chains, the sparsity estimate): what a checkpoint holds beside the parameters. */
  async state(): Promise<RbmTrainingState> {
    return (await this.current.trainer?.state()) ?? {};
  }

  /** Moves the input one layer up (the current layer's output for the data). */
  private async climb(): Promise<void> {
    const { layer, input } = this.current;
    const next = await this.dbn.propagate(this.ctx, input, { layer, input: this.options.input, seed: this.options.seed });
    if (input !== this.data) input.release();
    this.current = { layer: layer + 1, input: next, trainer: null, fine: null };
  }

  private async startLayer(resume: RbmTrainingState): Promise<void> {
    const { layer, input } = this.current;
    const { input: _input, fineTuneEpochs: _epochs, fineTuneLr: _lr, topLr, sparsity, ...rbmOptions } = this.options;
    const lr = layer + 1 === this.dbn.rbms.length ? (topLr ?? rbmOptions.lr) : rbmOptions.lr;
    const options = { ...rbmOptions, lr, sparsity: sparsity ?? undefined, seed: dbnLayerSeed(this.options.seed, layer) };
    const rbm = this.dbn.rbms[layer];
    if (rbm.labels > 0 && this.labelled) this.current.oneHot = await oneHotLabels(this.ctx, this.labelled.labels, rbm.labels);
    this.current.trainer = await RbmTrainer.create(this.ctx, rbm, input, options, resume, this.current.oneHot);
  }

  /** The fine-tuning: the classifier unrolled once (its top layer from the seed after the RBMs'), then Adam on the labelled data. */
  private async startFineTuning(): Promise<void> {
    const o = this.options;
    if (o.fineTuneEpochs === 0 || !this.labelled?.data) return;
    const seed = dbnLayerSeed(o.seed, this.dbn.rbms.length);
    const training = { optimizer: 'adam' as const, lr: o.fineTuneLr, batch: o.batch, seed, epochs: o.fineTuneEpochs };
    this.dbn.classifier ??= await unrollDbn(this.ctx, this.dbn, { classes: this.labelled.classes, seed, state: mlpOptimizerState(training) });
    this.current.fine = await MlpTrainer.create(this.ctx, this.dbn.classifier, this.labelled.data, training);
  }

  release(): void {
    this.current.trainer?.release();
    this.current.oneHot?.release();
    this.current.fine?.release();
    if (this.current.input !== this.data) this.current.input.release();
  }
}

/** `labels` (classes 0..classes - 1) as one-hot rows on the GPU: the top RBM's label data. */
async function oneHotLabels(ctx: RunContext, labels: ArrayLike<number>, classes: number): Promise<RbmDataset> {
  for (let i = 0; i < labels.length; i++) {
    if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < classes)) throw new InputError(`dbn: label ${i} is ${labels[i]}, not a class 0 to ${classes - 1}`);
  }
  const tensor = await ctx.pool.tensor('dbn one-hot labels', 'f32', [labels.length, classes], { data: oneHotRows(labels, classes) });
  return RbmDataset.features(ctx, tensor, 'dbn labels');
}

/**
 * Generates `count` examples: Gibbs chains in the top RBM (runGibbsChains: `steps` steps from its
 * visible biases), then one down pass from the top RBM's visible states, each layer below drawn from
 * p(h_(i-1) | h_i) (the seed, step 0, call DBN_CALLS.down(i)) but the last, whose means
 * sigmoid(b_1 + W_1 h_1) come back (count x visible: the images a sample is shown as), or with
 * `visible` 'states' one draw of them (call DBN_CALLS.down(0); a one-RBM net's chains' own states):
 * configurations, as the RG experiment measures them.
 *
 *   const images = await sampleDbn(ctx, dbn, { count: 100, steps: 1000, seed: 1 });
 */
export async function sampleDbn(ctx: RunContext, dbn: Dbn, o: GibbsRun & { visible?: 'means' | 'states' }): Promise<Float32Array> {
  const owned = new Owned();
  const drawVisible = o.visible === 'states';
  try {
    const chain = await runGibbsChains(ctx, dbn.top, o, owned, 'dbn sample');
    const graph = new KernelGraph('dbn down pass');
    // h: the layer above's states; out: what comes back (the last layer's means or states).
    let h: Tensor = chain.v;
    let out: Tensor = drawVisible ? chain.v : chain.pv;
    for (let i = dbn.rbms.length - 2; i >= 0; i--) {
      const rbm = dbn.rbms[i];
      const means = await owned.add(ctx.pool.tensor(`dbn sample layer ${i} means`, 'f32', [o.count, rbm.visible]));
      const states = i > 0 || drawVisible ? await owned.add(ctx.pool.tensor(`dbn sample layer ${i} states`, 'f32', [o.count, rbm.visible])) : undefined;
      await owned.add(rbm.addVisible(graph, ctx, { h, pv: means, v: states, rows: o.count, draw: states && { seed: o.seed, step: 0, call: DBN_CALLS.down(i) } }));
      out = states ?? means;
      if (states) h = states;
    }
    if (dbn.rbms.length > 1) await ctx.scheduler.run(graph);
    return new Float32Array(await out.read());
  } finally {
    owned.release();
  }
}

/** A two-layer net's variational lower bound on the data's log-likelihood. */
export interface DbnBound {
  /** Mean over the examples of E_q[log p(v | h) - F_2(h)] + H(q) - log Z_2 (nats). */
  logPLowerBound: number;
  /** The mean of the same without log Z_2: the bound for another estimate of log Z_2 is this minus it. */
  unnormalized: number;
  count: number;
  samples: number;
}

/**
 * The variational lower bound on log p(v) of a two-layer DBN (see the top of this file) over every
 * example of `data`, given the top RBM's log Z (rbmAis, or rbmExactLogZ for a small one): per
 * example the entropy of q(h | v) exactly (sum_j softplus(x_j) - q_j x_j with x = c_1 + v W_1) and
 * the expectation over `samples` draws h ~ q (the seed; step: the batch's index; call: the draw's).
 *
 *   const { logPLowerBound } = await dbnLowerBound(ctx, dbn, test, { logZ: ais.logZ, samples: 10, seed: 1 });
 */
export async function dbnLowerBound(ctx: RunContext, dbn: Dbn, data: RbmDataset, o: { logZ: number; samples: number; seed: number; batch?: number }): Promise<DbnBound> {
  if (dbn.rbms.length !== 2) throw new InputError(`dbn lower bound: the bound is for a two-layer net (two RBMs), this one has ${dbn.rbms.length}`);
  if (dbn.labels > 0) throw new InputError('dbn lower bound: the bound is for a net without label units (its top RBM models the images alone)');
  if (!(Number.isInteger(o.samples) && o.samples > 0)) throw new InputError(`dbn lower bound: samples = ${o.samples} must be a positive integer`);
  if (!Number.isFinite(o.logZ)) throw new InputError(`dbn lower bound: log Z = ${o.logZ} must be finite`);
  const [bottom, top] = dbn.rbms;
  if (data.width !== bottom.visible) throw new InputError(`dbn lower bound: the data has ${data.width} values per example, the net ${bottom.visible} visible units`);
  const batch = o.batch ?? 500;
  const firstRows = Math.min(batch, data.count);
  const pass = await EvaluationPass.create(ctx, data.count, {
    name: 'dbn lower bound',
    batch,
    metrics: ['sum'],
    part: async (graph, p, slot, owned) => {
      const { rows } = p;
      const f32 = (label: string, cols: number) => owned.add(ctx.pool.tensor(`dbn bound ${label}`, 'f32', cols === 1 ? [rows] : [rows, cols]));
      const [v, x, q, scratch] = [await f32('v', bottom.visible), await f32('x', bottom.hidden), await f32('q', bottom.hidden), await f32('scratch', bottom.hidden)];
      const [h, a, terms, perRow, energies] = [await f32('h', bottom.hidden), await f32('a', bottom.visible), await f32('terms', bottom.visible), await f32('per example', 1), await f32('free energies', 1)];
      await owned.add(data.addBatch(graph, ctx, { indices: data.inOrder, x: v, batchSize: rows, first: p.first, batches: p.batches }));
      // H(q) = sum_j softplus(x_j) - q_j x_j, into perRow.
      await owned.add(addGemm(graph, ctx, { a: v, b: bottom.weights.value, c: x, m: rows, n: bottom.hidden, k: bottom.visible, bias: bottom.hiddenBias.value }));
      await owned.add(addUnary(graph, ctx, { op: 'sigmoid', x, out: q }));
      await owned.add(addUnary(graph, ctx, { op: 'softplus', x, out: scratch }));
      await owned.add(addBinary(graph, ctx, { op: 'mul', a: q, b: x, out: x }));
      await owned.add(addBinary(graph, ctx, { op: 'sub', a: scratch, b: x, out: scratch }));
      await owned.add(addRowSums(graph, ctx, { x: scratch, rows, cols: bottom.hidden, out: perRow, alpha: 1, beta: 0 }));
      // The draws: each adds (log p(v | h) - F_2(h)) / samples, log p(v | h) = sum_i v_i a_i - softplus(a_i), a = b_1 + W_1 h.
      const step = p.first / firstRows;
      for (let s = 0; s < o.samples; s++) {
        await owned.add(addSample(graph, ctx, { distribution: 'bernoulli', probabilities: q, output: h, seed: o.seed, step, call: s }));
        await owned.add(addGemm(graph, ctx, { a: h, b: bottom.weights.value, c: a, m: rows, n: bottom.visible, k: bottom.hidden, transB: true, bias: bottom.visibleBias.value }));
        await owned.add(addUnary(graph, ctx, { op: 'softplus', x: a, out: terms }));
        await owned.add(addBinary(graph, ctx, { op: 'mul', a: v, b: a, out: a }));
        await owned.add(addBinary(graph, ctx, { op: 'sub', a, b: terms, out: terms }));
        await owned.add(addRowSums(graph, ctx, { x: terms, rows, cols: bottom.visible, out: perRow, alpha: 1 / o.samples, beta: 1 }));
        await owned.add(top.addFreeEnergy(graph, ctx, { v: h, rows, out: energies }));
        await owned.add(addBinary(graph, ctx, { op: 'axpy', a: energies, b: perRow, out: perRow, alpha: -1 / o.samples }));
      }
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'all', x: perRow, ...slot(0) }));
    },
  });
  try {
    const [sum] = await pass.run();
    const unnormalized = sum / data.count;
    return { logPLowerBound: unnormalized - o.logZ, unnormalized, count: data.count, samples: o.samples };
  } finally {
    pass.release();
  }
}

/**
 * The stack unrolled for discriminative fine-tuning (Hinton & Salakhutdinov 2006): an Mlp of sigmoid
 * layers with the RBMs' weights and hidden biases, and a softmax layer of `classes` outputs on top
 * (Glorot-uniform from `seed`). Its hidden activations are the up pass's probabilities.
 *
 *   const mlp = await unrollDbn(ctx, dbn, { classes: 10, seed: 1, state: mlpOptimizerState({ optimizer: 'adam' }) });
 */
export async function unrollDbn(ctx: OpContext, dbn: Dbn, o: { classes: number; seed: number; state?: readonly string[] }): Promise<Mlp> {
  const mlp = await Mlp.create(ctx, { layers: [...dbn.layers, o.classes], activation: 'sigmoid' }, { seed: o.seed, state: o.state });
  try {
    for (const [i, rbm] of dbn.rbms.entries()) {
      await mlp.params.get(`${mlpLayerName(i)}.weight`).value.write(new Float32Array(await rbm.weights.value.read()));
      await mlp.params.get(`${mlpLayerName(i)}.bias`).value.write(new Float32Array(await rbm.hiddenBias.value.read()));
    }
    return mlp;
  } catch (e) {
    mlp.release();
    throw e;
  }
}

/**
 * Generative classification by a net whose top RBM has label units (Hinton et al. 2006): every
 * example of `data` goes up to the top RBM's visible units (probabilities), and its class is the k
 * whose one-hot labels give the lowest free energy F(h, e_k) of the top RBM (ties: the lowest k).
 * Returns each example's class, in order.
 *
 *   const classes = await dbnClassify(ctx, dbn, test);
 */
export async function dbnClassify(ctx: RunContext, dbn: Dbn, data: RbmDataset, o: { batch?: number } = {}): Promise<Uint32Array> {
  const { top, labels } = dbn;
  if (labels === 0) throw new InputError('dbn classify: the top RBM has no label units');
  if (data.width !== dbn.layers[0]) throw new InputError(`dbn classify: the data has ${data.width} values per example, the net ${dbn.layers[0]} visible units`);
  const owned = new Owned();
  let input = data;
  try {
    for (let layer = 0; layer + 1 < dbn.rbms.length; layer++) {
      const next = await dbn.propagate(ctx, input, { layer, input: 'probabilities', seed: 0 });
      if (input !== data) input.release();
      input = next;
    }
    const classes = new Uint32Array(data.count);
    for (const p of batchParts(data.count, o.batch ?? 500, 'dbn classify')) {
      const graph = new KernelGraph('dbn classify');
      const v = await owned.add(ctx.pool.tensor('dbn classify v', 'f32', [p.rows, top.visible]));
      await owned.add(input.addBatch(graph, ctx, { indices: input.inOrder, x: v, batchSize: p.rows, first: p.first, batches: p.batches }));
      // F(h, e_k) of every class k: c + hW once, each class's labels added to it.
      const terms = [];
      for (let k = 0; k < labels; k++) {
        const y = await owned.add(ctx.pool.tensor(`dbn classify labels ${k}`, 'f32', [p.rows, labels], { data: oneHotRows(new Uint32Array(p.rows).fill(k), labels) }));
        terms.push({ y, out: await owned.add(ctx.pool.tensor(`dbn classify free energies ${k}`, 'f32', [p.rows])) });
      }
      await owned.add(top.addFreeEnergies(graph, ctx, { v, rows: p.rows, terms }));
      const energies = terms.map((t) => t.out);
      for (let batch = 0; batch < p.batches; batch++) {
        await ctx.scheduler.run(graph, { firstIteration: batch });
        const f = await Promise.all(energies.map(async (t) => new Float32Array(await t.read())));
        for (let r = 0; r < p.rows; r++) {
          let best = 0;
          for (let k = 1; k < labels; k++) if (f[k][r] < f[best][r]) best = k;
          classes[p.first + batch * p.rows + r] = best;
        }
      }
    }
    return classes;
  } finally {
    if (input !== data) input.release();
    owned.release();
  }
}
