// Patterns of +-1 units for Hopfield networks, on the host: checks, random patterns and probe noise
// from Philox (the same in Node and in a page), overlaps, and the seeds' 5x5 letters.
import { InputError, rngBits, RNG_PURPOSES } from '../engine/index.js';

/**
 * Checks `count` patterns of `units` +-1 values, row after row, and returns them as bytes; anything
 * else is an InputError naming `what`, the pattern and the unit.
 *
 *   const xi = checkPatterns([1, -1, 1, 1, -1, -1], 3, 'patterns');   // two patterns of 3 units
 */
export function checkPatterns(values: ArrayLike<number>, units: number, what = 'patterns'): Int8Array {
  if (!(Number.isInteger(units) && units >= 2)) throw new InputError(`${what}: units = ${units} must be an integer >= 2`);
  if (!values || typeof values.length !== 'number' || values.length === 0) throw new InputError(`${what}: no values (at least one pattern of ${units} units is needed)`);
  if (values.length % units !== 0) {
    throw new InputError(`${what}: ${values.length} values are not whole patterns of ${units} units (the last has ${values.length % units})`);
  }
  const out = new Int8Array(values.length);
  for (let e = 0; e < values.length; e++) {
    const v = values[e];
    if (v !== 1 && v !== -1) throw new InputError(`${what}: pattern ${Math.floor(e / units)}, unit ${e % units} is ${String(v)}; every value must be +1 or -1`);
    out[e] = v;
  }
  return out;
}

/**
 * `count` random patterns of `units` +-1 values (each +1 with probability 1/2): bit e % 32 of word
 * (e / 32) % 4 of Philox (seed, hopfieldPatterns) at counter (step, e / 128, call), e = mu * units + i.
 *
 *   const xi = randomPatterns(138, 1000, 7, 0);
 */
export function randomPatterns(count: number, units: number, seed: number, step = 0, call = 0): Int8Array {
  const out = new Int8Array(count * units);
  for (let q = 0; q * 128 < out.length; q++) {
    const bits = rngBits(seed, RNG_PURPOSES.hopfieldPatterns, step, q, call);
    for (let b = 0; b < 128 && q * 128 + b < out.length; b++) out[q * 128 + b] = (bits[b >> 5] >>> (b & 31)) & 1 ? 1 : -1;
  }
  return out;
}

/** Noise is a fraction of units in [0, 1]; anything else is an InputError. */
export function checkNoise(noise: number): void {
  if (!(Number.isFinite(noise) && noise >= 0 && noise <= 1)) throw new InputError(`noise = ${noise} must lie in [0, 1] (the fraction of units flipped)`);
}

/**
 * Probes with exactly round(noise * units) units of each pattern flipped: the units with the smallest
 * Philox keys (seed, hopfieldPatterns) at counter (step, e, 1), e = mu * units + i (ties by index).
 *
 *   const probes = addNoise(letters, 25, 0.2, 3);   // 5 of the 25 pixels of each letter flipped
 */
export function addNoise(patterns: Int8Array, units: number, noise: number, seed: number, step = 0): Int8Array {
  checkNoise(noise);
  const flips = Math.round(noise * units);
  const out = Int8Array.from(patterns);
  for (let mu = 0; mu * units < patterns.length; mu++) {
    const keyed = Array.from({ length: units }, (_, i) => ({ i, key: rngBits(seed, RNG_PURPOSES.hopfieldPatterns, step, mu * units + i, 1)[0] }));
    keyed.sort((a, b) => a.key - b.key || a.i - b.i);
    for (const { i } of keyed.slice(0, flips)) out[mu * units + i] = -out[mu * units + i];
  }
  return out;
}

/** Overlap of row r of `a` with row r of `b`: (1/units) sum_i a_i b_i, per row. */
export function overlaps(a: ArrayLike<number>, b: ArrayLike<number>, units: number): number[] {
  const rows = a.length / units;
  return Array.from({ length: rows }, (_, r) => {
    let sum = 0;
    for (let i = 0; i < units; i++) sum += a[r * units + i] * b[r * units + i];
    return sum / units;
  });
}

/**
 * The four memories of the seeds' associative-memory figure (a 25-unit Hopfield network storing the
 * four 5x5 letters D, J, C, M; MacKay, Information Theory, Inference, and Learning Algorithms, fig.
 * 42.3), drawn here so that all four are fixed points of the Hebbian network and about 9 in 10 probes
 * with 5 of 25 pixels flipped return to their letter: '#' is +1, '.' is -1, row-major.
 */
export const HOPFIELD_LETTERS: Readonly<Record<string, string>> = {
  D: '####. .#..# .#..# .#..# ####.',
  J: '..### ...#. ...#. #..#. ###..',
  C: '##### #.... #.... #.... #####',
  M: '##.## #.#.# #.#.# #...# #...#',
};

/** The letters' side (5) and their patterns as +-1 bytes, in the order of `names`. */
export function letterPatterns(names: readonly string[] = Object.keys(HOPFIELD_LETTERS)): { side: number; units: number; patterns: Int8Array } {
  const rows = names.map((name) => {
    const picture = HOPFIELD_LETTERS[name];
    if (!picture) throw new InputError(`unknown letter '${name}'; known: ${Object.keys(HOPFIELD_LETTERS).join(', ')}`);
    return [...picture.replace(/ /g, '')].map((c) => (c === '#' ? 1 : -1));
  });
  return { side: 5, units: 25, patterns: Int8Array.from(rows.flat()) };
}
