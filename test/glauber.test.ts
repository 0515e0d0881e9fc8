// The Glauber ops (engine/ops/glauber.ts) against their TypeScript reference: bit for bit with
// integer couplings (sign and table rules), and the float rule as a Gibbs sampler against the exact
// Boltzmann distribution (chi-square). The XNOR bit planes have their own file (xnor_planes.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph, InputError, Schedule, type Tensor } from '../engine/index.js';
import { addGemm, addGlauberSummary, addGlauberSweep, addGlauberUpdate, glauberThresholds, type GlauberRule } from '../engine/ops/index.js';
import { glauberEnergies, glauberFields, glauberSweep, glauberUpdate, type ChainsReference, type RuleReference } from '../harness/reference/glauber.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { check, keep, Made, runAndRead } from './ops_util.js';
import { hebbian, pm1, randomWords } from './random.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

// ---------------------------------------------------------------------------------------------
const host = suite('glauber thresholds (no GPU)');

host('thresholds: p(up) in float64, saturated ends, symmetric about zero field', () => {
  const { thresholds, offset } = glauberThresholds(0.5, 1, 1000);
  assert.is(thresholds[offset], 2 ** 31);
  assert.is(thresholds[0], 0, 'far below: never up');
  assert.is(thresholds[thresholds.length - 1], 0xffffffff, 'far above: always');
  assert.is(thresholds[offset + 3], Math.round(2 ** 32 / (1 + Math.exp(-1.5))));
  for (let a = 1; a < offset; a++) assert.ok(Math.abs(thresholds[offset + a] + thresholds[offset - a] - 2 ** 32) <= 1, `a = ${a}`);
  // A small field range keeps the table small.
  assert.is(glauberThresholds(0.5, 1, 4).thresholds.length, 9);
  assert.throws(() => glauberThresholds(0.5, 0, 4), (e: Error) => e instanceof InputError && /temperature/.test(e.message));
});
host.run();

// ---------------------------------------------------------------------------------------------
const dynamics = suite('glauber update, sweep and summary = reference, bit for bit (GPU)');

interface Setup {
  chains: number;
  units: number;
  couplings: Float32Array;
  diag: Float32Array;
  state: Float32Array;
}

function setup(chains: number, units: number, patterns: number, seed: number): Setup {
  const couplings = hebbian(units, patterns, seed);
  const diag = Float32Array.from({ length: units }, (_, i) => couplings[i * units + i]);
  return { chains, units, couplings, diag, state: pm1(chains * units, seed + 1) };
}

function referenceChains(s: Setup): ChainsReference {
  return {
    chains: s.chains,
    units: s.units,
    kind: 'spin',
    state: Float64Array.from(s.state),
    fields: glauberFields(s.state, s.couplings, s.chains, s.units),
    diag: Float64Array.from(s.diag),
  };
}

const rules: Array<{ name: string; gpu: (made: Made) => Promise<GlauberRule>; ref: RuleReference }> = (() => {
  const table = glauberThresholds(2 / 40, 0.6, 5 * 40);
  return [
    { name: 'sign', gpu: async () => ({ kind: 'sign' }), ref: { kind: 'sign' } },
    {
      name: 'table',
      gpu: async (made: Made) => ({ kind: 'table', thresholds: await made.tensor('thresholds', [table.thresholds.length], table.thresholds), offset: table.offset }),
      ref: { kind: 'table', thresholds: table.thresholds, offset: table.offset },
    },
  ];
})();

dynamics('sequential sweeps (random order) with incremental fields: states, fields, flags and energies', () =>
  withGpu(async (ctx) => {
    for (const rule of rules) {
      const s = setup(6, 40, 5, 3);
      const order = Uint32Array.from(randomWords(40, 9)).map((_, i) => (i * 17) % 40);
      const stream = { seed: 5, step: 2 };
      const sweeps = 3;
      const out = await runAndRead(
        ctx,
        async (graph, made) => {
          const state = await made.tensor('state', [s.chains, s.units], s.state);
          const fields = await made.tensor('fields', [s.chains, s.units], Float32Array.from(glauberFields(s.state, s.couplings, s.chains, s.units)));
          const couplings = await made.tensor('J', [s.units, s.units], s.couplings);
          const diag = await made.tensor('diag', [s.units], s.diag);
          const orderT = await made.tensor('order', [40], order);
          const progress = { flags: await made.tensor('flags', [s.chains, 2], undefined, 'u32'), status: await made.tensor('status', [s.chains, 3], undefined, 'u32') };
          const energies = await made.tensor('energies', [sweeps + 1, s.chains]);
          const chains = { chains: s.chains, units: s.units, state, fields, diag };
          await made.op(addGlauberSweep(graph, ctx, { ...chains, couplings, order: orderT, orderLength: 40, rule: await rule.gpu(made), stream, progress }));
          await made.op(addGlauberSummary(graph, ctx, { ...chains, progress, energies, slots: sweeps + 1, slotOffset: 1, energyScale: 1 / 40, detect: 'fixed' }));
          return { state, fields, energies, status: progress.status };
        },
        { repeat: sweeps },
      );
      const ref = referenceChains(s);
      const energies: number[] = [];
      for (let t = 0; t < sweeps; t++) {
        glauberSweep(ref, s.couplings, rule.ref, stream, order, 40, t);
        energies.push(...glauberEnergies(ref, 1 / 40));
      }
      assert.equal([...out.state], [...ref.state], `${rule.name}: states`);
      assert.equal([...out.fields], [...ref.fields], `${rule.name}: fields (integers, exact)`);
      // The energy is scaled by f32(1/40) on the GPU: a relative tolerance.
      check(`${rule.name}: energies`, out.energies.slice(s.chains), energies, { atol: 0, rtol: 1e-6 });
    }
  }),
);

