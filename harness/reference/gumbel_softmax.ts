// Plain TypeScript Gumbel-softmax and categorical KL in float64: the reference for
// shaders/gumbel_softmax.wgsl. The Gumbel noise is the Gumbel sampler's (gumbelReference: the same
// Philox words), so a relaxed draw can be checked element by element.
import { logSumExp } from './reduce.js';
import { gumbelReference, type StreamReference } from './sample.js';

export interface GumbelSoftmaxReference {
  /** softmax((logits + G) / tau) per row. */
  y: Float64Array;
  /** The one-hot of each row's argmax of y (the lowest class among equals). */
  hard: Float64Array;
  /** Per row, log softmax(logits) at that class. */
  logProb: Float64Array;
  /** Per row, the argmax's lead over the runner-up in (logits + G) (Infinity with one class): f32 may flip a near-tie. */
  margins: Float64Array;
}

/** The relaxed draw of each row; the Gumbel noise from the stream (as the sampler draws it), or given (the GPU's own draws). */
export function gumbelSoftmaxReference(logits: ArrayLike<number>, rows: number, classes: number, tau: number, noise: StreamReference | ArrayLike<number>): GumbelSoftmaxReference {
  const g = 'seed' in noise ? gumbelReference(rows * classes, 0, 1, noise) : Float64Array.from(noise);
  const y = new Float64Array(rows * classes);
  const hard = new Float64Array(rows * classes);
  const logProb = new Float64Array(rows);
  const margins = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: classes }, (_, j) => logits[r * classes + j]);
    // 1. The perturbed logits over the temperature, and their argmax.
    const a = row.map((l, j) => (l + g[r * classes + j]) / tau);
    let best = 0;
    a.forEach((v, j) => (v > a[best] ? (best = j) : 0));
    // 2. Their softmax, the largest subtracted first.
    const sum = a.reduce((t, v) => t + Math.exp(v - a[best]), 0);
    a.forEach((v, j) => (y[r * classes + j] = Math.exp(v - a[best]) / sum));
    hard[r * classes + best] = 1;
    // 3. log q of the argmax class under the unperturbed logits.
    logProb[r] = row[best] - logSumExp(row);
    const second = Math.max(...a.filter((_, j) => j !== best).map((v) => v * tau));
    margins[r] = a[best] * tau - second;
  }
  return { y, hard, logProb, margins };
}

/** Per row: KL(softmax(logits) || uniform) = sum_j q_j log q_j + log classes. */
export function categoricalKlReference(logits: ArrayLike<number>, rows: number, classes: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => {
    const row = Array.from({ length: classes }, (_, j) => logits[r * classes + j]);
    const lse = logSumExp(row);
    return row.reduce((t, l) => t + Math.exp(l - lse) * (l - lse), 0) + Math.log(classes);
  });
}
