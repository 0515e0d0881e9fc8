// The 2D Ising demo (harness/ising/demo.html): one IsingChain on the GPU, a few sweeps per animation
// frame, the lattice read back and drawn every frame, energy and |m| computed on the host from those
// sites. Settings come from the query string (lattice.ts parseSettings) and the controls; a new
// temperature goes to the running chain (setTemperature), other changes restart it.
// Tests drive the page through window.harmoniumDemo (DemoHook below).
import type { RunContext } from '../../engine/index.js';
import { yangMagnetization } from './onsager.js';
import { clearNotice, demoLoop, escapeHtml, openDemo, showNotice as showPageNotice } from '../server/demo_page.js';
import { IsingChain, ISING_TC } from '../../models/ising.js';
import { ISING_ALGORITHMS, type IsingAlgorithm } from '../../models/ising_rule.js';
import { DEMO_SIZES, SWEEPS_PER_FRAME, T_MAX, T_MIN, latticeObservables, paintSites, parseSettings, settingsQuery, type DemoSettings } from './lattice.js';

export interface DemoState {
  settings: DemoSettings;
  /** Sweeps of the current chain (a restart sets it back to 0). */
  sweeps: number;
  /** Site updates per nanosecond over the last rate window (sweep time only, readback excluded). */
  flipsPerNs: number;
  sweepsPerSecond: number;
  energyPerSite: number;
  magnetizationAbs: number;
  adapter: string;
  running: boolean;
  /** The message on the page when something failed (bad settings, no WebGPU), else null. */
  error: string | null;
}

/** What tests (and the console) can use: `await harmoniumDemo.ready; harmoniumDemo.sweeps()`. */
export interface DemoHook {
  /** Resolves once the first lattice is drawn; rejects when WebGPU is missing or the first chain fails. */
  ready: Promise<DemoState>;
  sweeps(): number;
  state(): DemoState;
  setTemperature(temperature: number): void;
  restart(changes?: Partial<DemoSettings>): void;
  setRunning(running: boolean): void;
}

declare global {
  interface Window {
    harmoniumDemo?: DemoHook;
  }
}

/** GPU time per frame that 'auto' sweeps per frame aims at, leaving room for the readback and drawing. */
const FRAME_BUDGET_MS = 12;
const RATE_WINDOW_MS = 500;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`ising.html has no #${id}`);
  return el as T;
};

const ui = {
  canvas: $<HTMLCanvasElement>('lattice'),
  notice: $<HTMLDivElement>('notice'),
  temperature: $<HTMLInputElement>('temperature'),
  temperatureValue: $<HTMLOutputElement>('temperature-value'),
  tcLabel: $<HTMLSpanElement>('tc-label'),
  tcOption: $<HTMLOptionElement>('tc-option'),
  toTc: $<HTMLButtonElement>('to-tc'),
  algorithm: $<HTMLSelectElement>('algorithm'),
  size: $<HTMLSelectElement>('size'),
  start: $<HTMLSelectElement>('start'),
  seed: $<HTMLInputElement>('seed'),
  spf: $<HTMLSelectElement>('spf'),
  reset: $<HTMLButtonElement>('reset'),
  pause: $<HTMLButtonElement>('pause'),
  out: {
    sweeps: $('out-sweeps'),
    rate: $('out-rate'),
    flips: $('out-flips'),
    energy: $('out-energy'),
    magnetization: $('out-m'),
    onsager: $('out-onsager'),
    adapter: $('out-adapter'),
    dims: $('dims'),
  },
};

const parsed = parseSettings(location.search);
let settings: DemoSettings = parsed.settings;

const state = {
  ctx: null as RunContext | null,
  chain: null as IsingChain | null,
  adapter: '',
  running: true,
  error: null as string | null,
  sweeps: 0,
  energyPerSite: NaN,
  magnetizationAbs: NaN,
  flipsPerNs: NaN,
  sweepsPerSecond: NaN,
  /** Sweeps per frame under 'auto', adjusted each frame. */
  autoSweeps: 1,
  pendingTemperature: null as number | null,
  pendingRestart: true,
  /** The lattice changed without a sweep (a restart): read it back even when paused. */
  dirty: true,
  window: { start: 0, sweeps: 0, sweepMs: 0, sites: 0 },
};

function snapshot(): DemoState {
  return {
    settings: { ...settings },
    sweeps: state.sweeps,
    flipsPerNs: state.flipsPerNs,
    sweepsPerSecond: state.sweepsPerSecond,
    energyPerSite: state.energyPerSite,
    magnetizationAbs: state.magnetizationAbs,
    adapter: state.adapter,
    running: state.running,
    error: state.error,
  };
}

// ---------------------------------------------------------------- messages

