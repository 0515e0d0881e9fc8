// The VAE demo (harness/vae/demo.html): the page trains a 2-D VAE (784-256-(2)) on MNIST for a few
// epochs on the GPU, scatters the posterior means of test digits over the latent plane, and decodes
// the point a person drags (one decoder pass and one readback per frame, the latest point only).
// A second button trains a categorical VAE (2 groups of 10, Gumbel-softmax) whose codes are picked by
// buttons. Settings from the query string: ?epochs=N&train=N. Tests use window.harmoniumVaeDemo.
import type { RunContext } from '../../engine/index.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Vae, type VaeLatent } from '../../models/vae.js';
import { VaeCodec, VaeEvaluator } from '../../models/vae_eval.js';
import { VAE_OPTIMIZER_STATE, VaeTrainer } from '../../models/vae_training.js';
import { openDemo, showFailure } from '../server/demo_page.js';
import { loadVaeMnist, type VaeMnist } from './data.js';

export interface VaeDemoState {
  epoch: number;
  epochs: number;
  testElbo: number;
  /** The latent point shown and the sum of its decoded pixel probabilities (a cheap fingerprint). */
  z: [number, number];
  inkSum: number;
  decodes: number;
  categorical: boolean;
  adapter: string;
}

/** What tests (and the console) can use: `await harmoniumVaeDemo.ready; await harmoniumVaeDemo.moveTo(1, -1)`. */
export interface VaeDemoHook {
  /** Resolves once the first epoch is trained and its decoded digit drawn. */
  ready: Promise<VaeDemoState>;
  /** Resolves when all planned epochs are done. */
  trained: Promise<VaeDemoState>;
  state(): VaeDemoState;
  /** Moves the point and resolves once its digit is drawn. */
  moveTo(z1: number, z2: number): Promise<VaeDemoState>;
}

declare global {
  interface Window {
    harmoniumVaeDemo?: VaeDemoHook;
  }
}

/** The latent plane shown: [-RANGE, RANGE] on both axes. */
const RANGE = 3;
const SIDE = 28;
const SCATTER_DIGITS = 1000;
const LABEL_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const CATEGORICAL = { kind: 'categorical', groups: 2, classes: 10 } as const satisfies VaeLatent;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  plane: $<HTMLCanvasElement>('plane'),
  digit: $<HTMLCanvasElement>('digit'),
  caption: $('digit-caption'),
  notice: $('notice'),
  epoch: $('out-epoch'),
  elbo: $('out-elbo'),
  rate: $('out-rate'),
  adapter: $('out-adapter'),
  categorical: $<HTMLButtonElement>('categorical'),
  codes: $('codes'),
};

