// The GANs' section of `npm start` (harmonium study): one GAN per loss on the ring of 8 Gaussians,
// modes covered and high-quality share after each epoch, the last epoch's samples; and one WGAN-GP on
// MNIST scored by an MLP judge (the non-saturating GAN collapses there onto one digit within a few
// epochs: README). The cpu scale trains shorter, quick tiny nets (a smoke run);
// harness/gan/report.ts draws it.
import { GAN_TRAINING_LOSSES } from '../../models/gan_training.js';
import { RING_DEFAULTS } from '../data/ring.js';
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** The ring run whose samples are shown across training (mode hopping and dropping), and at how many epochs. */
const ACROSS_TRAINING = { loss: 'ns', epochs: 6 } as const;

/** At most `count` snapshots evenly spaced over training, the last included. */
function evenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.round(((i + 1) * items.length) / count) - 1]);
}

/** The MNIST generator's noise width. */
const MNIST_NOISE = 64;
/** Adam's rates: the ring's runs are short for the papers' 1e-4. */
const RING_LR = 1e-3;
const MNIST_LR = 2e-4;

/** Sizes by scale. */
const MODES = {
  full: { epochs: 40, hidden: [256, 256], ringSamples: 12800, mnist: { epochs: 30, hidden: [256, 256], train: undefined, test: undefined } },
  cpu: { epochs: 12, hidden: [128, 128], ringSamples: 12800, mnist: { epochs: 8, hidden: [256, 256], train: undefined, test: undefined } },
  quick: { epochs: 2, hidden: [16], ringSamples: 640, mnist: { epochs: 1, hidden: [16], train: 400, test: 100 } },
} as const;

async function collectGan(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const ring: JsonObject[] = [];
  for (const loss of GAN_TRAINING_LOSSES) {
    ctx.phase(`gan: ${loss} on the ring`);
    const r = await ctx.run({ job: 'gan-train', data: 'ring', loss, generator: [...m.hidden], discriminator: [...m.hidden], epochs: m.epochs, ring_samples: m.ringSamples, lr: RING_LR, seed: ctx.seed });
    ctx.unit(`gan ${loss}: ${String(r.modes_covered)} of ${RING_DEFAULTS.modes} modes, ${(100 * (r.high_quality as number)).toFixed(1)}% high quality after ${m.epochs} epochs`);
    const { critic_steps, history, modes_covered, high_quality, per_mode, samples, examples_per_s, lr, batch, eval_samples } = r;
    const across: JsonObject = loss === ACROSS_TRAINING.loss ? { snapshots: evenly(r.snapshots as JsonObject[], ACROSS_TRAINING.epochs) } : {};
    ring.push({ loss, critic_steps, history, modes_covered, high_quality, per_mode, samples, examples_per_s, lr, batch, eval_samples, ...across });
  }
  ctx.phase('gan: wgan-gp on MNIST');
  const n = m.mnist;
  const counts = { ...(n.train ? { train_count: n.train } : {}), ...(n.test ? { test_count: n.test } : {}) };
  const r = await ctx.run({ job: 'gan-train', data: 'mnist', loss: 'wgan-gp', noise: MNIST_NOISE, generator: [...n.hidden], discriminator: [...n.hidden], epochs: n.epochs, lr: MNIST_LR, seed: ctx.seed, ...counts });
  ctx.unit(`gan wgan-gp on MNIST: classes' entropy ${(r.class_entropy as number).toFixed(3)} nats, confidence ${(r.confidence as number).toFixed(3)}`);
  const { loss, lr, history, class_histogram, class_entropy, confidence, judge_test_error, samples, snapshots, generator, discriminator, noise } = r;
  return { quick: ctx.scale === 'quick', epochs: m.epochs, hidden: [...m.hidden], ring_samples: m.ringSamples, ring_std: RING_DEFAULTS.std, ring, mnist: { loss, lr, epochs: n.epochs, noise, generator, discriminator, history, class_histogram, class_entropy, confidence, judge_test_error, samples, snapshots } };
}

export const ganReportSection: ReportSection = { name: 'gan', collect: collectGan };
