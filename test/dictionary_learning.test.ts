// Dictionary learning (models/dictionary_learning.ts): the block-coordinate sweep against its
// definition in float64 (each atom the constrained minimiser given the others, unused atoms replaced);
// on the GPU, with ISTA, alternations equal the same alternations in float64 from the documented start,
// and the objective never rises across them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { learnDictionary, updateDictionary } from '../models/dictionary_learning.js';
import { DeviceDataset } from '../models/minibatch.js';
import { withGpu } from './gpu.js';
import { randomF32, randomWords } from './random.js';
import { philoxPermutation } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/index.js';
import { symmetricEigen } from '../models/pca.js';

/** 1/2 ||X - H D||^2 for n x k codes and k x d atoms (float64). */
function squaredError(x: ArrayLike<number>, h: ArrayLike<number>, dict: ArrayLike<number>, n: number, k: number, d: number): number {
  let s = 0;
  for (let r = 0; r < n; r++) {
    for (let e = 0; e < d; e++) {
      let v = x[r * d + e];
      for (let i = 0; i < k; i++) v -= h[r * k + i] * dict[i * d + e];
      s += v * v;
    }
  }
  return s / 2;
}

const host = suite('the dictionary step (float64)');

host("each atom is the minimiser given the others on the unit ball; the error never rises; an unused atom is replaced by the row it is given, scaled to norm 1", () => {
  const [n, k, d] = [30, 4, 6];
  const x = Float64Array.from(randomF32(n * d, 3));
  // Atom 3 unused: its codes are zero.
  const h = Float64Array.from(randomF32(n * k, 4), (v, i) => (i % k === 3 ? 0 : v));
  const a = new Float64Array(k * k);
  const b = new Float64Array(k * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) a[i * k + j] += h[r * k + i] * h[r * k + j];
    for (let e = 0; e < d; e++) b[i * d + e] += h[r * k + i] * x[r * d + e];
  }
  const dict = Float64Array.from(randomF32(k * d, 5), (v) => v * 0.3);
  const before = squaredError(x, h, dict, n, k, d);
  const replaced = updateDictionary(dict, a, b, k, d, () => [3, 0, 0, 4, 0, 0]);
  assert.equal(replaced, [3]);
  assert.equal(Array.from(dict.subarray(3 * d, 4 * d)), [0.6, 0, 0, 0.8, 0, 0]);
  assert.ok(squaredError(x, h, dict, n, k, d) <= before, 'the sweep lowers the error');
  // The last used atom (2) was updated after the others: nudging it along any direction within the ball cannot lower the error.
  const norm = Math.hypot(...dict.subarray(2 * d, 3 * d));
  assert.ok(norm <= 1 + 1e-12, `norm ${norm}`);
  const at = squaredError(x, h, dict, n, k, d);
  for (let e = 0; e < d; e++) {
    for (const step of [1e-4, -1e-4]) {
      const moved = Float64Array.from(dict);
      moved[2 * d + e] += step;
      const movedNorm = Math.hypot(...moved.subarray(2 * d, 3 * d));
      if (movedNorm > 1) for (let f = 0; f < d; f++) moved[2 * d + f] /= movedNorm;
      assert.ok(squaredError(x, h, moved, n, k, d) >= at - 1e-12, `value ${e}, step ${step}`);
    }
  }
});

const gpu = suite('dictionary learning on the GPU');

/** The same alternations in float64: ISTA from the last codes, then the sweep (models' start and replacement rule passed in). */
function referenceLearning(x: Float64Array, start: Float64Array, n: number, k: number, d: number, alpha: number, iterations: number, steps: number): Float64Array {
  const dict = Float64Array.from(start);
  const h = new Float64Array(n * k);
  for (let it = 0; it < iterations; it++) {
    const g = Float64Array.from({ length: k * k }, (_, e) => dict.subarray(Math.floor(e / k) * d, Math.floor(e / k) * d + d).reduce((s, v, f) => s + v * dict[(e % k) * d + f], 0));
    const lipschitz = symmetricEigen(g, k).values[0];
    for (let step = 0; step < steps; step++) {
      for (let r = 0; r < n; r++) {
        const next = Array.from({ length: k }, (_, i) => {
          let grad = 0;
          for (let j = 0; j < k; j++) grad += h[r * k + j] * g[j * k + i];
          for (let e = 0; e < d; e++) grad -= x[r * d + e] * dict[i * d + e];
          const v = h[r * k + i] - grad / lipschitz;
          return Math.sign(v) * Math.max(Math.abs(v) - alpha / lipschitz, 0);
        });
        h.set(next, r * k);
      }
    }
    const a = new Float64Array(k * k);
    const b = new Float64Array(k * d);
    for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i * k + j] += h[r * k + i] * h[r * k + j];
      for (let e = 0; e < d; e++) b[i * d + e] += h[r * k + i] * x[r * d + e];
    }
    updateDictionary(dict, a, b, k, d, () => assert.unreachable('no atom goes unused here') as never);
  }
  return dict;
}

gpu('with ISTA: the dictionary after 4 alternations equals float64 alternations from the same start; the objective never rises', () =>
  withGpu(async (ctx) => {
    const [n, k, d, alpha] = [120, 4, 8, 0.05];
    const w = randomWords(n * d, 11);
    const values = Float32Array.from(w, (v, i) => ((v % 1000) / 1000) * (1 + (i % d) / 4));
    const data = await DeviceDataset.uploadRows(ctx, { values, count: n, width: d });
    try {
      const options = { atoms: k, alpha, codeIterations: 30, method: 'ista', seed: 2 } as const;
      const fit = await learnDictionary(ctx, data, values, { ...options, iterations: 4 });
      // The start, as documented: rows drawn by Philox (seed, dictionaryRows, 0), scaled to unit norm.
      const order = philoxPermutation(n, 2, RNG_PURPOSES.dictionaryRows, 0);
      const start = new Float64Array(k * d);
      for (let i = 0; i < k; i++) {
        const row = Array.from(values.subarray(order[i] * d, (order[i] + 1) * d));
        start.set(row.map((v) => v / Math.hypot(...row)), i * d);
      }
      const want = referenceLearning(Float64Array.from(values), start, n, k, d, alpha, 4, 30);
      fit.dictionary.forEach((v, e) => assert.ok(Math.abs(v - want[e]) < 1e-4, `atom ${Math.floor(e / d)}, value ${e % d}: ${v} vs ${want[e]}`));
      const longer = await learnDictionary(ctx, data, values, { ...options, iterations: 15 });
      longer.objectives.forEach((f, i) => i === 0 || assert.ok(f <= longer.objectives[i - 1] + 1e-6 * Math.abs(f), `alternation ${i}: ${f} after ${longer.objectives[i - 1]}`));
      assert.ok(longer.objectives[14] < longer.objectives[0], 'learning lowers the objective');
    } finally {
      data.release();
    }
  }),
);

host.run();
gpu.run();
