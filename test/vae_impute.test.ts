// Imputation with a VAE (models/vae_impute.ts, harness/vae/impute.ts): the chain's steps against the
// float64 forward with the GPU's own normals (observed values kept exactly, missing ones the decoder's
// mean), the masks (the bottom half exactly, a random one near its share and repeatable), and the job
// end to end on MNIST digits with a small random model; conflicting flags exit 2.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec } from '../harness/cli/schema.js';
import { fromBase64, toBase64 } from '../harness/io/base64.js';
import { vaeLossReference } from '../harness/vae/reference.js';
import { imputationMask, missingMse, runVaeImpute, VAE_IMPUTE_JOB } from '../harness/vae/impute.js';
import { vaeImputeCommand } from '../harness/vae/command.js';
import { Vae } from '../models/vae.js';
import { VaeImputer } from '../models/vae_impute.js';
import { expectRefused } from './expect.js';
import { openTestGpu, readF32, withGpu } from './gpu.js';
import { check, gpuDraws } from './ops_util.js';
import { randomF32 } from './random.js';

const host = suite('imputation masks (no GPU)');

host('bottom-half hides the lower 14 rows exactly; a random mask keeps about its share, the same from the same seed', () => {
  const half = imputationMask({ missing: 'bottom-half', seed: 1 }, 2, 28);
  assert.equal([half[13 * 28 + 27], half[14 * 28], half[784 + 13 * 28], half[784 + 27 * 28 + 27]], [1, 0, 1, 0]);
  assert.is(half.reduce((a, b) => a + b, 0), 784);
  const random = imputationMask({ missing: 'random', observed: 0.1, seed: 3 }, 50, 28);
  const share = random.reduce((a, b) => a + b, 0) / random.length;
  // 39,200 Bernoulli(0.1) draws: sd 0.0015; 5 sd.
  assert.ok(Math.abs(share - 0.1) < 0.0076, `observed share ${share}`);
  assert.equal(imputationMask({ missing: 'random', observed: 0.1, seed: 3 }, 50, 28), random);
  assert.is(missingMse([1, 0.5, 0], [1, 1, 1], Uint8Array.of(1, 0, 0)), (0.25 + 1) / 2);
});

host.run();

const gpu = suite('imputation chain (GPU)');

gpu('three steps of the chain on a 6-5-(3)-5-6 VAE: each step the float64 forward from the GPU\'s normals, observed values exact', () =>
  withGpu(async (ctx) => {
    const [rows, inputs, seed] = [4, 6, 9];
    const vae = await Vae.create(ctx, { inputs, hidden: [5], latent: { kind: 'gaussian', size: 3 }, activation: 'relu' }, { seed: 2 });
    try {
      for (const [i, p] of vae.params.params.entries()) if (p.name.endsWith('.bias')) await p.value.write(randomF32(p.size, 60 + i, 0.3));
      const values = Float32Array.from(randomF32(rows * inputs, 61), (u) => (u + 1) / 2);
      const observed = Uint8Array.from({ length: rows * inputs }, (_, i) => (i * 7) % 3 === 0 ? 0 : 1);
      const start = Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
      const chain = await VaeImputer.create(ctx, vae, { rows, observed, values, start }, seed);
      const params: Record<string, Float32Array> = {};
      for (const p of vae.params.params) params[p.name] = await readF32(p.value);
      try {
        let want = Float64Array.from({ length: rows * inputs }, (_, i) => (observed[i] ? values[i] : start[i % inputs]));
        check('the start', await chain.read(), want, { atol: 0, rtol: 0 });
        for (let s = 0; s < 3; s++) {
          const noise = await gpuDraws(ctx, rows * 3, 'gaussian', seed, s);
          const { logits } = vaeLossReference({ config: vae.config, values: params }, want, rows, noise);
          want = Float64Array.from(want, (v, i) => (observed[i] ? values[i] : 1 / (1 + Math.exp(-logits[i]))));
          await chain.step(1);
          const got = await chain.read();
          check(`step ${s + 1}`, got, want, { atol: 1e-5, rtol: 1e-5 });
          assert.ok(got.every((v, i) => !observed[i] || v === values[i]), 'observed values kept bit for bit');
        }
        assert.is(chain.steps, 3);
      } finally {
        chain.release();
      }
    } finally {
      vae.release();
    }
  }));

gpu('the vae-impute job on 20 test digits with a random 784-16-(4) model: the curve from mean imputation, the picture, the mask\'s share', async () => {
  const gpu = await openTestGpu();
  const model = await withJobContext(async (ctx) => {
    const vae = await Vae.create(ctx, { inputs: 784, hidden: [16], latent: { kind: 'gaussian', size: 4 }, activation: 'relu' }, { seed: 5 });
    try {
      return toBase64(await vae.toSafetensors());
    } finally {
      vae.release();
    }
  }, { gpu });
  const run = (extra: object) => withJobContext((ctx) => runVaeImpute(ctx, readSpec(VAE_IMPUTE_JOB, { job: 'vae-impute', model, test_count: 20, steps: 3, record_every: 2, seed: 4, ...extra }, 'vae-impute')), { gpu });
  const r = await run({ picture: true });
  const curve = r.missing_mse_per_step as { steps: number[]; mse: number[] };
  assert.equal([r.count, r.steps, curve.steps, r.missing_mse, r.mean_imputation_mse], [20, 3, [0, 2, 3], curve.mse[2], curve.mse[0]]);
  assert.ok(Math.abs((r.observed_fraction as number) - 0.5) < 0.03 && r.missing_pixels === Math.round((1 - (r.observed_fraction as number)) * 20 * 784), `observed ${r.observed_fraction}`);
  const picture = r.picture as { width: number; height: number };
  assert.equal([picture.width, picture.height], [10 * 29 + 1, 4 * 29 + 1]);
  const half = await run({ missing: 'bottom-half' });
  assert.equal([half.observed_fraction, half.missing_pixels], [0.5, 20 * 392]);
  // The command refuses conflicting or out-of-range masks (exit 2).
  const path = join(mkdtempSync(join(tmpdir(), 'harmonium-impute-')), 'vae.safetensors');
  writeFileSync(path, fromBase64(model));
  const refused = (args: string[], message: RegExp) => expectRefused({ impute: vaeImputeCommand }, ['impute', '--model', path, '--count', '2', ...args], message);
  await refused(['--missing', 'bottom-half', '--observed', '0.3'], /--observed is for --missing random/);
  await refused(['--observed', '1'], /--observed 1: must lie strictly between 0 and 1/);
  await refused(['--steps', '0'], /--steps/);
});

gpu.run();