const showNotice = (kind: 'error' | 'warning', html: string) => showPageNotice(ui.notice, kind, html);

// ---------------------------------------------------------------- drawing and readouts

let image: ImageData | null = null;

function draw(sites: Uint8Array, size: number): void {
  const g = ui.canvas.getContext('2d');
  if (!g) throw new Error('canvas 2d context unavailable');
  if (ui.canvas.width !== size) {
    ui.canvas.width = ui.canvas.height = size;
    image = null;
  }
  image ??= g.createImageData(size, size);
  paintSites(sites, image.data);
  g.putImageData(image, 0, 0);
}

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

function showReadouts(): void {
  ui.out.sweeps.textContent = state.sweeps.toLocaleString('en-US');
  ui.out.rate.textContent = fmt(state.sweepsPerSecond, 1);
  ui.out.flips.textContent = fmt(state.flipsPerNs, state.flipsPerNs < 1 ? 4 : 2);
  ui.out.energy.textContent = fmt(state.energyPerSite, 4);
  ui.out.magnetization.textContent = fmt(state.magnetizationAbs, 4);
  const m0 = yangMagnetization(settings.temperature);
  ui.out.onsager.textContent = settings.temperature < ISING_TC ? m0.toFixed(4) : '0 (T ≥ Tc)';
  ui.out.adapter.textContent = state.adapter || '–';
  ui.out.dims.textContent = `${settings.size} × ${settings.size} sites, ${settings.algorithm}`;
}

function showTemperature(): void {
  ui.temperatureValue.textContent = settings.temperature.toFixed(3);
  const rel = settings.temperature / ISING_TC;
  ui.temperatureValue.title = `T / Tc = ${rel.toFixed(3)}`;
  ui.temperatureValue.className = Math.abs(rel - 1) < 0.005 ? 'critical' : rel < 1 ? 'ordered' : 'disordered';
}

// ---------------------------------------------------------------- the chain

async function restartChain(ctx: RunContext): Promise<void> {
  state.chain?.release();
  state.chain = null;
  state.sweeps = 0;
  state.energyPerSite = state.magnetizationAbs = NaN;
  state.autoSweeps = 1;
  state.window = { start: performance.now(), sweeps: 0, sweepMs: 0, sites: 0 };
  state.pendingTemperature = null;
  state.dirty = true;
  state.chain = await IsingChain.create(ctx, {
    size: settings.size,
    temperature: settings.temperature,
    algorithm: settings.algorithm,
    seed: settings.seed,
    cold: settings.start === 'cold',
  });
}

function sweepsThisFrame(): number {
  return settings.sweepsPerFrame === 'auto' ? state.autoSweeps : settings.sweepsPerFrame;
}

/** One animation frame: apply pending changes, sweep, read the lattice back, draw, update readouts. */
async function frame(ctx: RunContext): Promise<void> {
  if (state.pendingRestart) {
    state.pendingRestart = false;
    clearNotice(ui.notice);
    state.error = null;
    await restartChain(ctx);
  }
  const chain = state.chain;
  if (!chain) return;
  if (state.pendingTemperature !== null) {
    const t = state.pendingTemperature;
    state.pendingTemperature = null;
    await chain.setTemperature(t);
  }
  const drawNow = state.running || state.dirty;
  if (state.running) {
    const n = sweepsThisFrame();
    const stats = await chain.sweep(n);
    state.sweeps += n;
    const w = state.window;
    w.sweeps += n;
    w.sweepMs += stats.wallMs;
    w.sites += n * settings.size * settings.size;
    if (settings.sweepsPerFrame === 'auto') {
      const perSweep = Math.max(stats.wallMs / n, 1e-3);
      const target = Math.max(1, Math.min(1000, Math.floor(FRAME_BUDGET_MS / perSweep)));
      // Move halfway towards the target so that one slow frame does not swing the count.
      state.autoSweeps = Math.max(1, Math.round((state.autoSweeps + target) / 2));
    }
    const now = performance.now();
    if (now - w.start >= RATE_WINDOW_MS) {
      state.sweepsPerSecond = (w.sweeps * 1000) / (now - w.start);
      state.flipsPerNs = w.sweepMs > 0 ? w.sites / (w.sweepMs * 1e6) : NaN;
      state.window = { start: now, sweeps: 0, sweepMs: 0, sites: 0 };
    }
  }
  if (drawNow) {
    const sites = await chain.readSites();
    draw(sites, chain.config.size);
    const o = latticeObservables(sites, chain.config.size);
    state.energyPerSite = o.energyPerSite;
    state.magnetizationAbs = o.magnetizationAbs;
    state.dirty = false;
    demo.drew();
  }
  showReadouts();
}

