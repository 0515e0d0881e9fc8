// A multilayer perceptron classifier: dense layers (models/dense.ts) with one activation on the
// hidden layers and logits out, softmax cross-entropy with its fused gradient and error count,
// dropout on the hidden outputs while training (a Philox mask, redrawn by the backward pass), and
// Adam or SGD over a ParamSet with the learning rate from a Schedule. The dataset stays on the GPU
// (models/minibatch.ts): a training epoch is a permutation, then one graph (gather, forward, loss,
// backward, update) repeated once per minibatch, and its only readback is the metrics tensor.
import { decodeSafetensors, InputError, KernelGraph, ParamSet, type CheckpointExtra, type OpContext, type RunContext, type Safetensors, type SafetensorsTensor, type ScheduleSpec, type Tensor } from '../engine/index.js';
import { addDropout, addDropoutBackward, addOptimizerStep, addSoftmaxCrossEntropy, optimizerState, type OptimizerOptions, type ReduceTarget } from '../engine/ops/index.js';
import { addDenseBackward, addDenseForward, DENSE_ACTIVATIONS, denseLayer, denseParams, type DenseActivation, type DenseLayer } from './dense.js';
import { EvaluationPass } from './evaluation_pass.js';
import { addBatchGather, type DeviceDataset } from './minibatch.js';
import { checkModelTag, configFromMetadata, fileTensor, metadataList } from './model_file.js';
import { checkOptions, oneOf, real, type CheckedOptions } from './options.js';
import { building, type Releasable } from './owned.js';
import { checkRate, Trainer, TRAINING_RULES, type TrainedEpoch, type TrainingPlan } from './training.js';


export interface MlpConfig {
  /** Widths from the input to the classes, e.g. [784, 512, 512, 10]: a dense layer per neighbouring pair. */
  layers: readonly number[];
  /** Of the hidden layers (default relu); the last layer's outputs are the logits. */
  activation?: DenseActivation;
}

/** metadata 'model' of an MLP file. */
export const MLP_MODEL = 'mlp';

/** The parameter names of layer i: `layer${i}.weight` (inputs x outputs) and `layer${i}.bias`. */
export const mlpLayerName = (i: number): string => `layer${i}`;

/**
 * Checks a configuration; every problem is an InputError naming the parameter.
 *
 *   validateMlpConfig({ layers: [784, 256, 10] });   // { layers: [784, 256, 10], activation: 'relu' }
 */
export function validateMlpConfig(c: MlpConfig): Required<MlpConfig> {
  const layers = c.layers;
  if (!Array.isArray(layers) || layers.length < 2 || !layers.every((w) => Number.isInteger(w) && w > 0)) {
    throw new InputError(`mlp: layers ${JSON.stringify(layers)} must be two or more positive integers (inputs, hidden widths, classes)`);
  }
  if (layers[layers.length - 1] < 2) throw new InputError(`mlp: ${layers[layers.length - 1]} class: a classifier needs at least 2`);
  const activation = c.activation ?? 'relu';
  if (!DENSE_ACTIVATIONS.includes(activation)) throw new InputError(`mlp: activation '${String(activation)}' is not one of ${DENSE_ACTIVATIONS.join(', ')}`);
  return { layers: [...layers], activation };
}

/**
 * Reads and checks what makes a safetensors file an MLP (no GPU): metadata model = 'mlp', its layer
 * widths and activation, and an F32 weight [inputs, outputs] and bias [outputs] per layer. Errors are
 * InputErrors that start with `source` and name the key or tensor.
 *
 *   const config = readMlpConfig(decodeSafetensors(bytes, 'm.safetensors'), 'm.safetensors');
 */
