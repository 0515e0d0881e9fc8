// Training a BinaryNet (models/binarynet.ts) by the training core (models/training.ts), the paper's
// recipe: per step the +-1 weights of the current W_r, the batch (bytes 0..255, inputs dropped out),
// the forward pass with batch statistics, the square hinge loss (or softmax cross-entropy), the
// backward pass through the straight-through estimators, Adam (the weights' rate scaled per layer,
// BinaryNet.lrScales) with a learning rate decaying exponentially from `lr` to `lrEnd` over the
// planned steps, then W_r clipped to [-1, 1]. Evaluation:
// the inference-mode forward pass (running statistics) over every example, its loss and error rate.
import { InputError, KernelGraph, type RunContext } from '../engine/index.js';
import { addOptimizerStep, addSoftmaxCrossEntropy, addSquareHinge, type ReduceTarget } from '../engine/ops/index.js';
import { BINARIZATIONS, type BinaryDropout, type BinaryNet, type BinaryNetBatch } from './binarynet.js';
import { EvaluationPass } from './evaluation_pass.js';
import { addBatchGather, BYTE_INTEGERS, type DeviceDataset } from './minibatch.js';
import { checkOptions, oneOf, real, whole, type CheckedOptions } from './options.js';
import type { Releasable } from './owned.js';
import { Trainer, TRAINING_RULES, type TrainedEpoch, type TrainingPlan } from './training.js';

export const BINARYNET_LOSSES = ['hinge', 'softmax'] as const;
export type BinaryNetLoss = (typeof BINARYNET_LOSSES)[number];

/** The training options' rules: the paper's recipe as defaults (the CLI's flags are made from them). */
export const BINARYNET_TRAINING = {
  ...TRAINING_RULES,
  epochs: whole({ positive: true, default: 20 }),
  lr: real({ min: 0, minOpen: true, default: 0.003 }),
  lrEnd: real({ min: 0, minOpen: true, default: 3e-7 }),
  inputDropout: real({ min: 0, max: 1, maxOpen: true, default: 0.2 }),
  hiddenDropout: real({ min: 0, max: 1, maxOpen: true, default: 0.5 }),
  binarization: oneOf(BINARIZATIONS, { default: 'deterministic' }),
  loss: oneOf(BINARYNET_LOSSES, { default: 'hinge' }),
} as const;

export type BinaryNetTrainingOptions = Partial<CheckedOptions<typeof BINARYNET_TRAINING>>;
export type CheckedBinaryNetTraining = CheckedOptions<typeof BINARYNET_TRAINING>;

const LABELS = { lrEnd: 'lr end', inputDropout: 'input dropout', hiddenDropout: 'hidden dropout' } as const;

/**
 * Checks training options (with the paper's defaults filled in); every problem is an InputError naming the option.
 *
 *   validateBinaryNetTraining({ lr: 0.003, lrEnd: 3e-7, epochs: 10 });
 */
export function validateBinaryNetTraining(o: BinaryNetTrainingOptions): CheckedBinaryNetTraining {
  return checkOptions(BINARYNET_TRAINING, o, 'binarynet training: ', LABELS);
}

const BINARYNET_METRICS = {
  /** The mean loss of each step's batch. */
  losses: { per: 'step' },
  /** Training examples the network got wrong while it trained on them (dropout on). */
  errors: { per: 'epoch' },
} as const;

export type BinaryNetEpoch = TrainedEpoch<typeof BINARYNET_METRICS>;

/** The loss of the scores (the last layer's normed values), its gradient into the last of b.grads, and the metrics. */
function addLoss(graph: KernelGraph, ctx: RunContext, b: BinaryNetBatch, loss: BinaryNetLoss, o: { grad: boolean; meanLoss?: ReduceTarget; errors?: ReduceTarget }): Promise<Releasable> {
  const logits = b.normed[b.normed.length - 1];
  const common = { logits, labels: b.labels, meanLoss: o.meanLoss, errors: o.errors, ...(o.grad ? { grad: b.grads[b.grads.length - 1], gradScale: 1 / b.rows } : {}) };
  return loss === 'hinge' ? addSquareHinge(graph, ctx, common) : addSoftmaxCrossEntropy(graph, ctx, common);
}

/**
 * Trains a BinaryNet on a DeviceDataset of bytes, an epoch per call.
 *
 *   const net = await BinaryNet.create(ctx, { layers: [784, 512, 10] }, { seed: 1 });
 *   const trainer = await BinaryNetTrainer.create(ctx, net, train, { epochs: 10, batch: 100, seed: 1 });
 *   while (trainer.epoch < 10) console.log((await trainer.trainEpoch()).losses);
 */
