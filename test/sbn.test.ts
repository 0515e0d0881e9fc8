// Sigmoid belief nets (models/sbn.ts, sbn_training.ts, sbn_eval.ts) on nets small enough to enumerate
// (harness/reference/sbn.ts): the importance-sampled log p(x) against the exact one and, with one draw,
// against the exact ELBO; a wake-sleep step's gradients against float64 formulas from the GPU's own
// draws; NVIL's recognition gradient, averaged over many draws, against the exact gradient of the ELBO, its
// signal against its definition, and its centred terms' spread against the plain score function's.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { runJob } from '../harness/backends/jobs.js';
import { sbnTrainCommand } from '../harness/sbn/command.js';
import { exactElbo, exactLogPx, layerLogits, type SbnReferenceNet } from '../harness/reference/sbn.js';
import { DeviceDataset } from '../models/minibatch.js';
import { Sbn, sbnGenName, sbnRecName, SBN_PRIOR, type SbnConfig } from '../models/sbn.js';
import { SbnEvaluator } from '../models/sbn_eval.js';
import { addNvil, nvilParts, SBN_OPTIMIZER_STATE, SbnTrainer } from '../models/sbn_training.js';
import { Owned } from '../models/owned.js';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu, readF32, withGpu, type GpuContext } from './gpu.js';
import { check } from './ops_util.js';
import { randomF32 } from './random.js';

const gpu = suite('sigmoid belief nets (GPU)');

/** A net with random weights and biases (scale 1.5: far from the start's symmetry), and its values on the host. */
async function randomNet(ctx: GpuContext, config: SbnConfig, seed: number): Promise<{ sbn: Sbn; net: SbnReferenceNet }> {
  const sbn = await Sbn.create(ctx, config, { seed, state: SBN_OPTIMIZER_STATE });
  const values: Record<string, Float32Array> = {};
  for (const [i, p] of sbn.params.params.entries()) {
    await p.value.write(randomF32(p.size, seed * 100 + i, 1.5));
    values[p.name] = await readF32(p.value);
  }
  return { sbn, net: { config: sbn.config, values } };
}

/** Every binary vector of `width` values, `copies` times each, as a dataset of bytes 0 / 255. */
function allVectors(ctx: GpuContext, width: number, copies: number): Promise<DeviceDataset> {
  const count = 2 ** width * copies;
  const images = Uint8Array.from({ length: count * width }, (_, i) => ((Math.floor(i / width) % 2 ** width) >> i % width) & 1 ? 255 : 0);
  return DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width }, 'binary vectors');
}

const bits = (n: number, width: number) => Array.from({ length: width }, (_, j) => (n >> j) & 1);

gpu('log p(x) of a 4-(3)-(2) net by importance sampling: K = 20,000 within 0.03 nats of the exact one (measured 0.01; K = 2,000 spreads 0.06 over seeds); K = 1 near the exact ELBO', () =>
  withGpu(async (ctx) => {
    const { sbn, net } = await randomNet(ctx, { inputs: 4, hidden: [3, 2] }, 3);
    try {
      const xs = Array.from({ length: 16 }, (_, n) => bits(n, 4));
      const exact = xs.reduce((s, x) => s + exactLogPx(net, x), 0) / 16;
      const elbo = xs.reduce((s, x) => s + exactElbo(net, x).elbo, 0) / 16;
      const once = await allVectors(ctx, 4, 1);
      const many = await allVectors(ctx, 4, 400);
      try {
        const many20k = await (await SbnEvaluator.create(ctx, sbn, once, { k: 20000, seed: 5, maxRows: 8000 })).evaluate();
        assert.ok(Math.abs(many20k.logPx - exact) < 0.03, `K = 20000: ${many20k.logPx}, exact ${exact}`);
        const k1 = await (await SbnEvaluator.create(ctx, sbn, many, { k: 1, seed: 6 })).evaluate();
        // Each K = 1 estimate is one draw of log w; over 6,400 draws the standard error is below 0.03 here (measured spread of log w about 2).
        assert.ok(Math.abs(k1.logPx - elbo) < 0.12, `K = 1: ${k1.logPx}, exact ELBO ${elbo}`);
        assert.ok(elbo < exact - 0.05, `the ELBO ${elbo} lies below log p(x) ${exact}: the test tells them apart`);
      } finally {
        once.release();
        many.release();
      }
    } finally {
      sbn.release();
    }
  }));

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/** dW = x' d and db = the column sums of d, for rows x inputs `x` and rows x outputs `d`. */
function denseGradients(x: ArrayLike<number>, d: ArrayLike<number>, rows: number, inputs: number, outputs: number): { weight: Float64Array; bias: Float64Array } {
  const weight = new Float64Array(inputs * outputs);
  const bias = new Float64Array(outputs);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outputs; j++) {
      bias[j] += d[r * outputs + j];
      for (let i = 0; i < inputs; i++) weight[i * outputs + j] += x[r * inputs + i] * d[r * outputs + j];
    }
  }
  return { weight, bias };
}

