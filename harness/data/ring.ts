// The ring of Gaussians, the test of mode collapse in GAN papers (Metz et al. 2017, unrolled GANs;
// Srivastava et al. 2017, VEEGAN): `modes` isotropic Gaussians of standard deviation `std` with centres
// evenly spaced on a circle of radius `radius` (mode m at angle 2 pi m / modes), example i from mode
// i mod modes (so every prefix is balanced). Draws: Philox (seed, ganRing), step i, the two normals of
// one Box-Muller pair. And the two numbers the papers report of generated samples: the fraction of
// "high quality" samples (within 3 std of their nearest mode) and the modes covered (those that hold
// at least RING_COVERAGE of the high-quality samples). Browser-safe.
import { InputError } from '../../engine/errors.js';
import { normals } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';
import { real, type NumberRule } from '../../models/options.js';

export interface RingOptions {
  samples: number;
  /** Default 8. */
  modes?: number;
  /** Default 2. */
  radius?: number;
  /** Default 0.02 (Metz et al.'s). */
  std?: number;
  seed: number;
}

/** The ring the papers use: 8 modes on a circle of radius 2, standard deviation 0.02. */
export const RING_DEFAULTS = { modes: 8, radius: 2, std: 0.02 } as const;

/** The modes' standard deviation as an option: > 0. */
export const RING_STD: NumberRule = real({ min: 0, minOpen: true, default: RING_DEFAULTS.std });

/** A sample is high quality within this many standard deviations of its nearest mode. */
export const RING_QUALITY_STDS = 3;
/**
 * A mode is covered when it holds at least this share of the samples a perfect generator would put
 * there (1 / modes): 2,500 samples on 8 modes put 312 on each, 1/16 of that is 20 (PacGAN's count).
 */
export const RING_COVERAGE = 1 / 16;

/** The centres, mode after mode: [x0, y0, x1, y1, ...]. */
export function ringCentres(modes: number, radius: number): Float64Array {
  return Float64Array.from({ length: 2 * modes }, (_, e) => radius * (e % 2 === 0 ? Math.cos : Math.sin)((2 * Math.PI * Math.floor(e / 2)) / modes));
}

function checkRing(o: Omit<RingOptions, 'samples' | 'seed'>): Required<Omit<RingOptions, 'samples' | 'seed'>> {
  const r = { ...RING_DEFAULTS, ...o };
  if (!(Number.isInteger(r.modes) && r.modes >= 1 && r.modes <= 256)) throw new InputError(`ring: modes = ${r.modes} must be an integer in [1, 256]`);
  if (!(Number.isFinite(r.radius) && r.radius > 0)) throw new InputError(`ring: radius = ${r.radius} must be a finite number > 0`);
  if (!(Number.isFinite(r.std) && r.std > 0)) throw new InputError(`ring: std = ${r.std} must be a finite number > 0`);
  return r;
}

/**
 * The ring's examples (samples x 2, float32) and their modes as labels.
 *
 *   const { values, labels } = makeRing({ samples: 10000, seed: 1 });
 */
export function makeRing(o: RingOptions): { values: Float32Array; labels: Uint8Array } {
  const r = checkRing(o);
  if (!(Number.isInteger(o.samples) && o.samples >= 1)) throw new InputError(`ring: samples = ${o.samples} must be a positive integer`);
  const centres = ringCentres(r.modes, r.radius);
  const labels = Uint8Array.from({ length: o.samples }, (_, i) => i % r.modes);
  const values = new Float32Array(2 * o.samples);
  for (let i = 0; i < o.samples; i++) {
    const z = normals(o.seed, RNG_PURPOSES.ganRing, i, 2);
    for (let e = 0; e < 2; e++) values[2 * i + e] = centres[2 * labels[i] + e] + r.std * z[e];
  }
  return { values, labels };
}

export interface RingScore {
  /** Modes holding at least RING_COVERAGE of their fair share of the samples, counting high-quality samples only. */
  modesCovered: number;
  /** The fraction of samples within RING_QUALITY_STDS standard deviations of their nearest mode. */
  highQuality: number;
  /** High-quality samples per mode. */
  perMode: number[];
}

/** How generated points (x, y pairs) match the ring. */
export function scoreRing(points: ArrayLike<number>, o: Omit<RingOptions, 'samples' | 'seed'> = {}): RingScore {
  const r = checkRing(o);
  const centres = ringCentres(r.modes, r.radius);
  const count = Math.floor(points.length / 2);
  const perMode = new Array<number>(r.modes).fill(0);
  let good = 0;
  for (let i = 0; i < count; i++) {
    let [best, nearest] = [Infinity, 0];
    for (let m = 0; m < r.modes; m++) {
      const d = Math.hypot(points[2 * i] - centres[2 * m], points[2 * i + 1] - centres[2 * m + 1]);
      if (d < best) [best, nearest] = [d, m];
    }
    if (best <= RING_QUALITY_STDS * r.std) {
      good++;
      perMode[nearest]++;
    }
  }
  const needed = (RING_COVERAGE * count) / r.modes;
  return { modesCovered: count === 0 ? 0 : perMode.filter((n) => n >= needed).length, highQuality: count === 0 ? 0 : good / count, perMode };
}
