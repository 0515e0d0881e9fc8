import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph, InputError, LimitError, defineKernel, rngBits, type Tensor } from '../engine/index.js';
import { addPermutation } from '../engine/ops/index.js';
import { bitonicPasses } from '../engine/ops/permute.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';
import { library } from '../engine/library.js';
import { permutationReference } from '../harness/reference/permute.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';
import { expectError } from './expect.js';
import { withGpu, readU32, type GpuContext } from './gpu.js';

// Statistical tests run at alpha = 0.001 with fixed seeds (a correct permutation fails one with
// probability alpha).
const ALPHA = 0.001;
const EPOCHS = Number(process.env.PERMUTE_EPOCHS ?? 2400);

const isPermutation = (p: ArrayLike<number>, n: number) => p.length === n && new Set(Array.from(p)).size === n && Array.from(p).every((i) => i < n);

/**
 * Runs the pass list on the host the way the kernels do (a local pass: stages k .. kLast inside each
 * tile; a global pass: one distance over the whole array), on the reference's keys.
 */
function simulateNetwork(n: number, seed: number, epoch: number, tile: number): number[] {
  const items = Math.max(tile, 2 ** Math.ceil(Math.log2(Math.max(1, n))));
  type Item = [number, number, number];
  const keyOf = (i: number): Item => {
    if (i >= n) return [0xffffffff, 0xffffffff, i];
    const bits = rngBits(seed, RNG_PURPOSES.permutation, epoch, i, 0);
    return [bits[0], bits[1], i];
  };
  const before = (a: Item, b: Item) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const array: Item[] = Array.from({ length: items }, (_, i) => keyOf(i));
  const exchange = (i: number, j: number, k: number) => {
    const ascending = (i & k) === 0;
    if ((before(array[i + j], array[i]) < 0) === ascending) [array[i], array[i + j]] = [array[i + j], array[i]];
  };
  for (const pass of bitonicPasses(items, tile)) {
    if (!pass.local) {
      for (let t = 0; t < items / 2; t++) exchange(2 * pass.j * Math.floor(t / pass.j) + (t % pass.j), pass.j, pass.k);
      continue;
    }
    for (let k = pass.k, j = pass.j; k <= pass.kLast; k *= 2, j = k / 2) {
      for (; j >= 1; j /= 2) for (let t = 0; t < items / 2; t++) exchange(2 * j * Math.floor(t / j) + (t % j), j, k);
    }
  }
  return array.slice(0, n).map((item) => item[2]);
}

// ---------------------------------------------------------------------------------------------
const reference = suite('permutation network and reference (no GPU)');

reference('the pass list: one local pass per tile-sized stage block, global passes at distances >= a tile', () => {
  // items = tile: one local pass that generates and emits.
  assert.equal(bitonicPasses(256, 256), [{ local: true, k: 2, j: 1, kLast: 256, flags: 3 }]);
  // items = 65536, tile = 256: 8 stages above the tile with 1 .. 8 global passes and one local each.
  const passes = bitonicPasses(65536, 256);
  assert.is(passes.length, 1 + 36 + 8);
  assert.is(passes.filter((p) => !p.local).length, 36);
  assert.equal(passes[1], { local: false, k: 512, j: 256, kLast: 512, flags: 0 });
  assert.equal(passes[passes.length - 1], { local: true, k: 65536, j: 128, kLast: 65536, flags: 2 });
});

reference('the network sorts: simulated on the host it gives the reference permutation', () => {
  for (const [n, tile] of [[1, 2], [2, 2], [5, 4], [31, 8], [1000, 16], [1000, 256]]) {
    assert.equal(simulateNetwork(n, 7, 3, tile), [...permutationReference(n, 7, 3)], `n = ${n}, tile = ${tile}`);
  }
});

reference('the reference is a permutation, changes with seed and epoch, and breaks key ties by index', () => {
  const p = permutationReference(1000, 1, 0);
  assert.ok(isPermutation(p, 1000));
  assert.not.equal([...permutationReference(1000, 1, 1)], [...p]);
  assert.not.equal([...permutationReference(1000, 2, 0)], [...p]);
  assert.equal([...permutationReference(1, 5, 5)], [0]);
});
reference.run();

// ---------------------------------------------------------------------------------------------
async function permutation(ctx: GpuContext, n: number, seed: number, epoch: number, workgroupSize?: number): Promise<Uint32Array> {
  const output = await ctx.pool.tensor('permutation', 'u32', [n]);
  const graph = new KernelGraph('permutation test');
  const op = await addPermutation(graph, ctx, { output, n, seed, epoch, workgroupSize });
  await ctx.scheduler.run(graph);
  const out = await readU32(output);
  op.release();
  output.release();
  return out;
}

// Copies the permutation of each repetition into row `iteration` of a history (a test-only kernel).
const COLLECT = `
struct Iteration { index: u32 }
@group(0) @binding(0) var<storage, read> permutation: array<u32>;
@group(0) @binding(1) var<storage, read_write> history: array<u32>;
@group(0) @binding(2) var<uniform> iteration: Iteration;
override N: u32 = 4u;
@compute @workgroup_size(1)
fn main() {
  for (var i = 0u; i < N; i++) { history[iteration.index * N + i] = permutation[i]; }
}`;

