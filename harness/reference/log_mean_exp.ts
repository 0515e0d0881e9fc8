// Plain TypeScript log-mean-exp in float64: the reference for shaders/log_mean_exp.wgsl.
import { logSumExp } from './reduce.js';

/** Per row of rows x samples: log (1/samples) sum_k exp(x[r, k]), the largest subtracted first. */
export function logMeanExpReference(x: ArrayLike<number>, rows: number, samples: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => logSumExp(Array.from({ length: samples }, (_, k) => x[r * samples + k])) - Math.log(samples));
}
