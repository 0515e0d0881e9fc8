// The 'gemm-bernoulli' job: a small GEMM with the sigmoid + Bernoulli epilogue on seeded Philox
// inputs, returning the sample bits as base64 (bit e % 8 of byte e / 8 is sample e, row-major), so that
// Node and headless Chrome can be compared bit for bit.
import { KernelGraph } from '../../engine/index.js';
import { addGemm } from '../../engine/ops/gemm.js';
import { defineJob, type JobContext } from '../backends/context.js';
import { boolean, integer, type Values } from '../cli/schema.js';
import { seed } from '../cli/flags.js';
import type { JsonObject } from '../io/json.js';
import { philoxUniform } from './check.js';
import { toBase64 } from '../io/base64.js';

export const GEMM_BERNOULLI_JOB = {
  m: integer({ default: 37, help: 'rows of A and C' }),
  n: integer({ default: 45, help: 'columns of B and C' }),
  k: integer({ default: 29, help: 'the inner dimension' }),
  seed,
  step: integer({ default: 0, help: 'Philox counter step of the samples' }),
  'trans-b': boolean({ help: 'B stored N x K' }),
} as const;

export async function runGemmBernoulliJob(ctx: JobContext, p: Values<typeof GEMM_BERNOULLI_JOB>): Promise<JsonObject> {
  // Shapes, seed and step out of range are refused by addGemm (InputError).
  const { m, n, k, seed, step } = p;
  const transB = p['trans-b'];
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


export const gemmBernoulliJob = defineJob(GEMM_BERNOULLI_JOB, runGemmBernoulliJob);
