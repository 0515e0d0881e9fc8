// Training a GAN (models/gan.ts) on the training core (models/training.ts). One step is the
// algorithm's outer iteration: `criticSteps` updates of the discriminator, each on a batch of real
// examples of its own (the epoch's permutation read with a stride) and fresh noise, then one update of
// the generator on fresh noise. The losses (engine/ops/gan_loss.ts, on D's raw outputs):
//   minimax, ns   D: -log D(x) - log(1 - D(G(z)))    G: log(1 - D(G(z))) (minimax), -log D(G(z)) (ns)
//   ls            D: (D(x) - 1)^2 / 2 + D(G(z))^2 / 2    G: (D(G(z)) - 1)^2 / 2           (Mao et al. 2017)
//   wgan          D: D(G(z)) - D(x), its weights clipped to [-clip, clip] after each update; G: -D(G(z))
//   wgan-gp       wgan's, with lambda (||grad D(x^)|| - 1)^2 at x^ = G(z) + u (x - G(z)), u ~ U(0, 1)
//                 per row, instead of clipping (Gulrajani et al. 2017: the double backward,
//                 models/input_gradient.ts)
//   hinge         D: max(0, 1 - D(x)) + max(0, 1 + D(G(z)))    G: -D(G(z))             (Lim & Ye 2017)
// Adam for both networks (beta1 0.5, beta2 0.9 by default, WGAN-GP's), its bias correction counting
// steps: the critic's updates within a step share the step's count. The batches, the noise, the
// interpolation and Adam follow the step, so a checkpoint resumes bit for bit.
import { InputError, type KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import { addBinary, addOptimizerStep, addSample, addUnary, optimizerState, type OptimizerOptions, type ReduceTarget } from '../engine/ops/index.js';
import { addGanLoss, addGradientPenalty, type GanLoss } from '../engine/ops/gan_loss.js';
import { addStackBackward, addStackForward, type DenseLayer } from './dense.js';
import { Gan, GAN_CALLS, MAX_CRITIC_STEPS } from './gan.js';
import { InputGradient } from './input_gradient.js';
import { addBatchGather, type DeviceDataset } from './minibatch.js';
import { checkOption, checkOptions, oneOf, real, whole, type CheckedOptions } from './options.js';
import { building, type Owned, type Releasable } from './owned.js';
import { Trainer, TRAINING_RULES, type TrainedEpoch, type TrainingPlan } from './training.js';

export const GAN_TRAINING_LOSSES = ['minimax', 'ns', 'ls', 'wgan', 'wgan-gp', 'hinge'] as const;
export type GanTrainingLoss = (typeof GAN_TRAINING_LOSSES)[number];

/** Critic updates per generator update when not given: the Wasserstein critics' 5 (Arjovsky et al., Gulrajani et al.), else 1. */
export const defaultCriticSteps = (loss: GanTrainingLoss): number => (loss === 'wgan' || loss === 'wgan-gp' ? 5 : 1);

/** The training options' rules: kinds, ranges and defaults (the CLI's flags are made from them). */
export const GAN_TRAINING = {
  ...TRAINING_RULES,
  batch: whole({ positive: true, default: 64 }),
  epochs: whole({ positive: true, default: 20 }),
  loss: oneOf(GAN_TRAINING_LOSSES, { default: 'ns' }),
  lr: real({ min: 0, minOpen: true, default: 1e-4 }),
  beta1: real({ min: 0, max: 1, maxOpen: true, default: 0.5 }),
  beta2: real({ min: 0, max: 1, maxOpen: true, default: 0.9 }),
  clip: real({ min: 0, minOpen: true, default: 0.01 }),
  penalty: real({ min: 0, minOpen: true, default: 10 }),
} as const;

/** criticSteps' range (its default is defaultCriticSteps of the loss). */
export const CRITIC_STEPS = whole({ min: 1, max: MAX_CRITIC_STEPS });

export interface GanTrainingOptions {
  loss: GanTrainingLoss;
  /** Adam's learning rate, both networks. */
  lr: number;
  beta1?: number;
  beta2?: number;
  /** Real examples per critic update. */
  batch: number;
  seed: number;
  epochs: number;
  /** Critic updates per generator update (default defaultCriticSteps(loss)). */
  criticSteps?: number;
  /** wgan: the critic's weights and biases are clipped to [-clip, clip] (default 0.01). */
  clip?: number;
  /** wgan-gp: the penalty's weight lambda (default 10). */
  penalty?: number;
}

export type CheckedGanTraining = CheckedOptions<typeof GAN_TRAINING> & { criticSteps: number };

/** Training examples one step reads: a batch per critic update. */
export const ganExamplesPerStep = (o: Pick<CheckedGanTraining, 'batch' | 'criticSteps'>): number => o.batch * o.criticSteps;

export function validateGanTraining(o: GanTrainingOptions): CheckedGanTraining {
  const where = 'gan training: ';
  const checked = checkOptions(GAN_TRAINING, o, where);
  const criticSteps = checkOption(CRITIC_STEPS, o.criticSteps ?? defaultCriticSteps(checked.loss), 'criticSteps', where);
  return { ...checked, criticSteps };
}

/** Adam's state slots. */
export const GAN_OPTIMIZER_STATE: readonly string[] = optimizerState({ kind: 'adam', lr: 0 });

const GAN_METRICS = {
  /** Each step's mean discriminator loss over its last critic batch (without the penalty). */
  d_loss: { per: 'step' },
  /** Each step's mean generator loss. */
  g_loss: { per: 'step' },
  /** wgan-gp: each step's mean gradient penalty over its last critic batch (0 otherwise). */
  penalty: { per: 'step' },
} as const;

export type GanEpoch = TrainedEpoch<typeof GAN_METRICS>;

/** A pass of a stack over a batch: its outputs and their gradients. */
interface StackTensors {
  outputs: Tensor[];
  grads: Tensor[];
}

async function stackTensors(ctx: RunContext, owned: Owned, layers: readonly DenseLayer[], rows: number, label: string): Promise<StackTensors> {
  const each = (what: string) => Promise.all(layers.map((l) => owned.add(ctx.pool.tensor(`gan ${label} ${l.name} ${what}`, 'f32', [rows, l.outputs]))));
  return { outputs: await each('output'), grads: await each('grad') };
}

const lastOf = (t: readonly Tensor[]): Tensor => t[t.length - 1];

/**
 * Trains a Gan on a DeviceDataset of examples (f32 rows, or bytes read as intensities).
 *
 *   const gan = await Gan.create(ctx, config, { seed: 1, state: GAN_OPTIMIZER_STATE });
 *   const trainer = await GanTrainer.create(ctx, gan, train, { loss: 'wgan-gp', lr: 1e-4, batch: 64, seed: 1, epochs: 20 });
 *   while (trainer.epoch < 20) console.log(await trainer.trainEpoch());
 */
export class GanTrainer extends Trainer<typeof GAN_METRICS> {
  static async create(ctx: RunContext, gan: Gan, data: DeviceDataset, options: GanTrainingOptions): Promise<GanTrainer> {
    const o = validateGanTraining(options);
    if (data.width !== gan.config.width) throw new InputError(`gan training: the data has ${data.width} values per example, the model ${gan.config.width}`);
    const n = o.criticSteps;
    const rows = o.batch;
    const perStep = ganExamplesPerStep(o);
    if (perStep > data.count) throw new InputError(`gan training: ${n} critic batches of ${rows} need ${perStep} examples per step; the data has ${data.count}`);
    const lossKind: GanLoss = o.loss === 'wgan-gp' ? 'wgan' : o.loss;
    const plan: TrainingPlan<typeof GAN_METRICS> = {
      name: 'gan training',
      params: gan.params,
      examples: data.count,
      // A step reads n batches: the permutation is cut into steps of n x batch.
      batch: perStep,
      epochs: o.epochs,
      seed: o.seed,
      metrics: GAN_METRICS,
      loss: ['d_loss', 'g_loss'],
      async setup({ ctx: c, owned, order, metrics, schedule }) {
        const f32 = (label: string, shape: number[]) => owned.add(c.pool.tensor(`gan ${label}`, 'f32', shape));
        const real = await f32('real batch', [rows, data.width]);
        const noise = await f32('noise', [rows, gan.config.noise]);
        const gen = await stackTensors(c, owned, gan.generator, rows, 'generator');
        const onReal = await stackTensors(c, owned, gan.discriminator, rows, 'discriminator on real');
        const onFake = await stackTensors(c, owned, gan.discriminator, rows, 'discriminator on fake');
        const gp = o.loss === 'wgan-gp' ? { u: await f32('interpolation weights', [rows, 1]), mix: await f32('interpolates', [rows, data.width]), grad: await owned.add(InputGradient.create(c, gan.discriminator, rows)) } : null;
        const lr = await schedule('lr', o.lr);
        const adam = (network: 'generator' | 'discriminator'): OptimizerOptions => ({ kind: 'adam', lr, beta1: o.beta1, beta2: o.beta2, update: gan.names(network) });
        const batches = Math.floor(data.count / perStep);
        const fake = lastOf(gen.outputs);
        return async (graph) => {
          for (let j = 0; j < n; j++) {
            await owned.add(addBatchGather(graph, c, { data, indices: order, x: real, batchSize: rows, first: j * rows, stride: n * rows, batches }));
            await owned.add(gan.addGenerate(graph, c, { noise, outputs: gen.outputs, rows, seed: o.seed, call: j }));
            await owned.add(addStackForward(graph, c, gan.discriminator, { x: real, outputs: onReal.outputs, rows }));
            await owned.add(addStackForward(graph, c, gan.discriminator, { x: fake, outputs: onFake.outputs, rows }));
            await owned.add(addGanLoss(graph, c, { loss: lossKind, role: 'discriminator', real: lastOf(onReal.outputs), fake: lastOf(onFake.outputs), gradReal: lastOf(onReal.grads), gradFake: lastOf(onFake.grads), gradScale: 1 / rows, meanLoss: metrics.d_loss }));
            await owned.add(addStackBackward(graph, c, gan.discriminator, { x: real, ...onReal, rows }));
            await owned.add(addStackBackward(graph, c, gan.discriminator, { x: fake, ...onFake, rows, accumulate: true }));
            if (gp) await owned.add(addInterpolatedPenalty(graph, c, { ...gp, real, fake, rows, seed: o.seed, call: GAN_CALLS.interpolation + j, lambda: o.penalty, meanLoss: metrics.penalty }));
            await owned.add(addOptimizerStep(graph, c, gan.params, adam('discriminator')));
            if (o.loss === 'wgan') for (const p of gan.names('discriminator')) await owned.add(addUnary(graph, c, { op: 'clamp', x: gan.params.get(p).value, out: gan.params.get(p).value, lo: -o.clip, hi: o.clip }));
          }
          // The generator: fresh noise through D, the loss's gradient back through D into the samples, then through G.
          await owned.add(gan.addGenerate(graph, c, { noise, outputs: gen.outputs, rows, seed: o.seed, call: GAN_CALLS.generator }));
          await owned.add(addStackForward(graph, c, gan.discriminator, { x: fake, outputs: onFake.outputs, rows }));
          await owned.add(addGanLoss(graph, c, { loss: lossKind, role: 'generator', fake: lastOf(onFake.outputs), gradFake: lastOf(onFake.grads), gradScale: 1 / rows, meanLoss: metrics.g_loss }));
          await owned.add(addStackBackward(graph, c, gan.discriminator, { x: fake, ...onFake, dx: lastOf(gen.grads), inputOnly: true, rows }));
          await owned.add(addStackBackward(graph, c, gan.generator, { x: noise, ...gen, rows }));
          await owned.add(addOptimizerStep(graph, c, gan.params, adam('generator')));
        };
      },
    };
    return new GanTrainer(await Trainer.prepare(ctx, plan));
  }
}

/** What WGAN-GP's penalty step reads and writes: u [rows, 1] and x^ [rows, width] are its scratch, `grad` the critic's input gradient. */
export interface InterpolatedPenalty {
  u: Tensor;
  mix: Tensor;
  grad: InputGradient;
  real: Tensor;
  fake: Tensor;
  rows: number;
  /** The Philox stream of u: seed, the step (the iteration), call. */
  seed: number;
  call: number;
  lambda: number;
  meanLoss?: ReduceTarget;
}

/** WGAN-GP's penalty at x^ = fake + u (real - fake), u ~ U(0, 1) per row, its gradients (over 1 / rows) added to the critic's. */
export function addInterpolatedPenalty(graph: KernelGraph, ctx: RunContext, o: InterpolatedPenalty): Promise<Releasable> {
  return building(async (owned) => {
    await owned.add(addSample(graph, ctx, { distribution: 'uniform', output: o.u, seed: o.seed, step: 0, call: o.call }));
    await owned.add(addBinary(graph, ctx, { op: 'sub', a: o.real, b: o.fake, out: o.mix }));
    await owned.add(addBinary(graph, ctx, { op: 'mul', a: o.mix, b: o.u, out: o.mix }));
    await owned.add(addBinary(graph, ctx, { op: 'add', a: o.mix, b: o.fake, out: o.mix }));
    await owned.add(o.grad.addForward(graph, ctx, o.mix));
    await owned.add(o.grad.addInputGradient(graph, ctx));
    await owned.add(addGradientPenalty(graph, ctx, { grad: o.grad.input, gradOut: o.grad.dInput, lambda: o.lambda, gradScale: 1 / o.rows, meanLoss: o.meanLoss }));
    await owned.add(o.grad.addBackward(graph, ctx));
    return owned;
  });
}