/** (sigmoid(logits(h_in)) - target) / rows for each row: the gradient of the mean -log p of `target` given `input` through layer `name`. */
function layerDelta(net: SbnReferenceNet, name: string, input: Float32Array, target: Float32Array, rows: number): Float64Array {
  const inputs = input.length / rows;
  const outputs = target.length / rows;
  const d = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    const a = name === SBN_PRIOR ? net.values[SBN_PRIOR] : layerLogits(net, name, input.subarray(r * inputs, (r + 1) * inputs));
    for (let j = 0; j < outputs; j++) d[r * outputs + j] = (sigmoid(a[j]) - target[r * outputs + j]) / rows;
  }
  return d;
}

gpu("a wake-sleep step's gradients on a 5-(4)-(3) net: every parameter's against float64 formulas from the GPU's own draws", () =>
  withGpu(async (ctx) => {
    const rows = 6;
    const { sbn, net } = await randomNet(ctx, { inputs: 5, hidden: [4, 3] }, 4);
    try {
      const b = await sbn.batch(ctx, rows, { training: true, sleep: true });
      await b.wake.h[0].write(Float32Array.from({ length: rows * 5 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)));
      const graph = new KernelGraph('wake-sleep test');
      const stream = { seed: 8 };
      const ops = [
        await sbn.addRecognition(graph, ctx, b, b.wake, stream),
        await sbn.addJoint(graph, ctx, b, b.wake, { gradScale: 1 / rows }),
        await sbn.addGenerativeBackward(graph, ctx, b, b.wake),
        await sbn.addDream(graph, ctx, b, b.sleep!, stream),
        await sbn.addRecognitionLogProb(graph, ctx, b, b.sleep!, { gradScale: 1 / rows, recompute: true }),
        await sbn.addRecognitionBackward(graph, ctx, b, b.sleep!),
      ];
      await ctx.scheduler.run(graph, { firstIteration: 2 });
      const wake = await Promise.all(b.wake.h.map(readF32));
      const dream = await Promise.all(b.sleep!.h.map(readF32));
      assert.ok([...wake.slice(1), ...dream].every((h) => h.every((v) => v === 0 || v === 1)), 'binary draws');
      const widths = [5, 4, 3];
      const grad = async (name: string) => readF32(sbn.params.get(name).grad);
      // Wake: each generative layer from the wake pass; the prior from the top layer's draws.
      check('prior', await grad(SBN_PRIOR), Array.from({ length: 3 }, (_, j) => layerDelta(net, SBN_PRIOR, wake[2], wake[2], rows).reduce((s, v, i) => (i % 3 === j ? s + v : s), 0)), { atol: 1e-6, rtol: 1e-5 });
      for (let l = 0; l < 2; l++) {
        const want = denseGradients(wake[l + 1], layerDelta(net, sbnGenName(l), wake[l + 1], wake[l], rows), rows, widths[l + 1], widths[l]);
        check(`${sbnGenName(l)}.weight`, await grad(`${sbnGenName(l)}.weight`), want.weight, { atol: 1e-6, rtol: 1e-5 });
        check(`${sbnGenName(l)}.bias`, await grad(`${sbnGenName(l)}.bias`), want.bias, { atol: 1e-6, rtol: 1e-5 });
      }
      // Sleep: each recognition layer from the dream.
      for (let l = 0; l < 2; l++) {
        const want = denseGradients(dream[l], layerDelta(net, sbnRecName(l), dream[l], dream[l + 1], rows), rows, widths[l], widths[l + 1]);
        check(`${sbnRecName(l)}.weight`, await grad(`${sbnRecName(l)}.weight`), want.weight, { atol: 1e-6, rtol: 1e-5 });
        check(`${sbnRecName(l)}.bias`, await grad(`${sbnRecName(l)}.bias`), want.bias, { atol: 1e-6, rtol: 1e-5 });
      }
      for (const op of ops) op.release();
      b.release();
    } finally {
      sbn.release();
    }
  }));

