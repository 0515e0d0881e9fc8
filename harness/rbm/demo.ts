// The RBM demo (harness/rbm/demo.html): a Bernoulli RBM trained by CD-k on binarised MNIST in the
// page, a few steps per animation frame, with its filters, the reconstructions of ten test digits
// and free-running fantasy particles redrawn as they change. The learning rate (a host schedule
// rewritten between steps) and k (the trainer rebuilt around the same model and momentum) change
// while it runs. Tests drive the page through window.harmoniumRbmDemo (RbmDemoHook below).
import { KernelGraph, type Tensor, type RunContext } from '../../engine/index.js';
import { Owned } from '../../models/owned.js';
import { Rbm, RBM_CALLS, type RbmChain } from '../../models/rbm.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { RbmTrainer, rbmOptimizerState, type RbmTrainingOptions } from '../../models/rbm_trainer.js';
import { imageGrid } from '../io/image_grid.js';
import { clearNotice, demoLoop, escapeHtml, openDemo, showNotice as showPageNotice } from '../server/demo_page.js';
import { initialVisibleBiases, loadRbmData, type RbmData } from './data.js';
import { parseRbmDemoSettings, rbmDemoQuery, RBM_DEMO_KS, RBM_DEMO_LR, type RbmDemoSettings } from './demo_settings.js';
import { filterImages } from './images.js';

export interface RbmDemoState {
  settings: RbmDemoSettings;
  /** Training steps of the current model (a new model sets it back to 0). */
  steps: number;
  epochs: number;
  examplesPerSecond: number;
  /** Squared error per digit of the shown test digits' reconstructions. */
  reconstructionError: number;
  /** Frames whose pictures were redrawn. */
  draws: number;
  adapter: string;
  running: boolean;
  error: string | null;
}

/** What tests (and the console) can use: `await harmoniumRbmDemo.ready; harmoniumRbmDemo.state()`. */
export interface RbmDemoHook {
  /** Resolves once the first pictures are drawn; rejects when WebGPU is missing or the first model fails. */
  ready: Promise<RbmDemoState>;
  state(): RbmDemoState;
  setLearningRate(lr: number): void;
  setK(k: number): void;
  setRunning(running: boolean): void;
}

declare global {
  interface Window {
    harmoniumRbmDemo?: RbmDemoHook;
  }
}

/** Redraw the pictures at most this often (each costs three readbacks). */
const DRAW_EVERY_MS = 300;
const FILTERS = 100;
const SHOWN_DIGITS = 10;
const FANTASY = 25;
/** Gibbs steps of the fantasy chains per redraw. */
const FANTASY_STEPS = 10;
/** The trainer's horizon: a metric slot per step is kept for this many epochs, then the model pauses. */
const MAX_EPOCHS = 1000;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`rbm.html has no #${id}`);
  return el as T;
};

const ui = {
  notice: $<HTMLDivElement>('notice'),
  filters: $<HTMLCanvasElement>('filters'),
  reconstructions: $<HTMLCanvasElement>('reconstructions'),
  fantasy: $<HTMLCanvasElement>('fantasy'),
  lr: $<HTMLInputElement>('lr'),
  lrValue: $<HTMLOutputElement>('lr-value'),
  k: $<HTMLSelectElement>('k'),
  reset: $<HTMLButtonElement>('reset'),
  pause: $<HTMLButtonElement>('pause'),
  out: { model: $('out-model'), steps: $('out-steps'), epochs: $('out-epochs'), rate: $('out-rate'), error: $('out-error'), adapter: $('out-adapter') },
};

const parsed = parseRbmDemoSettings(location.search);
let settings: RbmDemoSettings = parsed.settings;

/** One model and what trains and shows it; released whole on a new model. */
interface Session {
  owned: Owned;
  rbm: Rbm;
  trainer: RbmTrainer;
  /** The trainer's k and learning rate (settings may be ahead of them until the next frame). */
  k: number;
  lr: number;
  data: RbmDataset;
  digits: Float32Array;
  reconstruct: KernelGraph;
  reconstruction: RbmChain;
  fantasy: RbmChain;
  fantasyStep: KernelGraph;
  fantasySteps: number;
}

