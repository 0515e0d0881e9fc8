import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defineKernel, InputError, KernelGraph, Scheduler, ValidationError, type ShaderLibrary } from '../engine/index.js';
import { scoped } from '../engine/scopes.js';
import { expectError } from './expect.js';
import { withGpu, readU32 } from './gpu.js';

// Small kernels kept inline, as the tests exercise them.
const LIB: ShaderLibrary = {
  // One invocation writes out[i] = iteration.index * 1000 + i over the whole array.
  'fill.wgsl': `struct Iteration { index: u32 }
@group(0) @binding(0) var<uniform> iteration: Iteration;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1) fn main() {
  for (var i = 0u; i < arrayLength(&out); i++) { out[i] = iteration.index * 1000u + i; }
}`,
  // Two writable bindings: bound to one tensor they alias, which WebGPU refuses at dispatch (our
  // host checks do not look for it, so the error comes from WebGPU validation).
  'alias.wgsl': `@group(0) @binding(0) var<storage, read_write> a: array<u32>;
@group(0) @binding(1) var<storage, read_write> b: array<u32>;
@compute @workgroup_size(1) fn main() { a[0] = 1u; b[1] = 2u; }`,
};

const fill = await defineKernel(LIB, { name: 'fill', file: 'fill.wgsl' });
const alias = await defineKernel(LIB, { name: 'alias', file: 'alias.wgsl' });
/** What `fill` leaves in n words after iterations first .. last: the last one's stamp. */
const filled = (n: number, last: number) => Array.from({ length: n }, (_, i) => last * 1000 + i);
/** A recognisable pattern that no kernel here writes. */
const pattern = (n: number) => Uint32Array.from({ length: n }, (_, i) => 0xabc00000 + i);

// ---------------------------------------------------------------------------------------------
const released = suite('a graph refuses released tensors');

released('a run after release is refused, and the tensor now holding the buffer is untouched', () =>
  withGpu(async ({ pool, scheduler }) => {
    const old = await pool.tensor('old', 'u32', [64]);
    const graph = new KernelGraph('filler').add(fill, { out: old }, [1]);
    await scheduler.run(graph, { firstIteration: 3 }); // caches the graph's bind groups
    assert.equal([...(await readU32(old))], filled(64, 3));
    old.release();
    const fresh = await pool.tensor('fresh', 'u32', [64], { data: pattern(64) });
    assert.is(fresh.buffer, old.buffer, 'the pool hands the released buffer to the new tensor');
    await expectError(() => scheduler.run(graph), InputError, 'fill', "binding 'out'", "'old'", 'released');
    assert.equal([...(await readU32(fresh))], [...pattern(64)], 'the cached bind group wrote nothing');
  }),
);

released('a view of a released tensor is refused the same way, naming the view', () =>
  withGpu(async ({ pool, scheduler }) => {
    const big = await pool.tensor('big', 'u32', [128]);
    const graph = new KernelGraph('filler').add(fill, { out: big.view(256, 256) }, [1]);
    big.release();
    const fresh = await pool.tensor('fresh', 'u32', [128], { data: pattern(128) });
    assert.is(fresh.buffer, big.buffer);
    await expectError(() => scheduler.run(graph), InputError, 'fill', "binding 'out'", "'big [bytes 256..512)'", 'released');
    assert.equal([...(await readU32(fresh))], [...pattern(128)]);
  }),
);

released('adding a released tensor to a graph is refused', () =>
  withGpu(async ({ pool }) => {
    const gone = await pool.tensor('gone', 'u32', [4]);
    gone.release();
    await expectError(() => new KernelGraph('g').add(fill, { out: gone }, [1]), InputError, 'fill', "binding 'out'", "'gone'", 'released');
  }),
);

released('a release during a long run stops it before the next submit', () =>
  withGpu(async ({ pool, scheduler }) => {
    const out = await pool.tensor('out', 'u32', [4]);
    const graph = new KernelGraph('filler').add(fill, { out }, [1]);
    const progress: number[] = [];
    const run = scheduler.run(graph, {
      repeat: 600, // three chunks of at most 256 repetitions
      onProgress: (done) => {
        progress.push(done);
        if (done === 256) out.release();
      },
    });
    await expectError(() => run, InputError, 'fill', "binding 'out'", "'out'", 'released');
    assert.equal(progress, [256], 'no chunk submitted after the release');
  }),
);

