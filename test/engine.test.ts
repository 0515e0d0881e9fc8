import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  defineKernel, KernelGraph, LimitError, ValidationError, InputError, DeviceLostError, Gpu, type ShaderLibrary,
} from '../engine/index.js';
import { cachedKernel } from '../engine/kernel.js';
import { resolveIncludes, shaderText } from '../engine/shaders.js';
import { computeEntries, reflectKernel } from '../engine/reflect.js';
import { builtinReflection, hash } from '../engine/reflections.js';
import { library } from '../engine/library.js';
import { expectError } from './expect.js';
import { withGpu, readU32 } from './gpu.js';

// Small kernels kept inline, as the tests exercise them.
const LIB: ShaderLibrary = {
  'lib.wgsl': 'fn twice(x: u32) -> u32 { return 2u * x; }',
  'mid.wgsl': '#include "lib.wgsl"\nfn four(x: u32) -> u32 { return twice(twice(x)); }',
  // Writes iteration.index * 4 + 1 into out[iteration.index - base] (one invocation).
  'stamp.wgsl': `#include "mid.wgsl"
#include "lib.wgsl"
struct Iteration { index: u32 }
struct Params { base: u32, pad: u32 }
@group(0) @binding(0) var<uniform> iteration: Iteration;
@group(0) @binding(1) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read> unused: array<u32>;
override WG: u32 = 1;
@compute @workgroup_size(WG) fn main() { out[iteration.index - params.base] = four(iteration.index) + 1u; }`,
  'broken.wgsl': '@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }',
};

const host = suite('shader library and reflection (no GPU)');

host('includes expand recursively, each file once, loading files that load on demand', async () => {
  const src = await resolveIncludes('stamp.wgsl', { ...LIB, 'lib.wgsl': async () => LIB['lib.wgsl'] as string });
  assert.is(src.split('fn twice').length - 1, 1, 'twice defined once');
  assert.ok(src.includes('fn four'));
  assert.ok(src.includes('(lib.wgsl already included)'));
  await expectError(() => resolveIncludes('nope.wgsl', LIB), InputError, "'nope.wgsl' is not in the shader library");
});

host('reflection lists the bindings the entry point uses, with kinds and minimum sizes', async () => {
  const r = reflectKernel(await resolveIncludes('stamp.wgsl', LIB), 'main');
  assert.equal(
    r.bindings.map((b) => [b.name, b.binding, b.kind, b.minBytes]),
    [['iteration', 0, 'uniform', 4], ['params', 1, 'uniform', 8], ['out', 2, 'storage', 4]],
  );
  assert.ok(r.declared.includes('unused'), 'declared but unused binding is known');
  assert.equal(r.overrides, ['WG']);
  const stamp = await resolveIncludes('stamp.wgsl', LIB);
  assert.throws(() => reflectKernel(stamp, 'other'), /no @compute entry point 'other'/);
});

