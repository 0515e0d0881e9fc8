// Hopfield networks (models/hopfield.ts): recall against the float64 reference (bit for bit with
// Hebbian couplings, both field paths, every update order, T = 0 and T > 0), stored patterns as
// fixed points, the 5x5 letters from 20% noise, the capacity collapse at N = 1000, and bad input.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { HopfieldNetwork, validateRecallOptions, type HopfieldRecall, type HopfieldUpdate, type RecallOptions } from '../models/hopfield.js';
import { addNoise, checkPatterns, letterPatterns, overlaps, randomPatterns } from '../models/hopfield_patterns.js';
import { hopfieldCapacity, validateCapacityOptions } from '../models/hopfield_capacity.js';
import { invertSymmetric } from '../models/linalg.js';
import { hebbianReference, projectionReference, recallReference } from '../harness/hopfield/reference.js';
import { expectError } from './expect.js';
import { withGpu, type GpuContext } from './gpu.js';
import { check } from './ops_util.js';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

// ---------------------------------------------------------------------------------------------
const host = suite('hopfield patterns, noise, linear algebra (no GPU)');

host('patterns are checked: whole patterns of +-1 values only', () => {
  assert.equal([...checkPatterns([1, -1, 1, 1, -1, -1], 3)], [1, -1, 1, 1, -1, -1]);
  const bad: [ArrayLike<number>, number, RegExp][] = [
    [[1, -1, 1, 1], 3, /4 values are not whole patterns of 3 units/],
    [[1, 0, 1], 3, /pattern 0, unit 1 is 0; every value must be \+1 or -1/],
    [[1, -1, 1, 1, -1, 0.5], 3, /pattern 1, unit 2 is 0.5/],
    [[], 3, /no values/],
    [[1], 1, /units = 1/],
  ];
  for (const [values, units, message] of bad) assert.throws(() => checkPatterns(values, units), (e: Error) => e instanceof InputError && message.test(e.message), String(message));
});

host('noise flips exactly round(noise N) units of each probe; random patterns are reproducible', () => {
  const { patterns, units } = letterPatterns();
  const probes = addNoise(patterns, units, 0.2, 7);
  for (let mu = 0; mu < 4; mu++) {
    let flipped = 0;
    for (let i = 0; i < units; i++) flipped += +(probes[mu * units + i] !== patterns[mu * units + i]);
    assert.is(flipped, 5);
  }
  assert.ok(same(randomPatterns(3, 100, 5, 1), randomPatterns(3, 100, 5, 1)));
  assert.not.ok(same(randomPatterns(3, 100, 5, 1), randomPatterns(3, 100, 5, 2)));
  const mean = randomPatterns(20, 1000, 1).reduce((a, b) => a + b, 0) / 20000;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
});

host('the Cholesky inverse inverts, and refuses singular matrices', () => {
  const inverse = invertSymmetric(Float64Array.of(4, 2, 2, 3), 2)!;
  [0.375, -0.25, -0.25, 0.5].forEach((v, i) => assert.ok(Math.abs(inverse[i] - v) < 1e-15, `${i}: ${inverse[i]}`));
  assert.is(invertSymmetric(Float64Array.of(1, 1, 1, 1), 2), null);
});

host('bad recall and capacity options are InputErrors naming the option', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => validateRecallOptions({ update: 'random' as HopfieldUpdate }, 25, 'hebbian'), /update 'random'/],
    [() => validateRecallOptions({ update: 'blocks', blocks: 26 }, 25, 'hebbian'), /blocks = 26/],
    [() => validateRecallOptions({ temperature: -1 }, 25, 'hebbian'), /temperature = -1/],
    [() => validateRecallOptions({ path: 'xnor' }, 25, 'projection'), /xnor path needs integer/],
    [() => validateCapacityOptions({ units: 100, loads: [0.1, 0] }), /load = 0 must be a number > 0/],
    [() => validateCapacityOptions({ units: 100, loads: [-0.1] }), /load = -0.1/],
    [() => validateCapacityOptions({ units: 100, loads: [] }), /no loads/],
  ];
  for (const [work, message] of cases) assert.throws(work, (e: Error) => e instanceof InputError && message.test(e.message), String(message));
});
host.run();

