// Cities of a travelling-salesman problem on the host: from a seed (uniform in the unit square) or a
// TSPLIB-style file (NODE_COORD_SECTION, EUC_2D), their distances, tours and their lengths, and the
// exact optimum by Held-Karp dynamic programming for small problems.
import { InputError } from '../engine/errors.js';
import { rngBits } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';

export interface Cities {
  /** x, y per city. */
  x: Float64Array;
  y: Float64Array;
  name?: string;
}

/** The most cities Held-Karp is run for (2^(n-1) n subsets x ends). */
export const MAX_EXACT_CITIES = 12;

/** Checks cities: at least 3, every coordinate finite; an InputError naming the city otherwise. */
export function checkCities(c: Cities): Cities {
  const n = c.x.length;
  if (n !== c.y.length) throw new InputError(`tsp: ${c.x.length} x coordinates but ${c.y.length} y coordinates`);
  if (n < 3) throw new InputError(`tsp: ${n} cities; a tour needs at least 3`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(c.x[i]) || !Number.isFinite(c.y[i])) throw new InputError(`tsp: city ${i + 1} has coordinates (${c.x[i]}, ${c.y[i]}); every coordinate must be finite`);
  }
  return c;
}

/**
 * `n` cities uniform in the unit square: x and y from words 0 and 1 of Philox (seed, tspCities) at
 * counter (0, city, 0), 24 bits each.
 *
 *   const cities = randomCities(20, 7);
 */
export function randomCities(n: number, seed: number): Cities {
  if (!(Number.isInteger(n) && n >= 3)) throw new InputError(`tsp: ${n} cities; a tour needs at least 3 (an integer)`);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const bits = rngBits(seed, RNG_PURPOSES.tspCities, 0, i, 0);
    x[i] = (bits[0] >>> 8) / 2 ** 24;
    y[i] = (bits[1] >>> 8) / 2 ** 24;
  }
  return { x, y, name: `random-${n}-seed-${seed}` };
}

/**
 * Parses a TSPLIB-style file: `KEY : value` header lines (DIMENSION, EDGE_WEIGHT_TYPE EUC_2D, ATT,
 * GEO or CEIL_2D are read as plane coordinates), then NODE_COORD_SECTION with `index x y` lines, then
 * EOF. `source` names the file in errors.
 */
export function parseTsplib(text: string, source = 'tsplib'): Cities {
  const lines = text.split(/\r?\n/);
  let dimension: number | undefined;
  let name: string | undefined;
  let k = 0;
  for (; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '') continue;
    if (/^NODE_COORD_SECTION\b/i.test(line)) break;
    const m = line.match(/^([A-Z_]+)\s*:?\s*(.*)$/i);
    if (!m) throw new InputError(`${source}: line ${k + 1}: '${line}' is not a 'KEY : value' header line`);
    const key = m[1].toUpperCase();
    if (key === 'DIMENSION') dimension = Number(m[2]);
    if (key === 'NAME') name = m[2].trim();
    if (key === 'EDGE_WEIGHT_TYPE' && !/^(EUC_2D|CEIL_2D|ATT|GEO)$/i.test(m[2].trim())) {
      throw new InputError(`${source}: EDGE_WEIGHT_TYPE ${m[2].trim()} is not supported (coordinates in the plane: EUC_2D)`);
    }
  }
  if (k === lines.length) throw new InputError(`${source}: no NODE_COORD_SECTION`);
  const xs: number[] = [], ys: number[] = [];
  for (k++; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '' || /^EOF$/i.test(line)) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 3) throw new InputError(`${source}: line ${k + 1}: '${line}' is not 'index x y'`);
    const [x, y] = [Number(parts[1]), Number(parts[2])];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new InputError(`${source}: line ${k + 1}: city ${parts[0]} has coordinates (${parts[1]}, ${parts[2]}); every coordinate must be finite`);
    xs.push(x);
    ys.push(y);
  }
  if (dimension !== undefined && dimension !== xs.length) throw new InputError(`${source}: DIMENSION is ${dimension} but NODE_COORD_SECTION lists ${xs.length} cities`);
  return checkCities({ x: Float64Array.from(xs), y: Float64Array.from(ys), name });
}

/** Euclidean distances, n x n. */
export function distances(c: Cities): Float64Array {
  const n = c.x.length;
  const d = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) d[a * n + b] = Math.hypot(c.x[a] - c.x[b], c.y[a] - c.y[b]);
  return d;
}

/** The length of a closed tour (cities in visiting order). */
export function tourLength(tour: ArrayLike<number>, d: Float64Array): number {
  const n = tour.length;
  let length = 0;
  for (let i = 0; i < n; i++) length += d[tour[i] * n + tour[(i + 1) % n]];
  return length;
}

/** Whether `tour` visits each of n cities exactly once. */
export function isPermutation(tour: ArrayLike<number>, n: number): boolean {
  if (tour.length !== n) return false;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = tour[i];
    if (!(Number.isInteger(c) && c >= 0 && c < n) || seen[c]) return false;
    seen[c] = 1;
  }
  return true;
}

/**
 * The shortest tour by Held-Karp: cost[S][j] = the shortest path from city 0 through the set S of
 * other cities, ending at j; O(2^n n^2) time, for n <= MAX_EXACT_CITIES.
 */
export function heldKarp(d: Float64Array, n: number): { length: number; tour: number[] } {
  if (n > MAX_EXACT_CITIES) throw new InputError(`tsp: Held-Karp is for at most ${MAX_EXACT_CITIES} cities, not ${n}`);
  const m = n - 1;
  const full = 1 << m;
  // City k + 1 is bit k of a subset; city 0 is the start.
  const cost = new Float64Array(full * m).fill(Infinity);
  const from = new Int32Array(full * m).fill(-1);
  for (let k = 0; k < m; k++) cost[(1 << k) * m + k] = d[k + 1];
  for (let set = 1; set < full; set++) {
    for (let k = 0; k < m; k++) {
      const here = cost[set * m + k];
      if (!(set & (1 << k)) || here === Infinity) continue;
      for (let next = 0; next < m; next++) {
        if (set & (1 << next)) continue;
        const to = (set | (1 << next)) * m + next;
        const c = here + d[(k + 1) * n + next + 1];
        if (c < cost[to]) {
          cost[to] = c;
          from[to] = k;
        }
      }
    }
  }
  let best = Infinity, end = 0;
  for (let k = 0; k < m; k++) {
    const c = cost[(full - 1) * m + k] + d[(k + 1) * n];
    if (c < best) [best, end] = [c, k];
  }
  const tour = [0];
  for (let set = full - 1, k = end; k >= 0; ) {
    tour.push(k + 1);
    const prev = from[set * m + k];
    set &= ~(1 << k);
    k = prev;
  }
  return { length: best, tour: [0, ...tour.slice(1).reverse()] };
}