gpu("NVIL's recognition gradient on a 4-(3) net, one x in 4,000 rows: the exact ELBO gradient (scaled by the signal's normaliser) within 0.03 (measured: 0.007)", () =>
  withGpu(async (ctx) => {
    const rows = 4000;
    const config: SbnConfig = { inputs: 4, hidden: [3], baseline: true };
    const { sbn, net } = await randomNet(ctx, config, 6);
    const x = [1, 0, 1, 1];
    const images = Uint8Array.from({ length: rows * 4 }, (_, i) => 255 * x[i % 4]);
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(rows), count: rows, width: 4 });
    try {
      const trainer = await SbnTrainer.create(ctx, sbn, data, { method: 'nvil', lr: 1e-12, batch: rows, seed: 9, epochs: 1 });
      try {
        await trainer.trainEpoch();
        const [c, v] = (await trainer.state()).nvil_state;
        const scale = 1 / Math.max(1, Math.sqrt(v));
        const { recBiasGradient } = exactElbo(net, x);
        // The step minimises -ELBO: its gradient is minus the ELBO's, times the normaliser.
        const got = await readF32(sbn.params.get(`${sbnRecName(0)}.bias`).grad);
        const want = Array.from(recBiasGradient, (g) => -g * scale);
        // Per-row terms are signal x (sigmoid(a) - h), |.| of a few units: a standard error of about 0.05 / sqrt(rows) scaled.
        got.forEach((g, j) => assert.ok(Math.abs(g - want[j]) < 0.03, `rec0.bias[${j}]: ${g}, exact ${want[j]} (normaliser ${scale}, running mean ${c})`));
      } finally {
        trainer.release();
      }
    } finally {
      data.release();
      sbn.release();
    }
  }));

