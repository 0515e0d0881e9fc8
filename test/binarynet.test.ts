// BinaryNet (models/binarynet*.ts): the folded thresholds against the batch norm they replace, by
// enumeration (no GPU); then on the GPU the stochastic weights against hard_sigmoid (chi-square), a
// training step's scores and gradients against the float64 reference with its straight-through
// estimators, and the two inference paths (f32 GEMMs, XNOR-popcount) against each other, bit for bit,
// and against the definition.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph } from '../engine/index.js';
import { addSquareHinge } from '../engine/ops/index.js';
import { BinaryNet, validateBinaryNetConfig, type BinaryNetConfig } from '../models/binarynet.js';
import { BinaryNetInference, foldBinaryNet, unitThreshold, type HostLayer } from '../models/binarynet_inference.js';
import { DeviceDataset } from '../models/minibatch.js';
import { Owned } from '../models/owned.js';
import { ap2 } from '../harness/reference/batch_norm.js';
import { randomBinaryLayers } from '../harness/binarynet/random_net.js';
import { binaryNetInferReference, binaryNetStepReference } from '../harness/reference/binarynet.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';
import { check } from './ops_util.js';
import { randomF32, randomWords } from './random.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

/** The threshold rule's decision for an integer sum. */
const fires = (s: number, t: { threshold: number; direction: 1 | -1 }) => (t.direction > 0 ? s >= t.threshold : s <= t.threshold);

const folding = suite('BinaryNet folding (no GPU)');

folding('each threshold decides like Sign(batch norm) in float64 for every integer sum in [-400, 400] (gamma of both signs and 0, shift on and off)', () => {
  const g = randomF32(200, 1, 2);
  const b = randomF32(200, 2, 3);
  const m = randomF32(200, 3, 150);
  const v = randomF32(200, 4, 1);
  let changes = 0;
  for (const shift of [false, true]) {
    for (let u = 0; u < 200; u++) {
      const gamma = u % 50 === 0 ? 0 : g[u];
      const variance = 50 * Math.abs(v[u]) + 1e-3;
      const t = unitThreshold(gamma, b[u], m[u], variance, { eps: 1e-4, shift });
      const invstd = 1 / Math.sqrt(variance + 1e-4);
      const c = shift ? ap2(gamma) * ap2(invstd) : gamma * invstd;
      let previous: boolean | null = null;
      for (let s = -400; s <= 400; s++) {
        const want = c * (s - m[u]) + b[u] >= 0;
        assert.is(fires(s, t), want, `unit ${u} (gamma ${gamma}, beta ${b[u]}, mean ${m[u]}, shift ${shift}), sum ${s}`);
        if (previous !== null && previous !== want) changes++;
        previous = want;
      }
    }
  }
  // Most units switch inside the range, so the thresholds' placement is what the test checks.
  assert.ok(changes > 300, `${changes} switches`);
});

folding('a network without binary activations (BinaryConnect) does not fold: its hidden units are real', () => {
  const config = validateBinaryNetConfig({ layers: [4, 3, 2], binaryActivations: false });
  assert.throws(() => foldBinaryNet(randomBinaryLayers(config.layers, 1), config), /the \+-1 paths need binary activations/);
});

folding.run();

const randomBytes = (n: number, seed: number) => Uint8Array.from(randomWords(n, seed), (w) => w & 255);

/** A network of `config` on the device with `layers`' values. */
async function deviceNet(ctx: GpuContext, config: BinaryNetConfig, layers: readonly HostLayer[]): Promise<BinaryNet> {
  const net = await BinaryNet.create(ctx, config, { seed: 1 });
  for (const [i, l] of net.layers.entries()) {
    await l.weight.value.write(Float32Array.from(layers[i].weight));
    await l.gamma.value.write(Float32Array.from(layers[i].gamma));
    await l.beta.value.write(Float32Array.from(layers[i].beta));
  }
  return net;
}

const gpu = suite('BinaryNet (GPU)');

gpu('stochastic weights: +1 with probability hard_sigmoid(W_r), chi-square at 0.001 over 8 values x 4 steps; Sign where p is 0 or 1; the same step repeats, the next differs', () =>
  withGpu(async (ctx) => {
    const values = [-1.2, -0.75, -0.3, 0, 0.2, 0.5, 0.9, 1.1];
    const [inputs, outputs] = [64, 128];
    const net = await BinaryNet.create(ctx, { layers: [inputs, outputs, 2] }, { seed: 1 });
    const owned = new Owned();
    try {
      await net.layers[0].weight.value.write(Float32Array.from({ length: inputs * outputs }, (_, e) => values[e % 8]));
      const graph = new KernelGraph('stochastic binarize test');
      await owned.add(net.addBinarize(graph, ctx, { stochastic: { seed: 5 } }));
      const draws: Float32Array[] = [];
      for (const step of [0, 1, 2, 3, 0]) {
        await ctx.scheduler.run(graph, { repeat: 1, firstIteration: step });
        draws.push(await readF32(net.layers[0].binary));
      }
      assert.equal(draws[4], draws[0], 'step 0 again: the same draws');
      assert.not.equal(draws[1], draws[0], 'step 1 draws afresh');
      let statistic = 0;
      let dof = 0;
      values.forEach((w, j) => {
        const p = Math.min(1, Math.max(0, (w + 1) / 2));
        let plus = 0;
        let count = 0;
        for (const d of draws.slice(0, 4)) {
          for (let e = j; e < d.length; e += 8) {
            assert.ok(d[e] === 1 || d[e] === -1, `element ${e} is ${d[e]}`);
            plus += d[e] === 1 ? 1 : 0;
            count++;
          }
        }
        if (p === 0 || p === 1) return assert.is(plus, p * count, `W_r ${w}: always ${p ? '+1' : '-1'}`);
        const x = chiSquare([plus, count - plus], [p, 1 - p]);
        statistic += x.statistic;
        dof += x.dof;
      });
      assert.ok(statistic < chiSquareCritical(dof, 0.001), `chi-square ${statistic.toFixed(2)} on ${dof} dof`);
    } finally {
      owned.release();
      net.release();
    }
  }));

