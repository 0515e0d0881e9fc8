// Training a VAE by the importance-weighted bound (models/vae_iwae.ts): every parameter's gradient
// against float64 central differences of the bound with the GPU's own normals (K = 1, 3, 5), and the
// step's mean bound against the float64 one; vae train --iwae: resume, its setting checked both ways, bad flags.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { runJob } from '../harness/backends/jobs.js';
import { vaeTrainCommand } from '../harness/vae/command.js';
import { iwaeLossReference } from '../harness/vae/reference.js';
import { Vae, type VaeConfig } from '../models/vae.js';
import { IwaeObjective } from '../models/vae_iwae.js';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu, readF32, withGpu } from './gpu.js';
import { centralDifferences, check, gpuDraws, runAndRead } from './ops_util.js';
import { randomF32 } from './random.js';

const grads = suite('IWAE training: gradients against central differences of the float64 bound (GPU)');

// As the ELBO's (test/vae.test.ts): f32 sums of a few O(1) products against float64 differences.
const GRAD = { atol: 2e-5, rtol: 2e-4 };

const CASES: Array<[string, VaeConfig, number]> = [
  ['K = 1 (a one-draw ELBO), relu 6-5-(3)-5-6', { inputs: 6, hidden: [5], latent: { kind: 'gaussian', size: 3 }, activation: 'relu' }, 1],
  ['K = 3, tanh 6-5-(3)-5-6', { inputs: 6, hidden: [5], latent: { kind: 'gaussian', size: 3 }, activation: 'tanh' }, 3],
  ['K = 5, relu 7-5-4-(2)-4-5-7', { inputs: 7, hidden: [5, 4], latent: { kind: 'gaussian', size: 2 }, activation: 'relu' }, 5],
];

for (const [what, config, k] of CASES) {
  grads(`${what}: batch 3 at iteration 4, every parameter's gradient and the mean bound`, () =>
    withGpu(async (ctx) => {
      const rows = 3;
      const seed = 23;
      const vae = await Vae.create(ctx, config, { seed: 5 });
      try {
        for (const [i, p] of vae.params.params.entries()) if (p.name.endsWith('.bias')) await p.value.write(randomF32(p.size, 60 + i, 0.3));
        const x = Float32Array.from(randomF32(rows * config.inputs, 61), (u) => (u > 0 ? 1 : 0));
        const b = await vae.batch(ctx, rows, { samples: k, training: true, importance: true });
        const iwae = await IwaeObjective.create(ctx, rows, k, vae.latentWidth);
        await b.x.write(x);
        const out = await runAndRead(
          ctx,
          async (graph: KernelGraph, made) => {
            const bound = await made.tensor('bound', [1]);
            await made.op(iwae.addGradients(graph, ctx, vae, b, { draw: { seed } }));
            await made.op(iwae.addMeanBound(graph, ctx, { out: bound }));
            return { bound };
          },
          { firstIteration: 4 },
        );
        const noise = await gpuDraws(ctx, rows * k * vae.latentWidth, 'gaussian', seed, 4);
        const values: Record<string, Float32Array> = {};
        for (const p of vae.params.params) values[p.name] = await readF32(p.value);
        const net = { config: vae.config, values };
        check(`${what}: mean bound`, out.bound, [-iwaeLossReference(net, x, rows, k, noise)], { atol: 1e-4, rtol: 1e-5 });
        for (const p of vae.params.params) {
          const fd = centralDifferences((v) => iwaeLossReference({ ...net, values: { ...values, [p.name]: v } }, x, rows, k, noise), values[p.name]);
          check(`${what}: ${p.name}`, await readF32(p.grad), fd, GRAD);
        }
        [iwae, b].forEach((r) => r.release());
      } finally {
        vae.release();
      }
    }));
}
grads.run();

const job = suite('vae train --iwae (GPU)');

job('vae train --iwae 3 on 200 digits: resume bit-identical (2 epochs straight = 1, then resumed); a resume by another objective refused; bad flags exit 2', async () => {
  const gpu = await openTestGpu();
  const spec = { job: 'vae-train', hidden: [16], latent: 4, iwae: 3, batch: 50, lr: 0.003, train_count: 200, test_count: 50, seed: 7, return_model: true };
  const straight = await runJob({ ...spec, epochs: 2 }, { gpu });
  const first = await runJob({ ...spec, epochs: 1 }, { gpu });
  const resumed = await runJob({ ...spec, epochs: 2, resume_model: first.model_base64 }, { gpu });
  assert.is(resumed.model_base64, straight.model_base64, 'the resumed run wrote other bytes');
  assert.equal([straight.objective, (straight.train_kl as number[]).length], ['iwae (K = 3)', 8]);
  assert.ok((straight.train_kl as number[]).every((kl) => Number.isFinite(kl) && kl > 0), 'the one-draw KL estimates');
  await expectError(() => runJob({ ...spec, iwae: 0, epochs: 2, resume_model: first.model_base64 }, { gpu }), InputError, 'was made with --iwae 3; this run has --iwae 0');
  const elbo = await runJob({ ...spec, iwae: 0, epochs: 1 }, { gpu });
  await expectError(() => runJob({ ...spec, epochs: 2, resume_model: elbo.model_base64 }, { gpu }), InputError, 'was made with --iwae (none); this run has --iwae 3');
  const refused = (args: string[], message: RegExp) => expectRefused({ train: vaeTrainCommand }, ['train', ...args], message);
  await refused(['--iwae', '3', '--beta', '2'], /iwae = 3 needs beta 1, not 2/);
  await refused(['--iwae', '3', '--latent-categorical', '3x4'], /--iwae is for a gaussian latent/);
  await refused(['--iwae', '-1'], /--iwae/);
});
job.run();