// ---------------------------------------------------------------------------------------------
const exact = suite('hopfield recall = float64 reference, bit for bit (Hebbian, GPU)');

async function recallBoth(ctx: GpuContext, xi: Int8Array, units: number, probes: Int8Array, o: RecallOptions & { update: HopfieldUpdate; steps: number }) {
  const net = await HopfieldNetwork.store(ctx, { patterns: xi, units });
  try {
    const gpu = await net.recall(probes, o);
    const ref = recallReference(hebbianReference(xi, units), probes, { update: o.update, blocks: o.blocks ?? 1, temperature: o.temperature ?? 0, seed: o.seed ?? 1, steps: o.steps });
    return { gpu, ref };
  } finally {
    net.release();
  }
}

exact('synchronous, blocks and sequential at T = 0 and T = 0.4: states, outcomes and energies', () =>
  withGpu(async (ctx) => {
    // 128 units: the shapes (multiples of 4, of 128 for XNOR) share their pipelines with the other suites.
    const units = 128;
    for (const [p, update, temperature, blocks] of [
      [13, 'synchronous', 0, 1],
      [10, 'blocks', 0, 4],
      [24, 'sequential', 0, 1],
      [10, 'synchronous', 0.4, 1],
      [10, 'blocks', 0.4, 3],
      [10, 'sequential', 0.4, 1],
    ] as const) {
      const xi = randomPatterns(p, units, 3, p);
      const probes = addNoise(randomPatterns(6, units, 4, p), units, 0, 1);
      const steps = temperature > 0 ? 5 : 40;
      const { gpu, ref } = await recallBoth(ctx, xi, units, probes, { update, blocks, temperature, seed: 9, steps });
      const what = `P=${p} ${update} T=${temperature}`;
      assert.ok(same(gpu.states, ref.states), `${what}: states`);
      if (temperature === 0) {
        assert.equal(gpu.outcomes, ref.outcomes.map((o) => (o.status === 'running' ? { ...o, step: gpu.steps } : o)), `${what}: outcomes`);
        assert.ok(gpu.outcomes.every((o) => o.status !== 'running'), `${what}: every probe stopped`);
      }
      check(`${what}: energies`, gpu.energies, ref.energies.slice(0, gpu.energies.length), { atol: 1e-5, rtol: 1e-6 });
    }
  }),
);

exact('the XNOR and f32 paths give identical states, every step (P odd and even)', () =>
  withGpu(async (ctx) => {
    const units = 128;
    for (const p of [13, 18]) {
      const xi = randomPatterns(p, units, 5, p);
      const probes = addNoise(xi, units, 0.25, 2);
      const net = await HopfieldNetwork.store(ctx, { patterns: xi, units });
      try {
        const runs: HopfieldRecall[] = [];
        for (const path of ['xnor', 'f32'] as const) runs.push(await net.recall(probes, { update: 'synchronous', path, steps: 6, record: true }));
        assert.is(runs[0].history!.length, runs[1].history!.length);
        runs[0].history!.forEach((s, t) => assert.ok(same(s, runs[1].history![t]), `P=${p} step ${t}`));
      } finally {
        net.release();
      }
    }
  }),
);

exact('stored patterns are recalled exactly without noise: Hebbian below capacity, projection near N', () =>
  withGpu(async (ctx) => {
    const units = 128;
    for (const [rule, p] of [['hebbian', 6], ['projection', 80]] as const) {
      const xi = randomPatterns(p, units, 11, 0);
      const net = await HopfieldNetwork.store(ctx, { patterns: xi, units, rule });
      try {
        for (const update of ['synchronous', 'sequential'] as const) {
          const r = await net.recall(xi, { update, steps: 10 });
          assert.ok(same(r.states, xi), `${rule} ${update}`);
          assert.ok(r.outcomes.every((o) => o.status === 'fixed' && o.step === 0), `${rule} ${update}: fixed from step 0`);
        }
      } finally {
        net.release();
      }
    }
  }),
);