dynamics('parallel block updates (blocks = 1: synchronous, with 2-cycle flags; blocks = 4) from fresh fields', () =>
  withGpu(async (ctx) => {
    for (const rule of rules) {
      for (const blocks of [1, 4]) {
        const s = setup(5, 40, 3, 11);
        const order = Uint32Array.from({ length: 40 }, (_, i) => (i * 7) % 40);
        const stream = { seed: 8, step: 0 };
        const fields = Float32Array.from(glauberFields(s.state, s.couplings, s.chains, s.units));
        const out = await runAndRead(
          ctx,
          async (graph, made) => {
            const state = await made.tensor('state', [s.chains, s.units], s.state);
            const fieldsT = await made.tensor('fields', [s.chains, s.units], fields);
            const diag = await made.tensor('diag', [s.units], s.diag);
            const orderT = await made.tensor('order', [40], order);
            const progress = { flags: await made.tensor('flags', [s.chains, 2], undefined, 'u32'), status: await made.tensor('status', [s.chains, 3], undefined, 'u32') };
            const previous = blocks === 1 ? await made.tensor('previous', [s.chains, s.units], s.state) : undefined;
            await made.op(addGlauberUpdate(graph, ctx, { chains: s.chains, units: s.units, state, fields: fieldsT, diag, order: orderT, orderLength: 40, blocks, rule: await rule.gpu(made), stream, progress, previous }));
            return { state, flags: progress.flags };
          },
          // One update at repetition 2: block 2 % blocks.
          { repeat: 1, firstIteration: 2 },
        );
        const ref = referenceChains(s);
        const changed = glauberUpdate(ref, rule.ref, stream, order, 40, blocks, 2);
        assert.equal([...out.state], [...ref.state], `${rule.name} blocks=${blocks}`);
        const flags = new Uint32Array(out.flags.buffer);
        assert.equal(changed.map((c, i) => flags[2 * i] === (c ? 1 : 0)), changed.map(() => true), `${rule.name} blocks=${blocks}: changed flags`);
      }
    }
  }),
);

dynamics('the summary finds fixed points and 2-cycles, and writes each slot', () =>
  withGpu(async (ctx) => {
    // Two units coupled antiferromagnetically (J = -1) from (+1, +1): a synchronous step flips both,
    // the next flips them back: a 2-cycle from step 0. Chain 1 starts at (+1, -1): a fixed point.
    const couplings = Float32Array.of(0, -1, -1, 0);
    const state0 = Float32Array.of(1, 1, 1, -1);
    const steps = 4;
    const out = await runAndRead(ctx, async (graph, made) => {
      const state = await made.tensor('state', [2, 2], state0);
      const fields = await made.tensor('fields', [2, 2]);
      const J = await made.tensor('J', [2, 2], couplings);
      const order = await made.tensor('order', [2], Uint32Array.of(0, 1));
      const previous = await made.tensor('previous', [2, 2], state0);
      const progress = { flags: await made.tensor('flags', [2, 2], undefined, 'u32'), status: await made.tensor('status', [2, 3], undefined, 'u32') };
      const energies = await made.tensor('energies', [steps, 2]);
      const chains = { chains: 2, units: 2, state, fields };
      await keep(made, addGemm(graph, ctx, { a: state, b: J, c: fields, m: 2, n: 2, k: 2 }));
      await made.op(addGlauberSummary(graph, ctx, { ...chains, progress, energies, slots: steps, detect: 'cycles' }));
      await made.op(addGlauberUpdate(graph, ctx, { ...chains, order, orderLength: 2, rule: { kind: 'sign' }, stream: { seed: 1, step: 0 }, progress, previous }));
      return { status: progress.status, energies, state };
    }, { repeat: steps });
    const status = new Uint32Array(out.status.buffer);
    assert.equal([...status.slice(0, 2)], [2, 0], 'chain 0: a 2-cycle from step 0');
    assert.equal([...status.slice(3, 5)], [1, 0], 'chain 1: a fixed point at step 0');
    // E = -1/2 s'Js: +1 for (1, 1) (J = -1 between them), -1 for (1, -1).
    assert.equal([...out.energies], [1, -1, 1, -1, 1, -1, 1, -1]);
  }),
);
dynamics.run();

