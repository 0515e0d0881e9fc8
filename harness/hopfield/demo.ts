// The Hopfield demo (harness/hopfield/demo.html): a 20 x 20 Hebbian network on the GPU storing the
// seeds' four letters (each pixel drawn as a 4 x 4 block) and, as the load slider rises, random
// patterns up to P = load N. A person draws a probe on the grid (or picks a letter and damages it)
// and watches the recall: one random block of 20 units per step, the state read back and drawn after
// each, the overlaps and the energy computed on the host from the stored patterns.
// Tests and the console can drive it through window.hopfieldDemo (HopfieldDemoHook below).
import type { RunContext } from '../../engine/index.js';
import { HopfieldNetwork, type RecallRun } from '../../models/hopfield.js';
import { CRITICAL_LOAD } from '../../models/hopfield_capacity.js';
import { addNoise, letterPatterns, overlaps, randomPatterns } from '../../models/hopfield_patterns.js';
import { imageGrid } from '../io/image_grid.js';
import { openDemo, showFailure } from '../server/demo_page.js';
import { paintGrey, recallGrid } from './recall_grid.js';

const LETTER_SCALE = 4;
const SIDE = 5 * LETTER_SCALE;
const UNITS = SIDE * SIDE;
/** Random disjoint blocks per sweep: each step updates UNITS / BLOCKS units. */
const BLOCKS = 20;
const MAX_SWEEPS = 30;
const STEP_MS = 60;

export interface HopfieldDemoHook {
  /** Resolves once the network is stored and the first probe drawn. */
  ready: Promise<void>;
  setLoad(load: number): Promise<void>;
  /** Damages the selected letter, recalls it to the end; resolves with the final overlap with that letter. */
  damageAndRecall(noise: number): Promise<number>;
}

declare global {
  interface Window {
    hopfieldDemo?: HopfieldDemoHook;
  }
}

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`hopfield.html has no #${id}`);
  return e as T;
};

const ui = {
  grid: $<HTMLCanvasElement>('grid'),
  film: $<HTMLCanvasElement>('film'),
  notice: $<HTMLDivElement>('notice'),
  letter: $<HTMLSelectElement>('letter'),
  noise: $<HTMLInputElement>('noise'),
  noiseValue: $<HTMLOutputElement>('noise-value'),
  load: $<HTMLInputElement>('load'),
  loadValue: $<HTMLOutputElement>('load-value'),
  damage: $<HTMLButtonElement>('damage'),
  clear: $<HTMLButtonElement>('clear'),
  recall: $<HTMLButtonElement>('recall'),
  out: { step: $('out-step'), status: $('out-status'), overlap: $('out-overlap'), best: $('out-best'), energy: $('out-energy'), patterns: $('out-patterns'), adapter: $('out-adapter') },
};

/** The letters at 20 x 20: each 5 x 5 pixel becomes a LETTER_SCALE square block. */
function bigLetters(): { names: string[]; patterns: Int8Array } {
  const names = ['D', 'J', 'C', 'M'];
  const small = letterPatterns(names).patterns;
  const patterns = new Int8Array(names.length * UNITS);
  for (let k = 0; k < names.length; k++) {
    for (let i = 0; i < UNITS; i++) {
      const [r, c] = [Math.floor(i / SIDE / LETTER_SCALE), Math.floor((i % SIDE) / LETTER_SCALE)];
      patterns[k * UNITS + i] = small[k * 25 + r * 5 + c];
    }
  }
  return { names, patterns };
}

const letters = bigLetters();
const state = {
  ctx: null as RunContext | null,
  net: null as HopfieldNetwork | null,
  /** The stored patterns: the letters first, then random ones. */
  stored: letters.patterns as Int8Array,
  probe: Int8Array.from(letters.patterns.subarray(0, UNITS)) as Int8Array,
  current: Int8Array.from(letters.patterns.subarray(0, UNITS)) as Int8Array,
  /** The probe, then the state after each sweep (the film strip). */
  film: [] as Int8Array[],
  /** Bumped by every new recall or probe edit: an older animation stops. */
  generation: 0,
  damageCount: 0,
  busy: Promise.resolve() as Promise<unknown>,
};