export function readMlpConfig(file: Safetensors, source: string): Required<MlpConfig> {
  checkModelTag(file, source, MLP_MODEL, 'an MLP');
  const meta = file.metadata;
  const config = configFromMetadata(source, () => validateMlpConfig({ layers: metadataList(meta, 'layers') as number[], activation: meta.activation as DenseActivation }));
  const hint = `metadata layers ${meta.layers}`;
  config.layers.slice(1).forEach((outputs, i) => {
    fileTensor(file.tensors, source, `${mlpLayerName(i)}.weight`, 'F32', [config.layers[i], outputs], hint);
    fileTensor(file.tensors, source, `${mlpLayerName(i)}.bias`, 'F32', [outputs], hint);
  });
  return config;
}

/** The tensors of one batch: the input, each layer's output, and the gradients while training. */
export interface MlpBatch extends Releasable {
  rows: number;
  /** rows x inputs f32. */
  x: Tensor;
  /** rows u32. */
  labels: Tensor;
  /** Per layer, rows x its width: act(x W + b) (the last: the logits). */
  outputs: Tensor[];
  /** Per hidden layer, with dropout: the output with units dropped, which the next layer reads. */
  dropped: Tensor[];
  /** Training: per layer, dL/d(output) (the last: dL/dlogits). */
  grads: Tensor[];
  /** Training with dropout: per hidden layer, dL/d(dropped). */
  droppedGrads: Tensor[];
}

/** Dropout of the hidden outputs: the keep probability and the Philox stream (call = layer index). */
export interface MlpDropout {
  keep: number;
  seed: number;
}

/**
 * A classifier's parameters and layers.
 *
 *   const mlp = await Mlp.create(ctx, { layers: [784, 256, 10] }, { seed: 1, state: ['m', 'v'] });
 *   const bytes = await mlp.toSafetensors();   // the harness writes the file
 *   mlp.release();
 */
export class Mlp implements Releasable {
  private constructor(
    readonly config: Required<MlpConfig>,
    readonly params: ParamSet,
    readonly layers: readonly DenseLayer[],
  ) {}

  private static over(params: ParamSet, config: Required<MlpConfig>): Mlp {
    const last = config.layers.length - 2;
    const layers = config.layers.slice(1).map((_, i) => denseLayer(params, mlpLayerName(i), i === last ? 'identity' : config.activation));
    return new Mlp(config, params, layers);
  }

  /** Glorot-uniform weights and zero biases from `seed`; `state` lists the optimiser's slots (optimizerState). */
  static async create(ctx: OpContext, config: MlpConfig, o: { seed: number; state?: readonly string[] }): Promise<Mlp> {
    const c = validateMlpConfig(config);
    const specs = c.layers.slice(1).flatMap((outputs, i) => denseParams(mlpLayerName(i), c.layers[i], outputs));
    return Mlp.over(await ParamSet.create(ctx, { seed: o.seed, params: specs, state: o.state }), c);
  }

