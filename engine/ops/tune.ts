// The autotuner: times each tile config of a kernel on this adapter for a shape class, the first time
// that class is needed, and caches the winner in a store keyed by the adapter. Browser-safe: the store
// is injected (MemoryTuneStore here; the Node file store is harness/gemm/tune_store.ts).
//
// Shape class: the kernel, the transpose flags, ceil(log2) buckets of M, N and K (a bucket is named by
// its upper bound: 100 -> m128, 784 and 1024 -> k1024) and whether vec4 loads apply (they pick another
// pipeline). Shapes above the kernel's timing budget are timed at a stand-in of the same class
// alignment with M and N halved until the budget fits (shrinkShape), so tuning stays quick.
import type { AdapterSummary } from '../device.js';
import { HarmoniumError, InputError } from '../errors.js';
import { KernelGraph, Scheduler } from '../graph.js';
import type { OpContext, TileConfig } from './common.js';
import { timeRuns } from '../timing.js';

/** A product's dimensions: op(A) is M x K, op(B) is K x N. */
export interface TuneShape {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
}

/** What the tuner needs to know of a kernel; gemm.ts and xnor.ts register theirs. */
export interface Tunable {
  readonly kernel: string;
  /** The candidates, the deterministic default first. */
  readonly configs: readonly TileConfig[];
  /** Operations of one dispatch (FLOPs, binary ops), for the timing budget. */
  ops(shape: TuneShape): number;
  /** The most operations one timed dispatch should take; larger shapes are timed scaled down. */
  readonly budget: number;
  /** The part of the class key beyond the log2 buckets: transposes and vec4 alignment. */
  layout(shape: TuneShape): string;
  /** Allocates zeroed operands for `shape`, adds one dispatch with `config`; returns what frees them. */
  build(graph: KernelGraph, ctx: OpContext, shape: TuneShape, config: TileConfig): Promise<() => void>;
}

const TUNABLES = new Map<string, Tunable>();

/** Makes a kernel tunable (called once by its op module). */
export function registerTunable(t: Tunable): void {
  TUNABLES.set(t.kernel, t);
}

/** A registered kernel; an InputError lists the known ones. */
export function tunable(kernel: string): Tunable {
  const t = TUNABLES.get(kernel);
  if (!t) throw new InputError(`tune: unknown kernel '${kernel}'; known: ${[...TUNABLES.keys()].join(', ') || 'none (import engine/ops/gemm.js or xnor.js)'}`);
  return t;
}

export const tunableKernels = (): string[] => [...TUNABLES.keys()];

/** ceil(log2 x) as the bucket's upper bound: 1 -> 1, 100 -> 128, 784 -> 1024, 1024 -> 1024. */
export const bucket = (x: number): number => 2 ** Math.ceil(Math.log2(x));

/** The cache key of a shape for `kernel`, e.g. 'gemm_f32:m128.n1024.k512:NN.vec4AB'. */
export function shapeClass(t: Tunable, shape: TuneShape): string {
  return `${t.kernel}:m${bucket(shape.m)}.n${bucket(shape.n)}.k${bucket(shape.k)}:${t.layout(shape)}`;
}

/** The cache key of an adapter: vendor/architecture/description. */
export function adapterKey(a: Pick<AdapterSummary, 'vendor' | 'architecture' | 'description'>): string {
  return `${a.vendor}/${a.architecture}/${a.description}`;
}

/** Halves d keeping whether it is a multiple of 4 (vec4 loads depend on it). */
function halve(d: number): number {
  let h = Math.ceil(d / 2);
  if (d % 4 === 0) h = Math.ceil(h / 4) * 4;
  else if (h % 4 === 0) h += 1;
  return h;
}

/** The shape actually timed: M and N halved (larger first) until one dispatch fits the budget. */
export function shrinkShape(t: Tunable, shape: TuneShape): TuneShape {
  const s = { ...shape };
  while (t.ops(s) > t.budget && Math.max(s.m, s.n) > 64) {
    if (s.m >= s.n) s.m = halve(s.m);
    else s.n = halve(s.n);
  }
  return s;
}

export const shapeName = (s: TuneShape): string => `${s.m}x${s.n}x${s.k}`;

// ---------------------------------------------------------------------------------------------
// The cache: { version, adapters: { [adapterKey]: { adapter, entries: { [shapeClass]: entry } } } }.

export interface TuneEntry {
  /** The winning config's name. */
  config: string;
  /** The shape that was timed (MxNxK). */
  shape: string;
  /** Median ms per dispatch of each candidate; null where it failed. */
  ms: Record<string, number | null>;
  date: string;
}

export interface TuneCache {
  version: 1;
  adapters: Record<string, { adapter: { vendor: string; architecture: string; description: string }; entries: Record<string, TuneEntry> }>;
}

/** Where tuned choices live between runs. `where` names it in messages (a file path, 'memory'). */
export interface TuneStore {
  readonly where: string;
  /** The whole cache, or null when there is none yet. */
  load(): Promise<TuneCache | null>;
  save(cache: TuneCache): Promise<void>;
}

