import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, encodeSafetensors, InputError, KernelGraph, normal2, ParamSet, rngBits, RNG_PURPOSES, Schedule, uniform24, type ParamSpec } from '../engine/index.js';
import { addOptimizerStep, optimizerState, type OptimizerOptions } from '../engine/ops/index.js';
import { initialValues, paramStreamStep } from '../engine/params.js';
import { expectError } from './expect.js';
import { addGradFill } from './grad_fill.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';
import { chiSquare, chiSquareCritical, normalCdf } from './stats_util.js';

// ---------------------------------------------------------------------------------------------
const host = suite('parameter initialisation (no GPU)');

host('the stream step is FNV-1a of the name (published test vectors)', () => {
  assert.is(paramStreamStep(''), 0x811c9dc5);
  assert.is(paramStreamStep('a'), 0xe40c292c);
  assert.is(paramStreamStep('foobar'), 0xbf9cf968);
});

host('the documented stream: element e is word e % 4 of Philox (seed, paramInit) at (hash(name), e / 4, 0)', () => {
  const seed = 99;
  const word = (name: string, e: number) => rngBits(seed, RNG_PURPOSES.paramInit, paramStreamStep(name), e >> 2, 0);
  const u = initialValues(seed, { name: 'u', shape: [3, 5], init: { kind: 'uniform', low: -2, high: 3 } });
  u.forEach((x, e) => assert.is(x, Math.fround(-2 + 5 * uniform24(word('u', e)[e & 3])), `uniform ${e}`));
  // Normals in rng_normal4's layout: elements 4k, 4k+1 from words 0, 1; 4k+2, 4k+3 from words 2, 3.
  const z = initialValues(seed, { name: 'z', shape: [11], init: { kind: 'normal', mean: 1, std: 0.5 } });
  z.forEach((x, e) => {
    const w = word('z', e);
    const pair = e & 2 ? normal2(w[2], w[3]) : normal2(w[0], w[1]);
    assert.is(x, Math.fround(1 + 0.5 * pair[e & 1]), `normal ${e}`);
  });
  // Glorot: U(-a, a), a = sqrt(6 / (fanIn + fanOut)), fans from a 2-D shape (their sum only).
  const g = initialValues(seed, { name: 'g', shape: [4, 6], init: { kind: 'glorot' } });
  const a = Math.sqrt(6 / 10);
  g.forEach((x, e) => assert.is(x, Math.fround(-a + 2 * a * uniform24(word('g', e)[e & 3]))));
  assert.equal(g, initialValues(seed, { name: 'g', shape: [6, 4], init: { kind: 'glorot', fanIn: 4, fanOut: 6 } }));
  assert.equal([...initialValues(seed, { name: 'c', shape: [2], init: { kind: 'constant', value: 0.1 } })], [Math.fround(0.1), Math.fround(0.1)]);
  assert.equal([...initialValues(seed, { name: 'c', shape: [2] })], [0, 0]);
  // Another seed, or another name, is another stream.
  assert.not.equal(u, initialValues(seed + 1, { name: 'u', shape: [3, 5], init: { kind: 'uniform', low: -2, high: 3 } }));
  assert.not.equal(u, initialValues(seed, { name: 'v', shape: [3, 5], init: { kind: 'uniform', low: -2, high: 3 } }));
});

// Distributions: chi-square at significance 0.001 (fixed seeds, so a pass is reproducible).
function assertFits(what: string, values: Float32Array, edges: number[], cdf: (x: number) => number) {
  const observed = new Array(edges.length + 1).fill(0);
  for (const x of values) {
    let bin = 0;
    while (bin < edges.length && x >= edges[bin]) bin++;
    observed[bin]++;
  }
  const cuts = [0, ...edges.map(cdf), 1];
  const probabilities = observed.map((_, i) => cuts[i + 1] - cuts[i]);
  const { statistic, dof } = chiSquare(observed, probabilities);
  assert.ok(statistic < chiSquareCritical(dof, 0.001), `${what}: chi-square ${statistic.toFixed(1)} over ${dof} dof`);
}

host('uniform, glorot and normal initial values follow their distributions (chi-square, alpha 0.001)', () => {
  const range = (lo: number, hi: number, bins: number) => Array.from({ length: bins - 1 }, (_, i) => lo + ((hi - lo) * (i + 1)) / bins);
  const uniformCdf = (lo: number, hi: number) => (x: number) => Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
  const u = initialValues(3, { name: 'u', shape: [100, 100], init: { kind: 'uniform', low: -0.5, high: 1.5 } });
  assert.ok(u.every((x) => x >= -0.5 && x < 1.5));
  assertFits('uniform', u, range(-0.5, 1.5, 20), uniformCdf(-0.5, 1.5));
  const a = Math.sqrt(6 / (64 + 192));
  const g = initialValues(4, { name: 'g', shape: [64, 192], init: { kind: 'glorot' } });
  assert.ok(g.every((x) => Math.abs(x) <= Math.fround(a)));
  assertFits('glorot', g, range(-a, a, 16), uniformCdf(-a, a));
  const n = initialValues(5, { name: 'n', shape: [128, 128], init: { kind: 'normal', mean: 0.5, std: 2 } });
  assertFits('normal', n, range(0.5 - 8, 0.5 + 8, 32), (x) => normalCdf((x - 0.5) / 2));
});