/** The animation and its failures; `ready` settles with the first drawn lattice or the first failure. */
const demo = demoLoop({
  notice: ui.notice,
  frame: () => (state.ctx ? frame(state.ctx) : Promise.resolve()),
  failed: (message) => (state.error = message),
  cleanUp: () => {
    state.chain?.release();
    state.chain = null;
  },
});

// ---------------------------------------------------------------- controls

function fillControls(): void {
  ui.temperature.min = String(T_MIN);
  ui.temperature.max = String(T_MAX);
  ui.temperature.value = String(settings.temperature);
  // Tc on the slider: a datalist tick, and a label under the track at the same fraction of the width.
  ui.tcOption.value = String(ISING_TC);
  const frac = (ISING_TC - T_MIN) / (T_MAX - T_MIN);
  ui.tcLabel.style.left = `calc(${(frac * 100).toFixed(3)}% + ${((0.5 - frac) * 16).toFixed(2)}px)`;
  ui.tcLabel.title = `Onsager's critical temperature 2 / ln(1 + √2) = ${ISING_TC.toFixed(6)}`;
  ui.toTc.textContent = `T = Tc (${ISING_TC.toFixed(3)})`;

  ui.algorithm.replaceChildren(...ISING_ALGORITHMS.map((a) => new Option(a, a)));
  const sizes = DEMO_SIZES.includes(settings.size) ? DEMO_SIZES : [...DEMO_SIZES, settings.size].sort((a, b) => a - b);
  ui.size.replaceChildren(...sizes.map((s) => new Option(`${s} × ${s}`, String(s))));
  ui.spf.replaceChildren(...SWEEPS_PER_FRAME.map((n) => new Option(String(n), String(n))));
  ui.algorithm.value = settings.algorithm;
  ui.size.value = String(settings.size);
  ui.start.value = settings.start;
  ui.seed.value = String(settings.seed);
  ui.spf.value = String(settings.sweepsPerFrame);
  showTemperature();
}

function remember(): void {
  history.replaceState(null, '', settingsQuery(settings));
}

function setTemperature(t: number): void {
  if (!(Number.isFinite(t) && t > 0)) return;
  settings = { ...settings, temperature: t };
  state.pendingTemperature = t;
  ui.temperature.value = String(t);
  showTemperature();
  remember();
}

function restart(changes: Partial<DemoSettings> = {}): void {
  settings = { ...settings, ...changes };
  state.pendingRestart = true;
  fillControls();
  remember();
}

function setRunning(running: boolean): void {
  state.running = running;
  ui.pause.textContent = running ? 'Pause' : 'Run';
  ui.pause.setAttribute('aria-pressed', String(!running));
}

function readControls(): Partial<DemoSettings> {
  const seed = Number(ui.seed.value);
  return {
    algorithm: ui.algorithm.value as IsingAlgorithm,
    size: Number(ui.size.value),
    start: ui.start.value === 'cold' ? 'cold' : 'hot',
    seed: Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff ? seed : settings.seed,
  };
}

function wireControls(): void {
  ui.temperature.addEventListener('input', () => setTemperature(Number(ui.temperature.value)));
  ui.toTc.addEventListener('click', () => setTemperature(ISING_TC));
  for (const el of [ui.algorithm, ui.size, ui.start]) el.addEventListener('change', () => restart(readControls()));
  ui.seed.addEventListener('change', () => restart(readControls()));
  ui.reset.addEventListener('click', () => restart(readControls()));
  ui.spf.addEventListener('change', () => {
    const v = ui.spf.value;
    settings = { ...settings, sweepsPerFrame: v === 'auto' ? 'auto' : Number(v) };
    remember();
  });
  ui.pause.addEventListener('click', () => setRunning(!state.running));
}


// ---------------------------------------------------------------- start

async function main(): Promise<DemoState> {
  fillControls();
  showReadouts();
  if (parsed.warnings.length) showNotice('warning', parsed.warnings.map(escapeHtml).join('<br>'));
  const controls = [ui.temperature, ui.toTc, ui.algorithm, ui.size, ui.start, ui.seed, ui.spf, ui.reset, ui.pause];
  const { ctx, adapter } = await openDemo({ notice: ui.notice, page: 'ising.html', controls, onFail: (e) => demo.fail(e) });
  state.adapter = adapter;
  wireControls();
  showReadouts();
  state.ctx = ctx;
  demo.start();
  await demo.ready;
  return snapshot();
}

const ready = main();
// Callers await `ready`; this handler only keeps a rejection from also being reported as unhandled.
ready.catch(() => undefined);

window.harmoniumDemo = {
  ready,
  sweeps: () => state.sweeps,
  state: snapshot,
  setTemperature,
  restart,
  setRunning,
};