const state = {
  ctx: null as RunContext | null,
  data: null as RbmData | null,
  session: null as Session | null,
  adapter: '',
  running: true,
  error: null as string | null,
  examplesPerSecond: NaN,
  reconstructionError: NaN,
  draws: 0,
  lastDraw: -Infinity,
  pendingModel: true,
  window: { start: 0, examples: 0 },
};

const trainingOptions = (s: RbmDemoSettings): RbmTrainingOptions => ({
  k: s.k,
  chains: 0,
  lr: { kind: 'host', value: s.lr },
  momentum: 0.5,
  finalMomentum: 0.9,
  momentumEpochs: 5,
  weightDecay: 2e-4,
  batch: s.batch,
  seed: s.seed,
  epochs: MAX_EPOCHS,
});

function snapshot(): RbmDemoState {
  const s = state.session;
  return {
    settings: { ...settings },
    steps: s?.rbm.params.iteration ?? 0,
    epochs: s?.trainer.epoch ?? 0,
    examplesPerSecond: state.examplesPerSecond,
    reconstructionError: state.reconstructionError,
    draws: state.draws,
    adapter: state.adapter,
    running: state.running,
    error: state.error,
  };
}

// ---------------------------------------------------------------- messages

const showNotice = (kind: 'error' | 'warning', html: string) => showPageNotice(ui.notice, kind, html);

// ---------------------------------------------------------------- drawing

/** Images (values in [0, 1], 28 x 28 each) tiled on a canvas shown `zoom` times larger. */
function drawGrid(canvas: HTMLCanvasElement, images: ArrayLike<number>, o: { count: number; columns: number; side: number; zoom: number }): void {
  const grid = imageGrid(images, { count: o.count, height: o.side, width: o.side, columns: o.columns });
  if (canvas.width !== grid.width || canvas.height !== grid.height) {
    canvas.width = grid.width;
    canvas.height = grid.height;
    canvas.style.width = `${grid.width * o.zoom}px`;
  }
  const g = canvas.getContext('2d');
  if (!g) throw new Error('canvas 2d context unavailable');
  const image = g.createImageData(grid.width, grid.height);
  grid.pixels.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
  g.putImageData(image, 0, 0);
}

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

function showReadouts(): void {
  const s = snapshot();
  ui.out.model.textContent = `784-${settings.hidden}, CD-${state.session?.k ?? settings.k}, batch ${settings.batch}`;
  ui.out.steps.textContent = s.steps.toLocaleString('en-US');
  ui.out.epochs.textContent = fmt(s.epochs, 2);
  ui.out.rate.textContent = fmt(s.examplesPerSecond, 0);
  ui.out.error.textContent = fmt(s.reconstructionError, 2);
  ui.out.adapter.textContent = state.adapter || '–';
  ui.lrValue.textContent = settings.lr.toPrecision(2);
}

// ---------------------------------------------------------------- the model

