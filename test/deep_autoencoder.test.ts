// The deep autoencoder (models/deep_autoencoder.ts): RBMs with linear Gaussian hidden units (their
// draws' distribution, their files, what refuses them), pretraining equal to the stack trained by hand
// (the linear code layer's RBM at lr / 100), the unrolled network's activations equal to the stack's
// up and down passes, and `ae train --pretrain rbm`: bit-identical resume, its report of the stages,
// refused flags (exit 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, InputError, KernelGraph } from '../engine/index.js';
import { Autoencoder } from '../models/autoencoder.js';
import { encodeDataset } from '../models/autoencoder_training.js';
import { Dbn, dbnLayerSeed } from '../models/dbn.js';
import { LINEAR_CODE_LR_SCALE, pretrainAutoencoder, unrollInto } from '../models/deep_autoencoder.js';
import { DeviceDataset } from '../models/minibatch.js';
import { Rbm, readRbmConfig } from '../models/rbm.js';
import { RbmDataset } from '../models/rbm_data.js';
import { rbmAis } from '../models/rbm_partition.js';
import { RbmTrainer, rbmOptimizerState, type RbmTrainingOptions } from '../models/rbm_trainer.js';
import { VAE_OPTIMIZER_STATE } from '../models/vae_training.js';
import { runJob } from '../harness/backends/jobs.js';
import { aeEvalCommand, aeHashCommand, aeTrainCommand } from '../harness/ae/command.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu, readF32, withGpu, type GpuContext } from './gpu.js';
import { randomF32, randomWords } from './random.js';

/** `rows` examples of `width` intensities (bytes), half of each row following its first pixel. */
function images(rows: number, width: number, seed: number): Uint8Array {
  const words = randomWords(rows * width, seed);
  return Uint8Array.from({ length: rows * width }, (_, n) => (n % width < width / 2 ? words[n - (n % width)] : words[n]) & 255);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// ---------------------------------------------------------------------------------------------
const units = suite('RBMs with linear Gaussian hidden units (GPU)');

units('h | v ~ N(c + vW, 1): the draws less their means have mean 0 and variance 1 per unit (z-tests, 6 sigma)', () =>
  withGpu(async (ctx) => {
    const [rows, visible, hidden] = [4000, 5, 3];
    const rbm = await Rbm.create(ctx, { visible, hidden, hiddenType: 'gaussian' }, { seed: 2, weightStd: 0.5 });
    await rbm.hiddenBias.value.write(Float32Array.of(1, -2, 0.5));
    const v = Float32Array.from({ length: rows * visible }, (_, e) => (e * 7) % 3 === 0 ? 1 : 0);
    const [x, ph, h] = [await ctx.pool.tensor('v', 'f32', [rows, visible], { data: v }), await ctx.pool.tensor('ph', 'f32', [rows, hidden]), await ctx.pool.tensor('h', 'f32', [rows, hidden])];
    const graph = new KernelGraph('gaussian hidden draw');
    const op = await rbm.addHidden(graph, ctx, { v: x, ph, h, rows, draw: { seed: 3, step: 0, call: 0 } });
    await ctx.scheduler.run(graph);
    const [means, draws, w, c] = [await readF32(ph), await readF32(h), await readF32(rbm.weights.value), await readF32(rbm.hiddenBias.value)];
    for (let j = 0; j < hidden; j++) {
      let [sum, sq] = [0, 0];
      for (let r = 0; r < rows; r++) {
        // The mean is linear: c + vW exactly as a float64 sum would give it, to float32 rounding.
        const exact = c[j] + Array.from({ length: visible }, (_, i) => v[r * visible + i] * w[i * hidden + j]).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(means[r * hidden + j] - exact) < 1e-5, `unit ${j} row ${r}: mean ${means[r * hidden + j]} vs ${exact}`);
        const d = draws[r * hidden + j] - means[r * hidden + j];
        [sum, sq] = [sum + d, sq + d * d];
      }
      const [m, variance] = [sum / rows, sq / rows - (sum / rows) ** 2];
      assert.ok(Math.abs(m) < 6 / Math.sqrt(rows), `unit ${j}: mean noise ${m}`);
      assert.ok(Math.abs(variance - 1) < 6 * Math.sqrt(2 / rows), `unit ${j}: noise variance ${variance}`);
    }
    op.release();
    [x, ph, h].forEach((t) => t.release());
    // The file says so (metadata hidden_type), and files without the key read as Bernoulli units.
    const file = decodeSafetensors(await rbm.toSafetensors(), 'm');
    assert.is(file.metadata.hidden_type, 'gaussian');
    assert.is(readRbmConfig(file, 'm').hiddenType, 'gaussian');
    const { hidden_type: _gone, ...older } = file.metadata;
    assert.is(readRbmConfig({ ...file, metadata: older }, 'm').hiddenType, 'bernoulli');
    await expectError(() => readRbmConfig({ ...file, metadata: { ...file.metadata, hidden_type: 'linear' } }, 'm'), InputError, "metadata 'hidden_type' is \"linear\"");
    // Training checkpoints keep the --hidden width under metadata 'hidden': not read as a type.
    assert.is(readRbmConfig({ ...file, metadata: { ...file.metadata, hidden: '12' } }, 'm').hiddenType, 'gaussian');
    // Free energies and partition functions sum Bernoulli hidden units out: refused by name, not wrong.
    await expectError(() => rbm.addFreeEnergy(new KernelGraph('f'), ctx, { v: x, rows, out: ph }), InputError, 'Bernoulli hidden units', 'gaussian');
    await expectError(() => rbmAis(ctx, rbm, { base: new Float64Array(visible), seed: 1 }), InputError, 'rbm ais', 'gaussian');
    rbm.release();
  }));
