// bench-ising end to end on the smallest lattice in Node (no speeds asserted): one onUnit line per
// finished row, naming it, and each row's rate the arithmetic of its own numbers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runJob } from '../harness/backends/jobs.js';
import type { JsonObject } from '../harness/io/json.js';
import { withGpu } from './gpu.js';

const test = suite('bench ising: a line per row');

test('bench-ising at L = 64: one onUnit line per row, flips/ns = L^2 x sweeps / median time', () =>
  withGpu(async ({ gpu }) => {
    const lines: string[] = [];
    const result = await runJob({ job: 'bench-ising', sizes: [64], reps: 1, target_ms: 5, reference_size: 64 }, { gpu, onUnit: (line) => lines.push(line) });
    const rows = result.rows as JsonObject[];
    assert.ok(rows.length >= 2, 'a row per algorithm');
    assert.is(lines.length, rows.length, lines.join('\n'));
    rows.forEach((r, i) => {
      assert.is(lines[i], `ising ${String(r.algorithm)} L=64: ${(r.flips_per_ns as number).toPrecision(3)} flips/ns (median of 1)`);
      const want = (64 * 64 * (r.sweeps_per_rep as number)) / ((r.median_ms as number) * 1e6);
      assert.ok(Math.abs((r.flips_per_ns as number) - want) <= 1e-9 * want, JSON.stringify(r));
    });
  }));

test.run();
