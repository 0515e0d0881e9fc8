// The GEMM jobs in Node and in headless Chrome: the same seed gives the same Bernoulli bits in both,
// and bench-gemm runs end to end on a tiny shape (rows as the report expects them). One Chrome
// session for the file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runJob } from '../harness/backends/jobs.js';
import { runJobInChrome, startChrome, type ChromeSession } from '../harness/backends/chrome.js';
import { gemmBenchSummary, gemmBenchTable } from '../harness/gemm/bench_table.js';
import { fromBase64 } from '../harness/io/base64.js';
import type { JsonObject } from '../harness/io/json.js';

const test = suite('gemm jobs: Node and headless Chrome');
let session: ChromeSession | null = null;
test.before(async () => {
  session = await startChrome();
});
test.after(async () => {
  await session?.close();
});

test('gemm-bernoulli: same seed, same bits in Node and Chrome; another seed, other bits', async () => {
  const spec: JsonObject = { job: 'gemm-bernoulli', m: 37, n: 45, k: 29, seed: 2024, step: 3, trans_b: true };
  const node = await runJob(spec);
  const chrome = (await runJobInChrome(spec, { session: session! })) as JsonObject;
  assert.is((chrome.adapter as JsonObject).runtime, 'browser');
  assert.is((node.adapter as JsonObject).runtime, 'node');
  const bits = fromBase64(node.bits as string);
  // 37 * 45 = 1665 samples in ceil(1665 / 8) = 209 bytes; probabilities spread over (0, 1).
  assert.is(bits.length, 209);
  assert.ok((node.ones as number) > 300 && (node.ones as number) < 1365, `ones = ${String(node.ones)}`);
  assert.is(chrome.bits, node.bits, 'Node and Chrome bits differ');
  assert.is(chrome.ones, node.ones);
  const other = await runJob({ ...spec, seed: 2025 });
  assert.is.not(other.bits, node.bits);
});

test('bench-gemm on a tiny shape in Node: rows for every kernel, skips and the summary', async () => {
  // max_rep_s 0 makes v1 and v2 skip with their estimate; config 'default' avoids tuning.
  const result = await runJob({ job: 'bench-gemm', sizes: [64], rbm: false, reps: 1, target_ms: 1, max_rep_s: 0, config: 'default' });
  const rows = result.rows as JsonObject[];
  const find = (kernel: string, variant?: string) => rows.find((r) => r.kernel === kernel && r.variant === variant)!;
  const v3 = find('gemm_f32', 'v3');
  assert.is(v3.shape, '64x64x64');
  assert.is(v3.op, 'NN');
  assert.is(v3.ops, 2 * 64 ** 3);
  assert.ok((v3.gflops as number) > 0 && (v3.median_ms as number) > 0 && (v3.fraction_of_peak as number) > 0);
  assert.is(v3.check, 'full');
  for (const variant of ['v1', 'v2']) {
    const row = find('gemm_f32', variant);
    assert.is(row.skipped, true);
    assert.ok((row.est_s as number) > 0);
  }
  // tfjs-backend-webgpu runs on Dawn here (dist/peers/tfjs.node.js), checked against our C.
  const tfjs = find('tfjs_matmul');
  assert.ok(!tfjs.skipped && (tfjs.gflops as number) > 0, JSON.stringify(tfjs));
  assert.is(tfjs.check, 'full, against gemm_f32');
  // The peer lent Node a navigator.gpu only while tfjs started: Gpu.open must still see Node.
  assert.is((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu, undefined);
  const xnor = find('xnor_gemm');
  assert.is(xnor.op, 'NT');
  assert.ok((xnor.gbinops as number) > 0 && (xnor.xnor_over_f32 as number) > 0);
  assert.is(xnor.check, 'full, exact');
  assert.ok((result.limits as JsonObject).xnor_peak_gbinops as number > 0);
  const table = gemmBenchTable(result, 'node');
  assert.ok(table.includes('skipped (est.'), table);
  // No 1024^3 row: the summary says null rather than inventing a number.
  const summary = gemmBenchSummary(result);
  assert.is(summary.f32_gflops, null);
  assert.ok((summary.fma_peak_gflops as number) > 0);
});
test.run();
