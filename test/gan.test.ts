// GANs (models/gan.ts, gan_training.ts, harness/gan): the ring of Gaussians and its scores against
// their definitions; a training step that moves the generator toward the data (a wrong sign in any
// gradient sends it away); WGAN's clipping; resume bit-identical for every loss family (one critic
// step, five with clipping, five with the gradient penalty); gan sample; the file checks; bad flags.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { runJob } from '../harness/backends/jobs.js';
import { makeRing, ringCentres, RING_DEFAULTS, scoreRing } from '../harness/data/ring.js';
import { ganSampleCommand, ganTrainCommand } from '../harness/gan/command.js';
import { Gan, ganDiscName, ganGenName, readGanConfig, validateGanConfig } from '../models/gan.js';
import { GAN_OPTIMIZER_STATE, GanTrainer, validateGanTraining } from '../models/gan_training.js';
import { DeviceDataset } from '../models/minibatch.js';
import { decodeSafetensors } from '../engine/index.js';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu, readF32, withGpu } from './gpu.js';

const host = suite('the ring of Gaussians (no GPU)');

host('its draws: balanced modes, each centred on the circle with the stated std; reproducible by seed', () => {
  const n = 16000;
  const { values, labels } = makeRing({ samples: n, seed: 3 });
  assert.equal(makeRing({ samples: 10, seed: 3 }).values, values.subarray(0, 20), 'a prefix of the same seed');
  const centres = ringCentres(8, 2);
  for (let m = 0; m < 8; m++) {
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => labels[i] === m);
    assert.is(rows.length, n / 8);
    for (const e of [0, 1]) {
      const xs = rows.map((i) => values[2 * i + e] - centres[2 * m + e]);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      // 2,000 draws: the mean's standard error is 0.02 / 45 = 4.5e-4, the std's 3.2e-4 (5 of them allowed).
      assert.ok(Math.abs(mean) < 2.3e-3 && Math.abs(std - RING_DEFAULTS.std) < 1.6e-3, `mode ${m} axis ${e}: mean ${mean}, std ${std}`);
    }
  }
});

host('its scores: the data itself covers 8 modes with 1 - exp(-9/2) = 98.9% high quality; a collapsed generator covers 1; points off the ring none', () => {
  const { values } = makeRing({ samples: 20000, seed: 5 });
  const s = scoreRing(values);
  assert.is(s.modesCovered, 8);
  // Binomial standard error sqrt(0.011 x 0.989 / 20,000) = 7.4e-4: 0.004 is 5 of them.
  assert.ok(Math.abs(s.highQuality - (1 - Math.exp(-4.5))) < 0.004, `high quality ${s.highQuality}`);
  const collapsed = Float32Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? 2 : 0.01));
  assert.equal([scoreRing(collapsed).modesCovered, scoreRing(collapsed).highQuality, scoreRing(collapsed).perMode[0]], [1, 1, 1000]);
  assert.equal([scoreRing(new Float32Array(200)).modesCovered, scoreRing(new Float32Array(200)).highQuality], [0, 0]);
  // A mode is covered from 1/16 of its fair share: 20 of 2,500 samples, not 19.
  const few = (k: number) => Float32Array.from({ length: 5000 }, (_, i) => (i < 2 * k ? (i % 2 === 0 ? 2 : 0) : 0));
  assert.equal([scoreRing(few(20)).modesCovered, scoreRing(few(19)).modesCovered], [1, 0]);
  assert.throws(() => makeRing({ samples: 10, std: 0, seed: 1 }), /std = 0 must be a finite number > 0/);
});
host.run();

const gpu = suite('GANs (GPU)');

const SMALL = { width: 2, noise: 4, generator: [32], discriminator: [32], output: 'identity' } as const;

gpu('training moves the generator toward the ring (its samples from radius ~0.5 out toward 2); a wrong sign anywhere sends them elsewhere', () =>
  withGpu(async (ctx) => {
    const ring = makeRing({ samples: 3200, seed: 2 });
    const data = await DeviceDataset.uploadRows(ctx, { values: ring.values, labels: ring.labels, count: 3200, width: 2 }, 'ring');
    const gan = await Gan.create(ctx, SMALL, { seed: 2, state: GAN_OPTIMIZER_STATE });
    const radius = async () => {
      const s = await gan.sample(ctx, 500, 9);
      return Array.from({ length: 500 }, (_, i) => Math.hypot(s[2 * i], s[2 * i + 1])).reduce((a, b) => a + b, 0) / 500;
    };
    const before = await radius();
    const trainer = await GanTrainer.create(ctx, gan, data, { loss: 'ns', lr: 3e-3, batch: 64, seed: 2, epochs: 3 });
    for (let e = 0; e < 3; e++) await trainer.trainEpoch();
    const after = await radius();
    assert.ok(before < 1 && after > 1.5, `mean radius ${before.toFixed(3)} before, ${after.toFixed(3)} after 150 steps`);
    [trainer, gan, data].forEach((x) => x.release());
  }));