host('the built-in kernels were reflected at build time, exactly as the parser reflects them now', async () => {
  let entries = 0;
  for (const file of Object.keys(library)) {
    const source = await resolveIncludes(file, library);
    for (const entry of computeEntries(source)) {
      assert.equal(builtinReflection(file, entry), { reflection: reflectKernel(source, entry), sourceHash: hash(source) }, `${file} ${entry}`);
      entries++;
    }
  }
  assert.ok(entries >= 18, `${entries} entry points`);
  // cachedKernel needs no parser for them; a kernel of one's own, before the parser is loaded, is refused.
  assert.is(cachedKernel(library, { name: 'rng_fill', file: 'rng_fill.wgsl', overrides: { WG: 64 } }).reflection.bindings.length, 2);
  assert.throws(() => cachedKernel(LIB, { name: 'stamp', file: 'stamp.wgsl' }), /stamp: stamp.wgsl \(entry 'main'\) is not a built-in kernel; define it with `await defineKernel/);
  // A library that replaces a built-in file under a built-in kernel: refused when its source is loaded.
  const replaced = cachedKernel({ ...library, 'rng.wgsl': (await shaderText('rng.wgsl', library)).replace('fn ', 'fn  ') }, { name: 'rng_fill', file: 'rng_fill.wgsl', overrides: { WG: 64 } });
  await expectError(() => replaced.source(), ValidationError, 'rng_fill.wgsl differs from the built-in file reflected at build time');
});


host('unknown override constants are refused, naming the kernel', async () => {
  await expectError(() => defineKernel(LIB, { name: 'stamp', file: 'stamp.wgsl', overrides: { TILE: 4 } }), InputError, "stamp: 'TILE' is not an override");
});
host.run();

const gpu = suite('engine on the GPU');

gpu('the scheduler passes the iteration index across chunks of a long run', () =>
  withGpu(async ({ pool, scheduler }) => {
    const kernel = await defineKernel(LIB, { name: 'stamp', file: 'stamp.wgsl' });
    const repeat = 600; // more than one 256-repetition chunk
    const base = 1000;
    const params = await pool.uniform('params', Uint32Array.of(base, 0));
    const out = await pool.tensor('out', 'u32', [repeat]);
    await scheduler.run(new KernelGraph('stamp').add(kernel, { params, out }, [1]), { repeat, firstIteration: base });
    const got = await readU32(out);
    for (let i = 0; i < repeat; i++) assert.is(got[i], 4 * (base + i) + 1, `slot ${i}`);
  }),
);

gpu('profiling times every kernel of a two-node graph and keeps the iteration values right', () =>
  withGpu(async ({ gpu, pool, scheduler }) => {
    assert.ok(gpu.hasTimestamps, 'SwiftShader and every adapter we test on have timestamp-query');
    const first = await defineKernel(LIB, { name: 'stamp-a', file: 'stamp.wgsl' });
    const second = await defineKernel(LIB, { name: 'stamp-b', file: 'stamp.wgsl' });
    const params = await pool.uniform('params', Uint32Array.of(0, 0));
    const outA = await pool.tensor('a', 'u32', [8]);
    const outB = await pool.tensor('b', 'u32', [8]);
    const g = new KernelGraph('two').add(first, { params, out: outA }, [1]).add(second, { params, out: outB }, [1]);
    const stats = await scheduler.run(g, { repeat: 8, profile: true });
    assert.is(stats.dispatches, 16);
    assert.equal(Object.keys(stats.perKernelMs ?? {}).sort(), ['stamp-a', 'stamp-b']);
    assert.ok((stats.gpuMs ?? 0) > 0, `gpu time ${stats.gpuMs}`);
    // One pass per dispatch when profiling: the iteration offsets must still be right.
    for (const out of [outA, outB]) assert.equal([...(await readU32(out))], [1, 5, 9, 13, 17, 21, 25, 29]);
  }),
);

gpu('runs on one scheduler are queued: two started together both see their own iterations', () =>
  withGpu(async ({ pool, scheduler }) => {
    const kernel = await defineKernel(LIB, { name: 'stamp', file: 'stamp.wgsl' });
    const params = await pool.uniform('params', Uint32Array.of(100, 0));
    const outA = await pool.tensor('a', 'u32', [300]);
    const outB = await pool.tensor('b', 'u32', [300]);
    await Promise.all([
      scheduler.run(new KernelGraph('a').add(kernel, { params, out: outA }, [1]), { repeat: 300, firstIteration: 100 }),
      scheduler.run(new KernelGraph('b').add(kernel, { params, out: outB }, [1]), { repeat: 300, firstIteration: 100 }),
    ]);
    const want = Array.from({ length: 300 }, (_, i) => 4 * (100 + i) + 1);
    assert.equal([...(await readU32(outA))], want);
    assert.equal([...(await readU32(outB))], want);
    try {
      await scheduler.run(new KernelGraph('c').add(kernel, { params, out: outA }, [1]), { repeat: 1.5 });
      assert.unreachable('ran');
    } catch (e) {
      assert.match((e as Error).message, /repeat must be a non-negative integer, got 1.5/);
    }
  }),
);

gpu('a released tensor cannot be released again or used', () =>
  withGpu(async ({ pool }) => {
    const t = await pool.tensor('t', 'u32', [4]);
    t.release();
    assert.throws(() => t.release(), /t: released twice/);
    try {
      await t.read();
      assert.unreachable('read');
    } catch (e) {
      assert.match((e as Error).message, /t: read after release\(\)/);
    }
    const u = await pool.tensor('u', 'u32', [4]);
    try {
      await u.write(new Uint32Array(5));
      assert.unreachable('wrote');
    } catch (e) {
      assert.match((e as Error).message, /u: writing 20 bytes at offset 0 overruns its 16 bytes/);
    }
  }),
);

gpu('bindings are checked against reflection: missing, unknown, too small, wrong use', () =>
  withGpu(async ({ pool }) => {
    const kernel = await defineKernel(LIB, { name: 'stamp', file: 'stamp.wgsl' });
    const params = await pool.uniform('params', Uint32Array.of(0, 0));
    const small = await pool.uniform('tiny', Uint32Array.of(0));
    const out = await pool.tensor('out', 'u32', [4]);
    const g = new KernelGraph('g');
    const fails = (bindings: Record<string, typeof out>, pattern: RegExp) =>
      assert.throws(() => g.add(kernel, bindings, [1]), (e: Error) => e instanceof ValidationError && pattern.test(e.message), pattern.source);
    fails({ params }, /stamp: binding 'out' is missing/);
    fails({ params, out, extra: out }, /stamp: 'extra' is not a binding/);
    fails({ params: small, out }, /stamp: binding 'params' needs at least 8 bytes; tensor 'tiny' has 4/);
    fails({ params: out, out }, /binding 'params' is a uniform buffer; tensor 'out' was made for storage/);
  }),
);

gpu('WGSL errors become a ValidationError naming the kernel', () =>
  withGpu(async ({ gpu }) => {
    const kernel = await defineKernel(LIB, { name: 'broken-kernel', file: 'broken.wgsl' });
    try {
      await kernel.compile(gpu);
      assert.unreachable('compiled');
    } catch (e) {
      assert.instance(e, ValidationError);
      assert.match((e as Error).message, /broken-kernel: WGSL compilation failed/, (e as Error).message);
    }
  }),
);

gpu('the buffer pool checks device limits, reuses released buffers and counts live bytes', () =>
  withGpu(async ({ gpu, pool }) => {
    // A storage tensor may exceed the binding limit (it is bound in views), not maxBufferSize.
    const limit = gpu.limits.maxBufferSize;
    try {
      await pool.tensor('huge', 'f32', [limit / 4 + 1]);
      assert.unreachable('allocated');
    } catch (e) {
      assert.instance(e, LimitError);
      assert.match((e as Error).message, /huge: .* exceeds the device's maxBufferSize/);
    }
    try {
      await pool.tensor('bad', 'f32', [0]);
      assert.unreachable('allocated');
    } catch (e) {
      assert.instance(e, InputError);
    }
    const a = await pool.tensor('a', 'u32', [1000], { data: new Uint32Array(1000).fill(7) });
    assert.is(pool.liveBytes, 4096); // 4000 bytes rounded up to 256
    const buffer = a.buffer;
    a.release();
    assert.is(pool.liveBytes, 0);
    const b = await pool.tensor('b', 'u32', [1010]);
    assert.is(b.buffer, buffer, 'same size class reuses the buffer');
    assert.ok((await readU32(b)).every((v) => v === 0), 'a reused storage tensor starts zeroed');
  }),
);

gpu('a dispatch beyond maxComputeWorkgroupsPerDimension is a LimitError naming the kernel', () =>
  withGpu(async ({ gpu, pool, scheduler }) => {
    const kernel = await defineKernel(LIB, { name: 'stamp', file: 'stamp.wgsl' });
    const params = await pool.uniform('params', Uint32Array.of(0, 0));
    const out = await pool.tensor('out', 'u32', [4]);
    const g = new KernelGraph('g').add(kernel, { params, out }, [gpu.limits.maxComputeWorkgroupsPerDimension + 1]);
    try {
      await scheduler.run(g);
      assert.unreachable('ran');
    } catch (e) {
      assert.instance(e, LimitError);
      assert.match((e as Error).message, /stamp: dispatch of \d+ workgroups along axis 0 exceeds maxComputeWorkgroupsPerDimension/);
    }
  }),
);
gpu('a lost device rejects gpu.lost with a DeviceLostError that callers can catch', async () => {
  const own = await Gpu.open();
  own.device.destroy(); // what a driver reset looks like to the engine
  try {
    await own.lost;
    assert.unreachable('lost resolved');
  } catch (e) {
    assert.instance(e, DeviceLostError);
    assert.match((e as Error).message, /WebGPU device lost \(destroyed\)/);
  }
  own.close();
});
gpu.run();