// ---------------------------------------------------------------------------------------------
const sampling = suite('the float rule samples the Boltzmann distribution (GPU, chi-square)');

sampling('0/1 units with biases and random couplings: the state histogram after sweeps matches exp(-E)/Z', () =>
  withGpu(async (ctx) => {
    const n = 4;
    const chains = 2048;
    const couplings = new Float32Array(n * n);
    const bias = Float32Array.of(0.3, -0.5, 0.1, 0.4);
    const w = [0.8, -0.6, 0.5, -0.4, 0.9, -0.7];
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) couplings[i * n + j] = couplings[j * n + i] = w[k++];
    const sweeps = 12;
    const state0 = new Float32Array(chains * n);
    const out = await runAndRead(
      ctx,
      async (graph, made) => {
        const state = await made.tensor('state', [chains, n], state0);
        const fields = await made.tensor('fields', [chains, n], Float32Array.from({ length: chains * n }, (_, e) => bias[e % n]));
        const J = await made.tensor('J', [n, n], couplings);
        const order = await made.tensor('order', [n], Uint32Array.of(0, 1, 2, 3));
        const progress = { flags: await made.tensor('flags', [chains, 2], undefined, 'u32'), status: await made.tensor('status', [chains, 3], undefined, 'u32') };
        const temperature = await Schedule.create(ctx, { kind: 'constant', value: 1 });
        await keep(made, Promise.resolve(temperature));
        await made.op(addGlauberSweep(graph, ctx, { chains, units: n, kind: 'binary', state, fields, couplings: J, order, orderLength: n, rule: { kind: 'float', gain: 1, temperature }, stream: { seed: 4, step: 0 }, progress }));
        return { state };
      },
      { repeat: sweeps },
    );
    // E(s) = -b's - 1/2 s'Js over the 16 states.
    const energy = (s: number[]) => {
      let e = 0;
      for (let i = 0; i < n; i++) {
        e -= bias[i] * s[i];
        for (let j = 0; j < n; j++) e -= 0.5 * couplings[i * n + j] * s[i] * s[j];
      }
      return e;
    };
    const weights = Array.from({ length: 16 }, (_, x) => Math.exp(-energy([0, 1, 2, 3].map((i) => (x >> i) & 1))));
    const z = weights.reduce((a, b) => a + b, 0);
    const counts = new Array(16).fill(0);
    for (let c = 0; c < chains; c++) counts[[0, 1, 2, 3].reduce((x, i) => x | (out.state[c * n + i] << i), 0)]++;
    const { statistic, dof } = chiSquare(counts, weights.map((x) => x / z));
    assert.ok(statistic < chiSquareCritical(dof, 0.001), `chi2 = ${statistic.toFixed(1)} on ${dof} dof`);
  }),
);
sampling.run();

// ---------------------------------------------------------------------------------------------
const errors = suite('glauber bad arguments (GPU)');

errors('shapes, rules and tables are checked before the graph changes', () =>
  withGpu(async (ctx) => {
    const made = new Made(ctx);
    try {
      const state = await made.tensor('state', [2, 3]);
      const fields = await made.tensor('fields', [2, 4]);
      const order = await made.tensor('order', [3], Uint32Array.of(0, 1, 2));
      const progress = { flags: await made.tensor('flags', [2, 2], undefined, 'u32'), status: await made.tensor('status', [2, 3], undefined, 'u32') };
      const graph = new KernelGraph('errors');
      const base = { chains: 2, units: 3, state, order, orderLength: 3, stream: { seed: 1, step: 0 }, progress, rule: { kind: 'sign' } as GlauberRule };
      await expectError(() => addGlauberUpdate(graph, ctx, { ...base, fields }), InputError, 'glauber.update', 'fields', '[2, 3]');
      const good = await made.tensor('fields ok', [2, 3]);
      await expectError(() => addGlauberUpdate(graph, ctx, { ...base, fields: good, blocks: 4 }), InputError, 'blocks = 4');
      const thresholds: Tensor = await made.tensor('thr', [3], Uint32Array.of(0, 1, 2));
      await expectError(() => addGlauberUpdate(graph, ctx, { ...base, fields: good, rule: { kind: 'table', thresholds, offset: 3 } }), InputError, 'offset = 3');
      assert.is(graph.nodes.length, 0);
    } finally {
      made.release();
    }
  }),
);
errors.run();