const query = new URLSearchParams(location.search);
const positive = (name: string, fallback: number) => {
  const v = Number(query.get(name));
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const EPOCHS = positive('epochs', 5);
const TRAIN = positive('train', 8000);

const state: VaeDemoState = { epoch: 0, epochs: EPOCHS, testElbo: NaN, z: [0, 0], inkSum: NaN, decodes: 0, categorical: false, adapter: '' };
let points: { z: Float32Array; labels: Uint8Array } | null = null;

const fail = (e: unknown): void => showFailure(ui.notice, e);

/** The plane: test digits' means as dots, the current point as a ring. */
function drawPlane(): void {
  const g = ui.plane.getContext('2d')!;
  const { width, height } = ui.plane;
  const toPx = (z: number, size: number, flip: boolean) => ((flip ? -z : z) / RANGE / 2 + 0.5) * size;
  g.clearRect(0, 0, width, height);
  g.strokeStyle = '#dcd8cd';
  g.beginPath();
  g.moveTo(width / 2, 0);
  g.lineTo(width / 2, height);
  g.moveTo(0, height / 2);
  g.lineTo(width, height / 2);
  g.stroke();
  if (points) {
    for (let i = 0; i < points.labels.length; i++) {
      g.fillStyle = LABEL_COLOURS[points.labels[i]];
      g.fillRect(toPx(points.z[2 * i], width, false) - 1.5, toPx(points.z[2 * i + 1], height, true) - 1.5, 3, 3);
    }
  }
  g.strokeStyle = '#1b2233';
  g.lineWidth = 2;
  g.beginPath();
  g.arc(toPx(state.z[0], width, false), toPx(state.z[1], height, true), 7, 0, 2 * Math.PI);
  g.stroke();
}

function drawDigit(probabilities: Float32Array): void {
  const g = ui.digit.getContext('2d')!;
  const img = g.createImageData(SIDE, SIDE);
  probabilities.forEach((p, i) => img.data.set([255 * p, 255 * p, 255 * p, 255], 4 * i));
  g.putImageData(img, 0, 0);
  state.inkSum = probabilities.reduce((a, b) => a + b, 0);
}

/** Decodes the latest requested code, one at a time: a drag faster than the GPU skips to its newest point. */
class LatestDecoder {
  private pending: Float32Array | null = null;
  private running: Promise<void> | null = null;
  private waiters: Array<() => void> = [];
  private window = { start: performance.now(), count: 0 };
  constructor(private codec: VaeCodec) {}

  request(z: Float32Array): Promise<void> {
    this.pending = z;
    const done = new Promise<void>((ok) => this.waiters.push(ok));
    this.running ??= this.drain().finally(() => (this.running = null));
    return done;
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const z = this.pending;
      this.pending = null;
      const waiters = this.waiters.splice(0);
      drawDigit(await this.codec.decode(z));
      state.decodes++;
      this.window.count++;
      const elapsed = performance.now() - this.window.start;
      if (elapsed > 1000) {
        ui.rate.textContent = ((1000 * this.window.count) / elapsed).toFixed(0);
        this.window = { start: performance.now(), count: 0 };
      }
      waiters.forEach((ok) => ok());
    }
  }
}

/** Encodes the first test digits and keeps their means for the scatter. */
async function scatter(ctx: RunContext, vae: Vae, data: VaeMnist): Promise<void> {
  const count = Math.min(SCATTER_DIGITS, data.test.count);
  const codec = await VaeCodec.create(ctx, vae, count);
  try {
    const x = Float32Array.from(data.test.images.subarray(0, count * data.test.width), (b) => b / 255);
    points = { z: (await codec.encode(x)).mean!, labels: Uint8Array.from({ length: count }, (_, i) => data.test.labels[i]) };
  } finally {
    codec.release();
  }
}

/** The categorical model: trained on demand, then its codes picked by buttons. */
async function trainCategorical(ctx: RunContext, train: DeviceDataset): Promise<void> {
  ui.categorical.disabled = true;
  ui.categorical.textContent = 'Training…';
  const vae = await Vae.create(ctx, { inputs: 784, hidden: [256], latent: CATEGORICAL }, { seed: 2, state: VAE_OPTIMIZER_STATE });
  const steps = EPOCHS * Math.floor(train.count / 100);
  const trainer = await VaeTrainer.create(ctx, vae, train, { lr: 1e-3, batch: 100, seed: 2, epochs: EPOCHS, temperature: { kind: 'linear', from: 1, to: 0.5, steps } });
  while (trainer.epoch < EPOCHS) await trainer.trainEpoch();
  trainer.release();
  const decoder = new LatestDecoder(await VaeCodec.create(ctx, vae, 1));
  const { groups, classes } = CATEGORICAL;
  const chosen = new Array<number>(groups).fill(0);
  const show = () => {
    const code = new Float32Array(groups * classes);
    chosen.forEach((c, g) => (code[g * classes + c] = 1));
    ui.caption.textContent = `categorical code (${chosen.join(', ')})`;
    state.categorical = true;
    void decoder.request(code);
  };
  ui.codes.replaceChildren(
    ...chosen.map((_, g) => {
      const row = document.createElement('div');
      row.className = 'group';
      for (let c = 0; c < classes; c++) {
        const b = document.createElement('button');
        b.textContent = String(c);
        b.setAttribute('aria-pressed', String(c === chosen[g]));
        b.addEventListener('click', () => {
          chosen[g] = c;
          row.querySelectorAll('button').forEach((other, k) => other.setAttribute('aria-pressed', String(k === c)));
          show();
        });
        row.append(b);
      }
      return row;
    }),
  );
  ui.categorical.textContent = 'Gumbel-softmax VAE trained';
  show();
}

