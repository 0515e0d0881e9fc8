import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarmoniumError, InputError, KernelGraph, LimitError, type Scheduler } from '../engine/index.js';
import { addGemm, GEMM_F32_CONFIGS } from '../engine/ops/gemm.js';
import { XNOR_CONFIGS } from '../engine/ops/xnor.js';
import {
  adapterKey,
  bucket,
  MemoryTuneStore,
  registerTunable,
  setDefaultTuner,
  shapeClass,
  shrinkShape,
  tunable,
  Tuner,
  type TuneCache,
  type TuneContext,
} from '../engine/ops/tune.js';
import type { TileConfig } from '../engine/ops/common.js';
import { defaultTuneCachePath, FileTuneStore } from '../harness/gemm/tune_store.js';
import { tuneCommand } from '../harness/gemm/tune.js';
import { gemmReference } from '../harness/reference/gemm.js';
import { validateClose } from '../harness/bench/validate.js';
import { withGpu, readF32 } from './gpu.js';

const ADAPTER = { vendor: 'acme', architecture: 'rdna9', description: 'Acme 9000', runtime: 'node' as const };
const KEY = 'acme/rdna9/Acme 9000';

// A kernel that never touches a GPU: the fake scheduler below reports each config's time from
// this table (ms per dispatch), and 'broken' fails the way a config over the device limits does.
const FAKE_CONFIGS: TileConfig[] = [
  { name: 'default', tm: 8, tn: 8, wgX: 4, wgY: 1 },
  { name: 'fast', tm: 8, tn: 8, wgX: 8, wgY: 8 },
  { name: 'broken', tm: 4, tn: 4, wgX: 64, wgY: 64 },
];
const FAKE_MS: Record<string, number> = { default: 3, fast: 1 };
let built: string[] = [];
registerTunable({
  kernel: 'fake',
  configs: FAKE_CONFIGS,
  ops: (s) => 2 * s.m * s.n * s.k,
  budget: 2 ** 20,
  layout: (s) => (s.k % 4 === 0 ? 'vec4' : 'scalar'),
  async build(_graph, _ctx, _shape, config) {
    if (config.name === 'broken') throw new LimitError(`fake: tile config '${config.name}' is over the workgroup limits`);
    built.push(config.name);
    // Nothing is added: the tuner names the graph 'tune fake <config>' and the fake scheduler reads that.
    return () => undefined;
  },
});
const fakeScheduler = {
  async run(graph: KernelGraph, o: { repeat?: number } = {}) {
    return { wallMs: FAKE_MS[graph.name.split(' ').pop()!] * (o.repeat ?? 1) };
  },
} as unknown as Scheduler;
const fakeCtx = { gpu: { adapter: ADAPTER }, pool: {}, scheduler: fakeScheduler } as unknown as TuneContext;

const host = suite('tune: keys, cache, fallback (no GPU)');

host('shape classes: ceil(log2) buckets by upper bound, transposes, vec4 alignment', () => {
  assert.equal([1, 2, 3, 100, 128, 129, 784, 1024].map(bucket), [1, 2, 4, 128, 128, 256, 1024, 1024]);
  const gemm = tunable('gemm_f32');
  assert.is(shapeClass(gemm, { m: 100, n: 784, k: 500 }), 'gemm_f32:m128.n1024.k512:NN.vec4AB');
  // 100 x 500 x 784 NT: op(B) is N x K stored, contiguous along K = 784.
  assert.is(shapeClass(gemm, { m: 100, n: 500, k: 784, transB: true }), 'gemm_f32:m128.n512.k1024:NT.vec4AB');
  // Unaligned K and N: scalar loads, another pipeline, another class than its aligned neighbour.
  assert.is(shapeClass(gemm, { m: 17, n: 33, k: 65 }), 'gemm_f32:m32.n64.k128:NN.scalar');
  assert.is(shapeClass(gemm, { m: 17, n: 33, k: 64 }), 'gemm_f32:m32.n64.k64:NN.vec4A');
  assert.is(shapeClass(gemm, { m: 784, n: 100, k: 500, transA: true }), 'gemm_f32:m1024.n128.k512:TN.vec4AB');
  // XNOR: vec4 when ceil(K / 32) is a multiple of 4 (K = 128 -> 4 words; K = 100 -> 4 words; 784 -> 25).
  const xnor = tunable('xnor_gemm');
  assert.is(shapeClass(xnor, { m: 1024, n: 1024, k: 1024 }), 'xnor_gemm:m1024.n1024.k1024:NT.vec4');
  assert.is(shapeClass(xnor, { m: 100, n: 500, k: 784 }), 'xnor_gemm:m128.n512.k1024:NT.scalar');
  assert.is(adapterKey(ADAPTER), KEY);
  assert.throws(() => tunable('nope'), (e: Error) => e instanceof InputError && e.message.includes('gemm_f32'));
});

