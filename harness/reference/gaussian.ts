// Plain TypeScript Gaussian latent maps in float64: the reference for shaders/gaussian.wgsl. The
// draws eps are the Gaussian sampler's (gaussianReference with mean 0 and std 1, the same Philox
// words), so a reparameterised draw can be checked element by element.
import { gaussianReference, type StreamReference } from './sample.js';

/** Element e of z = (rows * samples) x dims is drawn from element (floor(e / dims) / samples) * dims + e % dims of mean. */
const sourceOf = (e: number, dims: number, samples: number) => Math.floor(Math.floor(e / dims) / samples) * dims + (e % dims);

export interface ReparameterizeReference {
  z: Float64Array;
  eps: Float64Array;
  /** Per draw (row of z): log N(z; 0, I) - log N(z; mean, exp(logVar)). */
  logRatio: Float64Array;
}

/**
 * z = mean + exp(logVar / 2) * eps with `samples` draws per row of mean (rows x dims), and each
 * draw's log-density ratio; eps from the stream (as the Gaussian sampler draws z's elements), or
 * given (the GPU's own draws, so that a gradient check is not blurred by the sampler's tolerance).
 */
export function reparameterizeReference(
  mean: ArrayLike<number>,
  logVar: ArrayLike<number>,
  rows: number,
  dims: number,
  samples: number,
  noise: StreamReference | ArrayLike<number>,
): ReparameterizeReference {
  const n = rows * samples * dims;
  // 1. The standard normals.
  const eps = 'seed' in noise ? gaussianReference(n, 0, 1, noise) : Float64Array.from(noise);
  const z = new Float64Array(n);
  const logRatio = new Float64Array(rows * samples);
  for (let e = 0; e < n; e++) {
    // 2. The draw from its row's moments.
    const i = sourceOf(e, dims, samples);
    z[e] = mean[i] + Math.exp(logVar[i] / 2) * eps[e];
    // 3. log N(z; 0, 1) - log N(z; mean, sigma^2) = -z^2 / 2 + eps^2 / 2 + logVar / 2 (the 2 pi cancels).
    logRatio[Math.floor(e / dims)] += (eps[e] * eps[e] - z[e] * z[e] + logVar[i]) / 2;
  }
  return { z, eps, logRatio };
}

/** Per row of rows x dims: KL(N(mean, exp(logVar)) || N(0, I)) = sum of (mean^2 + e^logVar - 1 - logVar) / 2. */
export function gaussianKlReference(mean: ArrayLike<number>, logVar: ArrayLike<number>, rows: number, dims: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows * dims; i++) out[Math.floor(i / dims)] += (mean[i] * mean[i] + Math.expm1(logVar[i]) - logVar[i]) / 2;
  return out;
}

/** Per row of rows x dims: -log N(x; mean, exp(logVar)) = sum of (log 2 pi + logVar + (x - mean)^2 e^-logVar) / 2. */
export function gaussianNllReference(x: ArrayLike<number>, mean: ArrayLike<number>, logVar: ArrayLike<number> | number, rows: number, dims: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows * dims; i++) {
    const lv = typeof logVar === 'number' ? logVar : logVar[i];
    const d = x[i] - mean[i];
    out[Math.floor(i / dims)] += (Math.log(2 * Math.PI) + lv + d * d * Math.exp(-lv)) / 2;
  }
  return out;
}
