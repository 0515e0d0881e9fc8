// What a job runs with: a device, a buffer pool, a scheduler, and where it reports progress. Its own
// module, so that the job table (jobs.ts) imports the jobs and the jobs import this, with no circle.
import { createContext, openContext, type AdapterPreference, type BufferPool, type Gpu, type Scheduler } from '../../engine/index.js';
import type { JsonObject } from '../io/json.js';
import { readSpec, type Schema, type Values } from '../cli/schema.js';

/** Where a job runs: 'node' (in this process, Dawn) or 'chrome' (headless Chromium, the same runJob in a page). */
export const BACKENDS = ['node', 'chrome'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface JobContext {
  gpu: Gpu;
  pool: BufferPool;
  scheduler: Scheduler;
  /** Progress of long jobs (done of total units); the CLI draws a bar from it on a TTY. */
  onProgress?: (done: number, total: number) => void;
  /** A finished unit of work (a benchmark row, a study point), one line: the CLI logs it when not on a TTY. */
  onUnit?: (line: string) => void;
}

/** How a job reports, and on which device it runs. Plain functions and a preference: they cross into a page. */
export interface JobOptions {
  /** An open device to reuse; otherwise one is opened (with `adapter`) and closed around the job. */
  gpu?: Gpu;
  adapter?: AdapterPreference;
  onProgress?: (done: number, total: number) => void;
  onUnit?: (line: string) => void;
}

/**
 * A job: its spec's schema (the same flag declarations the CLI parses) and what it does with the
 * values. Specs are read and checked before a device is opened.
 */
export interface Job {
  schema: Schema;
  /** Reads and checks a spec (an InputError naming the parameter), and returns the work to run on a device. */
  prepare(spec: JsonObject, name: string): (ctx: JobContext) => Promise<JsonObject>;
}

/**
 * `check`, when given, applies the model's own config rules to the values before a device is opened
 * (the same function library users call; it throws InputErrors naming the parameter).
 *
 *   export const isingJob = defineJob(ISING_JOB, (ctx, p) => runIsingJob(ctx, p), (p) => validateIsingConfig(isingConfig(p)));
 */
export function defineJob<S extends Schema>(schema: S, run: (ctx: JobContext, params: Values<S>) => Promise<JsonObject>, check?: (params: Values<S>) => void): Job {
  return {
    schema,
    prepare(spec, name) {
      const params = readSpec(schema, spec, name);
      check?.(params);
      return (ctx) => run(ctx, params);
    },
  };
}

/** Opens (or reuses) a device, makes a pool and scheduler, runs `body`, and cleans up. */
export async function withJobContext<T>(body: (ctx: JobContext) => Promise<T>, options: JobOptions = {}): Promise<T> {
  const engine = options.gpu ? createContext(options.gpu) : await openContext({ adapter: options.adapter });
  const { gpu, pool, scheduler } = engine;
  try {
    return await Promise.race([body({ gpu, pool, scheduler, onProgress: options.onProgress, onUnit: options.onUnit }), gpu.lost]);
  } finally {
    await engine.close();
  }
}
