// Label units (models/rbm.ts; Hinton, Osindero & Teh 2006): an RBM's softmax group of one-hot labels
// beside its visible units. The reference treats them as the last visible units with one-hot states
// (harness/rbm/reference.ts), so the free energy, one CD or PCD step with the GPU's own draws, and the
// Gibbs sampler's joint (v, y, h) histogram (free, and with the labels clamped) are checked against
// float64 and exact enumeration; then a DBN's generative classification (dbnClassify) against the
// reference's free energies, and a labelled stack resumed mid-way against one trained straight.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { Dbn, dbnClassify, DbnTrainer, type DbnTrainingOptions } from '../models/dbn.js';
import { oneHotRows, Rbm, runGibbsChains, validateRbmConfig } from '../models/rbm.js';
import { RbmDataset } from '../models/rbm_data.js';
import { Owned } from '../models/owned.js';
import { RbmTrainer, rbmOptimizerState, type RbmTrainingOptions } from '../models/rbm_trainer.js';
import { rbmExactLogZ } from '../models/rbm_partition.js';
import { permutationReference } from '../harness/reference/permute.js';
import { sigmoid } from '../harness/reference/elementwise.js';
import { bitsOf, cdStepReference, energyReference, freeEnergyReference, hiddenInput, type RbmReference } from '../harness/rbm/reference.js';
import { expectError } from './expect.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';
import { check } from './ops_util.js';
import { randomF32, randomWords } from './random.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

// A correct sampler fails a statistical test below with probability ALPHA; the seeds are fixed, so each outcome is too.
const ALPHA = 0.001;

/** A reference with `units` image units and `labels` label units (the last visible ones), random f32 parameters. */
function labelledModel(units: number, labels: number, hidden: number, seed: number, scale: number): RbmReference {
  const visible = units + labels;
  return { visible, hidden, labels, type: 'bernoulli', w: randomF32(visible * hidden, seed, scale), b: randomF32(visible, seed + 1), c: randomF32(hidden, seed + 2) };
}

/** The GPU RBM of a labelled reference: its first rows of W and b are the image units', the rest U and d. */
async function rbmWith(ctx: GpuContext, m: RbmReference, state: string[] = []): Promise<Rbm> {
  const labels = m.labels!;
  const units = m.visible - labels;
  const rbm = await Rbm.create(ctx, { visible: units, hidden: m.hidden, labels }, { seed: 1, state });
  await rbm.weights.value.write(Float32Array.from(m.w).subarray(0, units * m.hidden));
  await rbm.labelWeights!.value.write(Float32Array.from(m.w).subarray(units * m.hidden));
  await rbm.visibleBias.value.write(Float32Array.from(m.b).subarray(0, units));
  await rbm.labelBias!.value.write(Float32Array.from(m.b).subarray(units));
  await rbm.hiddenBias.value.write(Float32Array.from(m.c));
  return rbm;
}

/** Rows of image units and rows of one-hot labels as joint rows (labels last). */
function joint(units: ArrayLike<number>, y: ArrayLike<number>, rows: number): Float64Array {
  const [u, k] = [units.length / rows, y.length / rows];
  const out = new Float64Array(rows * (u + k));
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < u; i++) out[r * (u + k) + i] = units[r * u + i];
    for (let i = 0; i < k; i++) out[r * (u + k) + u + i] = y[r * k + i];
  }
  return out;
}

const randomBits = (count: number, seed: number) => Float32Array.from(randomWords(count, seed), (w) => w & 1);
const randomClasses = (count: number, classes: number, seed: number) => Uint32Array.from(randomWords(count, seed), (w) => w % classes);
const asBytes = (values: ArrayLike<number>) => Uint8Array.from(values as ArrayLike<number>, (x) => (x ? 255 : 0));

// ---------------------------------------------------------------------------------------------
const host = suite('label units (no GPU)');

host('a label group is 0 or at least 2 units; one-hot rows', async () => {
  await expectError(() => validateRbmConfig({ visible: 4, hidden: 3, labels: 1 }), InputError, 'labels = 1');
  await expectError(() => validateRbmConfig({ visible: 4, hidden: 3, labels: 2.5 }), InputError, 'labels = 2.5');
  assert.is(validateRbmConfig({ visible: 4, hidden: 3 }).labels, 0);
  assert.equal(Array.from(oneHotRows([2, 0], 3)), [0, 0, 1, 1, 0, 0]);
});

// ---------------------------------------------------------------------------------------------
const gpu = suite('label units (GPU)');

