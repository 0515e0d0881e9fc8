// Training and evaluating an autoencoder (models/autoencoder.ts) on a DeviceDataset. Training is the
// training core's (models/training.ts) with one step: gather, corruption, forward, loss, backward, Adam.
// Evaluation: every example in order, optionally corrupted by a fixed stream, the mean cross-entropy
// and the mean squared error per example of the reconstruction against the clean input.
import { InputError, KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addOptimizerStep, addReduce, addSigmoidCrossEntropy, addUnary } from '../engine/ops/index.js';
import { validateNoise, type Autoencoder, type AutoencoderBatch, type AutoencoderNoise } from './autoencoder.js';
import { EvaluationPass } from './evaluation_pass.js';
import { addBatchGather, batchParts, type DeviceDataset } from './minibatch.js';
import { checkOptions, real, type CheckedOptions } from './options.js';
import { Owned, type Releasable } from './owned.js';
import { Trainer, TRAINING_RULES, type TrainedEpoch, type TrainingPlan } from './training.js';


/** The training options' rules: kinds, ranges and defaults (the CLI's flags are made from them). */
export const AUTOENCODER_TRAINING = {
  ...TRAINING_RULES,
  lr: real({ min: 0, minOpen: true, default: 1e-3 }),
  contractive: real({ min: 0, default: 0 }),
  codeNoise: real({ min: 0, default: 0 }),
} as const;

export interface AutoencoderTrainingOptions {
  lr: number;
  batch: number;
  seed: number;
  /** Epochs the run reaches; the metrics have a slot for every step up to there. */
  epochs: number;
  /** Input corruption (default none: a plain autoencoder). */
  noise?: AutoencoderNoise;
  /** Weight lambda of the contractive penalty (default 0). */
  contractive?: number;
  /** Std of the Gaussian noise added to a sigmoid code layer's input while training (default 0: none); semantic hashing's binary codes. */
  codeNoise?: number;
}

export type CheckedAutoencoderTraining = CheckedOptions<typeof AUTOENCODER_TRAINING> & { noise: AutoencoderNoise };

/**
 * Checks training options with defaults filled in (InputErrors naming the option).
 *
 *   validateAutoencoderTraining({ lr: 1e-3, batch: 100, seed: 1, epochs: 10, noise: { kind: 'mask', rate: 0.5 } });
 */
export function validateAutoencoderTraining(o: AutoencoderTrainingOptions): CheckedAutoencoderTraining {
  const checked = checkOptions(AUTOENCODER_TRAINING, o, 'autoencoder training: ', { contractive: 'the contractive weight', codeNoise: 'the code noise' });
  return { ...checked, noise: validateNoise(o.noise ?? { kind: 'none' }) };
}

const AUTOENCODER_METRICS = {
  /** Each step's mean cross-entropy (nats per example). */
  losses: { per: 'step' },
  /** Each step's mean ||J||_F^2 (without lambda); zeros without the penalty. */
  contractive: { per: 'step' },
} as const;

export type AutoencoderEpoch = TrainedEpoch<typeof AUTOENCODER_METRICS>;

/**
 * Trains an autoencoder (the training core, models/training.ts): each step gathers its batch,
 * corrupts it, reconstructs it and takes an Adam step on the loss (and the contractive penalty).
 *
 *   const ae = await Autoencoder.create(ctx, { layers: [784, 256] }, { seed: 1, state: ['m', 'v'] });
 *   const trainer = await AutoencoderTrainer.create(ctx, ae, train, { lr: 1e-3, batch: 100, seed: 1, epochs: 5, noise: { kind: 'mask', rate: 0.5 } });
 *   while (trainer.epoch < 5) await trainer.trainEpoch();
 */
export class AutoencoderTrainer extends Trainer<typeof AUTOENCODER_METRICS> {
  static async create(ctx: RunContext, ae: Autoencoder, data: DeviceDataset, options: AutoencoderTrainingOptions): Promise<AutoencoderTrainer> {
    const o = validateAutoencoderTraining(options);
    if (data.width !== ae.inputs) throw new InputError(`autoencoder training: the data has ${data.width} values per example, the model ${ae.inputs} inputs`);
    const plan: TrainingPlan<typeof AUTOENCODER_METRICS> = {
      name: 'autoencoder training',
      params: ae.params,
      examples: data.count,
      ...o,
      metrics: AUTOENCODER_METRICS,
      loss: ['losses'],
      async setup({ owned, order, metrics, schedule }) {
        const b = await owned.add(ae.batch(ctx, o.batch, { training: true, noise: o.noise, contractive: o.contractive > 0, codeNoise: o.codeNoise > 0 }));
        const lr = await schedule('lr', o.lr);
        return async (graph) => {
          await owned.add(addBatchGather(graph, ctx, { data, indices: order, x: b.x, batchSize: o.batch }));
          await owned.add(ae.addGradients(graph, ctx, b, { noise: o.noise, seed: o.seed, contractive: o.contractive, codeNoise: o.codeNoise, metrics: { loss: metrics.losses, contractive: metrics.contractive } }));
          await owned.add(addOptimizerStep(graph, ctx, ae.params, { kind: 'adam', lr }));
        };
      },
    };
    return new AutoencoderTrainer(await Trainer.prepare(ctx, plan));
  }
}

/** Reconstruction quality over a dataset, per example. */
export interface AutoencoderEvaluation {
  /** Mean cross-entropy of the reconstruction against the clean input (nats). */
  crossEntropy: number;
  /** Mean over the examples of sum over the pixels of (x_hat - x)^2, x_hat = sigmoid(logits). */
  squaredError: number;
  count: number;
}