units.run();

// ---------------------------------------------------------------------------------------------
const stack = suite('deep autoencoder pretraining and unrolling (GPU)');

const OPTIONS: RbmTrainingOptions = { k: 1, lr: 0.1, momentum: 0.5, finalMomentum: 0.9, momentumEpochs: 1, weightDecay: 2e-4, batch: 8, seed: 5, epochs: 2 };

/** Every parameter of an autoencoder, as bits. */
async function aeBits(ae: Autoencoder): Promise<Record<string, Uint32Array>> {
  return Object.fromEntries(await Promise.all(ae.params.params.map(async (p) => [p.name, new Uint32Array(await p.value.read())] as const)));
}

stack('pretraining equals the RBMs trained by hand (the linear code layer at lr / 100), unrolled: bit for bit', () =>
  withGpu(async (ctx) => {
    const [rows, layers] = [48, [12, 8, 3]];
    const data = await RbmDataset.upload(ctx, { images: images(rows, layers[0], 3), count: rows, width: layers[0] });
    const ae = await Autoencoder.create(ctx, { layers, codeActivation: 'identity' }, { seed: 9, state: VAE_OPTIMIZER_STATE });
    const epochs: number[] = [];
    await pretrainAutoencoder(ctx, ae, data, { ...OPTIONS, onEpoch: (e) => epochs.push(e.layer) });
    assert.equal(epochs, [0, 0, 1, 1]);

    const state = rbmOptimizerState(OPTIONS);
    const first = await Rbm.create(ctx, { visible: 12, hidden: 8 }, { seed: dbnLayerSeed(OPTIONS.seed, 0), state });
    const t1 = await RbmTrainer.create(ctx, first, data, { ...OPTIONS, seed: dbnLayerSeed(OPTIONS.seed, 0) });
    while (t1.epoch < OPTIONS.epochs) await t1.trainEpoch();
    t1.release();
    const code = await Rbm.create(ctx, { visible: 8, hidden: 3, hiddenType: 'gaussian' }, { seed: dbnLayerSeed(OPTIONS.seed, 1), state });
    const byHand = Dbn.fromRbms([first, code]);
    const above = await byHand.propagate(ctx, data, { layer: 0, input: 'probabilities', seed: OPTIONS.seed });
    const t2 = await RbmTrainer.create(ctx, code, above, { ...OPTIONS, lr: 0.1 * LINEAR_CODE_LR_SCALE, seed: dbnLayerSeed(OPTIONS.seed, 1) });
    while (t2.epoch < OPTIONS.epochs) await t2.trainEpoch();
    t2.release();
    above.release();
    const expected = await Autoencoder.create(ctx, { layers, codeActivation: 'identity' }, { seed: 1 });
    await unrollInto(expected, byHand);
    assert.equal(await aeBits(ae), await aeBits(expected));
    // The decoder starts as the encoder transposed: decoder0 maps the code (3) to 8, from RBM 1.
    const [w, d] = [await readF32(code.weights.value), await readF32(ae.params.get('decoder0.weight').value)];
    assert.is(d[2 * 8 + 1], w[1 * 3 + 2]);
    // A stack that does not fit is refused by name.
    const tied = await Autoencoder.create(ctx, { layers, codeActivation: 'identity', tied: true }, { seed: 1 });
    await expectError(() => unrollInto(tied, byHand), InputError, 'an untied sigmoid autoencoder 12-8-3 with a linear code');
    const relu = await Autoencoder.create(ctx, { layers, codeActivation: 'relu' }, { seed: 1 });
    await expectError(() => pretrainAutoencoder(ctx, relu, data, OPTIONS), InputError, 'a relu code layer has no RBM');
    [tied, relu, expected, ae].forEach((m) => m.release());
    byHand.release();
    data.release();
  }));

