// The GEMM jobs in Node and in headless Chrome: the same seed gives the same Bernoulli bits in both
// (bench-gemm end to end: test/gemm_bench.test.ts). One Chrome session for the file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runJob } from '../harness/backends/jobs.js';
import { runJobInChrome, startChrome, type ChromeSession } from '../harness/backends/chrome.js';
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

test.run();