/**
 * Evaluates an autoencoder on every example of a DeviceDataset, in order; with `noise`, the inputs
 * are corrupted by a fixed stream (seed, call 1) and the reconstructions compared with the clean ones.
 *
 *   const masked = await AutoencoderEvaluator.create(ctx, ae, test, { noise: { kind: 'mask', rate: 0.5 }, seed: 7 });
 *   const { squaredError } = await masked.evaluate();
 */
export class AutoencoderEvaluator implements Releasable {
  private constructor(
    private readonly pass: EvaluationPass,
    /** The first part's batch: what examples() reads after one run of its first batch. */
    private readonly first: AutoencoderBatch,
    readonly count: number,
  ) {}

  static async create(ctx: RunContext, ae: Autoencoder, data: DeviceDataset, o: { noise?: AutoencoderNoise; seed?: number; batch?: number } = {}): Promise<AutoencoderEvaluator> {
    if (data.width !== ae.inputs) throw new InputError(`autoencoder evaluation: the data has ${data.width} values per example, the model ${ae.inputs} inputs`);
    const noise = validateNoise(o.noise ?? { kind: 'none' });
    // The first batch, kept for examples().
    let first: AutoencoderBatch | undefined;
    const pass = await EvaluationPass.create(ctx, data.count, {
      name: 'autoencoder evaluation',
      batch: o.batch ?? 500,
      // The mean cross-entropy, the squared error summed over the examples.
      metrics: ['mean', 'sum'],
      part: async (graph, p, slot, owned) => {
        const b = await owned.add(ae.batch(ctx, p.rows, { noise }));
        first ??= b;
        const probabilities = await owned.add(ctx.pool.tensor('autoencoder eval probabilities', 'f32', [p.rows, ae.inputs]));
        await owned.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x: b.x, batchSize: p.rows, first: p.first, batches: p.batches }));
        await owned.add(ae.addCorruption(graph, ctx, b, noise, { seed: o.seed ?? 0, call: 1 }));
        await owned.add(ae.addForward(graph, ctx, b));
        const logits = b.decoded[b.decoded.length - 1];
        await owned.add(addUnary(graph, ctx, { op: 'sigmoid', x: logits, out: probabilities }));
        await owned.add(addBinary(graph, ctx, { op: 'sub', a: probabilities, b: b.x, out: probabilities }));
        await owned.add(addReduce(graph, ctx, { op: 'sumsq', per: 'all', x: probabilities, ...slot(1) }));
        await owned.add(addSigmoidCrossEntropy(graph, ctx, { logits, targets: b.x, losses: b.losses, meanLoss: slot(0) }));
      },
    });
    return new AutoencoderEvaluator(pass, first!, data.count);
  }

  async evaluate(): Promise<AutoencoderEvaluation> {
    const [crossEntropySum, squaredErrorSum] = await this.pass.run();
    return { crossEntropy: crossEntropySum / this.count, squaredError: squaredErrorSum / this.count, count: this.count };
  }

  /**
   * The first `count` examples (at most one batch) as evaluate() sees them: the clean inputs, the
   * corrupted ones the encoder read, and the reconstructions (pixel probabilities), count x inputs each.
   *
   *   const { corrupted, reconstructed } = await masked.examples(10);
   */
  async examples(count: number): Promise<{ clean: Float32Array; corrupted: Float32Array; reconstructed: Float32Array }> {
    if (!(Number.isInteger(count) && count >= 1 && count <= this.first.rows)) {
      throw new InputError(`autoencoder examples: count must be an integer in [1, ${this.first.rows}], got ${count}`);
    }
    // The first batch again, with the same gather and noise stream as evaluate()'s first batch.
    await this.pass.runFirstBatch();
    const b = this.first;
    const width = b.x.shape[1];
    const read = async (t: Tensor) => new Float32Array(await t.read()).slice(0, count * width);
    const logits = await read(b.decoded[b.decoded.length - 1]);
    return { clean: await read(b.x), corrupted: await read(b.corrupted), reconstructed: logits.map((l) => 1 / (1 + Math.exp(-l))) };
  }

  release(): void {
    this.pass.release();
  }
}

/**
 * The code of every example of `data`, in order (count x code, row-major): the encoder's pass
 * (no noise) in batches of `batch` rows, each read back once.
 *
 *   const codes = await encodeDataset(ctx, ae, test);   // 10000 x 30
 */
export async function encodeDataset(ctx: RunContext, ae: Autoencoder, data: DeviceDataset, o: { batch?: number } = {}): Promise<Float32Array> {
  if (data.width !== ae.inputs) throw new InputError(`autoencoder codes: the data has ${data.width} values per example, the model ${ae.inputs} inputs`);
  const out = new Float32Array(data.count * ae.code);
  const owned = new Owned();
  try {
    for (const p of batchParts(data.count, o.batch ?? 1000, 'autoencoder codes')) {
      const b = await owned.add(ae.batch(ctx, p.rows));
      const graph = new KernelGraph('autoencoder codes');
      await owned.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x: b.x, batchSize: p.rows, first: p.first, batches: p.batches }));
      await owned.add(ae.addEncode(graph, ctx, b));
      const code = b.encoded[b.encoded.length - 1];
      for (let batch = 0; batch < p.batches; batch++) {
        await ctx.scheduler.run(graph, { firstIteration: batch });
        out.set(new Float32Array(await code.read()), (p.first + batch * p.rows) * ae.code);
      }
    }
    return out;
  } finally {
    owned.release();
  }
}
