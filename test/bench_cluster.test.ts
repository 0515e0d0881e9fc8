// bench-cluster end to end at a small size (no speeds asserted): the checks it ran before timing, a
// row per implementation and task with its rate the arithmetic of its own numbers, the table; and the
// checks refusing a wrong step.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HarmoniumError } from '../engine/index.js';
import { runJob } from '../harness/backends/jobs.js';
import type { JsonObject } from '../harness/io/json.js';
import { checkEm, checkLloyd } from '../harness/linear/bench.js';
import { clusterBenchSummary, clusterBenchTable } from '../harness/linear/bench_table.js';
import { gmmEmStepReference, lloydStepReference } from '../harness/reference/clustering.js';
import type { Gmm } from '../models/gmm.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';

const test = suite('bench cluster');

test('bench-cluster on 300 digits projected to 8 values, K = 3: checks, rows, rates, the table', () =>
  withGpu(async ({ gpu }) => {
    const result = await runJob({ job: 'bench-cluster', sizes: [3], reps: 1, restarts: 2, steps: 2, project: 8, train_count: 300 }, { gpu });
    const checks = result.checks as JsonObject[];
    assert.equal(checks.map((c) => c.task), ['Lloyd step', 'diag EM step', 'full EM step']);
    const rows = result.rows as JsonObject[];
    assert.equal(rows.map((r) => `${r.impl} ${r.what}`), ['harmonium Lloyd step', 'harmonium Lloyd step', 'typescript Lloyd step', 'harmonium EM step (diag)', 'typescript EM step (diag)', 'harmonium EM step (full)', 'typescript EM step (full)']);
    for (const r of rows) {
      const units = r.impl === 'typescript' ? 1 : r.what === 'Lloyd step' ? 2 * (r.restarts as number) : 2;
      const want = (1000 * units) / (r.median_ms as number);
      assert.ok(Math.abs((r.steps_per_s as number) - want) <= 1e-9 * want, JSON.stringify(r));
    }
    assert.equal([rows[0].rows, rows[0].width, rows[0].restarts, rows[1].restarts], [300, 8, 2, 1]);
    assert.is(rows[0].batch_over_single, (rows[0].steps_per_s as number) / (rows[1].steps_per_s as number));
    assert.match(clusterBenchTable(result, 'node'), /harmonium\s+Lloyd step\s+3\s+300 x 8/);
    assert.is((clusterBenchSummary(result).kmeans_restart_steps as JsonObject).steps_per_s, rows[0].steps_per_s);
  }));

test('the checks refuse a Lloyd step whose label is not a nearest centre, and an EM step whose means are off', async () => {
  const rows = Float32Array.of(0, 0, 1, 0, 10, 10, 11, 10);
  const centres = Float64Array.of(0.5, 0, 10.5, 10);
  const right = lloydStepReference(rows, 4, 2, centres, 2);
  const step = { labels: Uint32Array.from(right.labels), sums: Float32Array.from(right.sums), counts: Float32Array.from(right.counts) };
  assert.is(checkLloyd(rows, 4, 2, centres, 2, 1, step).ties, 0);
  await expectError(() => checkLloyd(rows, 4, 2, centres, 2, 1, { ...step, labels: Uint32Array.of(1, 0, 1, 1) }), HarmoniumError, 'row 0: label 1');
  const model: Gmm = { width: 2, covariance: 'diag', weights: Float64Array.of(0.5, 0.5), means: centres, variances: Float64Array.of(1, 1, 1, 1) };
  const want = gmmEmStepReference(rows, 4, model, 1e-6);
  assert.is(checkEm(rows, 4, model, want).task, 'diag EM step');
  const off = { ...want, next: { ...want.next, means: Float64Array.from(want.next.means, (m, i) => (i === 3 ? m + 0.1 : m)) } };
  await expectError(() => checkEm(rows, 4, model, off), HarmoniumError, "diag EM step's means");
});

test.run();