host('large shapes are timed at a stand-in within the budget, alignment kept', () => {
  const gemm = tunable('gemm_f32');
  const s = shrinkShape(gemm, { m: 2048, n: 2048, k: 2048 });
  // 2 * 256 * 256 * 2048 = 2^28 flops, the gemm budget.
  assert.equal([s.m, s.n, s.k], [256, 256, 2048]);
  const odd = shrinkShape(gemm, { m: 4001, n: 3999, k: 1000 });
  assert.ok(gemm.ops(odd) <= gemm.budget && odd.m % 4 !== 0 && odd.n % 4 !== 0, JSON.stringify(odd));
  assert.equal(shrinkShape(gemm, { m: 100, n: 784, k: 500 }), { m: 100, n: 784, k: 500 });
});

host('timing off: the config list default, deterministic, nothing stored', async () => {
  const store = new MemoryTuneStore();
  const tuner = new Tuner({ store, timing: false });
  const r = await tuner.lookup(fakeCtx, 'fake', { m: 64, n: 64, k: 64 });
  assert.is(r.source, 'fallback');
  assert.is(r.choice, 'default');
  assert.is((await tuner.choose(fakeCtx, 'fake', { m: 64, n: 64, k: 64 })).name, 'default');
  assert.is(await store.load(), null);
});

host('timed: the fastest candidate wins, a failing one is recorded, the choice is stored and reused', async () => {
  built = [];
  const store = new MemoryTuneStore();
  const r = await new Tuner({ store, reps: 1 }).lookup(fakeCtx, 'fake', { m: 64, n: 64, k: 64 });
  assert.is(r.source, 'timed');
  assert.is(r.choice, 'fast');
  assert.equal(r.candidates.map((c) => c.ms), [3, 1, null]);
  assert.ok(r.candidates[2].error?.includes('workgroup limits'));
  const cache = (await store.load())!;
  assert.is(cache.adapters[KEY].entries['fake:m64.n64.k64:vec4'].config, 'fast');
  // Another tuner on the same store (another process, say) reads it back without timing.
  built = [];
  const again = await new Tuner({ store }).lookup(fakeCtx, 'fake', { m: 40, n: 50, k: 36 });
  assert.is(again.source, 'cache');
  assert.is(again.choice, 'fast');
  assert.equal(built, []);
  // Another class (unaligned K) is timed afresh and stored beside the first.
  await new Tuner({ store, reps: 1 }).lookup(fakeCtx, 'fake', { m: 64, n: 64, k: 63 });
  assert.equal(Object.keys((await store.load())!.adapters[KEY].entries).sort(), ['fake:m64.n64.k64:scalar', 'fake:m64.n64.k64:vec4']);
});