/** A store that lasts as long as the page or process. */
export class MemoryTuneStore implements TuneStore {
  readonly where = 'memory';
  constructor(private cache: TuneCache | null = null) {}
  async load(): Promise<TuneCache | null> {
    return this.cache && structuredClone(this.cache);
  }
  async save(cache: TuneCache): Promise<void> {
    this.cache = structuredClone(cache);
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Parses and checks a cache's text; an InputError names `where` and what is wrong. Entries are
 * checked for shape only: a config name the kernel no longer has is ignored when looked up.
 */
export function parseTuneCache(text: string, where: string): TuneCache {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`tune cache ${where} is not valid JSON (${(e as Error).message})`);
  }
  const bad = (what: string) => new InputError(`tune cache ${where}: ${what}`);
  if (!isObject(data)) throw bad('expected a JSON object');
  if (data.version !== 1) throw bad(`unknown version ${JSON.stringify(data.version)} (this harmonium writes version 1)`);
  if (!isObject(data.adapters)) throw bad("'adapters' must be an object");
  for (const [key, record] of Object.entries(data.adapters)) {
    if (!isObject(record) || !isObject(record.adapter) || !isObject(record.entries)) throw bad(`adapter '${key}' needs 'adapter' and 'entries' objects`);
    for (const [cls, entry] of Object.entries(record.entries)) {
      if (!isObject(entry) || typeof entry.config !== 'string' || typeof entry.shape !== 'string' || !isObject(entry.ms)) {
        throw bad(`entry '${cls}' of adapter '${key}' needs 'config', 'shape' and 'ms'`);
      }
    }
  }
  return data as unknown as TuneCache;
}

// ---------------------------------------------------------------------------------------------

export interface TunerOptions {
  /** Default: a MemoryTuneStore. */
  store?: TuneStore;
  /** false: never time, always the config list's default (deterministic). Default true. */
  timing?: boolean;
  /** Timed repetitions per candidate (default 3); the median counts. */
  reps?: number;
  /** Each timed repetition runs enough dispatches to take about this long (default 30 ms). */
  targetMs?: number;
  /** Progress lines (candidate timings); default silent. */
  log?: (line: string) => void;
}

export interface TuneCandidate {
  config: string;
  /** Median ms per dispatch; null when the candidate failed or was not timed. */
  ms: number | null;
  error?: string;
}

export interface TuneResult {
  kernel: string;
  adapter: string;
  shapeClass: string;
  /** The shape that was timed (MxNxK); '' for the fallback. */
  timedShape: string;
  /** 'cache': found in the store; 'timed': timed now; 'fallback': the default, untimed. */
  source: 'cache' | 'timed' | 'fallback';
  choice: string;
  candidates: TuneCandidate[];
  /** Why the fallback was taken. */
  reason?: string;
}

/** An op context; a scheduler, when present, is reused for timing. */
export type TuneContext = OpContext & { scheduler?: Scheduler };

/**
 * Picks tile configs by timing them once per adapter and shape class.
 *
 *   const tuner = new Tuner({ store: new FileTuneStore(path) });     // harness/gemm/tune_store.ts in Node
 *   await addGemm(graph, ctx, { a, b, c, m, n, k, config: tuner });  // or config: 'auto' (defaultTuner)
 */
export class Tuner {
  readonly store: TuneStore;
  private readonly known = new Map<string, Promise<TuneResult>>();

  constructor(readonly options: TunerOptions = {}) {
    this.store = options.store ?? new MemoryTuneStore();
  }

  /** The config for `shape`: from the store, else timed now (and stored), else the default. */
  async choose(ctx: TuneContext, kernel: string, shape: TuneShape): Promise<TileConfig> {
    const t = tunable(kernel);
    const result = await this.lookup(ctx, kernel, shape);
    return t.configs.find((c) => c.name === result.choice) ?? t.configs[0];
  }

  /** What choose() decides, with the candidates' timings. Concurrent calls for one class share the work. */
  lookup(ctx: TuneContext, kernel: string, shape: TuneShape): Promise<TuneResult> {
    const t = tunable(kernel);
    const key = `${adapterKey(ctx.gpu.adapter)}|${shapeClass(t, shape)}`;
    let pending = this.known.get(key);
    if (!pending) {
      pending = this.resolve(ctx, t, shape);
      this.known.set(key, pending);
      pending.catch(() => this.known.delete(key));
    }
    return pending;
  }

  /** Times every candidate now, whatever the store holds, and stores the winner. */
  async tune(ctx: TuneContext, kernel: string, shape: TuneShape): Promise<TuneResult> {
    const t = tunable(kernel);
    const result = this.options.timing === false ? this.fallback(ctx, t, shape, 'timing is disabled') : await this.time(ctx, t, shape);
    this.known.set(`${adapterKey(ctx.gpu.adapter)}|${result.shapeClass}`, Promise.resolve(result));
    return result;
  }

