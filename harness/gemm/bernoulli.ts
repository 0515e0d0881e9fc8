// The 'gemm-bernoulli' job: a small GEMM with the sigmoid + Bernoulli epilogue on seeded Philox
// inputs, returning the sample bits as base64 (bit e % 8 of byte e / 8 is sample e, row-major), so that
// Node and headless Chrome can be compared bit for bit.
import { KernelGraph } from '../../engine/index.js';
import { addGemm } from '../../engine/ops/gemm.js';
import type { JobContext } from '../backends/jobs.js';
import type { JsonObject } from '../io/json.js';
import { philoxUniform } from './check.js';
import { specBoolean, specInteger, toBase64 } from '../spec.js';

export async function runGemmBernoulliJob(ctx: JobContext, spec: JsonObject): Promise<JsonObject> {
  const m = specInteger(spec, 'm', 1, 37);
  const n = specInteger(spec, 'n', 1, 45);
  const k = specInteger(spec, 'k', 1, 29);
  // Seed and step above 2^32 - 1 are refused by addGemm (InputError).
  const seed = specInteger(spec, 'seed', 0, 1);
  const step = specInteger(spec, 'step', 0, 0);
  const transB = specBoolean(spec, 'trans_b', false) ?? false;
  // Inputs in [-2, 2) for A and [-1, 1) for B and bias: probabilities spread over (0, 1).
  const a = philoxUniform(m * k, seed, 0).map((x) => 2 * x);
  const b = philoxUniform(k * n, seed, 1);
  const bias = philoxUniform(n, seed, 2);
  const { pool } = ctx;
  const ta = await pool.tensor('A', 'f32', [m * k], { data: a });
  const tb = await pool.tensor('B', 'f32', [k * n], { data: b });
  const tbias = await pool.tensor('bias', 'f32', [n], { data: bias });
  const tc = await pool.tensor('probabilities', 'f32', [m * n]);
  const samples = await pool.tensor('samples', 'f32', [m * n]);
  const graph = new KernelGraph('gemm-bernoulli');
  const op = await addGemm(graph, ctx, { a: ta, b: tb, c: tc, m, n, k, transB, bias: tbias, activation: 'sigmoid', bernoulli: { seed, step, samples } });
  try {
    await ctx.scheduler.run(graph);
    const values = new Float32Array(await samples.read());
    const bits = new Uint8Array(Math.ceil((m * n) / 8));
    let ones = 0;
    values.forEach((v, e) => {
      if (v === 1) {
        bits[e >> 3] |= 1 << (e & 7);
        ones++;
      }
    });
    return { job: 'gemm-bernoulli', m, n, k, seed, step, trans_b: transB, ones, bits: toBase64(bits), adapter: { ...ctx.gpu.adapter } };
  } finally {
    [ta, tb, tbias, tc, samples, op].forEach((t) => t.release());
  }
}

