// `gan train`: a GAN (models/gan.ts) trained on --data ring (the ring of 8 Gaussians, drawn from --seed)
// or mnist (our split's training digits as intensities), the training feature's adapter (harness/train).
// After every epoch --eval-samples samples from the same noise are scored: on the ring the modes
// covered and the high-quality share, on MNIST by an MLP judge trained on the same digits at the start
// (harness/gan/score.ts). The model file holds gen{i}.*, disc{i}.*, Adam's m/ and v/, and
//   d_loss, g_loss, penalty F32 [steps]    each step's mean losses (the critic's last batch)
//   modes_covered, high_quality F64 [epochs]   (the ring; NaN on MNIST)
//   class_entropy, confidence F64 [epochs]     (MNIST; NaN on the ring)
// with metadata model 'gan', width, noise, generator, discriminator, activation, output and the run's
// settings.
import type { RunContext } from '../../engine/index.js';
import { Gan, readGanConfig, validateGanConfig, type GanConfig } from '../../models/gan.js';
import { GAN_OPTIMIZER_STATE, ganExamplesPerStep, GanTrainer, validateGanTraining, type GanEpoch, type GanTrainingOptions } from '../../models/gan_training.js';
import { DeviceDataset, type LabelledBytes } from '../../models/minibatch.js';
import { mean } from '../../models/stats.js';
import type { JobContext } from '../backends/context.js';
import { labelledBytes } from '../data/dataset.js';
import { makeRing, RING_DEFAULTS, RING_STD, scoreRing } from '../data/ring.js';
import { checkOption } from '../../models/options.js';
import { loadData, type DataSplit } from '../data/source.js';
import { imageGrid } from '../io/image_grid.js';
import { toBase64 } from '../io/base64.js';
import type { Json, JsonObject } from '../io/json.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { perEpoch, perStep } from '../train/history.js';
import { GAN_TRAIN_FLAGS, SNAPSHOT_DIGITS, SNAPSHOT_POINTS } from './flags.js';
import { scoreSamples, trainJudge } from './score.js';

type Params = TrainParams<typeof GAN_TRAIN_FLAGS>;

/** The Philox seed of the samples scored after each epoch: the same noise every epoch and run. */
export const GAN_EVAL_SEED = 2017;

export const ganConfigOf = (p: Pick<Params, 'data' | 'noise' | 'generator' | 'discriminator' | 'activation'>): GanConfig => ({
  width: p.data === 'ring' ? 2 : 784,
  noise: p.noise,
  generator: p.generator,
  discriminator: p.discriminator,
  activation: p.activation,
  output: p.data === 'ring' ? 'identity' : 'sigmoid',
});

export const ganTrainingOf = (p: Params): GanTrainingOptions => ({ loss: p.loss, lr: p.lr, beta1: p.beta1, beta2: p.beta2, batch: p.batch, seed: p.seed, epochs: p.epochs, criticSteps: p['critic-steps'], clip: p.clip, penalty: p.penalty });

/** The training examples as the device takes them. */
type GanData = { kind: 'ring'; rows: { values: Float32Array; labels: Uint8Array; count: number; width: number } } | { kind: 'mnist'; train: LabelledBytes; test: LabelledBytes; side: number };

/** The ring's examples, or MNIST's split (the judge's test digits in `test`). */
async function generate(ctx: JobContext, p: Params): Promise<DataSplit> {
  if (p.data === 'mnist') return loadData(ctx.gpu.adapter.runtime, { data: 'mnist', 'train-count': p['train-count'], 'test-count': p['test-count'] });
  const count = p['ring-samples'];
  const ring = makeRing({ samples: count, std: p['ring-std'], seed: p.seed });
  const dataset = { images: ring.values, labels: ring.labels, count, rows: 1, cols: 2 };
  return { train: dataset, test: { ...dataset, count: 0, images: new Float32Array(0), labels: new Uint8Array(0) }, note: `ring of ${RING_DEFAULTS.modes} Gaussians, radius ${RING_DEFAULTS.radius}, std ${p['ring-std']}: ${count} examples, seed ${p.seed}` };
}

const dataSettings = (p: Params) => ({ data: p.data, ...(p.data === 'ring' ? { ring_samples: String(p['ring-samples']), ring_std: String(p['ring-std']) } : {}) });

