// The GANs' section of `npm start` (harmonium study): one GAN per loss on the ring of 8 Gaussians,
// modes covered and high-quality share after each epoch, the last epoch's samples; and one GAN on
// MNIST scored by an MLP judge. The cpu scale trains shorter, quick tiny nets (a smoke run);
// harness/gan/report.ts draws it.
import { GAN_TRAINING_LOSSES } from '../../models/gan_training.js';
import { RING_DEFAULTS } from '../data/ring.js';
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** The MNIST generator's noise width. */
const MNIST_NOISE = 64;

/** Sizes by scale. */
const MODES = {
  full: { epochs: 40, hidden: [256, 256], ringSamples: 12800, mnist: { epochs: 30, hidden: [256, 256], train: undefined, test: undefined } },
  cpu: { epochs: 12, hidden: [128, 128], ringSamples: 12800, mnist: { epochs: 5, hidden: [256, 256], train: undefined, test: undefined } },
  quick: { epochs: 1, hidden: [16], ringSamples: 640, mnist: { epochs: 1, hidden: [16], train: 200, test: 100 } },
} as const;

async function collectGan(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const ring: JsonObject[] = [];
  for (const loss of GAN_TRAINING_LOSSES) {
    ctx.phase(`gan: ${loss} on the ring`);
    const r = await ctx.run({ job: 'gan-train', data: 'ring', loss, generator: [...m.hidden], discriminator: [...m.hidden], epochs: m.epochs, ring_samples: m.ringSamples, seed: ctx.seed });
    ctx.unit(`gan ${loss}: ${String(r.modes_covered)} of ${RING_DEFAULTS.modes} modes, ${(100 * (r.high_quality as number)).toFixed(1)}% high quality after ${m.epochs} epochs`);
    const { critic_steps, history, modes_covered, high_quality, per_mode, samples, examples_per_s, lr, batch, eval_samples } = r;
    ring.push({ loss, critic_steps, history, modes_covered, high_quality, per_mode, samples, examples_per_s, lr, batch, eval_samples });
  }
  ctx.phase('gan: ns on MNIST');
  const n = m.mnist;
  const counts = { ...(n.train ? { train_count: n.train } : {}), ...(n.test ? { test_count: n.test } : {}) };
  const r = await ctx.run({ job: 'gan-train', data: 'mnist', loss: 'ns', noise: MNIST_NOISE, generator: [...n.hidden], discriminator: [...n.hidden], epochs: n.epochs, seed: ctx.seed, ...counts });
  ctx.unit(`gan ns on MNIST: classes' entropy ${(r.class_entropy as number).toFixed(3)} nats, confidence ${(r.confidence as number).toFixed(3)}`);
  const { history, class_histogram, class_entropy, confidence, judge_test_error, samples, snapshots, generator, discriminator, noise } = r;
  return { quick: ctx.scale === 'quick', epochs: m.epochs, hidden: [...m.hidden], ring_samples: m.ringSamples, ring_std: RING_DEFAULTS.std, ring, mnist: { epochs: n.epochs, noise, generator, discriminator, history, class_histogram, class_entropy, confidence, judge_test_error, samples, snapshots } };
}

export const ganReportSection: ReportSection = { name: 'gan', collect: collectGan };
