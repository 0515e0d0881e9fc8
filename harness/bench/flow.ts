// The flow of a benchmark that times our code against a peer (tfjs-backend-webgpu) on the same device in
// the same run: the adapter's measured limits, the peer loaded (or the reason it is not), then for each
// case a check before the first timed run (timeRuns' validate), a warm-up, the median and spread of the
// repetitions, and a row with the rate and the fraction of the measured FMA peak. A benchmark supplies
// its cases, its checks and its peer's model; the rows and the result's shape are this file's.
import { defineJob, type Job, type JobContext } from '../backends/context.js';
import type { Schema, Values } from '../cli/schema.js';
import { loadTfjs, tfjsStatus, type PeerState } from '../gemm/bench.js';
import type { TfjsPeer } from '../gemm/tfjs_peer.js';
import type { Json, JsonObject } from '../io/json.js';
import { boolean, text } from '../cli/schema.js';
import { measureLimits, type AdapterLimits } from './limits.js';
import { speedup, timeRuns, type Timing } from './timing.js';

/** The peer's flags: leave it out, or load it from elsewhere (a page loads it next to the runner). */
export const PEER_FLAGS = {
  'no-tfjs': boolean({ hidden: true, help: 'leave the tfjs peer out' }),
  'tfjs-url': text({ hidden: true, help: "where a page loads the tfjs peer from (default: next to the runner's bundle)" }),
} as const;

/** What a row measures: its own fields, and the units one timed run does and the FLOPs each takes. */
export interface Workload {
  /** How the log line names the case: 'CD-1 epoch 784-500'. */
  label: string;
  /** The row's fields that say what was timed (layers, hidden, what, ...). */
  fields: JsonObject;
  /** Units of work per timed run (examples of an epoch) and useful f32 operations per unit. */
  units: number;
  flopsPerUnit: number;
  /** The unit's name in the log line (default 'examples'). */
  unit?: string;
  /** The row's keys for the rate and the FLOPs per unit (default examples_per_s, flops_per_example). */
  keys?: { rate: string; flops: string };
}

/** Host time of one run to its readback, in ms. */
async function hostTime(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export class BenchRun {
  readonly rows: JsonObject[] = [];
  readonly checks: Json[] = [];

  private constructor(
    private readonly ctx: JobContext,
    readonly name: string,
    readonly reps: number,
    readonly limits: AdapterLimits,
    private readonly state: PeerState,
  ) {}

  /** Measures the adapter's limits and loads the peer (unless `no-tfjs`). */
  static async open(ctx: JobContext, name: string, p: { reps: number } & Values<typeof PEER_FLAGS>): Promise<BenchRun> {
    const limits = await measureLimits(ctx, { reps: p.reps });
    const state = p['no-tfjs'] ? { reason: 'tfjs disabled (no_tfjs: true)' } : await loadTfjs(ctx.gpu, p['tfjs-url']);
    return new BenchRun(ctx, name, p.reps, limits, state);
  }

  get peer(): TfjsPeer | null {
    return 'peer' in this.state ? this.state.peer : null;
  }

  /** A row of a timing, logged as a line. */
  row(impl: string, w: Workload, t: Timing): JsonObject {
    const perSecond = (1000 * w.units) / t.median_ms;
    const gflops = (w.flopsPerUnit * perSecond) / 1e9;
    const keys = w.keys ?? { rate: 'examples_per_s', flops: 'flops_per_example' };
    const fraction = gflops / this.limits.fma_gflops;
    this.ctx.onUnit?.(`${impl} ${w.label}: ${perSecond.toFixed(0)} ${w.unit ?? 'examples'}/s, ${gflops.toFixed(3)} GFLOP/s (${(100 * fraction).toFixed(1)}% of FMA peak)`);
    const row = { impl, ...w.fields, median_ms: t.median_ms, min_ms: t.min_ms, max_ms: t.max_ms, [keys.rate]: perSecond, [keys.flops]: w.flopsPerUnit, gflops, fraction_of_fma_peak: fraction };
    this.rows.push(row);
    return row;
  }

  /** Times `run` (a warm-up, then the repetitions; `validate` once before) and adds its row. */
  async time(impl: string, w: Workload, run: () => Promise<unknown>, o: { validate?: () => Promise<void>; reps?: number; warmup?: number } = {}): Promise<Timing> {
    const t = await timeRuns(() => hostTime(run), { reps: o.reps ?? this.reps, warmup: o.warmup ?? 1, validate: o.validate });
    this.row(impl, w, t);
    return t;
  }

  /** The peer's row for the same workload, with how many times faster ours ran; nothing without a peer. */
  async timePeer(w: Workload, ours: Timing, make: (peer: TfjsPeer) => { run(): Promise<unknown>; dispose(): void }): Promise<void> {
    const peer = this.peer;
    if (!peer) return;
    const model = make(peer);
    try {
      const theirs = await timeRuns(() => hostTime(() => model.run()), { reps: this.reps, warmup: 1 });
      Object.assign(this.row('tfjs', w, theirs), { ours_over_tfjs: speedup(ours, theirs) });
    } finally {
      model.dispose();
    }
  }

  /** The benchmark's result: what it ran with, the adapter's limits, the peer's status, the checks and the rows. */
  result(params: JsonObject): JsonObject {
    return { name: this.name, adapter: { ...this.ctx.gpu.adapter }, params, limits: { ...this.limits }, tfjs: tfjsStatus(this.state), checks: this.checks, rows: this.rows, date: new Date().toISOString() };
  }

  dispose(): void {
    this.peer?.dispose();
  }
}

/**
 * A benchmark's job: its flags plus the peer's, and a body that fills the run's rows and returns the
 * params the result records.
 *
 *   export const benchMlpJob = benchJob('mlp', BENCH_MLP_JOB, async (ctx, p, bench) => { ...; return params; });
 */
export function benchJob<S extends Schema>(name: string, schema: S, body: (ctx: JobContext, p: Values<S>, bench: BenchRun) => Promise<JsonObject>, check?: (p: Values<S>) => void): Job {
  return defineJob(
    { ...schema, ...PEER_FLAGS },
    (ctx, p) => {
      const values = p as Values<S> & Values<typeof PEER_FLAGS> & { reps: number };
      return runBench(ctx, name, values, values, body);
    },
    check && ((p) => check(p as Values<S>)),
  );
}

/** A benchmark's job with no peer to time (tfjs has nothing of the kind): its own flags only. */
export function benchJobWithoutPeer<S extends Schema>(name: string, schema: S, body: (ctx: JobContext, p: Values<S>, bench: BenchRun) => Promise<JsonObject>): Job {
  return defineJob(schema, (ctx, p) => {
    const values = p as Values<S> & { reps: number };
    return runBench(ctx, name, values, { reps: values.reps, 'no-tfjs': true, 'tfjs-url': undefined }, body);
  });
}

async function runBench<V>(ctx: JobContext, name: string, values: V, open: { reps: number } & Values<typeof PEER_FLAGS>, body: (ctx: JobContext, p: V, bench: BenchRun) => Promise<JsonObject>): Promise<JsonObject> {
  const bench = await BenchRun.open(ctx, name, open);
  try {
    return bench.result(await body(ctx, values, bench));
  } finally {
    bench.dispose();
  }
}