/** A fresh model from the settings, its trainer, and the graphs of the pictures. */
async function newSession(ctx: RunContext, data: RbmData): Promise<Session> {
  const owned = new Owned();
  try {
    const o = trainingOptions(settings);
    const rbm = await owned.add(Rbm.create(ctx, { visible: 784, hidden: settings.hidden }, { seed: settings.seed, state: rbmOptimizerState(o), visibleBias: initialVisibleBiases('bernoulli', data.means) }));
    const set = await owned.add(RbmDataset.upload(ctx, data.train, 'demo train'));
    // The reconstructions: ten fixed test digits, p(h | v), then p(v | p(h | v)) (no draws).
    const digits = Float32Array.from(data.test.images.subarray(0, SHOWN_DIGITS * 784), (b) => b / 255);
    const digitTensor: Tensor = await owned.add(ctx.pool.tensor('demo digits', 'f32', [SHOWN_DIGITS, 784], { data: digits }));
    const reconstruction = await owned.add(rbm.chain(ctx, SHOWN_DIGITS, 'demo reconstruction'));
    const reconstruct = new KernelGraph('rbm.demo.reconstruct');
    await owned.add(rbm.addHidden(reconstruct, ctx, { v: digitTensor, ph: reconstruction.ph, rows: SHOWN_DIGITS }));
    await owned.add(rbm.addVisible(reconstruct, ctx, { h: reconstruction.ph, pv: reconstruction.pv, rows: SHOWN_DIGITS }));
    // The fantasy particles: chains from p(v | h = 0), a Gibbs step per repetition on their own counter.
    const fantasy = await owned.add(rbm.chain(ctx, FANTASY, 'demo fantasy'));
    const start = new KernelGraph('rbm.demo.fantasy.start');
    await owned.add(rbm.addVisible(start, ctx, { h: fantasy.h, pv: fantasy.pv, v: fantasy.v, rows: FANTASY, draw: { seed: settings.seed, step: 0, call: RBM_CALLS.chainInit } }));
    await ctx.scheduler.run(start);
    const fantasyStep = new KernelGraph('rbm.demo.fantasy');
    await owned.add(rbm.addGibbs(fantasyStep, ctx, fantasy, { steps: 1, first: 1, seed: settings.seed ^ 0x5eed, step: 0 }));
    const trainer = await RbmTrainer.create(ctx, rbm, set, o);
    return { owned, rbm, trainer, k: settings.k, lr: settings.lr, data: set, digits, reconstruct, reconstruction, fantasy, fantasyStep, fantasySteps: 0 };
  } catch (e) {
    owned.release();
    throw e;
  }
}

function releaseSession(): void {
  state.session?.trainer.release();
  state.session?.owned.release();
  state.session = null;
}

/** A new k: a new trainer around the same model (its momentum buffers and step count carry on). */
async function applyK(ctx: RunContext, s: Session): Promise<void> {
  const trainer = await RbmTrainer.create(ctx, s.rbm, s.data, trainingOptions(settings));
  s.trainer.release();
  s.trainer = trainer;
  s.k = settings.k;
  s.lr = settings.lr;
}

/** Filters, reconstructions (with their error) and a few more fantasy steps, drawn. */
async function drawPictures(ctx: RunContext, s: Session): Promise<void> {
  const weights = new Float32Array(await s.rbm.weights.value.read());
  const count = Math.min(FILTERS, settings.hidden);
  drawGrid(ui.filters, filterImages(weights, 784, settings.hidden, count), { count, columns: 10, side: 28, zoom: 2 });
  await ctx.scheduler.run(s.reconstruct);
  const pv = new Float32Array(await s.reconstruction.pv.read());
  let error = 0;
  for (let i = 0; i < pv.length; i++) error += (s.digits[i] - pv[i]) ** 2;
  state.reconstructionError = error / SHOWN_DIGITS;
  const pair = new Float32Array(2 * pv.length);
  pair.set(s.digits);
  pair.set(pv, pv.length);
  drawGrid(ui.reconstructions, pair, { count: 2 * SHOWN_DIGITS, columns: SHOWN_DIGITS, side: 28, zoom: 2 });
  await ctx.scheduler.run(s.fantasyStep, { repeat: FANTASY_STEPS, firstIteration: s.fantasySteps });
  s.fantasySteps += FANTASY_STEPS;
  drawGrid(ui.fantasy, new Float32Array(await s.fantasy.pv.read()), { count: FANTASY, columns: 5, side: 28, zoom: 2 });
  state.draws++;
}