released('a disposed scheduler rebinds its graphs to the new iteration ring', () =>
  withGpu(async ({ pool, scheduler }) => {
    const out = await pool.tensor('out', 'u32', [4]);
    const graph = new KernelGraph('filler').add(fill, { out }, [1]);
    await scheduler.run(graph, { firstIteration: 1 });
    await scheduler.dispose();
    // Takes the released ring's buffer, so that the next ring is a different one.
    const squatter = await pool.tensor('squatter', 'u32', [(256 * 256) / 4], { role: 'uniform' });
    await scheduler.run(graph, { firstIteration: 7 });
    assert.equal([...(await readU32(out))], filled(4, 7));
    squatter.release();
  }),
);
released.run();

// ---------------------------------------------------------------------------------------------
const scopes = suite('error scopes of overlapping engine calls');

/** Runs `work` after `ticks` microtask turns, so that overlapping calls start at different points. */
async function after<T>(ticks: number, work: () => Promise<T>): Promise<T> {
  for (let i = 0; i < ticks; i++) await null;
  return work();
}

scopes('a validation error stays with its own call while others overlap on the device', () =>
  withGpu(async ({ gpu, pool }) => {
    const shared = await pool.tensor('shared', 'u32', [4]);
    const bad = new KernelGraph('aliased').add(alias, { a: shared, b: shared }, [1]);
    const out = await pool.tensor('out', 'u32', [8]);
    const good = new KernelGraph('filler').add(fill, { out }, [1]);
    await fill.compile(gpu);
    await alias.compile(gpu);
    // Each round starts the three calls at different offsets (in microtask turns), with fresh
    // schedulers, so that their error scopes would interleave in many orders if they could.
    for (let round = 0; round < 24; round++) {
      const badScheduler = new Scheduler(gpu, pool);
      const goodScheduler = new Scheduler(gpu, pool);
      const [b, g, t] = await Promise.allSettled([
        after(round % 4, () => badScheduler.run(bad)),
        after((round >> 2) % 3, () => goodScheduler.run(good, { repeat: 2, firstIteration: round })),
        after(round % 5, () => pool.tensor(`fresh ${round}`, 'u32', [16], { data: pattern(16) })),
      ]);
      const where = `round ${round}`;
      assert.is(b.status, 'rejected', `${where}: the aliased run must fail`);
      const error = (b as PromiseRejectedResult).reason as Error;
      assert.instance(error, ValidationError, `${where}: ${error.message}`);
      assert.is((error as ValidationError).kernel, 'aliased', `${where}: ${error.message}`);
      assert.match(error.message, /aliasing/, `${where}: WebGPU's own message`);
      assert.is(g.status, 'fulfilled', `${where}: ${g.status === 'rejected' ? (g.reason as Error).message : ''}`);
      assert.equal([...(await readU32(out))], filled(8, round + 1), `${where}: the good run's result`);
      assert.is(t.status, 'fulfilled', `${where}: ${t.status === 'rejected' ? (t.reason as Error).message : ''}`);
      const fresh = (t as PromiseFulfilledResult<Awaited<ReturnType<typeof pool.tensor>>>).value;
      assert.equal([...(await readU32(fresh))], [...pattern(16)], `${where}: the allocation's contents`);
      fresh.release();
      await Promise.all([badScheduler.dispose(), goodScheduler.dispose()]);
    }
  }),
);
// MAP_READ goes only with COPY_DST: WebGPU refuses this buffer with a validation error.
const INVALID_BUFFER: GPUBufferDescriptor = { label: 'invalid', size: 4, usage: 0x0001 /* MAP_READ */ | 0x0080 /* STORAGE */ };
const VALID_BUFFER: GPUBufferDescriptor = { label: 'valid', size: 4, usage: 0x0080 /* STORAGE */ };

scopes('a scoped call inside another keeps its own error, either way round', () =>
  withGpu(async ({ gpu }) => {
    const device = gpu.device;
    const inner: Promise<GPUBuffer>[] = [];
    const outer = await scoped(device, 'outer', () => {
      inner.push(scoped(device, 'inner', () => device.createBuffer(INVALID_BUFFER)));
      return device.createBuffer(VALID_BUFFER);
    });
    await expectError(() => inner[0], ValidationError, 'inner: ', 'MapRead');
    outer.destroy();
    await expectError(
      () =>
        scoped(device, 'outer', () => {
          inner.push(scoped(device, 'inner', () => device.createBuffer(VALID_BUFFER)));
          return device.createBuffer(INVALID_BUFFER);
        }),
      ValidationError,
      'outer: ',
      'MapRead',
    );
    (await inner[1]).destroy();
  }),
);

scopes('scoped refuses an async work function, whose later calls would escape its scopes', () =>
  withGpu(async ({ gpu }) => {
    await expectError(() => scoped(gpu.device, 'late', async () => gpu.device.createBuffer(VALID_BUFFER)), InputError, 'late', 'synchronous');
  }),
);
scopes.run();
