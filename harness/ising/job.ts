// The 'ising' job: one chain, burn-in, measured sweeps, statistics. Plain JSON in and out.
// Long runs can checkpoint (Node only): every `every` sweeps the lattice, the iteration and the
// series so far go to `save`; a run given `resume` continues from there and ends bit-identical to
// an uninterrupted run, because the RNG is keyed by the iteration, not by a state.
import { IsingChain, isingStatistics, validateIsingConfig, type IsingConfig } from '../../models/ising.js';
import { InputError } from '../../engine/index.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { JsonObject } from '../io/json.js';
import { toBase64 } from '../io/base64.js';
import { toSpec, type Values } from '../cli/schema.js';
import { ISING_JOB, ISING_RUN_FLAGS } from './flags.js';

export type IsingParams = Values<typeof ISING_JOB>;

export interface IsingCheckpoint {
  /** The run's parameters as a job spec (ISING_RUN_FLAGS): a checkpoint resumes only the same run. */
  spec: JsonObject;
  /** Sweeps done so far, burn-in included. */
  iteration: number;
  words: Uint32Array;
  /** Measured part of the series so far: [anti-aligned bonds, +1 spins] per measured sweep. */
  series: Uint32Array;
  /** Milliseconds spent sweeping so far, for flips/ns over the whole run. */
  wallMs: number;
}

export interface CheckpointOptions {
  every: number;
  save: (state: IsingCheckpoint) => Promise<void> | void;
  resume?: IsingCheckpoint;
}

/** The model's config from the run's parameters (models/ising.ts checks it). */
export function isingConfig(p: IsingParams): IsingConfig {
  const { size, temperature, coupling, field, algorithm, seed, start } = p;
  return { size, temperature, coupling, field, algorithm, seed, cold: start === undefined ? undefined : start === 'cold' };
}

export async function runIsingJob(ctx: JobContext, p: IsingParams, checkpoint?: CheckpointOptions): Promise<JsonObject> {
  const { size, sweeps, 'burn-in': burnIn } = p;
  const config = isingConfig(p);
  const runSpec = toSpec('ising', ISING_RUN_FLAGS, p);
  const chain = await IsingChain.create(ctx, config);
  try {
    const total = burnIn + sweeps;
    const resume = checkpoint?.resume;
    let series: Uint32Array = new Uint32Array(0);
    let wallMs = 0;
    if (resume) {
      for (const key of new Set([...Object.keys(runSpec), ...Object.keys(resume.spec)])) {
        if (JSON.stringify(resume.spec[key] ?? null) !== JSON.stringify(runSpec[key] ?? null)) {
          throw new InputError(`the checkpoint was made with ${key} = ${JSON.stringify(resume.spec[key] ?? null)}, this run has ${JSON.stringify(runSpec[key] ?? null)}`);
        }
      }
      if (resume.series.length !== 2 * Math.max(0, resume.iteration - burnIn)) throw new InputError('the checkpoint\'s series does not match its iteration');
      await chain.restore(resume.words, resume.iteration);
      series = resume.series;
      wallMs = resume.wallMs;
    }
    const progress = ctx.onProgress;
    const every = checkpoint?.every ?? total;
    while (chain.iteration < total) {
      const start = chain.iteration;
      const inBurnIn = start < burnIn;
      const count = Math.min(every, (inBurnIn ? burnIn : total) - start);
      const onProgress = progress && ((d: number) => progress(start + d, total));
      if (inBurnIn) {
        wallMs += (await chain.sweep(count, onProgress)).wallMs;
      } else {
        const part = await chain.measureSeries(count, onProgress);
        wallMs += part.stats.wallMs;
        const joined = new Uint32Array(series.length + part.series.length);
        joined.set(series);
        joined.set(part.series, series.length);
        series = joined;
      }
      if (checkpoint && chain.iteration < total) {
        await checkpoint.save({ spec: runSpec, iteration: chain.iteration, words: await chain.readWords(), series, wallMs });
      }
    }
    const m = isingStatistics(series, size, chain.config.coupling, chain.config.field);
    const result: JsonObject = {
      size,
      temperature: chain.config.temperature,
      coupling: chain.config.coupling,
      field: chain.config.field,
      algorithm: chain.config.algorithm,
      seed: chain.config.seed,
      start: chain.config.cold ? 'cold' : 'hot',
      burn_in: burnIn,
      sweeps,
      energy_per_site: m.energy_per_site,
      energy_err: m.energy_err,
      magnetization_abs: m.magnetization_abs,
      magnetization_abs_err: m.magnetization_abs_err,
      m2: m.m2,
      m4: m.m4,
      binder: m.binder,
      binder_err: m.binder_err,
      energy_tau: m.energy_tau,
      // Site updates per nanosecond over all sweeps, measurement dispatches included.
      flips_per_ns: (size * size * total) / (wallMs * 1e6),
      wall_ms: wallMs,
      adapter: { ...ctx.gpu.adapter },
    };
    if (p['return-sites']) result.sites_base64 = toBase64(await chain.readSites());
    return result;
  } finally {
    chain.release();
  }
}

export const isingJob = defineJob(ISING_JOB, (ctx, p) => runIsingJob(ctx, p), (p) => void validateIsingConfig(isingConfig(p)));
