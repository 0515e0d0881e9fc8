// The host-side arithmetic of the Ising demo (harness/ising/demo.ts), kept free of the DOM and of
// WebGPU so that Node tests can check it: page settings from a query string, observables of one
// lattice (counted by the reference measurement) and painting sites into RGBA pixels.
import { ISING_TC } from '../../models/ising.js';
import { ISING_ALGORITHMS, type IsingAlgorithm } from '../../models/ising_rule.js';
import { checkerboardMeasure } from './reference.js';

export const DEMO_SIZES: readonly number[] = [64, 128, 256, 512, 1024];
export const T_MIN = 0.5;
export const T_MAX = 5;
/** Sweeps per animation frame: a fixed count, or 'auto' (as many as fit a frame's budget). */
export type SweepsPerFrame = number | 'auto';
export const SWEEPS_PER_FRAME: readonly SweepsPerFrame[] = ['auto', 1, 2, 5, 10, 20, 50, 100];

export interface DemoSettings {
  size: number;
  temperature: number;
  algorithm: IsingAlgorithm;
  seed: number;
  start: 'hot' | 'cold';
  sweepsPerFrame: SweepsPerFrame;
}

export const DEFAULT_SETTINGS: DemoSettings = {
  size: 256,
  temperature: Math.round(ISING_TC * 1000) / 1000,
  algorithm: 'multispin',
  seed: 1,
  start: 'hot',
  sweepsPerFrame: 'auto',
};

/**
 * Settings from a query string such as `?size=128&temperature=2.0&seed=3&algorithm=multispin&start=hot&spf=5`.
 * A value that does not parse keeps its default and adds a warning naming the parameter; the size is
 * checked against the algorithm later, by IsingChain.create.
 */
export function parseSettings(query: string): { settings: DemoSettings; warnings: string[] } {
  const params = new URLSearchParams(query);
  const settings = { ...DEFAULT_SETTINGS };
  const warnings: string[] = [];
  const read = (key: string, accept: (v: string) => boolean, apply: (v: string) => void, what: string) => {
    const v = params.get(key);
    if (v === null) return;
    if (accept(v)) apply(v);
    else warnings.push(`?${key}=${v} ignored: ${what}`);
  };
  const isInt = (v: string, lo: number, hi: number) => /^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi;
  read('size', (v) => isInt(v, 2, 4096) && Number(v) % 2 === 0, (v) => (settings.size = Number(v)), 'size must be an even integer in [2, 4096]');
  read('temperature', (v) => v.trim() !== '' && Number(v) > 0 && Number.isFinite(Number(v)), (v) => (settings.temperature = Number(v)), 'temperature must be a positive number');
  read('seed', (v) => isInt(v, 0, 0xffffffff), (v) => (settings.seed = Number(v)), 'seed must be an integer in [0, 2^32)');
  read('algorithm', (v) => (ISING_ALGORITHMS as readonly string[]).includes(v), (v) => (settings.algorithm = v as IsingAlgorithm), `algorithm must be one of ${ISING_ALGORITHMS.join(', ')}`);
  read('start', (v) => v === 'hot' || v === 'cold', (v) => (settings.start = v as 'hot' | 'cold'), 'start must be hot or cold');
  read('spf', (v) => v === 'auto' || isInt(v, 1, 10000), (v) => (settings.sweepsPerFrame = v === 'auto' ? 'auto' : Number(v)), 'spf must be auto or a positive integer');
  return { settings, warnings };
}

/** The query string that reproduces `settings` (the page keeps its address in step with the controls). */
export function settingsQuery(s: DemoSettings): string {
  const p = new URLSearchParams({
    size: String(s.size),
    temperature: String(Math.round(s.temperature * 1e6) / 1e6),
    algorithm: s.algorithm,
    seed: String(s.seed),
    start: s.start,
    spf: String(s.sweepsPerFrame),
  });
  return `?${p}`;
}

/**
 * Energy per site (J = 1, h = 0) and |m| of one periodic L x L lattice of 0/1 sites (1 = spin +1).
 * Each site owns its right and lower bond, so every one of the 2N bonds is counted once:
 * E/N = -(aligned - anti) / N = -(2N - 2 anti) / N.
 */
export function latticeObservables(sites: Uint8Array, size: number): { energyPerSite: number; magnetizationAbs: number } {
  const n = size * size;
  const { anti, up } = checkerboardMeasure(sites, size);
  return { energyPerSite: -(2 * n - 2 * anti) / n, magnetizationAbs: Math.abs(2 * up - n) / n };
}

/** Colours as RGBA bytes: +1 light, -1 dark. */
export const LIGHT: readonly [number, number, number] = [0xf4, 0xf1, 0xe8];
export const DARK: readonly [number, number, number] = [0x1b, 0x22, 0x33];

/** Writes one RGBA pixel per site into `rgba` (length 4 * sites.length), e.g. an ImageData's data. */
export function paintSites(sites: Uint8Array, rgba: Uint8ClampedArray): void {
  for (let i = 0; i < sites.length; i++) {
    const c = sites[i] ? LIGHT : DARK;
    const o = 4 * i;
    rgba[o] = c[0];
    rgba[o + 1] = c[1];
    rgba[o + 2] = c[2];
    rgba[o + 3] = 255;
  }
}

