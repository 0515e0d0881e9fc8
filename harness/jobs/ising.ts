// The 'ising' job: one chain, burn-in, measured sweeps, statistics. Plain JSON in and out.
import { IsingChain } from '../../models/ising.js';
import { ISING_ALGORITHMS } from '../../models/ising_rule.js';
import type { JobContext } from '../jobs.js';
import type { JsonObject } from '../json.js';
import { specBoolean, specInteger, specNumber, specString, toBase64 } from '../spec.js';

export async function runIsingJob(ctx: JobContext, spec: JsonObject): Promise<JsonObject> {
  const size = specInteger(spec, 'size', 1);
  const sweeps = specInteger(spec, 'sweeps', 1);
  const burnIn = specInteger(spec, 'burn_in', 0, 0);
  const config = {
    size,
    temperature: specNumber(spec, 'temperature'),
    coupling: specNumber(spec, 'coupling', 1),
    field: specNumber(spec, 'field', 0),
    algorithm: specString(spec, 'algorithm', ISING_ALGORITHMS, 'heatbath'),
    seed: specInteger(spec, 'seed', 0, 1),
    cold: specBoolean(spec, 'cold'),
  };
  const chain = await IsingChain.create(ctx, config);
  try {
    const total = burnIn + sweeps;
    const progress = ctx.onProgress;
    const burn = burnIn > 0 ? await chain.sweep(burnIn, progress && ((d) => progress(d, total))) : null;
    const m = await chain.measure(sweeps, progress && ((d) => progress(burnIn + d, total)));
    const wallMs = (burn?.wallMs ?? 0) + m.stats.wallMs;
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
    if (specBoolean(spec, 'return_sites', false)) result.sites_base64 = toBase64(await chain.readSites());
    return result;
  } finally {
    chain.release();
  }
}
