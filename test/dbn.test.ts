// The deep belief net (models/dbn.ts): greedy stacking equals RBMs trained by hand on the layer below's
// output (probabilities or draws, same seeds, same bits), a resumed stack ends bit-identical, the
// unrolled MLP's activations are the up pass's, the lower bound of a two-layer net against the exact
// bound and log p(v) by enumeration (with AIS of its top RBM against the exact log Z), and generation's
// mean against the exact one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addSample } from '../engine/ops/index.js';
import { Dbn, DBN_CALLS, dbnLayerSeed, dbnLowerBound, DbnTrainer, sampleDbn, unrollDbn, validateDbnConfig, validateDbnTraining, type DbnTrainingOptions } from '../models/dbn.js';
import { Rbm } from '../models/rbm.js';
import { RbmDataset } from '../models/rbm_data.js';
import { aisBaseBiases, rbmAis } from '../models/rbm_partition.js';
import { RbmTrainer, rbmOptimizerState } from '../models/rbm_trainer.js';
import { dbnBoundReference, dbnMeanReference } from '../harness/dbn/reference.js';
import { logZByHidden, type RbmReference } from '../harness/rbm/reference.js';
import { expectError } from './expect.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';
import { randomF32, randomWords } from './random.js';

/** `rows` binary examples of `width` pixels as the bytes a dataset holds (0 or 255), from seed. */
function binaryImages(rows: number, width: number, seed: number): Uint8Array {
  const words = randomWords(rows * width, seed);
  // Half the pixels of a row follow its first one: the data has structure for the layers to find.
  return Uint8Array.from({ length: rows * width }, (_, n) => ((n % width < width / 2 ? words[n - (n % width)] : words[n]) & 1 ? 255 : 0));
}

/** A net with the references' parameters. */
async function dbnWith(ctx: GpuContext, models: RbmReference[]): Promise<Dbn> {
  const rbms: Rbm[] = [];
  for (const m of models) {
    const rbm = await Rbm.create(ctx, { visible: m.visible, hidden: m.hidden }, { seed: 1 });
    await rbm.weights.value.write(Float32Array.from(m.w));
    await rbm.visibleBias.value.write(Float32Array.from(m.b));
    await rbm.hiddenBias.value.write(Float32Array.from(m.c));
    rbms.push(rbm);
  }
  return Dbn.fromRbms(rbms);
}

const randomModel = (visible: number, hidden: number, seed: number, scale: number): RbmReference => ({
  visible, hidden, type: 'bernoulli', w: randomF32(visible * hidden, seed, scale), b: randomF32(visible, seed + 1), c: randomF32(hidden, seed + 2),
});

/** Every parameter and optimiser state tensor of the net, as bits. */
async function netBits(dbn: Dbn): Promise<Uint32Array[]> {
  const out: Uint32Array[] = [];
  for (const rbm of dbn.rbms) for (const p of rbm.params.params) for (const t of [p.value, ...rbm.params.state.map((s) => p.state[s])]) out.push(new Uint32Array(await t.read()));
  return out;
}

const OPTIONS: DbnTrainingOptions = { k: 1, lr: 0.1, momentum: 0.5, batch: 8, seed: 5, epochs: 2 };

// ---------------------------------------------------------------------------------------------
const host = suite('dbn options (no GPU)');

host('bad configurations and options are InputErrors naming the parameter; layer seeds differ by layer', async () => {
  await expectError(() => validateDbnConfig({ layers: [784] }), InputError, 'at least one hidden layer');
  await expectError(() => validateDbnConfig({ layers: [784, 0, 10] }), InputError, 'layers[1] = 0');
  await expectError(() => validateDbnTraining({ ...OPTIONS, input: 'means' as 'samples' }), InputError, 'input');
  await expectError(() => validateDbnTraining({ ...OPTIONS, lr: -1 }), InputError, 'lr');
  assert.is(validateDbnTraining(OPTIONS).input, 'probabilities');
  const seeds = [0, 1, 2].map((layer) => dbnLayerSeed(7, layer));
  assert.is(new Set(seeds).size, 3);
  assert.is(dbnLayerSeed(7, 1), seeds[1]);
});

// ---------------------------------------------------------------------------------------------
const gpu = suite('dbn (GPU)');

