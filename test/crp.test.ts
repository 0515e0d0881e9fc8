// The Chinese restaurant process (models/crp.ts): the number of tables of 20,000 seatings of 12
// customers against its exact distribution (chi-square, p = 0.001) and its mean against
// E[K_n] = sum alpha / (alpha + i); the exact distribution against the Stirling-number formula.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { crpExpectedTables, crpSeating, crpTablesDistribution } from '../models/crp.js';

const host = suite('the Chinese restaurant process (no GPU)');

host('P(K_n = k) by its recurrence equals alpha^k |s(n, k)| / (alpha)_n; E[K_n] its mean', () => {
  // |s(4, k)| = 0, 6, 11, 6, 1.
  const alpha = 0.7;
  const rising = alpha * (alpha + 1) * (alpha + 2) * (alpha + 3);
  const want = [0, 6, 11, 6, 1].map((s, k) => (alpha ** k * s) / rising);
  crpTablesDistribution(4, alpha).forEach((p, k) => assert.ok(Math.abs(p - want[k]) < 1e-15, `k = ${k}: ${p} vs ${want[k]}`));
  const p = crpTablesDistribution(30, 2.5);
  assert.ok(Math.abs(p.reduce((s, x, k) => s + k * x, 0) - crpExpectedTables(30, 2.5)) < 1e-12);
});

host('seatings: tables numbered in order of opening, sizes the counts; K_12 over 20,000 runs against the exact distribution (chi-square) and E[K_12] within 4 standard errors', () => {
  const [n, alpha, runs] = [12, 1.5, 20000];
  const { tables, sizes } = crpSeating(n, alpha, 3, 0);
  assert.is(tables[0], 0);
  tables.forEach((t, i) => assert.ok(t <= Math.max(0, ...Array.from(tables.subarray(0, i))) + 1, 'a new table is the next number'));
  assert.equal(sizes, Array.from({ length: sizes.length }, (_, t) => tables.filter((x) => x === t).length));
  const counts = new Float64Array(n + 1);
  let [sum, sumSq] = [0, 0];
  for (let r = 0; r < runs; r++) {
    const k = crpSeating(n, alpha, 3, r).sizes.length;
    counts[k]++;
    [sum, sumSq] = [sum + k, sumSq + k * k];
  }
  const exact = crpTablesDistribution(n, alpha);
  // Cells with expected counts of 5 or more; the rest pooled into one.
  let [chi2, cells, restObserved, restExpected] = [0, 0, 0, 0];
  for (let k = 0; k <= n; k++) {
    const e = runs * exact[k];
    if (e >= 5) [chi2, cells] = [chi2 + (counts[k] - e) ** 2 / e, cells + 1];
    else [restObserved, restExpected] = [restObserved + counts[k], restExpected + e];
  }
  if (restExpected > 0) [chi2, cells] = [chi2 + (restObserved - restExpected) ** 2 / restExpected, cells + 1];
  // p = 0.001 critical values by degrees of freedom (cells - 1).
  const critical = [0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59, 31.26, 32.91][cells - 1];
  assert.ok(chi2 < critical, `chi-square ${chi2} over ${cells} cells`);
  const mean = sum / runs;
  const se = Math.sqrt((sumSq / runs - mean * mean) / runs);
  assert.ok(Math.abs(mean - crpExpectedTables(n, alpha)) < 4 * se, `mean ${mean} vs ${crpExpectedTables(n, alpha)} (se ${se})`);
});

host.run();