gpu("wgan clips every critic weight and bias to [-c, c] after each update, and no generator weight; a step reads 5 critic batches", () =>
  withGpu(async (ctx) => {
    const ring = makeRing({ samples: 640, seed: 4 });
    const data = await DeviceDataset.uploadRows(ctx, { values: ring.values, labels: ring.labels, count: 640, width: 2 }, 'ring');
    const gan = await Gan.create(ctx, SMALL, { seed: 4, state: GAN_OPTIMIZER_STATE });
    const trainer = await GanTrainer.create(ctx, gan, data, { loss: 'wgan', lr: 1e-2, batch: 32, seed: 4, epochs: 1, clip: 0.05 });
    assert.is(trainer.batchesPerEpoch, 4, '640 examples in steps of 5 critic batches of 32');
    await trainer.trainEpoch();
    const biggest = async (name: string) => Math.max(...Array.from(await readF32(gan.params.get(name).value), Math.abs));
    for (const i of [0, 1]) for (const part of ['weight', 'bias']) assert.ok((await biggest(`${ganDiscName(i)}.${part}`)) <= Math.fround(0.05), `${ganDiscName(i)}.${part}`);
    assert.ok((await biggest(`${ganDiscName(0)}.weight`)) === Math.fround(0.05), 'clipping is active');
    assert.ok((await biggest(`${ganGenName(0)}.weight`)) > 0.05, "the generator's weights are not clipped");
    [trainer, gan, data].forEach((x) => x.release());
  }));

for (const loss of ['hinge', 'wgan', 'wgan-gp'] as const) {
  gpu(`gan train --loss ${loss} on the ring: resume is bit-identical (2 epochs straight = 1, then resumed to 2); other settings refused; gan sample`, async () => {
    const gpu = await openTestGpu();
    const spec = { job: 'gan-train', loss, generator: [16], discriminator: [16], ring_samples: 640, batch: 32, lr: 0.003, eval_samples: 200, seed: 6, return_model: true };
    const straight = await runJob({ ...spec, epochs: 2 }, { gpu });
    const first = await runJob({ ...spec, epochs: 1 }, { gpu });
    const resumed = await runJob({ ...spec, epochs: 2, resume_model: first.model_base64 }, { gpu });
    assert.is(resumed.model_base64, straight.model_base64, 'the resumed run wrote other bytes');
    assert.equal(resumed.history, straight.history);
    const steps = loss === 'hinge' ? 20 : 4;
    assert.equal([(straight.d_loss as number[]).length, straight.critic_steps, (straight.samples as number[]).length], [2 * steps, loss === 'hinge' ? 1 : 5, 400]);
    assert.ok((straight.d_loss as number[]).every(Number.isFinite) && (straight.penalty as number[]).every((p) => (loss === 'wgan-gp' ? p > 0 : p === 0)), 'penalties');
    await expectError(() => runJob({ ...spec, epochs: 2, lr: 0.001, resume_model: first.model_base64 }, { gpu }), InputError, 'was made with --lr 0.003; this run has --lr 0.001');
    const sample = await runJob({ job: 'gan-sample', model: straight.model_base64, count: 300, seed: 1 }, { gpu });
    assert.equal([sample.data, (sample.samples as number[]).length, sample.loss, sample.steps], ['ring', 600, loss, 2 * steps]);
    assert.equal((sample.per_mode as number[]).length, 8);
    const again = await runJob({ job: 'gan-sample', model: straight.model_base64, count: 300, seed: 1 }, { gpu });
    assert.equal(again.samples, sample.samples, 'the same seed draws the same samples');
  });
}

gpu('the model file: a GAN reads back with its configuration; a file of another model, or with a layer missing, is refused naming it', () =>
  withGpu(async (ctx) => {
    const gan = await Gan.create(ctx, { ...SMALL, generator: [8, 6], activation: 'tanh' }, { seed: 1 });
    const bytes = await gan.toSafetensors();
    const back = await Gan.fromSafetensors(ctx, bytes, 'g.safetensors');
    assert.equal(back.gan.config, { ...SMALL, generator: [8, 6], activation: 'tanh' });
    assert.equal(await readF32(back.gan.params.get('gen2.weight').value), await readF32(gan.params.get('gen2.weight').value));
    const file = decodeSafetensors(bytes, 'g');
    delete (file.tensors as Record<string, unknown>)['disc1.bias'];
    assert.throws(() => readGanConfig(file, 'g.safetensors'), /g\.safetensors.*disc1\.bias/);
    assert.throws(() => validateGanConfig({ ...SMALL, output: 'softmax' as 'sigmoid' }), /output 'softmax'/);
    assert.throws(() => validateGanTraining({ loss: 'wgan', lr: 1e-3, batch: 8, seed: 1, epochs: 1, criticSteps: 33 }), /criticSteps/);
    [gan, back.gan].forEach((g) => g.release());
  }));

gpu('gan train and gan sample: bad flags exit 2 before any device opens', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ train: ganTrainCommand }, ['train', ...args], message);
  await refused(['--loss', 'wgan-lp'], /--loss must be one of minimax, ns, ls, wgan, wgan-gp, hinge/);
  await refused(['--data', 'cifar'], /--data must be one of ring, mnist/);
  await refused(['--critic-steps', '0'], /criticSteps must be an integer in \[1, 32\], got 0/);
  await refused(['--critic-steps', '33'], /criticSteps must be an integer in \[1, 32\], got 33/);
  await refused(['--generator', '0'], /--generator/);
  await refused(['--beta1', '1'], /beta1 must lie in \[0, 1\), got 1/);
  await expectRefused({ sample: ganSampleCommand }, ['sample', '--model', '/nonexistent.safetensors'], /--model/);
  await expectRefused({ sample: ganSampleCommand }, ['sample', '--model', 'x', '--count', '0'], /--count/);
});

gpu.run();