  /**
   * A model from the bytes of toSafetensors: checked to be an MLP first (readMlpConfig), then its
   * parameters, optimiser state and iteration restored bit for bit, with the file's other tensors
   * and metadata.
   */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ mlp: Mlp; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const config = readMlpConfig(decodeSafetensors(bytes, source), source);
    const { params, tensors, metadata } = await ParamSet.fromSafetensors(ctx, bytes, source);
    return { mlp: Mlp.over(params, config), tensors, metadata };
  }

  /** The model as safetensors bytes: ParamSet.toSafetensors with metadata model, layers and activation beside `extra`'s. */
  toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const { layers, activation } = this.config;
    return this.params.toSafetensors({ tensors: extra.tensors, metadata: { ...extra.metadata, model: MLP_MODEL, layers: JSON.stringify(layers), activation } });
  }

  get inputs(): number {
    return this.config.layers[0];
  }

  get classes(): number {
    return this.config.layers[this.config.layers.length - 1];
  }

  /** The tensors of a batch of `rows` (with gradients for training, and dropout's copies when asked). */
  batch(ctx: OpContext, rows: number, o: { training: boolean; dropout: boolean }): Promise<MlpBatch> {
    return building(async (owned) => {
      const f32 = (label: string, width: number) => owned.add(ctx.pool.tensor(`mlp ${label}`, 'f32', [rows, width]));
      const hidden = this.layers.slice(0, -1);
      const each = (label: string, layers: readonly DenseLayer[]) => Promise.all(layers.map((l) => f32(`${l.name} ${label}`, l.outputs)));
      const dropout = o.dropout && o.training;
      return {
        rows,
        x: await f32('x', this.inputs),
        labels: await owned.add(ctx.pool.tensor('mlp labels', 'u32', [rows])),
        outputs: await each('output', this.layers),
        dropped: dropout ? await each('dropped', hidden) : [],
        grads: o.training ? await each('grad', this.layers) : [],
        droppedGrads: dropout ? await each('dropped grad', hidden) : [],
        release: () => owned.release(),
      };
    });
  }

  /** The tensor layer i reads: x, the previous layer's output, or (with dropout) its dropped-out copy. */
  private inputOf(b: MlpBatch, i: number, dropout: MlpDropout | undefined): Tensor {
    if (i === 0) return b.x;
    return dropout ? b.dropped[i - 1] : b.outputs[i - 1];
  }

  /**
   * Adds the forward pass of `b.x` into `b.outputs`; with `dropout`, each hidden output is also
   * dropped out into `b.dropped` (Philox step = the iteration, call = the layer's index).
   */
  addForward(graph: KernelGraph, ctx: OpContext, b: MlpBatch, dropout?: MlpDropout): Promise<Releasable> {
    return building(async (owned) => {
      for (const [i, layer] of this.layers.entries()) {
        await owned.add(addDenseForward(graph, ctx, layer, { x: this.inputOf(b, i, dropout), y: b.outputs[i], rows: b.rows }));
        if (dropout && i < this.layers.length - 1) {
          await owned.add(addDropout(graph, ctx, { input: b.outputs[i], output: b.dropped[i], keep: dropout.keep, seed: dropout.seed, step: 0, call: i }));
        }
      }
      return owned;
    });
  }

  /**
   * Adds the backward pass from dL/dlogits (in the last of `b.grads`) down to every parameter's
   * gradient: each layer's backward pass, and between layers dropout's (the same mask, redrawn).
   */
  addBackward(graph: KernelGraph, ctx: OpContext, b: MlpBatch, dropout?: MlpDropout): Promise<Releasable> {
    return building(async (owned) => {
      for (let i = this.layers.length - 1; i >= 0; i--) {
        // dL/d(the layer's input): through dropout's copy when there is one.
        const dx = i === 0 ? undefined : dropout ? b.droppedGrads[i - 1] : b.grads[i - 1];
        await owned.add(addDenseBackward(graph, ctx, this.layers[i], { x: this.inputOf(b, i, dropout), y: b.outputs[i], dy: b.grads[i], dx, rows: b.rows }));
        if (dropout && i > 0) {
          await owned.add(addDropoutBackward(graph, ctx, { gradOutput: b.droppedGrads[i - 1], gradInput: b.grads[i - 1], keep: dropout.keep, seed: dropout.seed, step: 0, call: i - 1 }));
        }
      }
      return owned;
    });
  }

  /**
   * Adds a training step's loss and gradients on batch `b`: forward, the mean softmax cross-entropy
   * over the rows (its gradient (softmax - onehot) / rows into the last of b.grads, the mean loss and
   * the error count into `metrics` targets), backward into every Param.grad. The optimiser step is
   * the caller's (MlpTrainer adds it).
   */
  addGradients(graph: KernelGraph, ctx: OpContext, b: MlpBatch, o: { dropout?: MlpDropout; meanLoss?: ReduceTarget; errors?: ReduceTarget } = {}): Promise<Releasable> {
    return building(async (owned) => {
      await owned.add(this.addForward(graph, ctx, b, o.dropout));
      const logits = b.outputs[b.outputs.length - 1];
      const dLogits = b.grads[b.grads.length - 1];
      await owned.add(addSoftmaxCrossEntropy(graph, ctx, { logits, labels: b.labels, grad: dLogits, gradScale: 1 / b.rows, meanLoss: o.meanLoss, errors: o.errors }));
      await owned.add(this.addBackward(graph, ctx, b, o.dropout));
      return owned;
    });
  }

  release(): void {
    this.params.release();
  }
}

