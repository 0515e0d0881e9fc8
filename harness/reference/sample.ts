// Plain TypeScript samplers, the reference for shaders/sample.wgsl: the same Philox word decides each
// element, and the transforms run in float64. Integer decisions (Bernoulli from probabilities, the
// dropout mask) match the GPU bit for bit; float draws and decisions through exp or log (Gaussian,
// Gumbel, Bernoulli from logits, categorical) match it within the accuracy of WGSL's transcendentals.
import { bernoulli24, normal2, rngBits, uniform24 } from '../../engine/philox.js';
import { RNG_PURPOSES, type RngPurpose } from '../../engine/rng_purposes.js';

/** The Philox key word 0 and counter words of a draw, as the ops take them. */
export interface StreamReference {
  seed: number;
  /** The step the GPU sees: the op's step plus the iteration index. */
  step: number;
  call?: number;
}

/** A per-element parameter: one number, or one value per element. */
export type ParameterReference = number | ArrayLike<number>;

const at = (p: ParameterReference, e: number) => (typeof p === 'number' ? p : p[e]);

/** The word that decides element e: word e % 4 of Philox counter (step, e / 4, call) under key (seed, purpose). */
export function elementWord(purpose: RngPurpose, s: StreamReference, e: number): number {
  return rngBits(s.seed, RNG_PURPOSES[purpose], s.step, Math.floor(e / 4), s.call ?? 0)[e % 4];
}

/** sigmoid in float64, 0 and 1 at -Inf and +Inf. */
export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Bernoulli(p[e]) per element: the GEMM epilogue's rule (bernoulli24) on the bernoulli purpose's word. */
export function bernoulliReference(p: ArrayLike<number>, s: StreamReference): Float64Array {
  return Float64Array.from({ length: p.length }, (_, e) => bernoulli24(elementWord('bernoulli', s, e), p[e]));
}

/** Bernoulli(sigmoid(z[e])) per element: p in float64 (then as f32, as the rule takes it), the same word as bernoulliReference. */
export function bernoulliLogitsReference(z: ArrayLike<number>, s: StreamReference): Float64Array {
  return Float64Array.from({ length: z.length }, (_, e) => bernoulli24(elementWord('bernoulli', s, e), sigmoid(z[e])));
}

/** mean + std * N(0, 1) per element, the normal from Box-Muller on the word pair of rng_normal4. */
export function gaussianReference(count: number, mean: ParameterReference, std: ParameterReference, s: StreamReference): Float64Array {
  const out = new Float64Array(count);
  for (let q = 0; 4 * q < count; q++) {
    // One Philox call per four elements: words (x, y) give elements 4q, 4q + 1; (z, w) give 4q + 2, 4q + 3.
    const bits = rngBits(s.seed, RNG_PURPOSES.gaussian, s.step, q, s.call ?? 0);
    const normals = [...normal2(bits[0], bits[1]), ...normal2(bits[2], bits[3])];
    for (let j = 0; j < 4 && 4 * q + j < count; j++) out[4 * q + j] = at(mean, 4 * q + j) + at(std, 4 * q + j) * normals[j];
  }
  return out;
}

/** low + (high - low) * u per element, u the 24-bit uniform in [0, 1) of the uniform purpose's word. */
export function uniformReference(count: number, low: number, high: number, s: StreamReference): Float64Array {
  return Float64Array.from({ length: count }, (_, e) => low + (high - low) * uniform24(elementWord('uniform', s, e)));
}

/** A standard Gumbel variate from one word: u = (2 (word >> 9) + 1) / 2^24 in (0, 1), then -log(-log u). */
export function gumbelVariate(word: number): number {
  const u = (2 * (word >>> 9) + 1) / 2 ** 24;
  return -Math.log(-Math.log(u));
}

/** location + scale * Gumbel per element, on the gumbel purpose's word. */
export function gumbelReference(count: number, location: ParameterReference, scale: ParameterReference, s: StreamReference): Float64Array {
  return Float64Array.from({ length: count }, (_, e) => at(location, e) + at(scale, e) * gumbelVariate(elementWord('gumbel', s, e)));
}

/** Inverted dropout: mask[e] = bernoulli24 on the dropout purpose's word with p = keep; out = x * f32(1 / keep) in f32, or 0. */
export function dropoutReference(x: ArrayLike<number>, keep: number, s: StreamReference): { output: Float32Array; mask: Uint8Array } {
  const q = Math.fround(keep);
  const scale = Math.fround(1 / q);
  const mask = Uint8Array.from({ length: x.length }, (_, e) => bernoulli24(elementWord('dropout', s, e), q));
  // A product of two f32 is exact in float64, so one fround gives the GPU's correctly rounded f32 product.
  const output = Float32Array.from({ length: x.length }, (_, e) => (mask[e] ? Math.fround(x[e] * scale) : 0));
  return { output, mask };
}

/**
 * Gumbel-max per row of a rows x classes matrix: the lowest j maximising (z[j] - m) + G(word of
 * element row * classes + j), m the row's largest finite logit (0 when none), NaN never winning.
 * `margins` is the winner's lead over the runner-up in float64 (Infinity with one candidate), so a
 * test can tell decided rows from near-ties that f32 rounding may flip.
 */
export function categoricalReference(logits: ArrayLike<number>, rows: number, classes: number, s: StreamReference): { classes: Uint32Array; margins: Float64Array } {
  const out = new Uint32Array(rows);
  const margins = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    // 1. The shift: the largest finite logit of the row.
    let m = -Infinity;
    for (let j = 0; j < classes; j++) if (Number.isFinite(logits[r * classes + j])) m = Math.max(m, logits[r * classes + j]);
    if (m === -Infinity) m = 0;
    // 2. The best and second best perturbed score; ties go to the lower class (the first seen).
    let best = -Infinity, second = -Infinity, winner = 0xffffffff;
    for (let j = 0; j < classes; j++) {
      const e = r * classes + j;
      const score = logits[e] - m + gumbelVariate(elementWord('gumbel', s, e));
      if (Number.isNaN(score)) continue;
      if (winner === 0xffffffff || score > best) {
        second = best;
        best = score;
        winner = j;
      } else second = Math.max(second, score);
    }
    out[r] = winner;
    margins[r] = best === second ? 0 : best - second;
  }
  return { classes: out, margins };
}
