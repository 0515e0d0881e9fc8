// bench-lda end to end at a small size (no speeds asserted): the checks it ran before timing, a row per
// implementation, corpus and K with its rate the arithmetic of its own numbers, the table; and the
// check refusing a sampler that drew another topic than the reference.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HarmoniumError } from '../engine/index.js';
import { runJob } from '../harness/backends/jobs.js';
import { barsCorpus } from '../harness/data/bars.js';
import type { JsonObject } from '../harness/io/json.js';
import { ldaStart } from '../harness/reference/lda.js';
import { checkAgainst } from '../harness/topics/bench.js';
import { ldaBenchSummary, ldaBenchTable } from '../harness/topics/bench_table.js';
import { LdaSampler } from '../models/lda.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';

const test = suite('bench lda');

test('bench-lda with K = 3 on 20 bars documents and the Federalist Papers: checks, rows, rates, the table', () =>
  withGpu(async ({ gpu }) => {
    const result = await runJob({ job: 'bench-lda', sizes: [3], reps: 1, sweeps: 2, bars_documents: 20 }, { gpu });
    const checks = result.checks as JsonObject[];
    assert.equal(checks.map((c) => `${c.corpus} ${c.topics}`), ['bars 3', 'federalist 3']);
    assert.ok(checks.every((c) => c.differing_after_sweep === 0 || (c.differing_after_sweep as number) <= 1e-3 * (c.tokens as number)));
    const rows = result.rows as JsonObject[];
    assert.equal(rows.map((r) => `${r.impl} ${r.corpus}`), ['harmonium bars', 'typescript bars', 'harmonium federalist', 'typescript federalist']);
    assert.equal([rows[0].documents, rows[0].tokens, rows[0].vocabulary], [20, 2000, 25]);
    for (const r of rows) {
      const want = (1000 * (r.tokens as number) * (r.impl === 'harmonium' ? 2 : 1)) / (r.median_ms as number);
      assert.ok(Math.abs((r.tokens_per_s as number) - want) <= 1e-9 * want, JSON.stringify(r));
    }
    assert.is(rows[0].harmonium_over_typescript, (rows[0].tokens_per_s as number) / (rows[1].tokens_per_s as number));
    assert.match(ldaBenchTable(result, 'node'), /harmonium\s+bars\s+3\s+20\s+2000\s+25/);
    assert.is((ldaBenchSummary(result).federalist as JsonObject).tokens_per_s, rows[2].tokens_per_s);
  }));

test('the check refuses a sampler whose start is not the reference\'s', () =>
  withGpu(async (ctx) => {
    const { corpus } = barsCorpus({ documents: 4, length: 10, seed: 1 });
    const lda = await LdaSampler.create(ctx, corpus, { topics: 3, alpha: 0.1, eta: 0.01, seed: 1 });
    try {
      const want = ldaStart(corpus, 3, 1);
      assert.is(await checkAgainst('the start', corpus, lda, want), 0);
      want.z[7] = (want.z[7] + 1) % 3;
      await expectError(() => checkAgainst('the start', corpus, lda, want), HarmoniumError, 'the start: 1 of 40 tokens drew another topic');
    } finally {
      lda.release();
    }
  }));

test.run();