host('bad initialisations are InputErrors naming the parameter and the field', async () => {
  const values = (spec: ParamSpec) => () => initialValues(1, spec);
  await expectError(values({ name: 'w', shape: [2], init: { kind: 'normal', std: -1 } }), InputError, "parameter 'w'", 'std = -1');
  await expectError(values({ name: 'w', shape: [2], init: { kind: 'uniform', low: 1, high: 0 } }), InputError, "parameter 'w'", 'low <= high');
  await expectError(values({ name: 'w', shape: [2, 3, 4], init: { kind: 'glorot' } }), InputError, "parameter 'w'", 'needs fanIn and fanOut');
  await expectError(values({ name: 'w', shape: [2, 2], init: { kind: 'glorot', fanIn: 0 } }), InputError, 'fanIn = 0');
  await expectError(values({ name: 'w', shape: [2], init: { kind: 'orthogonal' } as unknown as ParamSpec['init'] }), InputError, '"orthogonal"');
});
host.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('ParamSet on the GPU');

const SPECS: ParamSpec[] = [
  { name: 'fc1.weight', shape: [24, 40], init: { kind: 'glorot' } },
  { name: 'fc1.bias', shape: [40], init: { kind: 'constant', value: 0.01 } },
  { name: 'fc2.weight', shape: [40, 3], init: { kind: 'normal', std: 0.1 } },
];
const ADAM: OptimizerOptions = { kind: 'adam', lr: 0, weightDecay: 1e-3, clipNorm: 1 };

gpu('create uploads the initial values, zero gradients and state; reordering parameters changes no values; release frees all', () =>
  withGpu(async (ctx) => {
    const before = ctx.pool.liveBytes;
    const params = await ParamSet.create(ctx, { seed: 21, params: SPECS, state: ['m', 'v'] });
    const reordered = await ParamSet.create(ctx, { seed: 21, params: [SPECS[2], SPECS[0]] });
    for (const spec of SPECS) {
      const p = params.get(spec.name);
      assert.equal([...p.shape], [...spec.shape]);
      assert.equal(await readF32(p.value), initialValues(21, spec), spec.name);
      assert.ok((await readF32(p.grad)).every((x) => x === 0));
      for (const slot of ['m', 'v']) assert.ok((await readF32(p.state[slot])).every((x) => x === 0));
    }
    assert.equal(await readF32(reordered.get('fc2.weight').value), await readF32(params.get('fc2.weight').value));
    assert.equal(Object.keys(reordered.params[0].state), []);
    params.release();
    reordered.release();
    assert.is(ctx.pool.liveBytes, before);
    await expectError(() => params.release(), InputError, 'released');
    await expectError(() => params.get('nope'), InputError, "no parameter 'nope'", "'fc1.weight'");
  }));

/** Runs `steps` steps of Adam with clipping and a cosine learning rate on `params`, gradients from the iteration. */
async function train(ctx: GpuContext, params: ParamSet, steps: number): Promise<void> {
  const lr = await Schedule.create(ctx, { kind: 'cosine', from: 0.05, to: 0.005, steps: 6 });
  const graph = new KernelGraph('train');
  const fills = await addGradFill(graph, ctx, params, 3, 0.5);
  const step = await addOptimizerStep(graph, ctx, params, { ...ADAM, lr });
  await params.runSteps(ctx.scheduler, graph, steps);
  [...fills, step, lr].forEach((x) => x.release());
}

/** Every parameter and state tensor's bits. */
async function snapshot(params: ParamSet): Promise<Uint32Array[]> {
  const out: Uint32Array[] = [];
  for (const p of params.params) for (const t of [p.value, ...params.state.map((s) => p.state[s])]) out.push(new Uint32Array(await t.read()));
  return out;
}

gpu('checkpoint: bytes -> set -> bytes is bit-identical; extras come back; Python-friendly names', () =>
  withGpu(async (ctx) => {
    const params = await ParamSet.create(ctx, { seed: 8, params: SPECS, state: optimizerState(ADAM) });
    await train(ctx, params, 2);
    const order = { dtype: 'U32' as const, shape: [5], data: Uint32Array.of(4, 0, 3, 1, 2) };
    const bytes = await params.toSafetensors({ tensors: { order }, metadata: { spec: '{"epochs":3}' } });

    const file = decodeSafetensors(bytes);
    assert.equal(Object.keys(file.tensors).sort(), ['fc1.bias', 'fc1.weight', 'fc2.weight', 'm/fc1.bias', 'm/fc1.weight', 'm/fc2.weight', 'order', 'v/fc1.bias', 'v/fc1.weight', 'v/fc2.weight']);
    assert.is(file.metadata['harmonium.iteration'], '2');
    assert.is(file.metadata['harmonium.seed'], '8');

    const restored = await ParamSet.fromSafetensors(ctx, bytes, 'ckpt.safetensors');
    assert.is(restored.params.iteration, 2);
    assert.is(restored.params.seed, 8);
    assert.equal(restored.params.state, ['m', 'v']);
    assert.equal(restored.params.params.map((p) => p.name), SPECS.map((s) => s.name));
    assert.equal(await snapshot(restored.params), await snapshot(params));
    assert.equal(restored.metadata, { spec: '{"epochs":3}' });
    assert.equal(Object.keys(restored.tensors), ['order']);
    assert.equal([...restored.tensors.order.data], [4, 0, 3, 1, 2]);
    const again = await restored.params.toSafetensors({ tensors: restored.tensors, metadata: restored.metadata });
    assert.equal([...again], [...bytes]);
    params.release();
    restored.params.release();
  }));

