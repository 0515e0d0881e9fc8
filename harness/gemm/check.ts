// Seeded GEMM inputs and the correctness checks bench gemm runs before timing: the whole product
// against harness/reference/gemm.ts when it is small, else sampled entries (each a K-long dot product in
// float64, or an exact popcount for XNOR), so that 2048^3 is checked in milliseconds.
import { ValidationError } from '../../engine/index.js';
import { gemmReference } from '../reference/gemm.js';
import { rngBits, uniform24 } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';
import { packedWords, popcount, xnorGemm } from '../reference/xnor.js';
import { validateClose, validateExact, type Validation } from '../bench/validate.js';

/** n values in [-1, 1) from Philox (key seed, RNG_PURPOSES.gemmInit; counter (0, e / 4, call)): 24-bit, exact in f32. */
export function philoxUniform(n: number, seed: number, call: number): Float32Array {
  const out = new Float32Array(n);
  for (let e = 0; e < n; e += 4) {
    const words = rngBits(seed, RNG_PURPOSES.gemmInit, 0, e >> 2, call);
    for (let i = 0; i < 4 && e + i < n; i++) out[e + i] = 2 * uniform24(words[i]) - 1;
  }
  return out;
}

/** rows x k random ±1 values packed along k (bit 1 = +1), padding bits 0, as addPackBits writes them. */
export function philoxSignWords(rows: number, k: number, seed: number, call: number): Uint32Array {
  const words = packedWords(k);
  const out = new Uint32Array(rows * words);
  for (let w = 0; w < out.length; w += 4) {
    const bits = rngBits(seed, RNG_PURPOSES.gemmInit, 1, w >> 2, call);
    for (let i = 0; i < 4 && w + i < out.length; i++) out[w + i] = bits[i];
  }
  const tail = k % 32;
  if (tail) for (let r = 0; r < rows; r++) out[r * words + words - 1] &= (1 << tail) - 1;
  return out;
}

/** Tolerance for f32 against float64 with inputs in [-1, 1] (test/gemm.test.ts explains it). */
export const gemmTolerance = (k: number) => ({ atol: 4 * k * 2 ** -24, rtol: 1e-5 });

/** Products with at most this many multiply-adds are checked whole; larger ones at SAMPLES entries. */
const FULL_CHECK_MACS = 2 ** 26;
const SAMPLES = 1024;

/** The entries a sampled check looks at: the four corners, then a fixed pseudo-random spread. */
function sampleEntries(m: number, n: number): number[] {
  const picks = [0, n - 1, (m - 1) * n, m * n - 1];
  for (let s = 0; picks.length < SAMPLES; s++) picks.push(rngBits(99, RNG_PURPOSES.test, 0, s, 0)[0] % (m * n));
  return picks;
}

export interface GemmShape {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/** What a check covered, for the result: 'full' or 'sampled 1024 of M*N'. */
export type CheckKind = string;

function fail(kernel: string, v: Validation): never {
  throw new ValidationError(kernel, `wrong result, not timed:\n${v.message}`);
}

/** Checks an f32 C (M x N) against the float64 reference; throws a ValidationError naming `kernel`. */
export function checkF32Gemm(kernel: string, c: Float32Array, a: Float32Array, b: Float32Array, s: GemmShape): CheckKind {
  const tolerance = gemmTolerance(s.k);
  if (s.m * s.n * s.k <= FULL_CHECK_MACS) {
    const v = validateClose(kernel, c, gemmReference(a, b, null, s).c, tolerance);
    if (!v.ok) fail(kernel, v);
    return 'full';
  }
  const picks = sampleEntries(s.m, s.n);
  const want = picks.map((e) => {
    // Row i of op(A) dotted with column j of op(B), in float64.
    const i = Math.floor(e / s.n);
    const j = e % s.n;
    let sum = 0;
    for (let t = 0; t < s.k; t++) sum += (s.transA ? a[t * s.m + i] : a[i * s.k + t]) * (s.transB ? b[j * s.k + t] : b[t * s.n + j]);
    return sum;
  });
  const v = validateClose(`${kernel} (sampled entries)`, picks.map((e) => c[e]), want, tolerance);
  if (!v.ok) fail(kernel, v);
  return `sampled ${SAMPLES} of ${s.m * s.n}`;
}

/** Checks one f32 C against another (a peer against ours): each may be off by the tolerance. */
export function checkAgainst(kernel: string, c: Float32Array, ours: Float32Array, k: number): CheckKind {
  const { atol, rtol } = gemmTolerance(k);
  const v = validateClose(`${kernel} vs gemm_f32`, c, ours, { atol: 2 * atol, rtol: 2 * rtol });
  if (!v.ok) fail(kernel, v);
  return 'full, against gemm_f32';
}

/** Checks XNOR GEMM's i32 C = A B^T bit-exactly against harness/reference/xnor.ts. */
export function checkXnor(kernel: string, c: Int32Array, a: Uint32Array, b: Uint32Array, m: number, n: number, k: number): CheckKind {
  const words = packedWords(k);
  if (m * n * words <= FULL_CHECK_MACS / 16) {
    const v = validateExact(kernel, c, xnorGemm(a, b, m, n, k));
    if (!v.ok) fail(kernel, v);
    return 'full, exact';
  }
  const picks = sampleEntries(m, n);
  const want = picks.map((e) => {
    // K - 2 * (disagreeing bits) over row r of A and row j of B (padding bits are 0 in both).
    const r = Math.floor(e / n);
    const j = e % n;
    let disagree = 0;
    for (let w = 0; w < words; w++) disagree += popcount(a[r * words + w] ^ b[j * words + w]);
    return k - 2 * disagree;
  });
  const v = validateExact(`${kernel} (sampled entries)`, picks.map((e) => c[e]), want);
  if (!v.ok) fail(kernel, v);
  return `sampled ${SAMPLES} of ${m * n}, exact`;
}