  private async resolve(ctx: TuneContext, t: Tunable, shape: TuneShape): Promise<TuneResult> {
    if (this.options.timing === false) return this.fallback(ctx, t, shape, 'timing is disabled');
    const cls = shapeClass(t, shape);
    const entry = (await this.store.load())?.adapters[adapterKey(ctx.gpu.adapter)]?.entries[cls];
    if (entry && t.configs.some((c) => c.name === entry.config)) {
      const candidates = t.configs.map((c) => ({ config: c.name, ms: entry.ms[c.name] ?? null }));
      return { kernel: t.kernel, adapter: adapterKey(ctx.gpu.adapter), shapeClass: cls, timedShape: entry.shape, source: 'cache', choice: entry.config, candidates };
    }
    return this.time(ctx, t, shape);
  }

  private fallback(ctx: TuneContext, t: Tunable, shape: TuneShape, reason: string, candidates?: TuneCandidate[]): TuneResult {
    return {
      kernel: t.kernel,
      adapter: adapterKey(ctx.gpu.adapter),
      shapeClass: shapeClass(t, shape),
      timedShape: '',
      source: 'fallback',
      choice: t.configs[0].name,
      candidates: candidates ?? t.configs.map((c) => ({ config: c.name, ms: null })),
      reason,
    };
  }

  private async time(ctx: TuneContext, t: Tunable, shape: TuneShape): Promise<TuneResult> {
    const timed = shrinkShape(t, shape);
    const scheduler = ctx.scheduler ?? new Scheduler(ctx.gpu, ctx.pool);
    const candidates: TuneCandidate[] = [];
    for (const config of t.configs) {
      try {
        const ms = await this.timeOne(ctx, scheduler, t, timed, config);
        candidates.push({ config: config.name, ms });
        this.options.log?.(`tune ${t.kernel} ${shapeName(timed)} ${config.name}: ${ms.toFixed(3)} ms`);
      } catch (e) {
        // A config the device cannot run (workgroup limits) is no candidate; anything else is a real failure.
        if (!(e instanceof HarmoniumError)) throw e;
        candidates.push({ config: config.name, ms: null, error: e.message });
        this.options.log?.(`tune ${t.kernel} ${config.name}: ${e.message}`);
      }
    }
    const best = candidates.filter((c) => c.ms !== null).sort((x, y) => x.ms! - y.ms!)[0];
    if (!best) return this.fallback(ctx, t, shape, 'no candidate could be timed', candidates);
    const result: TuneResult = {
      kernel: t.kernel,
      adapter: adapterKey(ctx.gpu.adapter),
      shapeClass: shapeClass(t, shape),
      timedShape: shapeName(timed),
      source: 'timed',
      choice: best.config,
      candidates,
    };
    await this.remember(ctx, result);
    return result;
  }

  /** Median ms per dispatch: one warm-up (compiles), one probe, then `reps` runs of enough dispatches. */
  private async timeOne(ctx: TuneContext, scheduler: Scheduler, t: Tunable, shape: TuneShape, config: TileConfig): Promise<number> {
    const graph = new KernelGraph(`tune ${t.kernel} ${config.name}`);
    const release = await t.build(graph, ctx, shape, config);
    try {
      await scheduler.run(graph);
      const probe = (await scheduler.run(graph)).wallMs;
      const repeat = Math.max(1, Math.min(100, Math.round((this.options.targetMs ?? 30) / Math.max(probe, 0.01))));
      const timing = await timeRuns(async () => (await scheduler.run(graph, { repeat })).wallMs / repeat, { warmup: 0, reps: this.options.reps ?? 3 });
      return timing.median_ms;
    } finally {
      release();
    }
  }

  /** Read-modify-write, so that entries other processes stored meanwhile are kept. */
  private async remember(ctx: TuneContext, result: TuneResult): Promise<void> {
    const cache: TuneCache = (await this.store.load()) ?? { version: 1, adapters: {} };
    const key = adapterKey(ctx.gpu.adapter);
    const { vendor, architecture, description } = ctx.gpu.adapter;
    const record = (cache.adapters[key] ??= { adapter: { vendor, architecture, description }, entries: {} });
    record.entries[result.shapeClass] = {
      config: result.choice,
      shape: result.timedShape,
      ms: Object.fromEntries(result.candidates.map((c) => [c.config, c.ms])),
      date: new Date().toISOString(),
    };
    await this.store.save(cache);
  }
}

let sharedTuner: Tuner | null = null;

/** The tuner behind `config: 'auto'`: a memory store unless the host installed another (setDefaultTuner). */
export function defaultTuner(): Tuner {
  sharedTuner ??= new Tuner();
  return sharedTuner;
}

/** Installs the tuner `config: 'auto'` uses, e.g. one with a file store in Node (harness/gemm/tune_store.ts). */
export function setDefaultTuner(tuner: Tuner | null): void {
  sharedTuner = tuner;
}

/**
 * An op's `config` option as a TileConfig or name: 'auto' asks the default tuner, a Tuner asks that
 * tuner, anything else is passed through for resolveConfig to check.
 */
export async function tunedConfig(
  ctx: TuneContext,
  kernel: string,
  config: TileConfig | string | Tuner | undefined,
  shape: TuneShape,
): Promise<TileConfig | string | undefined> {
  if (config === 'auto') return defaultTuner().choose(ctx, kernel, shape);
  if (config instanceof Tuner) return config.choose(ctx, kernel, shape);
  return config;
}