gpu('free energy F(v, y) per example against float64, one label state or several at once (9 examples, 6 units, 4 labels, 5 hidden)', () =>
  withGpu(async (ctx) => {
    const [rows, units, labels] = [9, 6, 4];
    const m = labelledModel(units, labels, 5, 11, 1);
    const rbm = await rbmWith(ctx, m);
    const owned = new Owned();
    try {
      const v = randomBits(rows * units, 12);
      const y = oneHotRows(randomClasses(rows, labels, 13), labels);
      const [vt, yt, out] = await Promise.all([ctx.pool.tensor('v', 'f32', [rows, units], { data: v }), ctx.pool.tensor('y', 'f32', [rows, labels], { data: y }), ctx.pool.tensor('F', 'f32', [rows])].map((t) => owned.add(t)));
      const graph = new KernelGraph('labelled free energy');
      await owned.add(rbm.addFreeEnergy(graph, ctx, { v: vt, y: yt, rows, out }));
      await ctx.scheduler.run(graph);
      const x = joint(v, y, rows);
      const want = Array.from({ length: rows }, (_, r) => freeEnergyReference(m, x.subarray(r * m.visible, (r + 1) * m.visible)));
      check('labelled free energy', await readF32(out), want, { atol: 1e-4, rtol: 1e-5 });
      // Several label states at once (c + vW computed once): each term as if alone.
      const y2 = oneHotRows(randomClasses(rows, labels, 14), labels);
      const [y2t, out1, out2] = await Promise.all([ctx.pool.tensor('y2', 'f32', [rows, labels], { data: y2 }), ctx.pool.tensor('F1', 'f32', [rows]), ctx.pool.tensor('F2', 'f32', [rows])].map((t) => owned.add(t)));
      const several = new KernelGraph('labelled free energies');
      await owned.add(rbm.addFreeEnergies(several, ctx, { v: vt, rows, terms: [{ y: yt, out: out1 }, { y: y2t, out: out2 }] }));
      await ctx.scheduler.run(several);
      assert.equal(new Uint32Array((await readF32(out1)).buffer), new Uint32Array((await readF32(out)).buffer), 'the first term, bit for bit as alone');
      const x2 = joint(v, y2, rows);
      check('the second term', await readF32(out2), Array.from({ length: rows }, (_, r) => freeEnergyReference(m, x2.subarray(r * m.visible, (r + 1) * m.visible))), { atol: 1e-4, rtol: 1e-5 });
      // Without y, refused by name.
      await expectError(() => rbm.addFreeEnergy(new KernelGraph('no y'), ctx, { v: vt, rows, out }), InputError, 'label units needs');
      await expectError(() => rbmExactLogZ(ctx, rbm), InputError, 'without label units');
    } finally {
      owned.release();
      rbm.release();
    }
  }),
);

const labelCases: Array<[string, Pick<RbmTrainingOptions, 'k' | 'chains' | 'weightDecay' | 'sparsity'>]> = [
  ['CD-2', { k: 2 }],
  ['PCD-1 with 6 chains', { k: 1, chains: 6 }],
  ['CD-1, weight decay 0.01, sparsity target 0.1 (cost 0.5, decay 0.8)', { k: 1, weightDecay: 0.01, sparsity: { target: 0.1, cost: 0.5, decay: 0.8 } }],
];
for (const [what, settings] of labelCases) {
  gpu(`one ${what} step with 3 label units (8 examples, 5 units, 4 hidden): gradients, reconstruction error, chains as float64 with the GPU's draws`, () =>
    withGpu(async (ctx) => {
      const [rows, units, labels, hidden, seed] = [8, 5, 3, 4, 7];
      const m = labelledModel(units, labels, hidden, 21, 1.5);
      const v = randomBits(rows * units, 22);
      const classes = randomClasses(rows, labels, 23);
      const options: RbmTrainingOptions = { lr: 1e-3, momentum: 0, ...settings, batch: rows, epochs: 1, seed };
      const rbm = await rbmWith(ctx, m, rbmOptimizerState(options));
      const owned = new Owned();
      try {
        const set = await owned.add(RbmDataset.upload(ctx, { images: asBytes(v), count: rows, width: units }));
        const y = await owned.add(RbmDataset.features(ctx, await ctx.pool.tensor('labels', 'f32', [rows, labels], { data: oneHotRows(classes, labels) }), 'labels'));
        await expectError(() => RbmTrainer.create(ctx, rbm, set, options), InputError, 'one-hot labels');
        const trainer = await owned.add(RbmTrainer.create(ctx, rbm, set, options, {}, y));
        const chains = trainer.persistentChains;
        const start = chains ? joint(await readF32(chains.v), await readF32(chains.labels!.y), chains.rows) : null;
        const epoch = await trainer.trainEpoch();
        const state = await trainer.state();
        // The batch in the order the step saw it (epoch 0's permutation), labels last.
        const order = permutationReference(rows, seed, 0);
        const x = joint(v, oneHotRows(classes, labels), rows);
        const v0 = new Float64Array(rows * m.visible);
        order.forEach((row, i) => v0.set(x.subarray(row * m.visible, (row + 1) * m.visible), i * m.visible));
        const s = settings.sparsity;
        const sparsity = s && { target: s.target, cost: s.cost, decay: s.decay!, activity: new Float64Array(hidden).fill(s.target) };
        const want = cdStepReference(m, v0, rows, { k: settings.k!, seed, step: 0, persistent: start ? { chains: start, rows: chains!.rows } : undefined, sparsity });
        const tol = { atol: 1e-5, rtol: 1e-4 };
        const grad = [...(await readF32(rbm.weights.grad)), ...(await readF32(rbm.labelWeights!.grad))];
        check('dW and dU', grad, want.gradient.w, tol);
        // SGD without momentum: weight decay joins both weight matrices' gradients, not the biases'.
        const wd = settings.weightDecay ?? 0;
        check('W and U after the step', [...(await readF32(rbm.weights.value)), ...(await readF32(rbm.labelWeights!.value))], Array.from(m.w, (w, i) => w - 1e-3 * (grad[i] + wd * w)), { atol: 1e-7, rtol: 1e-6 });
        check('db and dd', [...(await readF32(rbm.visibleBias.grad)), ...(await readF32(rbm.labelBias!.grad))], want.gradient.b, tol);
        check('dc', await readF32(rbm.hiddenBias.grad), want.gradient.c, tol);
        check('reconstruction error', [epoch.reconstructionErrors[0]], [want.reconstructionError], tol);
        if (chains) check('the persistent chains, labels last', joint(state.chains!, state.chainLabels!, chains.rows), want.chains, { atol: 0, rtol: 0 });
      } finally {
        owned.release();
        rbm.release();
      }
    }),
  );
}

