// The renormalisation group of Ising spins and the receptive fields of stacked RBMs (Mehta & Schwab
// 2014, "An exact mapping between the variational renormalization group and deep learning"); host
// float64, no GPU.
// - The 1-D chain (coupling J, unit temperature, spins +-1): summing out every other spin leaves a chain
//   of the kept spins with coupling J' where tanh J' = tanh^2 J (Kadanoff's decimation), so that level n
//   of the flow has tanh J_n = tanh(J_0)^(2^n). On a periodic chain of N spins the correlation at
//   distance d is <s_0 s_d> = (t^d + t^(N-d)) / (1 + t^N), t = tanh J: at distance 2^n, tanh J_n up to
//   the wrap-around term.
// - Receptive fields on a periodic lattice (a ring, or a torus): each unit's field is a value per site
//   (its weights, or a product of weight matrices); its weight distribution w_s = f_s^2 has a centre of
//   mass (the circular mean along each axis), a radius (the root-mean-square periodic distance from the
//   centre) and a locality (the fraction of the weight within a disk of radius r around the centre).
//   The baseline: the same field with its values permuted over the sites (Philox, purpose rgShuffle).
import { InputError, RNG_PURPOSES } from '../engine/index.js';
import { philoxPermutation } from '../engine/philox.js';
import { rowOf } from './linalg.js';
import { meanWithError } from './stats.js';

/** J_0 = coupling, J_1, ..., J_levels: tanh J_{n+1} = tanh^2 J_n. */
export function decimationFlow(coupling: number, levels: number): number[] {
  if (!(Number.isFinite(coupling) && coupling >= 0)) throw new InputError(`rg: coupling = ${coupling} must be a finite number >= 0`);
  if (!(Number.isInteger(levels) && levels >= 0)) throw new InputError(`rg: levels = ${levels} must be a non-negative integer`);
  const flow = [coupling];
  for (let n = 0; n < levels; n++) flow.push(Math.atanh(Math.tanh(flow[n]) ** 2));
  return flow;
}

/** <s_0 s_d> of a periodic chain of `length` spins with coupling J: (t^d + t^(N-d)) / (1 + t^N), t = tanh J. */
export function chainCorrelation(coupling: number, distance: number, length: number): number {
  const t = Math.tanh(coupling);
  return (t ** distance + t ** (length - distance)) / (1 + t ** length);
}

/** A periodic chain's couplings as a Boltzmann machine's symmetric matrix (length x length): J between neighbours. */
export function ringCouplings(length: number, coupling: number): Float32Array {
  if (!(Number.isInteger(length) && length >= 3)) throw new InputError(`rg: a periodic chain needs at least 3 spins, got ${length}`);
  const j = new Float32Array(length * length);
  for (let i = 0; i < length; i++) {
    const next = (i + 1) % length;
    j[i * length + next] = j[next * length + i] = coupling;
  }
  return j;
}

/**
 * The mean of s_i s_(i+d) over the sites and chains of +-1 states (chains x length, periodic), with its
 * standard error: each chain's site average is one independent sample.
 */
export function measuredCorrelation(states: ArrayLike<number>, chains: number, length: number, distance: number): { value: number; stderr: number } {
  const perChain = Float64Array.from({ length: chains }, (_, c) => {
    let s = 0;
    for (let i = 0; i < length; i++) s += states[c * length + i] * states[c * length + ((i + distance) % length)];
    return s / length;
  });
  return meanWithError(perChain);
}

/**
 * The locality measure's default disk radius, in lattice spacings: between the 2 x 2 blocks a first
 * layer of a quarter of the sites could learn and the 8 x 8 of a third (1600-400-100-25).
 */
export const RG_RADIUS = 3;

/** A periodic lattice of width x height sites, row-major (a ring: height 1). */
export interface Lattice {
  width: number;
  height: number;
}

/** One field's weight distribution: its centre (x, y), radius (RMS distance from it) and the fraction within r. */
export interface FieldLocality {
  centre: [number, number];
  radius: number;
  fraction: number;
}

