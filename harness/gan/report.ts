// The GANs' section of the report page (data from harness/gan/study.ts): modes covered on the ring per
// loss (a table and a chart per epoch), each loss's last samples on the ring, and the MNIST run's
// digits and its judge's scores.
import type { JsonObject } from '../io/json.js';
import { chart, figure, fmt, rasterFigure, section, table } from '../report/charts.js';
import { sideBySide } from '../io/raster.js';
import { ringRaster } from './ring_plot.js';
import { RING_DEFAULTS } from '../data/ring.js';

type History = Array<Record<string, number>>;

export function ganSection(data: JsonObject): void {
  const ring = data.ring as JsonObject[];
  const sec = section(
    `Generative adversarial nets: mode coverage on the ring of ${RING_DEFAULTS.modes} Gaussians${data.quick ? ' (quick: tiny nets, a smoke run)' : ''}`,
    `MLP generator and discriminator (${(data.hidden as number[]).join('-')} ReLU hidden units each), Adam lr ${String(ring[0].lr)}, batch ${String(ring[0].batch)}, ${String(data.epochs)} epochs over ${String(data.ring_samples)} ring samples (std ${String(data.ring_std)}, radius ${RING_DEFAULTS.radius}); ` +
      `after each epoch ${String(ring[0].eval_samples)} samples from the same noise: a mode is covered when it holds at least 1/16 of its fair share of high-quality samples (within 3 std of it).`,
  );
  table(sec, ['loss', 'critic steps', `modes covered (of ${RING_DEFAULTS.modes})`, 'high quality', 'high-quality samples per mode', 'examples/s'], ring.map((r) => [String(r.loss), String(r.critic_steps), String(r.modes_covered), `${fmt(100 * (r.high_quality as number))}%`, (r.per_mode as number[]).join(', '), fmt(r.examples_per_s as number)]));
  const epochs = (ring[0].history as History).map((h) => h.epoch);
  // A smoke run's two epochs of tiny nets barely move the generators: every loss draws the same flat lines, nothing to chart.
  if (!data.quick) drawCurves(sec, ring, epochs);
  for (const r of ring) rasterFigure(sec, ringRaster(r.samples as number[], data.ring_std as number), `${String(r.loss)}: 500 samples after the last epoch (each mode's high-quality disc, 3 std, in red)`);
  const across = ring.find((r) => r.snapshots);
  if (across) {
    const shots = across.snapshots as JsonObject[];
    rasterFigure(sec, sideBySide(shots.map((s) => ringRaster(s.samples as number[], data.ring_std as number, 200))), `${String(across.loss)} across training: 500 samples from the same noise after epochs ${shots.map((s) => String(s.epoch)).join(', ')}`);
  }
  const mnist = data.mnist as JsonObject;
  for (const s of (mnist.snapshots as JsonObject[]).slice(0, -1)) figure(sec, s.samples as JsonObject, `MNIST after epoch ${String(s.epoch)}`);
  figure(sec, mnist.samples as JsonObject, `MNIST, ${String(mnist.loss)}, Adam lr ${String(mnist.lr)}, G ${String(mnist.noise)}-${(mnist.generator as number[]).join('-')}-784, ${String(mnist.epochs)} epochs: samples from fixed noise. The judge (an MLP, test error ${fmt(100 * (mnist.judge_test_error as number))}%) sees classes ${(mnist.class_histogram as number[]).join(', ')}: entropy ${fmt(mnist.class_entropy as number)} nats (uniform 2.303), mean confidence ${fmt(mnist.confidence as number)}.`);
}

/** Modes covered and the high-quality share per epoch, a line per loss. */
function drawCurves(sec: HTMLElement, ring: JsonObject[], epochs: number[]): void {
  const series = (key: string) => ring.map((r) => ({ label: String(r.loss), values: (r.history as History).map((h) => h[key]) }));
  chart(sec, 'Modes covered per epoch', 'epoch', 'modes', epochs, series('modes_covered'), { yRange: [-0.5, RING_DEFAULTS.modes + 0.5] });
  chart(sec, 'High-quality share per epoch', 'epoch', 'share', epochs, series('high_quality'), { yRange: [-0.05, 1.05] });
}