/** Samples for a picture: points (x, y pairs) on the ring, or a grid of digits. */
function snapshot(samples: Float32Array, data: GanData): Json {
  if (data.kind === 'ring') return Array.from(samples.subarray(0, 2 * SNAPSHOT_POINTS), (v) => Math.round(v * 1e4) / 1e4);
  const grid = imageGrid(samples, { count: SNAPSHOT_DIGITS, height: data.side, width: data.side, columns: 8 });
  return { width: grid.width, height: grid.height, pixels_base64: toBase64(grid.pixels) };
}

export const GAN_FEATURE: TrainingFeature<typeof GAN_TRAIN_FLAGS, Gan, GanEpoch, GanData> = {
  name: 'gan',
  summary: 'train a generative adversarial net (minimax, ns, ls, wgan, wgan-gp or hinge) on the ring of 8 Gaussians or on MNIST, on the GPU',
  details: `An MLP generator (noise z ~ N(0, I) -> --generator hidden layers -> an example: identity outputs on the
ring, sigmoid on MNIST) against an MLP discriminator (--discriminator hidden layers -> one output). Each
step: --critic-steps critic updates, each on a real batch of its own and fresh noise, then one
generator update; Adam for both. wgan clips the critic's weights to [-C, C]; wgan-gp adds lambda
(||grad D(x^)|| - 1)^2 at random interpolates of real and generated examples (the double backward of the
critic's dense layers). After each epoch, --eval-samples samples from the same noise are scored: on the
ring, modes_covered (modes holding at least 1/16 of their fair share of high-quality samples) and
high_quality (the share within 3 std of its nearest mode); on MNIST, by an MLP 784-256-10 trained on
the same digits at the start: its class histogram, the histogram's entropy (nats; ln 10 = 2.303 is
uniform) and its mean confidence. With --json the object holds data, loss, critic_steps, generator,
discriminator, noise, lr, batch, seed, epochs, steps_per_epoch, d_loss, g_loss, penalty (per step),
history (per epoch), the last epoch's scores (modes_covered, high_quality, per_mode; or
class_histogram, class_entropy, confidence, unclassified, judge_test_error), samples (500 points or an 8 x 8
grid of digits) and snapshots (each epoch's samples so, as { epoch, samples }), examples_per_s, wall_ms, adapter, backend. gan sample draws from the model file.`,
  flags: GAN_TRAIN_FLAGS,
  check(p) {
    checkOption(RING_STD, p['ring-std'], 'ring-std', 'gan train: ');
    validateGanConfig(ganConfigOf(p));
    validateGanTraining(ganTrainingOf(p));
  },
  readConfig: readGanConfig,
  generate,
  knownSettings: dataSettings,
  prepare: async (_runtime, p, split) =>
    p.data === 'ring'
      ? { kind: 'ring', rows: { values: split.train.images as Float32Array, labels: split.train.labels, count: split.train.count, width: 2 } }
      : { kind: 'mnist', train: labelledBytes(split.train), test: labelledBytes(split.test), side: split.train.rows },
  create: (ctx, p) => Gan.create(ctx, ganConfigOf(p), { seed: p.seed, state: GAN_OPTIMIZER_STATE }),
  restore: (ctx, bytes, source) => Gan.fromSafetensors(ctx, bytes, source).then(({ gan, ...file }) => ({ model: gan, ...file })),
  settings: (p) => ({
    ...dataSettings(p),
    loss: p.loss,
    critic_steps: String(validateGanTraining(ganTrainingOf(p)).criticSteps),
    lr: String(p.lr),
    beta1: String(p.beta1),
    beta2: String(p.beta2),
    batch: String(p.batch),
    seed: String(p.seed),
    ...(p.loss === 'wgan' ? { clip: String(p.clip) } : {}),
    ...(p.loss === 'wgan-gp' ? { penalty: String(p.penalty) } : {}),
    eval_samples: String(p['eval-samples']),
  }),
  flagNames: { critic_steps: 'critic-steps', ring_samples: 'ring-samples', ring_std: 'ring-std', eval_samples: 'eval-samples' },
  modelSettings: (gan) => ({ generator: JSON.stringify(gan.config.generator), discriminator: JSON.stringify(gan.config.discriminator), noise: String(gan.config.noise), activation: gan.config.activation }),
  examplesPerStep: (p) => ganExamplesPerStep(validateGanTraining(ganTrainingOf(p))),
  series: [...perStep('d_loss', 'g_loss', 'penalty'), ...perEpoch('modes_covered', 'high_quality', 'class_entropy', 'confidence')],
  async start(ctx, gan, p, data, owned) {
    const train = await owned.add(data.kind === 'ring' ? DeviceDataset.uploadRows(ctx, data.rows, 'ring') : DeviceDataset.upload(ctx, data.train, 'train'));
    const judge = data.kind === 'mnist' ? await trainJudge(ctx, data.train, data.test) : null;
    if (judge) {
      await owned.add(judge.mlp);
      ctx.onUnit?.(`judge: an MLP 784-256-10 trained on the same digits, test error ${(100 * judge.testError).toFixed(2)}%`);
    }
    const trainer = await owned.add(GanTrainer.create(ctx, gan, train, ganTrainingOf(p)));
    const count = p['eval-samples'];
    let last: JsonObject = {};
    // Each epoch's samples of this run, for pictures across training (a resumed run's earlier epochs are not redrawn).
    const snapshots: Json[] = [];
    return {
      trainer,
      async record(epoch) {
        const samples = await gan.sample(ctx as RunContext, count, GAN_EVAL_SEED);
        const losses = `D ${mean(epoch.d_loss).toFixed(4)}, G ${mean(epoch.g_loss).toFixed(4)}${p.loss === 'wgan-gp' ? `, penalty ${mean(epoch.penalty).toFixed(4)}` : ''}`;
        const head = `epoch ${epoch.epoch + 1}/${p.epochs}: ${losses}`;
        const steps = { d_loss: epoch.d_loss, g_loss: epoch.g_loss, penalty: epoch.penalty };
        if (!judge) {
          const s = scoreRing(samples, { std: p['ring-std'] });
          last = { modes_covered: s.modesCovered, high_quality: s.highQuality, per_mode: s.perMode, samples: snapshot(samples, data) };
          snapshots.push({ epoch: epoch.epoch + 1, samples: last.samples });
          return { values: { ...steps, modes_covered: s.modesCovered, high_quality: s.highQuality, class_entropy: NaN, confidence: NaN }, line: () => `${head}; modes covered ${s.modesCovered}/${RING_DEFAULTS.modes}, high quality ${(100 * s.highQuality).toFixed(1)}%` };
        }
        const s = await scoreSamples(ctx as RunContext, judge.mlp, samples, count);
        last = { class_histogram: s.histogram, class_entropy: s.entropy, confidence: s.confidence, unclassified: s.invalid, judge_test_error: judge.testError, samples: snapshot(samples, data) };
        snapshots.push({ epoch: epoch.epoch + 1, samples: last.samples });
        return { values: { ...steps, modes_covered: NaN, high_quality: NaN, class_entropy: s.entropy, confidence: s.confidence }, line: () => `${head}; classes' entropy ${s.entropy.toFixed(3)} nats (uniform 2.303), confidence ${s.confidence.toFixed(3)}` };
      },
      finish: async () => ({ ...last, snapshots }),
    };
  },
  result(gan, h, p) {
    const epochs = h.modes_covered.length;
    const ring = p.data === 'ring';
    return {
      model: 'gan',
      data: p.data,
      loss: p.loss,
      critic_steps: validateGanTraining(ganTrainingOf(p)).criticSteps,
      generator: gan.config.generator as number[],
      discriminator: gan.config.discriminator as number[],
      noise: gan.config.noise,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      eval_samples: p['eval-samples'],
      history: Array.from({ length: epochs }, (_, e): Json => (ring ? { epoch: e + 1, modes_covered: h.modes_covered[e], high_quality: h.high_quality[e] } : { epoch: e + 1, class_entropy: h.class_entropy[e], confidence: h.confidence[e] })),
      d_loss: h.d_loss,
      g_loss: h.g_loss,
      penalty: h.penalty,
    };
  },
  report: (r) => ({
    title: `GAN (${String(r.loss)}, ${String(r.critic_steps)} critic step${r.critic_steps === 1 ? '' : 's'}) on ${String(r.data)}: G ${String(r.noise)}-${(r.generator as number[]).join('-')}, D ${(r.discriminator as number[]).join('-')}-1, Adam lr ${r.lr}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs`,
    lines:
      r.data === 'ring'
        ? [['modes covered', `${String(r.modes_covered)} of ${RING_DEFAULTS.modes} (${(r.per_mode as number[]).join(', ')} high-quality samples per mode)`], ['high quality', `${(100 * (r.high_quality as number)).toFixed(1)}% of ${String(r.eval_samples)} samples within 3 std of a mode`]]
        : [['judge', `classes ${(r.class_histogram as number[]).join(', ')}; entropy ${(r.class_entropy as number).toFixed(3)} nats (uniform 2.303), mean confidence ${(r.confidence as number).toFixed(3)} (judge's test error ${(100 * (r.judge_test_error as number)).toFixed(2)}%)`]],
  }),
};