async function main(): Promise<{ ready: Promise<VaeDemoState>; trained: Promise<VaeDemoState>; moveTo: VaeDemoHook['moveTo'] }> {
  const { ctx, adapter } = await openDemo({ notice: ui.notice, page: 'vae.html', onFail: fail });
  state.adapter = adapter;
  ui.adapter.textContent = adapter;
  const data = await loadVaeMnist('browser', { trainCount: TRAIN });
  const train = await DeviceDataset.upload(ctx, data.train, 'demo train');
  const test = await DeviceDataset.upload(ctx, data.testBinary, 'demo test');
  const vae = await Vae.create(ctx, { inputs: 784, hidden: [256], latent: { kind: 'gaussian', size: 2 } }, { seed: 1, state: VAE_OPTIMIZER_STATE });
  const trainer = await VaeTrainer.create(ctx, vae, train, { lr: 1e-3, batch: 100, seed: 1, epochs: EPOCHS });
  const evaluator = await VaeEvaluator.create(ctx, vae, test, { seed: 1 });
  const decoder = new LatestDecoder(await VaeCodec.create(ctx, vae, 1));
  const moveTo = async (z1: number, z2: number) => {
    state.z = [Math.max(-RANGE, Math.min(RANGE, z1)), Math.max(-RANGE, Math.min(RANGE, z2))];
    state.categorical = false;
    ui.caption.textContent = `p(x | z), z = (${state.z[0].toFixed(2)}, ${state.z[1].toFixed(2)})`;
    drawPlane();
    await decoder.request(Float32Array.from(state.z));
    return { ...state };
  };
  const pointerZ = (e: PointerEvent): [number, number] => {
    const r = ui.plane.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width - 0.5) * 2 * RANGE, -((e.clientY - r.top) / r.height - 0.5) * 2 * RANGE];
  };
  ui.plane.addEventListener('pointerdown', (e) => {
    ui.plane.setPointerCapture(e.pointerId);
    void moveTo(...pointerZ(e));
  });
  ui.plane.addEventListener('pointermove', (e) => {
    if (ui.plane.hasPointerCapture(e.pointerId)) void moveTo(...pointerZ(e));
  });
  const epochDone = async () => {
    state.epoch = trainer.epoch;
    state.testElbo = (await evaluator.evaluate()).elbo;
    ui.epoch.textContent = `${state.epoch} / ${EPOCHS}`;
    ui.elbo.textContent = state.testElbo.toFixed(2);
    await scatter(ctx, vae, data);
    return moveTo(...state.z);
  };
  await trainer.trainEpoch();
  const ready = epochDone();
  const trained = (async () => {
    await ready;
    while (trainer.epoch < EPOCHS) {
      await trainer.trainEpoch();
      await epochDone();
    }
    trainer.release();
    ui.categorical.disabled = false;
    ui.categorical.addEventListener('click', () => void trainCategorical(ctx, train).catch(fail), { once: true });
    return { ...state };
  })();
  return { ready, trained, moveTo };
}

const started = main();
const ready = started.then((s) => s.ready);
const trained = started.then((s) => s.trained);
ready.catch(fail);
trained.catch(() => undefined);
window.harmoniumVaeDemo = { ready, trained, state: () => ({ ...state }), moveTo: async (z1, z2) => (await started).moveTo(z1, z2) };