/** The circular mean of positions 0..size-1 weighted by w(i) (the centre of mass on a circle). */
function circularMean(size: number, weight: (i: number) => number): number {
  let [c, s, total] = [0, 0, 0];
  for (let i = 0; i < size; i++) {
    const a = (2 * Math.PI * i) / size;
    [c, s, total] = [c + weight(i) * Math.cos(a), s + weight(i) * Math.sin(a), total + weight(i)];
  }
  // No preferred position (a uniform weight, or none): the origin.
  if (!(Math.hypot(c, s) > 1e-12 * total)) return 0;
  const angle = Math.atan2(s, c);
  return (((angle / (2 * Math.PI)) * size) % size + size) % size;
}

/** The periodic distance between a and b on a circle of `size`. */
const wrap = (a: number, b: number, size: number) => {
  const d = Math.abs(a - b) % size;
  return Math.min(d, size - d);
};

/** The locality of one field (sites values on the lattice) for a disk of radius r. */
export function fieldLocality(field: ArrayLike<number>, lattice: Lattice, r: number): FieldLocality {
  const { width, height } = lattice;
  if (field.length !== width * height) throw new InputError(`rg: a field of ${field.length} values on a ${width} x ${height} lattice`);
  const w = Float64Array.from(field, (f) => f * f);
  const total = w.reduce((a, b) => a + b, 0);
  // A field of zeros has no weight to place: NaN (layerLocality leaves such units out).
  if (!(total > 0)) return { centre: [NaN, NaN], radius: NaN, fraction: NaN };
  // The weight's marginals along each axis, then each axis's circular mean.
  const [columns, rows] = [new Float64Array(width), new Float64Array(height)];
  w.forEach((v, s) => {
    columns[s % width] += v;
    rows[Math.floor(s / width)] += v;
  });
  const x = circularMean(width, (i) => columns[i]);
  const y = height > 1 ? circularMean(height, (j) => rows[j]) : 0;
  let [inside, squared] = [0, 0];
  for (let s = 0; s < w.length; s++) {
    const d2 = wrap(s % width, x, width) ** 2 + (height > 1 ? wrap(Math.floor(s / width), y, height) ** 2 : 0);
    squared += w[s] * d2;
    if (d2 <= r * r) inside += w[s];
  }
  return { centre: [x, y], radius: Math.sqrt(squared / total), fraction: inside / total };
}

/**
 * A layer's locality: the means over its units, and the same for each field permuted over the sites;
 * and the median radius, which a few spread fields (units L1 has all but silenced) do not drag.
 */
export interface LayerLocality {
  locality: number;
  locality_shuffled: number;
  mean_radius: number;
  mean_radius_shuffled: number;
  median_radius: number;
}

/** The median of numbers (the mean of the middle two for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The locality of `units` fields (units x sites, row-major) for a disk of radius r, each field also
 * permuted over the sites (unit u by the Philox permutation of (seed, rgShuffle, u)); fields of zeros
 * are left out of the means.
 */
export function layerLocality(fields: ArrayLike<number>, units: number, lattice: Lattice, r: number, seed: number): LayerLocality {
  const sites = lattice.width * lattice.height;
  if (fields.length !== units * sites) throw new InputError(`rg: ${fields.length} field values are not ${units} units x ${sites} sites`);
  let [locality, shuffled, radius, radiusShuffled, counted] = [0, 0, 0, 0, 0];
  const radii: number[] = [];
  for (let u = 0; u < units; u++) {
    const field = rowOf(fields, u, sites);
    const own = fieldLocality(field, lattice, r);
    if (Number.isNaN(own.fraction)) continue;
    counted++;
    const permutation = philoxPermutation(sites, seed, RNG_PURPOSES.rgShuffle, u);
    const other = fieldLocality(Array.from(permutation, (p) => field[p]), lattice, r);
    [locality, shuffled, radius, radiusShuffled] = [locality + own.fraction, shuffled + other.fraction, radius + own.radius, radiusShuffled + other.radius];
    radii.push(own.radius);
  }
  return { locality: locality / counted, locality_shuffled: shuffled / counted, mean_radius: radius / counted, mean_radius_shuffled: radiusShuffled / counted, median_radius: median(radii) };
}