// ---------------------------------------------------------------- drawing and readouts

function draw(): void {
  // The current state (+1 dark), one canvas pixel per unit, no border (pointer positions map to units).
  paintGrey(ui.grid, imageGrid(Float32Array.from(state.current, (v) => (v > 0 ? 0 : 1)), { count: 1, height: SIDE, width: SIDE, pad: 0 }), 1);
  ui.grid.style.width = '';
  const strip = state.film.length ? state.film : [state.current];
  paintGrey(ui.film, recallGrid(strip[0], strip.slice(1), UNITS, SIDE), 3);
}

/** Overlaps with every stored pattern, and E = -1/2 x'Wx = -(N/2) sum_mu m_mu^2 + P/2 (W's zero diagonal). */
function readouts(step: string, status: string): void {
  const count = state.stored.length / UNITS;
  const repeated = new Int8Array(state.stored.length);
  for (let k = 0; k < count; k++) repeated.set(state.current, k * UNITS);
  const m = overlaps(repeated, state.stored, UNITS);
  const letter = letters.names.indexOf(ui.letter.value);
  const best = m.reduce((b, v, k) => (Math.abs(v) > Math.abs(m[b]) ? k : b), 0);
  const energy = (-UNITS / 2) * m.reduce((a, v) => a + v * v, 0) + count / 2;
  ui.out.step.textContent = step;
  ui.out.status.textContent = status;
  ui.out.overlap.textContent = `${m[letter].toFixed(3)} (${ui.letter.value})`;
  ui.out.best.textContent = `${best < 4 ? `letter ${letters.names[best]}` : `random pattern ${best - 3}`}: ${m[best].toFixed(3)}`;
  ui.out.energy.textContent = energy.toFixed(1);
}

function showLoad(): void {
  const load = Number(ui.load.value);
  const count = patternCount(load);
  ui.loadValue.textContent = `${load.toFixed(3)} (P = ${count})`;
  ui.loadValue.className = count / UNITS > CRITICAL_LOAD ? 'over' : 'under';
  ui.out.patterns.textContent = `${count} (4 letters + ${count - 4} random), load ${(count / UNITS).toFixed(3)}; critical ≈ ${CRITICAL_LOAD}`;
}

const patternCount = (load: number) => Math.max(4, Math.round(load * UNITS));

// ---------------------------------------------------------------- the network and the recall

/** Stores the letters and P - 4 random patterns (fixed seed: the same set for the same load). */
async function store(load: number): Promise<void> {
  const count = patternCount(load);
  const stored = new Int8Array(count * UNITS);
  stored.set(letters.patterns);
  if (count > 4) stored.set(randomPatterns(count - 4, UNITS, 1), letters.patterns.length);
  state.net?.release();
  state.net = null;
  state.stored = stored;
  state.net = await HopfieldNetwork.store(state.ctx!, { patterns: stored, units: UNITS });
  showLoad();
}

/** Recalls the current probe, one block step every STEP_MS; resolves when it stops. */
async function recall(): Promise<void> {
  const generation = ++state.generation;
  state.probe = Int8Array.from(state.current);
  state.film = [state.probe];
  const steps = BLOCKS * MAX_SWEEPS;
  const run: RecallRun = await state.net!.prepare(state.probe, { update: 'blocks', blocks: BLOCKS, steps, seed: generation });
  try {
    for (let step = 1; step <= steps; step++) {
      await run.run(1);
      const current = await run.readStates();
      const [outcome] = await run.outcomes();
      // A new probe, load or recall since: this one stops without drawing.
      if (generation !== state.generation) return;
      state.current = current;
      if (step % BLOCKS === 0) state.film.push(state.current);
      const stopped = outcome.status !== 'running';
      if (stopped && step % BLOCKS !== 0) state.film.push(state.current);
      draw();
      readouts(`${step} (sweep ${(step / BLOCKS).toFixed(2)})`, stopped ? `fixed point from step ${outcome.step}` : 'running');
      if (stopped) return;
      await new Promise((r) => setTimeout(r, STEP_MS));
    }
    readouts(`${steps}`, `no fixed point in ${MAX_SWEEPS} sweeps`);
  } finally {
    run.release();
  }
}