exact('the projection rule follows its float64 reference (states; energies to f32 rounding)', () =>
  withGpu(async (ctx) => {
    const units = 128;
    const xi = randomPatterns(20, units, 13, 0);
    const probes = addNoise(xi, units, 0.15, 4);
    const net = await HopfieldNetwork.store(ctx, { patterns: xi, units, rule: 'projection' });
    try {
      const gpu = await net.recall(probes, { update: 'sequential', seed: 2, steps: 20 });
      const ref = recallReference(projectionReference(xi, units), probes, { update: 'sequential', blocks: 1, temperature: 0, seed: 2, steps: 20 });
      assert.ok(same(gpu.states, ref.states));
      check('projection energies', gpu.energies, ref.energies.slice(0, gpu.energies.length), { atol: 1e-4, rtol: 1e-4 });
    } finally {
      net.release();
    }
  }),
);
exact.run();

// ---------------------------------------------------------------------------------------------
const memory = suite('associative memory: the letters, capacity at N = 1000 (GPU)');

memory('the four 5x5 letters come back from 20% noise (5 of 25 pixels flipped)', () =>
  withGpu(async (ctx) => {
    const { patterns, units } = letterPatterns();
    const net = await HopfieldNetwork.store(ctx, { patterns, units });
    try {
      // One noisy copy of each letter, recalled step by step.
      const first = await net.recall(addNoise(patterns, units, 0.2, 1), { update: 'sequential', seed: 1, record: true, steps: 10 });
      assert.ok(same(first.states, patterns), 'seed 1: all four letters');
      assert.ok(first.history!.length >= 2);
      // 64 noisy copies of each letter in one batch: about 9 in 10 come back.
      const trials = 64;
      const probes = Int8Array.from(Array.from({ length: trials }, (_, t) => [...addNoise(patterns, units, 0.2, 2, t)]).flat());
      const r = await net.recall(probes, { update: 'sequential', seed: 3, steps: 20 });
      const m = overlaps(r.states, Int8Array.from(Array.from({ length: trials }, () => [...patterns]).flat()), units);
      const recalled = m.filter((v) => v === 1).length / m.length;
      assert.ok(recalled >= 0.85, `recalled ${recalled}`);
    } finally {
      net.release();
    }
  }),
);

memory('capacity at N = 1000 (asynchronous): overlap >= 0.95 at load 0.05, <= 0.6 at load 0.25', () =>
  withGpu(async (ctx) => {
    const [low, high] = await hopfieldCapacity(ctx, { units: 1000, loads: [0.05, 0.25], trials: 1, seed: 1 });
    assert.is(low.patterns, 50);
    assert.ok(low.mean_overlap >= 0.95, `load 0.05: ${low.mean_overlap}`);
    assert.ok(high.mean_overlap <= 0.6, `load 0.25: ${high.mean_overlap}`);
    assert.ok(low.stable_fraction > high.stable_fraction);
    assert.is(low.converged_fraction, 1);
  }),
);
memory.run();

// ---------------------------------------------------------------------------------------------
const bad = suite('hopfield bad input (GPU)');

bad('patterns of the wrong length or values, probes that do not fit, too many projection patterns', () =>
  withGpu(async (ctx) => {
    await expectError(() => HopfieldNetwork.store(ctx, { patterns: [1, -1, 1, 1, -1], units: 3 }), InputError, '5 values', '3 units');
    await expectError(() => HopfieldNetwork.store(ctx, { patterns: [1, -1, 2, 1, -1, 1], units: 3 }), InputError, 'unit 2 is 2');
    await expectError(() => HopfieldNetwork.store(ctx, { patterns: randomPatterns(5, 4, 1), units: 4, rule: 'projection' }), InputError, 'at most as many patterns as units');
    await expectError(() => HopfieldNetwork.store(ctx, { patterns: [1, 1, 1, 1, 1, 1], units: 3, rule: 'projection' }), InputError, 'linearly dependent');
    const net = await HopfieldNetwork.store(ctx, { patterns: [1, -1, 1, -1], units: 4 });
    try {
      await expectError(() => net.recall([1, -1, 1]), InputError, 'probes', '3 values');
      await expectError(() => net.recall([1, -1, 1, NaN]), InputError, 'probes', 'unit 3 is NaN');
    } finally {
      net.release();
    }
  }),
);
bad.run();