host('a cached choice the kernel no longer has is ignored and re-timed; another adapter is another key', async () => {
  const stale: TuneCache = {
    version: 1,
    adapters: { [KEY]: { adapter: ADAPTER, entries: { 'fake:m64.n64.k64:vec4': { config: 'gone', shape: '64x64x64', ms: {}, date: '' } } } },
  };
  const r = await new Tuner({ store: new MemoryTuneStore(stale), reps: 1 }).lookup(fakeCtx, 'fake', { m: 64, n: 64, k: 64 });
  assert.is(r.source, 'timed');
  assert.is(r.choice, 'fast');
  const other = { ...fakeCtx, gpu: { adapter: { ...ADAPTER, description: 'Acme 9001' } } } as unknown as TuneContext;
  const cached: TuneCache = {
    version: 1,
    adapters: { [KEY]: { adapter: ADAPTER, entries: { 'fake:m64.n64.k64:vec4': { config: 'default', shape: '64x64x64', ms: {}, date: '' } } } },
  };
  assert.is((await new Tuner({ store: new MemoryTuneStore(cached) }).lookup(fakeCtx, 'fake', { m: 64, n: 64, k: 64 })).source, 'cache');
  assert.is((await new Tuner({ store: new MemoryTuneStore(cached), reps: 1 }).lookup(other, 'fake', { m: 64, n: 64, k: 64 })).source, 'timed');
});

host('every candidate failing gives the default, with the reason', async () => {
  const broken = { ...fakeCtx, scheduler: { run: async () => { throw new HarmoniumError('device says no'); } } } as unknown as TuneContext;
  const r = await new Tuner({ reps: 1 }).lookup(broken, 'fake', { m: 1, n: 1, k: 1 });
  assert.is(r.source, 'fallback');
  assert.is(r.choice, 'default');
  assert.ok(r.reason?.includes('no candidate'));
  assert.ok(r.candidates.every((c) => c.ms === null && c.error));
});

host('file store: default path from the environment; missing file; corrupt file warned about, ignored, then rewritten', async () => {
  assert.is(defaultTuneCachePath({ HARMONIUM_TUNE_CACHE: '/x/t.json', XDG_CACHE_HOME: '/c' }, '/h'), '/x/t.json');
  assert.is(defaultTuneCachePath({ XDG_CACHE_HOME: '/c' }, '/h'), '/c/harmonium/tune.json');
  assert.is(defaultTuneCachePath({}, '/h'), '/h/.cache/harmonium/tune.json');
  const dir = mkdtempSync(join(tmpdir(), 'harmonium-tune-'));
  const path = join(dir, 'sub', 'tune.json');
  const warnings: string[] = [];
  const store = new FileTuneStore(path, (m) => warnings.push(m));
  assert.is(await store.load(), null);
  assert.equal(warnings, []);
  for (const corrupt of ['{"version": 1, "adapters": ', '{"version": 7, "adapters": {}}', '{"version": 1, "adapters": {"a": {"adapter": {}, "entries": {"c": {}}}}}']) {
    await store.save({ version: 1, adapters: {} });
    writeFileSync(path, corrupt);
    warnings.length = 0;
    assert.is(await store.load(), null, corrupt);
    assert.is(warnings.length, 1);
    assert.ok(warnings[0].includes(path), `'${warnings[0]}' names the file`);
  }
  // Tuning with a corrupt file goes on, and the next save replaces it with a valid cache.
  const r = await new Tuner({ store, reps: 1 }).lookup(fakeCtx, 'fake', { m: 8, n: 8, k: 8 });
  assert.is(r.choice, 'fast');
  const saved = JSON.parse(readFileSync(path, 'utf8')) as TuneCache;
  assert.is(saved.adapters[KEY].entries['fake:m8.n8.k8:vec4'].config, 'fast');
  assert.is((await new Tuner({ store }).lookup(fakeCtx, 'fake', { m: 8, n: 8, k: 8 })).source, 'cache');
});

