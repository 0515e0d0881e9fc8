// bench-gemm end to end on a tiny shape in Node (no speeds asserted): ours and tfjs each timed batched
// (N products, one readback) and per call, every row's arithmetic consistent, the headline ratio the
// batched one, one onUnit line per row; and the tfjs peer's batch really encodes N products.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runJob } from '../harness/backends/jobs.js';
import { loadTfjs } from '../harness/gemm/bench.js';
import { gemmBenchSummary, gemmBenchTable } from '../harness/gemm/bench_table.js';
import { HEADLINE_MODE } from '../harness/gemm/modes.js';
import { philoxUniform } from '../harness/gemm/check.js';
import type { JsonObject } from '../harness/io/json.js';
import { withGpu } from './gpu.js';

const test = suite('bench gemm: like-for-like modes');

/** Products per batched repetition in the job below (the hidden `batch` knob), so N > 1 whatever the timings. */
const N = 3;

/** rate = ops / ms per product, to rounding. */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);

test('bench-gemm at 64^3: v3 and tfjs batched and per call, consistent rows, batched headline, a line per row', () =>
  withGpu(async ({ gpu }) => {
    const lines: string[] = [];
    // max_rep_s 0 makes v1 and v2 skip with their estimate; config 'default' avoids tuning.
    const spec: JsonObject = { job: 'bench-gemm', sizes: [64], no_rbm: true, reps: 1, batch: N, max_rep_s: 0, config: 'default' };
    const result = await runJob(spec, { gpu, onUnit: (line) => lines.push(line) });
    const rows = result.rows as JsonObject[];
    const limits = result.limits as Record<string, number>;
    const find = (kernel: string, mode: string, variant?: string) => {
      const row = rows.find((r) => r.kernel === kernel && r.mode === mode && r.variant === variant);
      assert.ok(row, `no ${kernel} ${variant ?? ''} ${mode} row in ${JSON.stringify(rows)}`);
      return row!;
    };

    // Both modes for ours and for tfjs (tfjs-backend-webgpu on Dawn, dist/peers/tfjs.node.js), each checked.
    const v3 = { batched: find('gemm_f32', 'batched', 'v3'), per_call: find('gemm_f32', 'per_call', 'v3') };
    const tfjs = { batched: find('tfjs_matmul', 'batched'), per_call: find('tfjs_matmul', 'per_call') };
    for (const mode of ['batched', 'per_call'] as const) {
      assert.is(v3[mode].check, 'full');
      assert.ok(!tfjs[mode].skipped, JSON.stringify(tfjs[mode]));
      assert.is(tfjs[mode].check, 'full, against gemm_f32');
    }
    // The same N for ours and tfjs batched; one product per call.
    assert.is(v3.batched.products_per_rep, N);
    assert.is(tfjs.batched.products_per_rep, N);
    assert.is(v3.per_call.products_per_rep, 1);
    assert.is(tfjs.per_call.products_per_rep, 1);
    assert.is(v3.batched.same_measurement_as, undefined, 'N > 1: batched is a measurement of its own');

    // Every timed row: ops = 2MNK, rate = ops / ms per product, the spread around the median, of peak = rate / peak.
    const timed = rows.filter((r) => !r.skipped);
    assert.is(timed.length, 5, 'v3 x2, tfjs x2, xnor');
    for (const r of timed) {
      const what = JSON.stringify(r);
      assert.is(r.ops, 2 * (r.m as number) * (r.n as number) * (r.k as number), what);
      const rate = (r.gflops ?? r.gbinops) as number;
      assert.ok(close(rate, (r.ops as number) / ((r.median_ms as number) * 1e6)), what);
      assert.ok((r.min_ms as number) <= (r.median_ms as number) && (r.median_ms as number) <= (r.max_ms as number), what);
      assert.is(r.reps, 1, what);
      const peak = r.kernel === 'xnor_gemm' ? limits.xnor_peak_gbinops : limits.fma_gflops;
      assert.ok(close(r.fraction_of_peak as number, rate / peak), what);
    }
    const xnor = find('xnor_gemm', 'batched');
    assert.is(xnor.op, 'NT');
    assert.is(xnor.products_per_rep, N);
    assert.is(xnor.check, 'full, exact');
    assert.ok(close(xnor.xnor_over_f32 as number, (xnor.gbinops as number) / (v3.batched.gflops as number)));
    for (const variant of ['v1', 'v2']) {
      const row = find('gemm_f32', 'batched', variant);
      assert.is(row.skipped, true);
      assert.ok((row.est_s as number) > 0);
    }

    // The headline ratio compares the batched rows and says so; the per-call ratio sits beside it.
    assert.ok(close(tfjs.batched.f32_over_tfjs as number, (v3.batched.gflops as number) / (tfjs.batched.gflops as number)));
    assert.is(tfjs.batched.f32_over_tfjs_mode, HEADLINE_MODE);
    assert.ok(close(tfjs.per_call.f32_over_tfjs_per_call as number, (v3.per_call.gflops as number) / (tfjs.per_call.gflops as number)));
    assert.is(tfjs.per_call.f32_over_tfjs, undefined);
    assert.is(result.f32_over_tfjs_mode, HEADLINE_MODE);
    assert.is((result.tfjs as JsonObject).submit_batch_size, 15);
    const summary = gemmBenchSummary(result, '64x64x64');
    assert.is(summary.f32_over_tfjs, tfjs.batched.f32_over_tfjs);
    assert.is(summary.f32_over_tfjs_mode, HEADLINE_MODE);
    assert.is(summary.batch_products, N);
    assert.is(summary.f32_gflops, v3.batched.gflops);
    assert.is(summary.tfjs_gflops_per_call, tfjs.per_call.gflops);
    assert.is(summary.f32_over_tfjs_per_call, tfjs.per_call.f32_over_tfjs_per_call);
    // No 1024^3 row: the default summary says null rather than inventing a number.
    assert.is(gemmBenchSummary(result).f32_gflops, null);

    // The table shows both modes with N and the time per repetition: ms/rep = N x ms/product.
    const table = gemmBenchTable(result, 'node');
    assert.ok(table.includes('per call') && table.includes('batched') && table.includes('skipped (est.'), table);
    assert.ok(table.includes('ms/product = median ms/rep / N'), table);

    // One line per finished row, in order, naming the row.
    assert.is(lines.length, rows.length, lines.join('\n'));
    rows.forEach((r, i) => assert.ok(lines[i].startsWith(String(r.kernel)) && lines[i].includes(String(r.shape)), `${lines[i]} for ${JSON.stringify(r)}`));
    assert.ok(lines.some((l) => l.startsWith('gemm_f32 v3 64x64x64 NN batched (N = 3): ') && l.endsWith('GFLOP/s (median of 1)')), lines.join('\n'));
    // The peer lent Node a navigator.gpu only while tfjs started: Gpu.open must still see Node.
    assert.is((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu, undefined);
  }));

/** Counts calls of a method on the prototype of `sample` while `body` runs (Dawn's objects keep their methods there). */
async function counting<T>(sample: object, method: string, body: () => Promise<T>): Promise<{ out: T; calls: number }> {
  const proto = Object.getPrototypeOf(sample) as Record<string, (...args: unknown[]) => unknown>;
  const original = proto[method];
  let calls = 0;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  try {
    return { out: await body(), calls };
  } finally {
    proto[method] = original;
  }
}

test('the tfjs peer runs all N products of a batch: N times the dispatches of one, submitted every 15 and at the readback', () =>
  withGpu(async ({ gpu }) => {
    const state = await loadTfjs(gpu);
    assert.ok('peer' in state, 'reason' in state ? state.reason : '');
    if (!('peer' in state)) return;
    const { peer } = state;
    const s = { m: 24, n: 40, k: 32, transA: false, transB: false };
    const mm = peer.matmul(philoxUniform(s.m * s.k, 1, 0), philoxUniform(s.k * s.n, 1, 1), s);
    // A pass and the queue of this device, to find the methods tfjs calls.
    const encoder = gpu.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.end();
    encoder.finish();
    try {
      const first = await mm.run(1); // compiles and uploads A and B
      const one = await counting(pass, 'dispatchWorkgroups', () => mm.run(1));
      const products = 40;
      const many = await counting(pass, 'dispatchWorkgroups', () => counting(gpu.device.queue, 'submit', () => mm.run(products)));
      assert.ok(one.calls >= 1, `one product, ${one.calls} dispatches`);
      assert.is(many.calls, products * one.calls, 'every product of the batch was dispatched');
      // tfjs submits after every submit_batch_size dispatches, and once more with the readback's copy.
      assert.is(many.out.calls, Math.floor((products * one.calls) / peer.submitBatchSize) + 1);
      assert.equal([...many.out.out], [...first], 'the last product of the batch is the product');
    } finally {
      mm.dispose();
      peer.dispose();
    }
  }));

test.run();