/** p(v, y, h) of a labelled reference for every state with one-hot y: index = v's bits + 2^units (class + labels h's bits). */
function labelledJoint(m: RbmReference, clamp?: number): number[] {
  const labels = m.labels!;
  const units = m.visible - labels;
  const p: number[] = [];
  for (let n = 0; n < 2 ** (units + m.hidden) * labels; n++) {
    const [v, k, h] = [n % 2 ** units, Math.floor(n / 2 ** units) % labels, Math.floor(n / (2 ** units * labels))];
    const x = joint(bitsOf(v, units), oneHotRows([k], labels), 1);
    p.push(clamp === undefined || clamp === k ? Math.exp(-energyReference(m, x, bitsOf(h, m.hidden))) : 0);
  }
  const z = p.reduce((a, b) => a + b, 0);
  return p.map((q) => q / z);
}

gpu('the Gibbs sampler with label units: the (v, y, h) histogram of 4,096 chains after 30 steps against p(v, y, h), free and with y clamped (chi-square)', () =>
  withGpu(async (ctx) => {
    const [units, labels, hidden, rows] = [3, 3, 3, 4096];
    const m = labelledModel(units, labels, hidden, 31, 1.5);
    const rbm = await rbmWith(ctx, m);
    try {
      for (const clamp of [undefined, 2]) {
        const owned = new Owned();
        try {
          const chain = await runGibbsChains(ctx, rbm, { count: rows, steps: 30, seed: 9, label: clamp }, owned, 'labelled sampler test');
          const [v, y, h] = await Promise.all([readF32(chain.v), readF32(chain.labels!.y), readF32(chain.h)]);
          const counts = new Array(2 ** (units + hidden) * labels).fill(0);
          for (let r = 0; r < rows; r++) {
            const hot = Array.from(y.subarray(r * labels, (r + 1) * labels));
            assert.is(hot.reduce((a, b) => a + b, 0), 1, `chain ${r}: one-hot labels`);
            let n = 0;
            for (let i = 0; i < units; i++) n += v[r * units + i] ? 2 ** i : 0;
            n += 2 ** units * hot.indexOf(1);
            for (let j = 0; j < hidden; j++) n += h[r * hidden + j] ? 2 ** units * labels * 2 ** j : 0;
            counts[n]++;
          }
          if (clamp !== undefined) assert.ok(y.every((value, e) => value === +(e % labels === clamp)), 'clamped labels stay');
          const chi = chiSquare(counts, labelledJoint(m, clamp));
          assert.ok(chi.statistic < chiSquareCritical(chi.dof, ALPHA), `${clamp === undefined ? 'free' : `clamped to ${clamp}`}: chi2 = ${chi.statistic.toFixed(1)} with ${chi.dof} dof`);
        } finally {
          owned.release();
        }
      }
      await expectError(() => runGibbsChains(ctx, rbm, { count: 2, steps: 1, seed: 1, label: 3 }, new Owned(), 'sample'), InputError, 'label = 3');
    } finally {
      rbm.release();
    }
  }),
);