host('harmonium tune: bad flags are InputErrors (exit 2) before any GPU work', async () => {
  const cases: Array<[string[], string]> = [
    [[], '--kernel is required'],
    [['--kernel', 'conv'], '--kernel must be one of'],
    [['--kernel', 'gemm_f32', '--m', '0'], "--m must be an integer >= 1, got '0'"],
    [['--kernel', 'gemm_f32', '--k', 'x'], '--k must be a finite number'],
    [['--kernel', 'gemm_f32', '--bogus'], 'bogus'],
    [['--kernel', 'xnor_gemm', '--trans-a'], 'gemm_f32 only'],
    [['--kernel', 'gemm_f32', '--cache', ''], '--cache'],
  ];
  for (const [argv, part] of cases) {
    try {
      await tuneCommand.main(argv);
      assert.unreachable(`no error for ${argv.join(' ')}`);
    } catch (e) {
      assert.instance(e, InputError, `${argv.join(' ')}: ${(e as Error).message}`);
      assert.is((e as InputError).exitCode, 2);
      assert.ok((e as Error).message.includes(part), `'${(e as Error).message}' should say ${part}`);
    }
  }
});
host.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('tune on the GPU');

gpu('tunes a tiny gemm_f32 and xnor_gemm shape: a candidate is chosen, stored, and reused by config: tuner and auto', () =>
  withGpu(async (ctx) => {
    const [m, n, k] = [16, 16, 16];
    const store = new MemoryTuneStore();
    const lines: string[] = [];
    const tuner = new Tuner({ store, reps: 1, targetMs: 2, log: (l) => lines.push(l) });
    const r = await tuner.lookup(ctx, 'gemm_f32', { m, n, k });
    assert.is(r.source, 'timed');
    assert.ok(GEMM_F32_CONFIGS.some((c) => c.name === r.choice), r.choice);
    assert.ok(r.candidates.every((c) => c.ms !== null && c.ms > 0), JSON.stringify(r.candidates));
    const entry = (await store.load())!.adapters[adapterKey(ctx.gpu.adapter)].entries[r.shapeClass];
    assert.is(entry.config, r.choice);
    const x = await tuner.lookup(ctx, 'xnor_gemm', { m, n, k: 128 });
    assert.ok(XNOR_CONFIGS.some((c) => c.name === x.choice), x.choice);
    const timedLines = lines.length;

    // Reused: through a second tuner on the same store, through config: tuner and config: 'auto'.
    assert.is((await new Tuner({ store }).lookup(ctx, 'gemm_f32', { m, n, k })).source, 'cache');
    const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 11) / 11 - 0.5);
    const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 13) / 13 - 0.5);
    const want = gemmReference(a, b, null, { m, n, k }).c;
    setDefaultTuner(tuner);
    try {
      for (const config of [tuner, 'auto'] as const) {
        const ta = await ctx.pool.tensor('A', 'f32', [m * k], { data: a });
        const tb = await ctx.pool.tensor('B', 'f32', [k * n], { data: b });
        const tc = await ctx.pool.tensor('C', 'f32', [m * n]);
        const graph = new KernelGraph('tuned gemm');
        const op = await addGemm(graph, ctx, { a: ta, b: tb, c: tc, m, n, k, config });
        const chosen = GEMM_F32_CONFIGS.find((c) => c.name === r.choice)!;
        assert.equal([op.kernel.override('TM'), op.kernel.override('TN'), op.kernel.override('WG_X'), op.kernel.override('WG_Y')], [chosen.tm, chosen.tn, chosen.wgX, chosen.wgY]);
        await ctx.scheduler.run(graph);
        const v = validateClose(`gemm_f32 config ${String(config === 'auto' ? 'auto' : 'tuner')}`, await readF32(tc), want, { atol: 1e-5, rtol: 1e-5 });
        assert.ok(v.ok, v.message);
        [ta, tb, tc, op].forEach((t) => t.release());
      }
    } finally {
      setDefaultTuner(null);
    }
    assert.is(lines.length, timedLines, 'nothing was timed again');
  }));
gpu.run();