export class BinaryNetTrainer extends Trainer<typeof BINARYNET_METRICS> {
  static async create(ctx: RunContext, net: BinaryNet, data: DeviceDataset, options: BinaryNetTrainingOptions): Promise<BinaryNetTrainer> {
    const o = validateBinaryNetTraining(options);
    if (data.width !== net.inputs) throw new InputError(`binarynet training: the data has ${data.width} values per example, the network ${net.inputs} inputs`);
    const steps = o.epochs * Math.floor(data.count / Math.min(o.batch, data.count));
    const dropout: BinaryDropout = { inputKeep: 1 - o.inputDropout, hiddenKeep: 1 - o.hiddenDropout, seed: o.seed };
    const plan: TrainingPlan<typeof BINARYNET_METRICS> = {
      name: 'binarynet training',
      params: net.params,
      examples: data.count,
      ...o,
      metrics: BINARYNET_METRICS,
      loss: ['losses'],
      async setup({ owned, order, metrics, schedule }) {
        const b = await owned.add(net.batch(ctx, o.batch, { training: true, dropout }));
        // lr_t = lr (lrEnd / lr)^(t / steps): from lr at the first step to lrEnd after the planned run.
        const lr = await schedule('lr', { kind: 'exponential', initial: o.lr, gamma: (o.lrEnd / o.lr) ** (1 / steps) });
        const stochastic = o.binarization === 'stochastic' ? { seed: o.seed } : undefined;
        return async (graph) => {
          await owned.add(net.addBinarize(graph, ctx, { stochastic }));
          await owned.add(addBatchGather(graph, ctx, { data, indices: order, x: b.x, labels: b.labels, batchSize: o.batch, byteValues: BYTE_INTEGERS }));
          await owned.add(net.addForward(graph, ctx, b, { training: true, dropout }));
          await owned.add(addLoss(graph, ctx, b, o.loss, { grad: true, meanLoss: metrics.losses, errors: metrics.errors }));
          await owned.add(net.addBackward(graph, ctx, b, { dropout }));
          await owned.add(addOptimizerStep(graph, ctx, net.params, { kind: 'adam', lr, lrScale: net.lrScales }));
          await owned.add(net.addClip(graph, ctx));
        };
      },
    };
    return new BinaryNetTrainer(await Trainer.prepare(ctx, plan));
  }
}

/** A classifier's error rate and mean loss over a dataset. */
export interface BinaryNetEvaluation {
  error: number;
  loss: number;
  count: number;
  errors: number;
}

/**
 * Evaluates a BinaryNet in inference mode (deterministic +-1 weights, the running statistics) on every
 * example of a DeviceDataset of bytes, in order (an EvaluationPass: batches of `batch` rows, the mean
 * losses and error counts read once).
 *
 *   const evaluator = await BinaryNetEvaluator.create(ctx, net, test, { loss: 'hinge' });
 *   const { error } = await evaluator.evaluate();
 */
export class BinaryNetEvaluator implements Releasable {
  private constructor(
    private readonly pass: EvaluationPass,
    readonly count: number,
  ) {}

  static async create(ctx: RunContext, net: BinaryNet, data: DeviceDataset, o: { loss?: BinaryNetLoss; batch?: number } = {}): Promise<BinaryNetEvaluator> {
    if (data.width !== net.inputs) throw new InputError(`binarynet evaluation: the data has ${data.width} values per example, the network ${net.inputs} inputs`);
    const pass = await EvaluationPass.create(ctx, data.count, {
      name: 'binarynet evaluation',
      batch: o.batch ?? 500,
      metrics: ['mean', 'sum'],
      part: async (graph, p, slot, owned) => {
        const b = await owned.add(net.batch(ctx, p.rows, { training: false }));
        await owned.add(net.addBinarize(graph, ctx));
        await owned.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x: b.x, labels: b.labels, batchSize: p.rows, first: p.first, batches: p.batches, byteValues: BYTE_INTEGERS }));
        await owned.add(net.addForward(graph, ctx, b, { training: false }));
        await owned.add(addLoss(graph, ctx, b, o.loss ?? 'hinge', { grad: false, meanLoss: slot(0), errors: slot(1) }));
      },
    });
    return new BinaryNetEvaluator(pass, data.count);
  }

  async evaluate(): Promise<BinaryNetEvaluation> {
    const [lossSum, errors] = await this.pass.run();
    return { error: errors / this.count, loss: lossSum / this.count, count: this.count, errors };
  }

  release(): void {
    this.pass.release();
  }
}
