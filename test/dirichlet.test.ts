// Estimating a symmetric Dirichlet (models/dirichlet.ts): digamma against stated values (scipy's), and
// Minka's fixed point recovering the concentration of Dirichlet-multinomial counts drawn with a known one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, rngBits, uniform24 } from '../engine/index.js';
import { digamma, symmetricDirichletFixedPoint } from '../models/dirichlet.js';
import { gamma } from '../models/dpmm.js';
import { expectError } from './expect.js';

const test = suite('a symmetric Dirichlet from counts (no GPU)');

test('digamma at 1, 0.5, 10, 0.001 and 123.4 to 1e-10 (scipy.special.digamma)', () => {
  const want: Array<[number, number]> = [[1, -0.5772156649015329], [0.5, -1.9635100260214235], [10, 2.251752589066721], [1e-3, -1000.5755719318103], [123.4, 4.8113737751162775]];
  for (const [x, psi] of want) assert.ok(Math.abs(digamma(x) - psi) < 1e-10 * Math.max(1, Math.abs(psi)), `psi(${x}) = ${digamma(x)}, want ${psi}`);
});

/** `rows` rows of `length` counts over `cols` categories, each row's proportions ~ Dirichlet(a). */
function dirichletMultinomial(a: number, rows: number, cols: number, length: number, seed: number): Float64Array {
  const counts = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const g = Array.from({ length: cols }, (_, c) => gamma(a, seed, r, c));
    const total = g.reduce((x, y) => x + y, 0);
    for (let t = 0; t < length; t++) {
      let u = uniform24(rngBits(seed, 0, 1 + r, t, 0)[0]) * total;
      let c = 0;
      while (c < cols - 1 && u >= g[c]) u -= g[c++];
      counts[r * cols + c]++;
    }
  }
  return counts;
}

test('the fixed point recovers a = 0.3 and a = 2 from 2,000 rows of 50 counts over 8 categories, within 5%, from a start 10x off', () => {
  for (const [a, start] of [[0.3, 3], [2, 0.2]]) {
    const estimate = symmetricDirichletFixedPoint(dirichletMultinomial(a, 2000, 8, 50, 7), 2000, 8, start);
    assert.ok(Math.abs(estimate - a) < 0.05 * a, `a = ${a}: estimated ${estimate}`);
  }
});

test('empty rows count for nothing; a bad start or shape is refused', async () => {
  const counts = dirichletMultinomial(0.5, 500, 4, 30, 3);
  const padded = new Float64Array(600 * 4);
  padded.set(counts);
  assert.is(symmetricDirichletFixedPoint(padded, 600, 4, 1), symmetricDirichletFixedPoint(counts, 500, 4, 1));
  await expectError(() => symmetricDirichletFixedPoint(counts, 500, 4, 0), InputError, 'start = 0');
  await expectError(() => symmetricDirichletFixedPoint(counts, 400, 4, 1), InputError, 'are not 400 x 4');
});

test.run();