gpu("NVIL's signal on 2,000 draws for one x: (l - b(x) - c) / max(1, sqrt(v)) with the batch's mean and variance; the centred score-function terms spread less than half as much as the plain ones (measured: 2.4 against 7.9)", () =>
  withGpu(async (ctx) => {
    const rows = 2000;
    const { sbn } = await randomNet(ctx, { inputs: 4, hidden: [3], baseline: true }, 7);
    const owned = new Owned();
    try {
      const b = await owned.add(sbn.batch(ctx, rows, { training: true }));
      await b.wake.h[0].write(Float32Array.from({ length: rows * 4 }, (_, i) => [0, 1, 1, 0][i % 4]));
      const parts = await nvilParts(ctx, owned, sbn.baseline!, rows, 0.8);
      const graph = new KernelGraph('nvil test');
      // One after another: each adds its nodes to the graph in order.
      await owned.add(sbn.addRecognition(graph, ctx, b, b.wake, { seed: 3 }));
      await owned.add(sbn.addJoint(graph, ctx, b, b.wake, { gradScale: 1 / rows }));
      await owned.add(sbn.addRecognitionLogProb(graph, ctx, b, b.wake, { gradScale: 1 / rows }));
      await owned.add(sbn.addLogWeight(graph, ctx, b.wake));
      await owned.add(addNvil(graph, ctx, b, parts));
      await ctx.scheduler.run(graph);
      const [h, a, l, base, signal, state] = await Promise.all([b.wake.h[1], b.wake.rec[1], b.wake.logW, parts.scratch.base, parts.scratch.signal, parts.state].map(readF32));
      const d = Array.from(l, (x, r) => x - base[r]);
      const mean = d.reduce((s2, x) => s2 + x, 0) / rows;
      const variance = d.reduce((s2, x) => s2 + (x - mean) ** 2, 0) / rows;
      check('running mean, variance, batches after the first batch', state, [mean, variance, 1], { atol: 1e-4, rtol: 1e-4 });
      check('signal', signal, d.map((x) => (x - mean) / Math.max(1, Math.sqrt(variance))), { atol: 1e-4, rtol: 1e-4 });
      // Per row and unit j of h_1: the plain term l (h - sigmoid(a)) and the centred one (l - b - c) (h - sigmoid(a)); the same mean, spreads compared.
      const spread = (weight: (r: number) => number) => {
        let total = 0;
        for (let j = 0; j < 3; j++) {
          const terms = Array.from({ length: rows }, (_, r) => weight(r) * (h[r * 3 + j] - sigmoid(a[r * 3 + j])));
          const m = terms.reduce((s2, x) => s2 + x, 0) / rows;
          total += terms.reduce((s2, x) => s2 + (x - m) ** 2, 0) / rows;
        }
        return total;
      };
      const [plain, centred] = [spread((r) => l[r]), spread((r) => d[r] - mean)];
      assert.ok(centred < 0.5 * plain, `variance of the centred terms ${centred}, of the plain ones ${plain}`);
    } finally {
      owned.release();
      sbn.release();
    }
  }));

for (const method of ['wake-sleep', 'nvil']) {
  gpu(`sbn train --method ${method} on 200 digits: resume is bit-identical (2 epochs straight = 1, then resumed to 2); sbn eval; other settings refused`, async () => {
    const gpu = await openTestGpu();
    const spec = { job: 'sbn-train', hidden: [12, 6], method, batch: 50, lr: 0.003, train_count: 200, test_count: 50, eval_k: 3, seed: 4, return_model: true };
    const straight = await runJob({ ...spec, epochs: 2 }, { gpu });
    const first = await runJob({ ...spec, epochs: 1 }, { gpu });
    const resumed = await runJob({ ...spec, epochs: 2, resume_model: first.model_base64 }, { gpu });
    assert.is(resumed.model_base64, straight.model_base64, 'the resumed run wrote other bytes');
    assert.equal(resumed.history, straight.history);
    assert.equal([(straight.train_elbo as number[]).length, (straight.history as unknown[]).length], [8, 2]);
    assert.ok((straight.test_log_px as number) < 0 && (straight.test_log_px as number) > -800, `test log p(x) ${straight.test_log_px}`);
    await expectError(() => runJob({ ...spec, epochs: 2, lr: 0.001, resume_model: first.model_base64 }, { gpu }), InputError, 'was made with --lr 0.003; this run has --lr 0.001');
    // More draws tighten the bound: K = 20 gives no less than K = 1 on the same digits (in expectation; by far here).
    const [k1, k20] = [await runJob({ job: 'sbn-eval', model: straight.model_base64, k: 1, test_count: 50 }, { gpu }), await runJob({ job: 'sbn-eval', model: straight.model_base64, k: 20, test_count: 50 }, { gpu })];
    assert.equal([k1.k, k20.k, k20.test_count, k20.method], [1, 20, 50, method]);
    assert.ok((k20.log_px as number) > (k1.log_px as number), `K = 20: ${k20.log_px}, K = 1: ${k1.log_px}`);
  });
}

gpu('sbn train: bad flags exit 2 before any device opens', async () => {
  const refused = (args: string[], message: RegExp) => expectRefused({ train: sbnTrainCommand }, ['train', ...args], message);
  await refused(['--method', 'gibbs'], /--method must be one of wake-sleep, nvil/);
  await refused(['--hidden', '0'], /--hidden/);
  await refused(['--decay', '1'], /decay must lie in \[0, 1\), got 1/);
});

gpu.run();
