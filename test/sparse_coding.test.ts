// Sparse coding's inference (models/sparse_coding.ts): ISTA and FISTA on the GPU against the Lasso
// optimum of each example found by coordinate descent in float64; ISTA's objective never rising, FISTA
// ahead of it after the same steps; L for a dictionary whose atoms cancel; bad options refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { DeviceDataset } from '../models/minibatch.js';
import { sparseCodes, type SparseCodingMethod } from '../models/sparse_coding.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { randomF32, randomWords } from './random.js';

/** K atoms of d values, each row scaled to unit norm. */
function atoms(k: number, d: number, seed: number): Float64Array {
  const r = randomF32(k * d, seed);
  const out = Float64Array.from(r);
  for (let i = 0; i < k; i++) {
    const norm = Math.hypot(...out.subarray(i * d, (i + 1) * d));
    for (let e = 0; e < d; e++) out[i * d + e] /= norm;
  }
  return out;
}

/** The Lasso optimum of 1/2 |x - h D|^2 + alpha |h|_1 by cyclic coordinate descent in float64, and its objective. */
function lassoReference(x: ArrayLike<number>, dict: Float64Array, k: number, d: number, alpha: number): { h: Float64Array; objective: number } {
  const g = Float64Array.from({ length: k * k }, (_, e) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += dict[Math.floor(e / k) * d + t] * dict[(e % k) * d + t];
    return s;
  });
  const b = Float64Array.from({ length: k }, (_, i) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += x[t] * dict[i * d + t];
    return s;
  });
  const h = new Float64Array(k);
  for (let sweep = 0; sweep < 100000; sweep++) {
    let change = 0;
    for (let i = 0; i < k; i++) {
      let rho = b[i];
      for (let j = 0; j < k; j++) if (j !== i) rho -= g[i * k + j] * h[j];
      const next = Math.sign(rho) * Math.max(Math.abs(rho) - alpha, 0) / g[i * k + i];
      change = Math.max(change, Math.abs(next - h[i]));
      h[i] = next;
    }
    if (change < 1e-15) break;
  }
  let residual = 0;
  for (let t = 0; t < d; t++) {
    let r = x[t];
    for (let i = 0; i < k; i++) r -= h[i] * dict[i * d + t];
    residual += r * r;
  }
  return { h, objective: 0.5 * residual + alpha * h.reduce((s, v) => s + Math.abs(v), 0) };
}

const gpu = suite('sparse coding on the GPU');

gpu('ISTA and FISTA reach the Lasso optimum of every example (coordinate descent in float64); ISTA never rises; FISTA is ahead', () =>
  withGpu(async (ctx) => {
    const [n, d, k, alpha] = [20, 16, 6, 0.05];
    const dict = atoms(k, d, 5);
    const images = Uint8Array.from(randomWords(n * d, 7), (w) => w & 0xff);
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(n), count: n, width: d });
    try {
      const x = Float64Array.from(images, (v) => Math.fround(v / 255));
      const want = Array.from({ length: n }, (_, r) => lassoReference(x.subarray(r * d, (r + 1) * d), dict, k, d, alpha));
      const optimum = want.reduce((s, w) => s + w.objective, 0) / n;
      const fista = await sparseCodes(ctx, dict, k, data, { alpha, iterations: 500, method: 'fista', trace: true });
      want.forEach((w, r) => w.h.forEach((v, i) => assert.ok(Math.abs(fista.codes[r * k + i] - v) < 1e-4, `row ${r}, atom ${i}: ${fista.codes[r * k + i]} vs ${v}`)));
      assert.ok(Math.abs(fista.objective - optimum) < 1e-5 * optimum, `FISTA's objective ${fista.objective} vs the optimum ${optimum}`);
      // The trace (float32 on the GPU) ends at the float64 objective.
      const trace = fista.trace!;
      assert.is(trace.length, 501);
      assert.ok(Math.abs(trace[500] - fista.objective) < 1e-5 * optimum, `trace ${trace[500]} vs ${fista.objective}`);
      assert.ok(fista.sparsity > 0 && fista.sparsity === want.reduce((s, w) => s + w.h.filter((v) => v === 0).length, 0) / (n * k), `sparsity ${fista.sparsity}`);
      const ista = (await sparseCodes(ctx, dict, k, data, { alpha, iterations: 50, method: 'ista', trace: true })).trace!;
      // Never rising, to within the float32 trace's rounding (1e-6 of the objective).
      ista.forEach((f, i) => i === 0 || assert.ok(f <= ista[i - 1] + 1e-6 * Math.abs(f), `ISTA step ${i}: ${f} after ${ista[i - 1]}`));
      assert.ok(trace[50] < ista[50], `after 50 steps FISTA ${trace[50]} vs ISTA ${ista[50]}`);
      assert.ok(ista[50] > optimum, 'ISTA is not there after 50 steps');
      await expectError(() => sparseCodes(ctx, dict, k, data, { alpha: -1, iterations: 1, method: 'ista' }), InputError, 'alpha = -1');
      await expectError(() => sparseCodes(ctx, dict, k, data, { alpha, iterations: 1, method: 'lars' as SparseCodingMethod }), InputError, "method 'lars'");
      // L is the Gram matrix's largest eigenvalue, even for a dictionary whose atoms cancel (a power iteration from all ones would see 0).
      const opposite = Float64Array.from({ length: 2 * d }, (_, e) => (e < d ? 1 : -1) * (e % d === 0 ? 1 : 0));
      const l = (await sparseCodes(ctx, opposite, 2, data, { alpha, iterations: 1, method: 'ista' })).lipschitz;
      assert.ok(Math.abs(l - 2) < 1e-12, `L = ${l}, the Gram matrix [[1, -1], [-1, 1]]'s 2`);
    } finally {
      data.release();
    }
  }),
);

gpu.run();