gpu("dbnClassify: the class of lowest free energy F(h1, e_k) of the top RBM over the up pass's probabilities, as float64 picks it", () =>
  withGpu(async (ctx) => {
    const [rows, layers, labels] = [30, [8, 6, 5], 4];
    // Random models mostly favour one class for every input (their label biases win); these seeds give three.
    const bottom: RbmReference = { visible: 8, hidden: 6, type: 'bernoulli', w: randomF32(48, 161, 1.5), b: randomF32(8, 162), c: randomF32(6, 163) };
    const top = labelledModel(6, labels, 5, 164, 3);
    const first = await Rbm.create(ctx, { visible: 8, hidden: 6 }, { seed: 1 });
    await first.weights.value.write(Float32Array.from(bottom.w));
    await first.visibleBias.value.write(Float32Array.from(bottom.b));
    await first.hiddenBias.value.write(Float32Array.from(bottom.c));
    const dbn = Dbn.fromRbms([first, await rbmWith(ctx, top)]);
    assert.equal(dbn.layers, layers);
    const v = randomBits(rows * 8, 45);
    const data = await RbmDataset.upload(ctx, { images: asBytes(v), count: rows, width: 8 });
    try {
      const got = await dbnClassify(ctx, dbn, data, { batch: 7 });
      let decided = 0;
      for (let r = 0; r < rows; r++) {
        const h1 = hiddenInput(bottom, v.subarray(r * 8, (r + 1) * 8)).map(sigmoid);
        const energies = Array.from({ length: labels }, (_, k) => freeEnergyReference(top, joint(h1, oneHotRows([k], labels), 1)));
        const best = energies.indexOf(Math.min(...energies));
        const runnerUp = Math.min(...energies.filter((_, k) => k !== best));
        // f32 may flip a near-tie; every other example must agree.
        if (runnerUp - energies[best] < 1e-3) continue;
        decided++;
        assert.is(got[r], best, `example ${r}: class ${got[r]}, float64 ${best} (free energies ${energies.map((e) => e.toFixed(4)).join(', ')})`);
      }
      assert.ok(decided >= rows - 2, `${decided} of ${rows} examples decided`);
      assert.ok(new Set(got).size > 1, 'the classes differ between examples');
    } finally {
      data.release();
      dbn.release();
    }
  }),
);

gpu('a labelled stack (PCD-1 at the top) resumed mid-way, its chains and their labels restored, ends bit-identical', () =>
  withGpu(async (ctx) => {
    const [rows, layers, labels] = [40, [10, 8, 6], 3];
    const o: DbnTrainingOptions = { k: 1, chains: 6, lr: 0.1, momentum: 0.5, batch: 8, seed: 5, epochs: 2 };
    const data = await RbmDataset.upload(ctx, { images: asBytes(randomBits(rows * 10, 51)), count: rows, width: 10 });
    const labelled = { labels: randomClasses(rows, labels, 52), classes: labels };
    const state = rbmOptimizerState(o);
    const bits = async (dbn: Dbn) => {
      const out: number[][] = [];
      for (const rbm of dbn.rbms) for (const p of rbm.params.params) for (const t of [p.value, ...state.map((s) => p.state[s])]) out.push(Array.from(new Uint32Array(await t.read())));
      return out;
    };
    const straight = await Dbn.create(ctx, { layers }, { seed: 2, state, labels });
    await expectError(() => DbnTrainer.create(ctx, straight, data, o), InputError, 'label units train on the examples');
    const t = await DbnTrainer.create(ctx, straight, data, o, {}, labelled);
    while (t.layer < 2) await t.trainEpoch();
    t.release();

    const part = await Dbn.create(ctx, { layers }, { seed: 2, state, labels });
    const t1 = await DbnTrainer.create(ctx, part, data, o, {}, labelled);
    for (let e = 0; e < 3; e++) await t1.trainEpoch();
    const kept = await t1.state();
    assert.is(kept.chainLabels?.length, 6 * labels, "the top layer's chains' labels");
    t1.release();
    const files = await Promise.all(part.rbms.map((rbm) => rbm.toSafetensors()));
    part.release();
    const restored = Dbn.fromRbms(await Promise.all(files.map(async (bytes) => (await Rbm.fromSafetensors(ctx, bytes)).rbm)));
    assert.is(restored.labels, labels);
    const t2 = await DbnTrainer.create(ctx, restored, data, o, kept, labelled);
    await t2.trainEpoch();
    t2.release();
    assert.equal(await bits(restored), await bits(straight));
    straight.release();
    restored.release();
    data.release();
  }),
);

host.run();
gpu.run();