/** One animation frame: apply pending changes, train a few steps, redraw now and then. */
async function frame(ctx: RunContext): Promise<void> {
  if (state.pendingModel) {
    state.pendingModel = false;
    clearNotice(ui.notice);
    state.error = null;
    releaseSession();
    state.data ??= await loadRbmData('browser', { visible: 'bernoulli', binarize: 'sample' });
    const data = state.data;
    const train = { ...data.train, images: data.train.images.subarray(0, settings.train * 784), count: Math.min(settings.train, data.train.count) };
    state.session = await newSession(ctx, { ...data, train });
    state.window = { start: performance.now(), examples: 0 };
    state.lastDraw = -Infinity;
  }
  const s = state.session;
  if (!s) return;
  if (s.k !== settings.k) await applyK(ctx, s);
  if (s.lr !== settings.lr) {
    await s.trainer.lr.set(settings.lr);
    s.lr = settings.lr;
  }
  const stepsLeft = MAX_EPOCHS * s.trainer.batchesPerEpoch - s.rbm.params.iteration;
  if (state.running && stepsLeft <= 0) setRunning(false);
  if (state.running) {
    const n = Math.min(settings.stepsPerFrame, stepsLeft);
    await s.trainer.trainSteps(n);
    const w = state.window;
    w.examples += n * settings.batch;
    const now = performance.now();
    if (now - w.start >= 1000) {
      state.examplesPerSecond = (1000 * w.examples) / (now - w.start);
      state.window = { start: now, examples: 0 };
    }
  }
  const now = performance.now();
  if (now - state.lastDraw >= DRAW_EVERY_MS) {
    state.lastDraw = now;
    await drawPictures(ctx, s);
    demo.drew();
  }
  showReadouts();
}

/** The animation and its failures; `ready` settles with the first drawn pictures or the first failure. */
const demo = demoLoop({
  notice: ui.notice,
  frame: () => (state.ctx ? frame(state.ctx) : Promise.resolve()),
  failed: (message) => (state.error = message),
  cleanUp: releaseSession,
});

// ---------------------------------------------------------------- controls

function remember(): void {
  history.replaceState(null, '', rbmDemoQuery(settings));
}

function setLearningRate(lr: number): void {
  if (!(Number.isFinite(lr) && lr >= RBM_DEMO_LR.min && lr <= RBM_DEMO_LR.max)) return;
  settings = { ...settings, lr };
  ui.lr.value = String(Math.log10(lr));
  remember();
  showReadouts();
}

function setK(k: number): void {
  if (!(Number.isInteger(k) && k >= 1)) return;
  settings = { ...settings, k };
  if (![...ui.k.options].some((o) => o.value === String(k))) ui.k.append(new Option(String(k), String(k)));
  ui.k.value = String(k);
  remember();
}

function setRunning(running: boolean): void {
  state.running = running;
  ui.pause.textContent = running ? 'Pause' : 'Run';
  ui.pause.setAttribute('aria-pressed', String(!running));
}

function fillControls(): void {
  ui.lr.min = String(Math.log10(RBM_DEMO_LR.min));
  ui.lr.max = String(Math.log10(RBM_DEMO_LR.max));
  ui.lr.value = String(Math.log10(settings.lr));
  const ks = (RBM_DEMO_KS as readonly number[]).includes(settings.k) ? [...RBM_DEMO_KS] : [...RBM_DEMO_KS, settings.k].sort((a, b) => a - b);
  ui.k.replaceChildren(...ks.map((k) => new Option(String(k), String(k))));
  ui.k.value = String(settings.k);
}

function wireControls(): void {
  ui.lr.addEventListener('input', () => setLearningRate(Number((10 ** Number(ui.lr.value)).toPrecision(3))));
  ui.k.addEventListener('change', () => setK(Number(ui.k.value)));
  ui.pause.addEventListener('click', () => setRunning(!state.running));
  ui.reset.addEventListener('click', () => (state.pendingModel = true));
}

// ---------------------------------------------------------------- start

async function main(): Promise<RbmDemoState> {
  fillControls();
  showReadouts();
  if (parsed.warnings.length) showNotice('warning', parsed.warnings.map(escapeHtml).join('<br>'));
  const started = await openDemo({ notice: ui.notice, page: 'rbm.html', controls: [ui.lr, ui.k, ui.reset, ui.pause], onFail: (e) => demo.fail(e) }).catch((e: Error) => {
    state.error = e.message;
    throw e;
  });
  state.adapter = started.adapter;
  state.ctx = started.ctx;
  wireControls();
  demo.start();
  await demo.ready;
  return snapshot();
}

window.harmoniumRbmDemo = {
  ready: main(),
  state: snapshot,
  setLearningRate,
  setK,
  setRunning,
};
window.harmoniumRbmDemo.ready.catch(() => undefined);