function damage(noise: number): void {
  state.generation++;
  const k = letters.names.indexOf(ui.letter.value);
  state.current = addNoise(letters.patterns.subarray(k * UNITS, (k + 1) * UNITS), UNITS, noise, 7, ++state.damageCount);
  state.film = [];
  draw();
  readouts('0', 'probe');
}

/** Runs `work` after whatever is queued (stores and recalls never overlap); failures go to the notice. */
function queue<T>(work: () => Promise<T>): Promise<T> {
  const next = state.busy.then(work);
  state.busy = next.catch(fail);
  return next;
}

const fail = (e: unknown): void => showFailure(ui.notice, e);

// ---------------------------------------------------------------- drawing on the grid

function wireGrid(): void {
  let paint: 1 | -1 | null = null;
  const cellAt = (e: PointerEvent) => {
    const box = ui.grid.getBoundingClientRect();
    const [c, r] = [Math.floor(((e.clientX - box.left) / box.width) * SIDE), Math.floor(((e.clientY - box.top) / box.height) * SIDE)];
    return r >= 0 && c >= 0 && r < SIDE && c < SIDE ? r * SIDE + c : -1;
  };
  const put = (e: PointerEvent) => {
    const i = cellAt(e);
    if (i < 0 || paint === null || state.current[i] === paint) return;
    state.current = Int8Array.from(state.current);
    state.current[i] = paint;
    draw();
    readouts('0', 'probe (drawn)');
  };
  ui.grid.addEventListener('pointerdown', (e) => {
    const i = cellAt(e);
    if (i < 0) return;
    state.generation++;
    state.film = [];
    // Paint the opposite of the cell first touched, for the whole stroke.
    paint = state.current[i] > 0 ? -1 : 1;
    ui.grid.setPointerCapture(e.pointerId);
    put(e);
  });
  ui.grid.addEventListener('pointermove', put);
  ui.grid.addEventListener('pointerup', () => (paint = null));
}

function wireControls(): void {
  ui.letter.replaceChildren(...letters.names.map((n) => new Option(n, n)));
  const showNoise = () => (ui.noiseValue.textContent = `${Math.round(Number(ui.noise.value) * 100)}%`);
  ui.noise.addEventListener('input', showNoise);
  showNoise();
  ui.load.addEventListener('input', showLoad);
  ui.load.addEventListener('change', () => {
    state.generation++;
    void queue(() => store(Number(ui.load.value)));
  });
  ui.letter.addEventListener('change', () => damage(0));
  ui.damage.addEventListener('click', () => damage(Number(ui.noise.value)));
  ui.clear.addEventListener('click', () => {
    state.generation++;
    state.current = new Int8Array(UNITS).fill(-1);
    state.film = [];
    draw();
    readouts('0', 'probe (cleared: draw on the grid)');
  });
  ui.recall.addEventListener('click', () => void queue(recall));
}

async function main(): Promise<void> {
  wireControls();
  wireGrid();
  showLoad();
  draw();
  const { ctx, adapter } = await openDemo({ notice: ui.notice, page: 'hopfield.html', onFail: fail });
  ui.out.adapter.textContent = adapter;
  state.ctx = ctx;
  await store(Number(ui.load.value));
  readouts('0', 'the letter as stored: damage it, or draw');
}

const ready = queue(main);
// The notice shows a failure; the hook's promise rejects for whoever awaits it, and nobody else.
ready.catch(() => undefined);
window.hopfieldDemo = {
  ready,
  setLoad: (load) =>
    queue(async () => {
      ui.load.value = String(load);
      await store(load);
    }),
  damageAndRecall: (noise) =>
    queue(async () => {
      damage(noise);
      await recall();
      const k = letters.names.indexOf(ui.letter.value);
      return overlaps(state.current, letters.patterns.subarray(k * UNITS, (k + 1) * UNITS), UNITS)[0];
    }),
};
