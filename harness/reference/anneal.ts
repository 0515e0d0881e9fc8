// Plain TypeScript annealing kernels in float64, the reference for shaders/anneal.wgsl: the tempered
// draws on the samplers' own Philox words, and the log importance weights' increments.
import { softplus } from './elementwise.js';
import { bernoulliLogitsReference, gaussianReference, type StreamReference } from './sample.js';

/**
 * The tempered sampler's draws: Bernoulli(sigmoid(z)) or z + N(0, 1) with z = beta x + (1 - beta)
 * base[col] in float64 from the f32 inputs, on the same words as addSample's (bernoulliLogits, gaussian).
 */
export function annealedSampleReference(
  distribution: 'bernoulli' | 'gaussian',
  x: ArrayLike<number>,
  base: ArrayLike<number> | null,
  cols: number,
  beta: number,
  stream: StreamReference,
): Float64Array {
  const z = Float64Array.from({ length: x.length }, (_, e) => beta * x[e] + (base ? (1 - beta) * base[e % cols] : 0));
  return distribution === 'bernoulli' ? bernoulliLogitsReference(z, stream) : gaussianReference(z.length, z, 1, stream);
}

/** Per row: (now - before) linear[r] + sum_j softplus(now x_rj) - softplus(before x_rj), in float64. */
export function annealedLogWeightReference(x: ArrayLike<number>, linear: ArrayLike<number>, rows: number, cols: number, before: number, now: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => {
    let s = (now - before) * linear[r];
    for (let j = 0; j < cols; j++) s += softplus(now * x[r * cols + j]) - softplus(before * x[r * cols + j]);
    return s;
  });
}