stack("the unrolled network's code is the stack's up pass, its reconstruction the down pass from the code", () =>
  withGpu(async (ctx) => {
    const [rows, layers] = [37, [12, 8, 6, 3]];
    const pixels = images(rows, layers[0], 4);
    const state = rbmOptimizerState(OPTIONS);
    const dbn = await Dbn.create(ctx, { layers }, { seed: 2, state, topHidden: 'gaussian' });
    // Weights large enough that the layers matter, biases not zero.
    for (const [i, rbm] of dbn.rbms.entries()) {
      await rbm.weights.value.write(randomF32(rbm.visible * rbm.hidden, 10 + i, 0.8));
      await rbm.visibleBias.value.write(randomF32(rbm.visible, 20 + i, 0.5));
      await rbm.hiddenBias.value.write(randomF32(rbm.hidden, 30 + i, 0.5));
    }
    const ae = await Autoencoder.create(ctx, { layers, codeActivation: 'identity' }, { seed: 1 });
    await unrollInto(ae, dbn);
    const data = await RbmDataset.upload(ctx, { images: pixels, count: rows, width: layers[0] });
    let input = data;
    for (let layer = 0; layer < dbn.rbms.length; layer++) {
      const next = await dbn.propagate(ctx, input, { layer, input: 'probabilities', seed: 1 });
      if (input !== data) input.release();
      input = next;
    }
    const labelled = await DeviceDataset.upload(ctx, { images: pixels, labels: new Uint8Array(rows), count: rows, width: layers[0] }, 'codes');
    // Batches of 10: three full ones and a rest of 7.
    const codes = await encodeDataset(ctx, ae, labelled, { batch: 10 });
    const expected = await readUpPass(ctx, input, rows, 3);
    input.release();
    for (let e = 0; e < codes.length; e++) assert.ok(Math.abs(codes[e] - expected[e]) < 1e-5, `code ${e}: ${codes[e]} vs the up pass's ${expected[e]}`);

    // The down pass in float64 from the code, through each RBM's transposed weights and visible biases.
    let down = Float64Array.from(codes);
    for (let i = dbn.rbms.length - 1; i >= 0; i--) {
      const rbm = dbn.rbms[i];
      const [w, b] = [await readF32(rbm.weights.value), await readF32(rbm.visibleBias.value)];
      down = Float64Array.from({ length: rows * rbm.visible }, (_, e) => {
        const [r, v] = [Math.floor(e / rbm.visible), e % rbm.visible];
        let z = b[v];
        for (let j = 0; j < rbm.hidden; j++) z += w[v * rbm.hidden + j] * down[r * rbm.hidden + j];
        return sigmoid(z);
      });
    }
    const b = await ae.batch(ctx, rows);
    await b.x.write(Float32Array.from(pixels, (p) => p / 255));
    const graph = new KernelGraph('reconstruct');
    const op = await ae.addForward(graph, ctx, b);
    await ctx.scheduler.run(graph);
    const logits = await readF32(b.decoded[b.decoded.length - 1]);
    for (let e = 0; e < logits.length; e++) assert.ok(Math.abs(sigmoid(logits[e]) - down[e]) < 1e-5, `pixel ${e}: ${sigmoid(logits[e])} vs the down pass's ${down[e]}`);
    op.release();
    b.release();
    [labelled, data].forEach((d) => d.release());
    ae.release();
    dbn.release();
  }));