// 6 examples through 12-10-8-3: small enough for the reference, wide enough that units switch.
const ROWS = 6;
const WIDTHS = [12, 10, 8, 3];
const STEP_CASES: Array<[string, Omit<BinaryNetConfig, 'layers'>]> = [
  ['BinaryNet', { binaryActivations: true }],
  ['BinaryNet, shift-based batch norm', { binaryActivations: true, shift: true }],
  ['BinaryConnect (ReLU units)', { binaryActivations: false }],
];
for (const [what, options] of STEP_CASES) {
  gpu(`a training step (${what}): scores and every gradient as the float64 reference's straight-through estimators`, () =>
    withGpu(async (ctx) => {
      const config = validateBinaryNetConfig({ layers: WIDTHS, ...options });
      const layers = randomBinaryLayers(WIDTHS, 40);
      const x = Float32Array.from(randomBytes(ROWS * WIDTHS[0], 41));
      const labels = Uint32Array.from({ length: ROWS }, (_, r) => (r * 2) % 3);
      const net = await deviceNet(ctx, config, layers);
      const owned = new Owned();
      try {
        const b = await owned.add(net.batch(ctx, ROWS, { training: true }));
        await b.x.write(x);
        await b.labels.write(labels);
        const graph = new KernelGraph('binarynet step test');
        await owned.add(net.addBinarize(graph, ctx));
        await owned.add(net.addForward(graph, ctx, b, { training: true }));
        const last = WIDTHS.length - 2;
        await owned.add(addSquareHinge(graph, ctx, { logits: b.normed[last], labels: b.labels, grad: b.grads[last], gradScale: 1 / ROWS }));
        await owned.add(net.addBackward(graph, ctx, b, {}));
        await ctx.scheduler.run(graph);
        const want = binaryNetStepReference(layers, x, labels, ROWS, config);
        check('scores', await readF32(b.normed[last]), want.scores, { atol: 1e-4, rtol: 1e-4 });
        for (const [i, l] of net.layers.entries()) {
          // The first layer's weight gradients are sums of bytes times gradients: their scale.
          const scale = i === 0 ? 255 : 1;
          check(`layer ${i} weight grad`, await readF32(l.weight.grad), want.grads[i].weight, { atol: 1e-5 * scale, rtol: 1e-3 });
          check(`layer ${i} gamma grad`, await readF32(l.gamma.grad), want.grads[i].gamma, { atol: 1e-5, rtol: 1e-3 });
          check(`layer ${i} beta grad`, await readF32(l.beta.grad), want.grads[i].beta, { atol: 1e-5, rtol: 1e-3 });
        }
        // A test that passes on zeros proves nothing: the hidden layers' gradients are not all zero.
        assert.ok(want.grads[0].weight.some((g) => Math.abs(g) > 1e-3), 'the first layer gets a gradient through the estimators');
      } finally {
        owned.release();
        net.release();
      }
    }));
}

gpu('inference: the f32 and XNOR-popcount paths give bit-identical scores (widths 70-40-33-5, 7-row batches and a rest of 6), and the classes of the float64 definition', () =>
  withGpu(async (ctx) => {
    const widths = [70, 40, 33, 5];
    const count = 20;
    const config = validateBinaryNetConfig({ layers: widths });
    const layers = randomBinaryLayers(widths, 60);
    const folded = foldBinaryNet(layers, config);
    const images = randomBytes(count * widths[0], 61);
    const owned = new Owned();
    try {
      const data = await owned.add(DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width: widths[0] }, 'inference test'));
      const run = async (path: 'float' | 'packed') => (await owned.add(BinaryNetInference.create(ctx, folded, data, { rows: 7, path }))).classifyAll();
      const float = await run('float');
      const packed = await run('packed');
      assert.ok(float.scores.every((v, i) => Object.is(v, packed.scores[i])), 'the same scores, bit for bit');
      const want = binaryNetInferReference(layers, images, count, config);
      // The hidden units decide exactly (integer sums, float64 thresholds); the last batch norm is f32.
      check('scores', float.scores, want, { atol: 1e-4, rtol: 1e-5 });
      const classes = new Set(float.predictions);
      assert.ok(classes.size > 1, `the examples fall in ${classes.size} class(es): the test needs a network that separates them`);
    } finally {
      owned.release();
    }
  }));

gpu.run();