/** The permutations of `repeat` repetitions of [permutation, collect]: one submit. */
async function history(ctx: GpuContext, n: number, seed: number, epoch: number, epochLength: number, repeat: number): Promise<Uint32Array[]> {
  const output = await ctx.pool.tensor('permutation', 'u32', [n]);
  const rows = await ctx.pool.tensor('history', 'u32', [repeat * n]);
  const collect = await defineKernel({ ...library, 'collect.wgsl': COLLECT }, { name: 'collect', file: 'collect.wgsl', overrides: { N: n } });
  const graph = new KernelGraph('permutation history');
  const op = await addPermutation(graph, ctx, { output, n, seed, epoch, epochLength });
  graph.add(collect, { permutation: output, history: rows }, [1]);
  await ctx.scheduler.run(graph, { repeat });
  const all = await readU32(rows);
  op.release();
  output.release();
  rows.release();
  return Array.from({ length: repeat }, (_, t) => all.subarray(t * n, (t + 1) * n));
}

const gpu = suite('permutation (GPU)');

gpu('always a permutation, equal to the reference, for n = 1, 2, 31, 1000, 60000; the same on two workgroup sizes', () =>
  withGpu(async (ctx) => {
    for (const n of [1, 2, 31, 1000, 60000]) {
      const want = permutationReference(n, 11, 7);
      const got = await permutation(ctx, n, 11, 7);
      assert.ok(isPermutation(got, n), `n = ${n}: not a permutation`);
      assert.equal([...got], [...want], `n = ${n}`);
      if (n >= 1000) assert.equal([...(await permutation(ctx, n, 11, 7, 32))], [...want], `n = ${n}, workgroup size 32`);
    }
  }));

gpu(`n = 4: the 24 permutations over ${EPOCHS} epochs (one submit, epoch = iteration) pass chi-square at alpha = 0.001, each epoch equal to the reference`, () =>
  withGpu(async (ctx) => {
    const perms = await history(ctx, 4, 2024, 100, 1, EPOCHS);
    const counts = new Map<string, number>();
    perms.forEach((p, t) => {
      assert.equal([...p], [...permutationReference(4, 2024, 100 + t)], `epoch ${100 + t}`);
      counts.set(p.join(''), (counts.get(p.join('')) ?? 0) + 1);
    });
    assert.is(counts.size, 24, 'every permutation of 4 appears');
    const chi = chiSquare([...counts.values()], new Array(24).fill(1 / 24));
    assert.is(chi.dof, 23);
    assert.ok(chi.statistic < chiSquareCritical(23, ALPHA), `chi2 = ${chi.statistic.toFixed(2)}, 23 dof, critical ${chiSquareCritical(23, ALPHA).toFixed(2)}`);
  }));

gpu('n = 10: the position of each element is uniform over 1000 epochs (chi-square per element at alpha = 0.001)', () =>
  withGpu(async (ctx) => {
    const n = 10;
    const perms = await history(ctx, n, 5, 0, 1, 1000);
    const positions = Array.from({ length: n }, () => new Array(n).fill(0));
    perms.forEach((p) => p.forEach((element, position) => positions[element][position]++));
    positions.forEach((counts, element) => {
      const chi = chiSquare(counts, new Array(n).fill(1 / n));
      assert.ok(chi.statistic < chiSquareCritical(n - 1, ALPHA), `element ${element}: chi2 = ${chi.statistic.toFixed(2)}, positions ${counts.join(' ')}`);
    });
  }));

gpu('epochLength = 3: a new permutation at iterations 0, 3, 6 and the same one in between', () =>
  withGpu(async (ctx) => {
    const perms = await history(ctx, 31, 9, 40, 3, 9);
    perms.forEach((p, t) => assert.equal([...p], [...permutationReference(31, 9, 40 + Math.floor(t / 3))], `iteration ${t}`));
  }));

gpu('bad input: InputError or LimitError naming permutation and the operand; nothing added or leaked', () =>
  withGpu(async (ctx) => {
    const out = await ctx.pool.tensor('out', 'u32', [10]);
    const f = await ctx.pool.tensor('f', 'f32', [10]);
    const graph = new KernelGraph('errors');
    const live = ctx.pool.liveBytes;
    const o = { output: out, n: 10, seed: 1, epoch: 0 };
    await expectError(() => addPermutation(graph, ctx, { ...o, n: 11 }), InputError, 'permutation', 'operand output', '[11]', '[10]');
    await expectError(() => addPermutation(graph, ctx, { ...o, output: f }), InputError, 'operand output', 'u32');
    await expectError(() => addPermutation(graph, ctx, { ...o, n: 0 }), InputError, 'n = 0');
    await expectError(() => addPermutation(graph, ctx, { ...o, epoch: -1 }), InputError, 'epoch');
    await expectError(() => addPermutation(graph, ctx, { ...o, epochLength: 0 }), InputError, 'epochLength');
    await expectError(() => addPermutation(graph, ctx, { ...o, workgroupSize: 96 }), InputError, 'power of two');
    await expectError(() => addPermutation(graph, ctx, { ...o, workgroupSize: 1024 }), LimitError, 'workgroupSize');
    assert.is(graph.nodes.length, 0);
    assert.is(ctx.pool.liveBytes, live);
    [out, f].forEach((t: Tensor) => t.release());
  }));
gpu.run();
