// Plain TypeScript f32 GEMM with the fused epilogues, the reference for shaders/gemm_f32*.wgsl.
// Accumulates in float64; the GPU accumulates in f32, so tests compare with a tolerance.
import type { Activation } from '../../engine/ops/gemm.js';
import { rngBits } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';

export interface GemmReference {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  bias?: ArrayLike<number>;
  biasAxis?: 'row' | 'column';
  activation?: Activation;
  bernoulli?: { seed: number; step: number; call?: number };
}

/** The activation in float64, with NaN passing through as in gemm_common.wgsl. */
export function activate(x: number, kind: Activation): number {
  switch (kind) {
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return x < 0 ? 0 : x;
    case 'hardtanh':
      return x > 1 ? 1 : x < -1 ? -1 : x;
    default:
      return x;
  }
}

/**
 * The Bernoulli draw of element e (= row * N + col) with probability p, as gemm_f32.wgsl store_quad:
 * word e % 4 of Philox at counter (step, e / 4, call) under key (seed, RNG_PURPOSES.bernoulli), and the
 * sample is 1 when its top 24 bits, as an integer, are below p * 2^24.
 */
export function bernoulliSample(p: number, seed: number, step: number, call: number, e: number, purpose: number = RNG_PURPOSES.bernoulli): number {
  const word = rngBits(seed, purpose, step, Math.floor(e / 4), call)[e % 4];
  return p > 0 && word >>> 8 < Math.floor(p * 16777216) ? 1 : 0;
}

/**
 * C = act(alpha * op(A) * op(B) + beta * C + bias) with A, B, C row-major (A is K x M when transA,
 * B is N x K when transB). `c` holds the C that beta scales; beta = 0 does not read it (BLAS).
 * Returns the new C in float64 and, with `bernoulli`, the 0/1 samples drawn from it.
 */
export function gemmReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: ArrayLike<number> | null,
  o: GemmReference,
): { c: Float64Array; samples: Float64Array | null } {
  const { m, n, k } = o;
  const alpha = o.alpha ?? 1;
  const beta = o.beta ?? 0;
  const activation = o.activation ?? 'identity';
  const out = new Float64Array(m * n);
  const samples = o.bernoulli ? new Float64Array(m * n) : null;
  // op(A) as M x K and op(B) transposed as N x K, row-major, so that the dot products read both
  // operands in order.
  const opA = new Float64Array(m * k);
  const opBT = new Float64Array(n * k);
  for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) opA[i * k + t] = o.transA ? a[t * m + i] : a[i * k + t];
  for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) opBT[j * k + t] = o.transB ? b[j * k + t] : b[t * n + j];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      // The dot product of row i of op(A) and column j of op(B), in float64.
      let sum = 0;
      for (let t = 0; t < k; t++) sum += opA[i * k + t] * opBT[j * k + t];
      // Scale; add beta * C only when beta != 0, so that NaN in C does not propagate.
      let v = alpha * sum;
      if (beta !== 0 && c) v += beta * c[i * n + j];
      // Bias per row (length M) or per column (length N).
      if (o.bias) v += o.bias[o.biasAxis === 'row' ? i : j];
      // Activation, then the optional Bernoulli sample of the result.
      v = activate(v, activation);
      out[i * n + j] = v;
      if (samples && o.bernoulli) {
        const { seed, step, call = 0 } = o.bernoulli;
        samples[i * n + j] = bernoulliSample(v, seed, step, call, i * n + j);
      }
    }
  }
  return { c: out, samples };
}