gpu('greedy stacking equals each RBM trained by hand on the layer below (probabilities and draws), bit for bit', () =>
  withGpu(async (ctx) => {
    const [rows, layers] = [48, [12, 8, 6]];
    const data = await RbmDataset.upload(ctx, { images: binaryImages(rows, layers[0], 3), count: rows, width: layers[0] });
    const state = rbmOptimizerState(OPTIONS);
    for (const input of ['probabilities', 'samples'] as const) {
      const dbn = await Dbn.create(ctx, { layers }, { seed: OPTIONS.seed, state });
      const trainer = await DbnTrainer.create(ctx, dbn, data, { ...OPTIONS, input });
      const seen: number[] = [];
      while (trainer.layer < dbn.rbms.length) seen.push((await trainer.trainEpoch()).layer);
      assert.equal(seen, [0, 0, 1, 1]);
      assert.is(trainer.epoch, 4);
      trainer.release();

      // By hand: the first RBM on the data; the second on its hidden units for every example, in order.
      const first = await Rbm.create(ctx, { visible: 12, hidden: 8 }, { seed: dbnLayerSeed(OPTIONS.seed, 0), state });
      const t1 = await RbmTrainer.create(ctx, first, data, { ...OPTIONS, seed: dbnLayerSeed(OPTIONS.seed, 0) });
      while (t1.epoch < OPTIONS.epochs) await t1.trainEpoch();
      t1.release();
      const graph = new KernelGraph('by hand');
      const x = await ctx.pool.tensor('x', 'f32', [rows, 12]);
      const ph = await ctx.pool.tensor('ph', 'f32', [rows, 8]);
      const h = await ctx.pool.tensor('h', 'f32', [rows, 8]);
      const ops = [await data.addBatch(graph, ctx, { indices: data.inOrder, x, batchSize: rows }), await first.addHidden(graph, ctx, { v: x, ph, rows })];
      // An unfused draw of the same elements with the same key draws the GEMM epilogue's bits.
      if (input === 'samples') ops.push(await addSample(graph, ctx, { distribution: 'bernoulli', probabilities: ph, output: h, seed: dbnLayerSeed(OPTIONS.seed, 0), step: 0, call: DBN_CALLS.up }));
      await ctx.scheduler.run(graph);
      ops.forEach((op) => op.release());
      const features = input === 'samples' ? h : ph;
      if (input === 'samples') assert.ok((await readF32(h)).every((b) => b === 0 || b === 1), 'draws are 0 or 1');
      const above = await RbmDataset.features(ctx, features);
      (input === 'samples' ? ph : h).release();
      x.release();
      const second = await Rbm.create(ctx, { visible: 8, hidden: 6 }, { seed: dbnLayerSeed(OPTIONS.seed, 1), state });
      const t2 = await RbmTrainer.create(ctx, second, above, { ...OPTIONS, seed: dbnLayerSeed(OPTIONS.seed, 1) });
      while (t2.epoch < OPTIONS.epochs) await t2.trainEpoch();
      t2.release();
      above.release();
      const byHand = Dbn.fromRbms([first, second]);
      assert.equal(await netBits(dbn), await netBits(byHand), `${input}: the stack's parameters and momentum equal the hand-trained RBMs'`);
      dbn.release();
      byHand.release();
    }
    data.release();
  }),
);

gpu('a stack resumed mid-way (PCD chains of the layer in training restored) ends bit-identical', () =>
  withGpu(async (ctx) => {
    const [rows, layers] = [48, [12, 8, 6]];
    const o: DbnTrainingOptions = { ...OPTIONS, chains: 8, k: 2, epochs: 2 };
    const data = await RbmDataset.upload(ctx, { images: binaryImages(rows, 12, 4), count: rows, width: 12 });
    const state = rbmOptimizerState(o);
    const straight = await Dbn.create(ctx, { layers }, { seed: 2, state });
    const t = await DbnTrainer.create(ctx, straight, data, o);
    while (t.layer < 2) await t.trainEpoch();
    t.release();

    const part = await Dbn.create(ctx, { layers }, { seed: 2, state });
    const t1 = await DbnTrainer.create(ctx, part, data, o);
    for (let e = 0; e < 3; e++) await t1.trainEpoch();
    const kept = await t1.state();
    assert.ok(kept.chains && kept.chains.length === 8 * 8, 'the second layer\'s persistent chains');
    t1.release();
    const files = await Promise.all(part.rbms.map((rbm) => rbm.toSafetensors()));
    part.release();
    const restored = Dbn.fromRbms(await Promise.all(files.map(async (bytes) => (await Rbm.fromSafetensors(ctx, bytes)).rbm)));
    const t2 = await DbnTrainer.create(ctx, restored, data, o, kept);
    assert.is(t2.layer, 1);
    assert.is(t2.epoch, 3);
    await t2.trainEpoch();
    assert.is(t2.layer, 2);
    t2.release();
    assert.equal(await netBits(restored), await netBits(straight));
    await expectError(async () => {
      const done = await DbnTrainer.create(ctx, restored, data, o);
      try {
        await done.trainEpoch();
      } finally {
        done.release();
      }
    }, InputError, 'every stage has trained its epochs');
    straight.release();
    restored.release();
    data.release();
  }),
);