// ---- training ----

export const MLP_OPTIMIZERS = ['adam', 'sgd'] as const;
export type MlpOptimizer = (typeof MLP_OPTIMIZERS)[number];

/** The training options' rules: kinds, ranges and defaults (the CLI's flags are made from them). */
export const MLP_TRAINING = {
  ...TRAINING_RULES,
  optimizer: oneOf(MLP_OPTIMIZERS, { default: 'adam' }),
  lr: real({ min: 0, minOpen: true, default: 1e-3 }),
  momentum: real({ min: 0, max: 1, maxOpen: true, default: 0 }),
  dropout: real({ min: 0, max: 1, maxOpen: true, default: 0, note: '(the probability of dropping a unit)' }),
} as const;

export interface MlpTrainingOptions {
  optimizer: MlpOptimizer;
  /** The learning rate: a number, or a schedule over the steps (engine/schedule.ts). */
  lr: number | ScheduleSpec;
  /** SGD's momentum in [0, 1) (default 0); Adam takes none. */
  momentum?: number;
  /** Examples per step; an epoch is floor(count / batch) steps (a last partial batch is left out). */
  batch: number;
  /** Keys the epochs' permutations and the dropout masks. */
  seed: number;
  /** Probability of dropping a hidden unit while training, in [0, 1) (default 0: none). */
  dropout?: number;
  /** Epochs the run reaches (counted from the first, a resumed run's earlier ones included): the loss series has a slot for every step up to there. */
  epochs: number;
}

export type CheckedMlpTraining = Omit<CheckedOptions<typeof MLP_TRAINING>, 'lr'> & { lr: number | ScheduleSpec };

/**
 * Checks training options (with defaults filled in); every problem is an InputError naming the option.
 *
 *   validateMlpTraining({ optimizer: 'sgd', lr: 0.05, momentum: 0.9, batch: 100, seed: 1, epochs: 10 });
 */
export function validateMlpTraining(o: MlpTrainingOptions): CheckedMlpTraining {
  const where = 'mlp training: ';
  const { lr, ...rules } = MLP_TRAINING;
  const checked = { ...checkOptions(rules, o, where), lr: checkRate(lr, o.lr, where) };
  if (checked.optimizer === 'adam' && checked.momentum !== 0) throw new InputError(`${where}momentum is for sgd; adam has its own moments (beta1, beta2)`);
  return checked;
}

/**
 * The optimiser state slots a ParamSet needs for these options (Mlp.create's `state`).
 *
 *   mlpOptimizerState({ optimizer: 'adam' });   // ['m', 'v']
 */
export function mlpOptimizerState(o: Pick<MlpTrainingOptions, 'optimizer' | 'momentum'>): string[] {
  return optimizerState(o.optimizer === 'sgd' ? { kind: 'sgd', lr: 0, momentum: o.momentum ?? 0 } : { kind: 'adam', lr: 0 });
}

const MLP_METRICS = {
  /** The mean cross-entropy of each step's batch. */
  losses: { per: 'step' },
  /** Training examples the network got wrong while it trained on them (dropout on). */
  errors: { per: 'epoch' },
} as const;

/** One epoch's metrics, as they came back in its one readback. */
export type MlpEpoch = TrainedEpoch<typeof MLP_METRICS>;

/**
 * Trains an Mlp on a DeviceDataset (the training core, models/training.ts): each step gathers its
 * batch, runs forward, the loss and backward, and the optimiser step.
 *
 *   const mlp = await Mlp.create(ctx, { layers: [784, 256, 10] }, { seed: 1, state: mlpOptimizerState(o) });
 *   const trainer = await MlpTrainer.create(ctx, mlp, train, o);
 *   while (trainer.epoch < o.epochs) console.log((await trainer.trainEpoch()).losses);
 *   trainer.release();
 */