stack.run();

/** An RbmDataset of features read back in order (its examples as the next RBM would see them). */
async function readUpPass(ctx: GpuContext, data: RbmDataset, rows: number, width: number): Promise<Float32Array> {
  const x = await ctx.pool.tensor('up pass', 'f32', [rows, width]);
  const graph = new KernelGraph('read up pass');
  const op = await data.addBatch(graph, ctx, { indices: data.inOrder, x, batchSize: rows });
  await ctx.scheduler.run(graph);
  const out = await readF32(x);
  op.release();
  x.release();
  return out;
}

// ---------------------------------------------------------------------------------------------
const cli = suite('ae train --pretrain rbm (GPU)');

const SPEC = { job: 'ae-train', hidden: [16, 4], code: 'linear', pretrain: 'rbm', pretrain_epochs: 1, batch: 50, train_count: 200, test_count: 50, seed: 4, return_model: true };

cli('pretrained then fine-tuned: the stages reported, resume bit-identical (pretraining not repeated), other settings refused', async () => {
  const gpu = await openTestGpu();
  const lines: string[] = [];
  const straight = await runJob({ ...SPEC, epochs: 2 }, { gpu, onUnit: (line) => lines.push(line) });
  assert.is(lines.filter((l) => l.startsWith('pretraining RBM')).length, 2, lines.join('\n'));
  const stages = straight.pretraining as Array<Record<string, number | string>>;
  assert.equal(stages.map((s) => s.units), ['784-16', '16-4']);
  assert.ok(stages.every((s) => (s.seconds_per_epoch as number) > 0 && Number.isFinite(s.reconstruction_error as number)));
  assert.is(straight.code_activation, 'identity');
  const first = await runJob({ ...SPEC, epochs: 1 }, { gpu });
  const resumed = await runJob({ ...SPEC, epochs: 2, resume_model: first.model_base64 }, { gpu });
  assert.is(resumed.model_base64, straight.model_base64, 'the resumed run wrote other bytes');
  assert.is(resumed.pretraining, undefined, 'a resumed run does not pretrain again');
  const meta = decodeSafetensors(Buffer.from(straight.model_base64 as string, 'base64'), 'm').metadata;
  assert.equal([meta.pretrain, meta.pretrain_epochs, meta.code, meta.code_activation], ['rbm', '1', 'linear', 'identity']);
  await expectError(() => runJob({ ...SPEC, epochs: 2, pretrain_lr: 0.05, resume_model: first.model_base64 }, { gpu }), InputError, 'was made with --pretrain-lr 0.1; this run has --pretrain-lr 0.05');
});