gpu('the unrolled MLP: its hidden activations are the up pass\'s probabilities, bit for bit', () =>
  withGpu(async (ctx) => {
    const rows = 20;
    const dbn = await dbnWith(ctx, [randomModel(12, 8, 11, 1), randomModel(8, 6, 21, 1)]);
    const data = await RbmDataset.upload(ctx, { images: binaryImages(rows, 12, 5), count: rows, width: 12 });
    const mlp = await unrollDbn(ctx, dbn, { classes: 3, seed: 1 });
    assert.equal(mlp.config.layers, [12, 8, 6, 3]);
    const b = await mlp.batch(ctx, rows, { training: false, dropout: false });
    const graph = new KernelGraph('unrolled');
    const ops = [await data.addBatch(graph, ctx, { indices: data.inOrder, x: b.x, batchSize: rows }), await mlp.addForward(graph, ctx, b)];
    await ctx.scheduler.run(graph);
    const one = await dbn.propagate(ctx, data, { layer: 0, input: 'probabilities', seed: 1 });
    const two = await dbn.propagate(ctx, one, { layer: 1, input: 'probabilities', seed: 1 });
    const upPass = async (set: RbmDataset) => new Uint32Array((await set.readRows(ctx)).buffer);
    assert.equal(new Uint32Array((await readF32(b.outputs[0])).buffer), await upPass(one));
    assert.equal(new Uint32Array((await readF32(b.outputs[1])).buffer), await upPass(two));
    for (const x of [ops[0], ops[1], b, mlp, one, two, data, dbn]) x.release();
  }),
);

gpu('the two-layer lower bound against the exact bound by enumeration, below the exact log p(v); AIS of the top RBM against its exact log Z', () =>
  withGpu(async (ctx) => {
    const [rows, samples] = [16, 100];
    const models = [randomModel(6, 4, 31, 1.5), randomModel(4, 3, 41, 1.5)];
    const dbn = await dbnWith(ctx, models);
    const images = binaryImages(rows, 6, 6);
    const data = await RbmDataset.upload(ctx, { images, count: rows, width: 6 });
    const exact = dbnBoundReference(models[0], models[1], Array.from(images, (b) => b / 255), rows);
    const logZ = logZByHidden(models[1]);
    const got = await dbnLowerBound(ctx, dbn, data, { logZ, samples, seed: 3, batch: 6 });
    // The estimate's scatter: the draws' variance over samples per example; 5 standard errors, plus f32.
    const tolerance = 5 * (Math.sqrt(exact.drawVariance / samples) / rows) + 1e-3;
    assert.ok(Math.abs(got.logPLowerBound - exact.bound) < tolerance, `bound ${got.logPLowerBound} vs exact ${exact.bound} (tolerance ${tolerance})`);
    assert.ok(exact.bound < exact.logP - 1e-3, `the exact bound ${exact.bound} lies below log p(v) ${exact.logP}`);
    assert.ok(got.logPLowerBound < exact.logP, 'the estimate too');
    assert.is(got.unnormalized - logZ, got.logPLowerBound);
    const ais = await rbmAis(ctx, dbn.top, { runs: 100, betas: 1000, base: aisBaseBiases('bernoulli', new Array(4).fill(0.5)), seed: 9 });
    assert.ok(Math.abs(ais.logZ - logZ) < 4 * ais.logZStderr + 0.02, `AIS log Z ${ais.logZ} +- ${ais.logZStderr} vs exact ${logZ}`);
    await expectError(() => dbnLowerBound(ctx, dbn, data, { logZ, samples: 0, seed: 1 }), InputError, 'samples = 0');
    data.release();
    dbn.release();
  }),
);

gpu('generation: the mean of the down pass over many chains against the exact E[v]', () =>
  withGpu(async (ctx) => {
    const models = [randomModel(6, 4, 51, 1.5), randomModel(4, 3, 61, 1)];
    const dbn = await dbnWith(ctx, models);
    const count = 4000;
    const means = await sampleDbn(ctx, dbn, { count, steps: 60, seed: 4 });
    const exact = dbnMeanReference(models[0], models[1]);
    for (let i = 0; i < 6; i++) {
      let m = 0;
      for (let c = 0; c < count; c++) m += means[c * 6 + i] / count;
      // Independent chains: 5 standard errors of a mean of `count`, plus what 60 steps leave of the start.
      const tolerance = 5 * Math.sqrt(exact.variance[i] / count) + 0.005;
      assert.ok(Math.abs(m - exact.mean[i]) < tolerance, `unit ${i}: ${m} vs ${exact.mean[i]} (tolerance ${tolerance})`);
    }
    // With visible 'states', the same chains and draws above, then one draw of each visible unit:
    // 0/1, and their sum off the first call's means by less than 4 standard deviations of the Bernoulli draws.
    const states = await sampleDbn(ctx, dbn, { count, steps: 60, seed: 4, visible: 'states' });
    assert.ok(states.every((s) => s === 0 || s === 1), 'states are 0/1');
    let [residual, variance] = [0, 0];
    states.forEach((s, e) => ([residual, variance] = [residual + s - means[e], variance + means[e] * (1 - means[e])]));
    assert.ok(Math.abs(residual) < 4 * Math.sqrt(variance), `sum of state - mean ${residual}, sd ${Math.sqrt(variance)}`);
    assert.ok(states.some((s, e) => s !== Math.round(means[e])), 'draws, not a threshold of the means');
    dbn.release();
  }),
);

host.run();
gpu.run();