export class MlpTrainer extends Trainer<typeof MLP_METRICS> {
  static async create(ctx: RunContext, mlp: Mlp, data: DeviceDataset, options: MlpTrainingOptions): Promise<MlpTrainer> {
    const o = validateMlpTraining(options);
    if (data.width !== mlp.inputs) throw new InputError(`mlp training: the data has ${data.width} values per example, the network ${mlp.inputs} inputs`);
    const plan: TrainingPlan<typeof MLP_METRICS> = {
      name: 'mlp training',
      params: mlp.params,
      examples: data.count,
      ...o,
      metrics: MLP_METRICS,
      loss: ['losses'],
      async setup({ owned, order, metrics, schedule }) {
        const b = await owned.add(mlp.batch(ctx, o.batch, { training: true, dropout: o.dropout > 0 }));
        const lr = await schedule('lr', o.lr);
        const dropout = o.dropout > 0 ? { keep: 1 - o.dropout, seed: o.seed } : undefined;
        const optimizer: OptimizerOptions = o.optimizer === 'adam' ? { kind: 'adam', lr } : { kind: 'sgd', lr, momentum: o.momentum };
        return async (graph) => {
          await owned.add(addBatchGather(graph, ctx, { data, indices: order, x: b.x, labels: b.labels, batchSize: o.batch }));
          await owned.add(mlp.addGradients(graph, ctx, b, { dropout, meanLoss: metrics.losses, errors: metrics.errors }));
          await owned.add(addOptimizerStep(graph, ctx, mlp.params, optimizer));
        };
      },
    };
    return new MlpTrainer(await Trainer.prepare(ctx, plan));
  }
}

// ---- evaluation ----

/** A classifier's error rate and mean cross-entropy over a dataset. */
export interface MlpEvaluation {
  error: number;
  loss: number;
  /** Examples evaluated. */
  count: number;
  /** Examples classified wrongly. */
  errors: number;
}

/**
 * Evaluates an Mlp on every example of a DeviceDataset, in order, on the GPU (an EvaluationPass:
 * batches of `batch` rows, the mean losses and error counts read once).
 *
 *   const evaluator = await MlpEvaluator.create(ctx, mlp, test);
 *   const { error, loss } = await evaluator.evaluate();
 */
export class MlpEvaluator implements Releasable {
  private constructor(
    private readonly pass: EvaluationPass,
    readonly count: number,
  ) {}

  static async create(ctx: RunContext, mlp: Mlp, data: DeviceDataset, batch = 1000): Promise<MlpEvaluator> {
    if (data.width !== mlp.inputs) throw new InputError(`mlp evaluation: the data has ${data.width} values per example, the network ${mlp.inputs} inputs`);
    const pass = await EvaluationPass.create(ctx, data.count, {
      name: 'mlp evaluation',
      batch,
      metrics: ['mean', 'sum'],
      part: async (graph, p, slot, owned) => {
        const b = await owned.add(mlp.batch(ctx, p.rows, { training: false, dropout: false }));
        await owned.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x: b.x, labels: b.labels, batchSize: p.rows, first: p.first, batches: p.batches }));
        await owned.add(mlp.addForward(graph, ctx, b));
        await owned.add(addSoftmaxCrossEntropy(graph, ctx, { logits: b.outputs[b.outputs.length - 1], labels: b.labels, meanLoss: slot(0), errors: slot(1) }));
      },
    });
    return new MlpEvaluator(pass, data.count);
  }

  async evaluate(): Promise<MlpEvaluation> {
    const [lossSum, errors] = await this.pass.run();
    return { error: errors / this.count, loss: lossSum / this.count, count: this.count, errors };
  }

  release(): void {
    this.pass.release();
  }
}