gpu('resume: 3 steps, checkpoint, restore, 3 more steps gives the bits of 6 uninterrupted steps', () =>
  withGpu(async (ctx) => {
    const straight = await ParamSet.create(ctx, { seed: 8, params: SPECS, state: optimizerState(ADAM) });
    await train(ctx, straight, 6);
    const first = await ParamSet.create(ctx, { seed: 8, params: SPECS, state: optimizerState(ADAM) });
    await train(ctx, first, 3);
    const bytes = await first.toSafetensors();
    first.release();
    const { params: resumed } = await ParamSet.fromSafetensors(ctx, bytes);
    await train(ctx, resumed, 3);
    assert.is(resumed.iteration, 6);
    const [a, b] = [await snapshot(straight), await snapshot(resumed)];
    a.forEach((words, i) => assert.equal(b[i], words, `tensor ${i}`));
    // The run moved the parameters: the equality above is not that of two untouched sets.
    assert.not.equal(a[0], new Uint32Array(new Float32Array(initialValues(8, SPECS[0])).buffer));
    straight.release();
    resumed.release();
  }));

gpu('errors: names, seeds, shapes and state slots at creation; reserved names in checkpoints', () =>
  withGpu(async (ctx) => {
    const create = (o: Partial<Parameters<typeof ParamSet.create>[1]>) => () => ParamSet.create(ctx, { seed: 1, params: SPECS, ...o });
    await expectError(create({ params: [SPECS[0], SPECS[0]] }), InputError, "two parameters are called 'fc1.weight'");
    await expectError(create({ params: [{ name: 'a/b', shape: [1] }] }), InputError, '"a/b"', "without '/'");
    await expectError(create({ params: [{ name: 'w', shape: [0, 3] }] }), InputError, "parameter 'w'", 'shape [0,3]');
    await expectError(create({ params: [] }), InputError, 'at least one');
    await expectError(create({ seed: -1 }), InputError, 'seed = -1');
    await expectError(create({ state: ['m', 'm'] }), InputError, 'state slots');
    const params = await ParamSet.create(ctx, { seed: 1, params: SPECS.slice(1), state: ['momentum'] });
    const u8 = { dtype: 'U8' as const, shape: [1], data: Uint8Array.of(1) };
    await expectError(() => params.toSafetensors({ tensors: { 'momentum/fc1.bias': u8 } }), InputError, "extra tensor 'momentum/fc1.bias'");
    await expectError(() => params.toSafetensors({ metadata: { 'harmonium.seed': '2' } }), InputError, "'harmonium.seed' is reserved");
    params.release();
    await expectError(() => params.toSafetensors(), InputError, 'released');
  }));

gpu('fromSafetensors refuses what is not a checkpoint of a set, naming what is wrong', () =>
  withGpu(async (ctx) => {
    const params = await ParamSet.create(ctx, { seed: 1, params: SPECS.slice(1), state: ['momentum'] });
    const good = decodeSafetensors(await params.toSafetensors());
    params.release();
    const load = (tensors: typeof good.tensors, metadata: typeof good.metadata) => () => ParamSet.fromSafetensors(ctx, encodeSafetensors(tensors, metadata), 'x.safetensors');
    const { 'momentum/fc2.weight': _dropped, ...withoutState } = good.tensors;
    await expectError(load(good.tensors, {}), InputError, 'x.safetensors', "'harmonium.format'");
    await expectError(load(withoutState, good.metadata), InputError, "tensor 'momentum/fc2.weight' is missing");
    await expectError(load({ ...good.tensors, 'fc1.bias': { dtype: 'I32', shape: [40], data: new Int32Array(40) } }, good.metadata), InputError, "'fc1.bias' is I32");
    await expectError(load({ ...good.tensors, 'momentum/fc1.bias': { dtype: 'F32', shape: [4, 10], data: new Float32Array(40) } }, good.metadata), InputError, 'shape [4, 10]', 'parameter [40]');
    await expectError(load(good.tensors, { ...good.metadata, 'harmonium.iteration': '-3' }), InputError, "'harmonium.iteration'");
    await expectError(load(good.tensors, { ...good.metadata, 'harmonium.state': 'momentum' }), InputError, "'harmonium.state' is not a JSON list");
    await expectError(() => ParamSet.fromSafetensors(ctx, new Uint8Array(3), 'x.safetensors'), InputError, 'x.safetensors', 'truncated');
  }));
gpu.run();