cli('ae hash: Hamming-ball precision equals the ranking curve at each radius; mAP of the codes and both baselines; a 2-D code pictured', async () => {
  const gpu = await openTestGpu();
  const small = { train_count: 300, test_count: 60, batch: 50, seed: 3, return_model: true };
  const binary = await runJob({ job: 'ae-train', ...small, hidden: [32, 8], code: 'binary', pretrain: 'rbm', pretrain_epochs: 1, epochs: 2 }, { gpu });
  const hashed = await runJob({ job: 'ae-hash', model: binary.model_base64, train_count: 300, test_count: 60, radius: 3 }, { gpu });
  assert.equal([hashed.bits, hashed.queries, hashed.database, hashed.threshold], [8, 60, 300, '0.5']);
  const curve = (hashed.curves as Record<string, { precision: Array<number | null>; recall: number[]; map: number }>).autoencoder;
  for (const r of ['0', '1', '2', '3']) {
    assert.is((hashed.precision_at_radius as Record<string, number | null>)[r], curve.precision[Number(r)], `radius ${r}: the ball's precision is the ranking's`);
    assert.is((hashed.recall_at_radius as Record<string, number>)[r], curve.recall[Number(r)]);
  }
  // Recall grows with the radius to 1 at radius = bits (every digit retrieved).
  assert.ok(curve.recall.every((r, i) => i === 0 || r >= curve.recall[i - 1]) && curve.recall[8] === 1, `recall ${curve.recall}`);
  for (const key of ['map', 'pca_map', 'lsh_map']) assert.ok((hashed[key] as number) > 0.1 && (hashed[key] as number) <= 1, `${key} ${hashed[key]}`);
  assert.is(hashed.map, curve.map);

  const dir = mkdtempSync(join(tmpdir(), 'harmonium-deep-ae-'));
  const twoD = await runJob({ job: 'ae-train', ...small, hidden: [16, 2], code: 'linear', epochs: 1 }, { gpu });
  const model = join(dir, 'two.safetensors');
  writeFileSync(model, Buffer.from(twoD.model_base64 as string, 'base64'));
  const png = join(dir, 'codes.png');
  await aeEvalCommand.main(['--model', model, '--png', png]);
  assert.equal([...readFileSync(png).subarray(1, 4)], [...Buffer.from('PNG')]);
  await expectRefused({ hash: aeHashCommand }, ['hash', '--model', model, '--radius', '33'], /--radius/);
  const wide = join(dir, 'wide.safetensors');
  const thirtyThree = await runJob({ job: 'ae-train', ...small, train_count: 100, hidden: [33], epochs: 1 }, { gpu });
  writeFileSync(wide, Buffer.from(thirtyThree.model_base64 as string, 'base64'));
  await expectRefused({ hash: aeHashCommand }, ['hash', '--model', wide], /code has 33 units; an address has at most 32 bits/);
  await expectRefused({ eval: aeEvalCommand }, ['eval', '--model', wide, '--png', png], /--png pictures a code of 2 units; .* code has 33/);
});

cli('bad pretraining flags exit 2 with a message naming them', async () => {
  const commands = { train: aeTrainCommand };
  await expectRefused(commands, ['train', '--pretrain', 'rbm', '--activation', 'relu'], /--pretrain rbm unrolls a stack of RBMs: it needs --activation sigmoid/);
  await expectRefused(commands, ['train', '--pretrain', 'rbm', '--tied'], /untied weights/);
  await expectRefused(commands, ['train', '--pretrain', 'boltzmann'], /--pretrain must be one of none, rbm/);
  await expectRefused(commands, ['train', '--code', 'ternary'], /--code must be one of linear, binary/);
  await expectRefused(commands, ['train', '--pretrain', 'rbm', '--pretrain-epochs', '0'], /--pretrain-epochs/);
  await expectRefused(commands, ['train', '--code', 'binary', '--code-noise', '-1'], /--code-noise/);
});
cli.run();
