// The 'bench-ising' job: flips/ns of each algorithm at each size, next to the single-thread TypeScript
// reference and the adapter's copy bandwidth measured in the same run.
import { IsingChain, isingLayout, validateIsingConfig } from '../../models/ising.js';
import { flipRule, ISING_ALGORITHMS, type IsingAlgorithm } from '../../models/ising_rule.js';
import { HarmoniumError, InputError } from '../../engine/index.js';
import * as ref from './reference.js';
import type { JobContext } from '../backends/context.js';
import type { Json, JsonObject } from '../io/json.js';
import { measureLimits } from '../bench/limits.js';
import { timeHost, timeRuns } from '../bench/timing.js';
import { defineJob } from '../backends/context.js';
import { integer, number, withDefault, type Values } from '../cli/schema.js';
import { reps, sizes } from '../bench/flags.js';
import { ISING_TC } from '../../models/ising.js';

/** The fewest bytes a sweep must move per site: each half-sweep reads the lattice and writes half of it. */
export function bytesPerFlip(algorithm: IsingAlgorithm): number {
  // sites: 4-byte words, per sweep 2 reads of L^2 words + L^2 words written = 12 bytes per site.
  // packed: 1 bit per site, per sweep 2 reads of L^2 bits + L^2 bits written = 3/8 byte per site.
  return algorithm === 'multispin' ? 3 / 8 : 12;
}

/** Checks the kernels bit for bit against the TypeScript reference on a small lattice before timing them. */
async function validateAgainstReference(ctx: JobContext, algorithm: IsingAlgorithm, temperature: number): Promise<void> {
  const config = validateIsingConfig({ size: 64, temperature, algorithm, seed: 3, cold: false });
  const chain = await IsingChain.create(ctx, config);
  try {
    const { series } = await chain.measureSeries(2);
    const sites = await chain.readSites();
    const want = ref.referenceChain(config, 2);
    if (series.some((v, i) => v !== want.series[i]) || sites.some((v, i) => v !== want.sites[i])) {
      throw new HarmoniumError(`bench ising: ${algorithm} kernels disagree with the TypeScript reference; not timing them`);
    }
  } finally {
    chain.release();
  }
}

/** Single-thread TypeScript reference speed at size L, flips/ns (one sweep, after one warm-up sweep). */
function referenceFlipsPerNs(algorithm: IsingAlgorithm, size: number, temperature: number): number {
  const config = validateIsingConfig({ size, temperature, algorithm, seed: 1 });
  const rule = flipRule(algorithm, temperature, 1, 0);
  if (algorithm === 'multispin') {
    const words = ref.multispinInit(size, 1, config.cold);
    const sweep = (i: number) => [0, 1].forEach((c) => ref.multispinHalfSweep(words, size, rule, 1, 2 * i + c, c));
    sweep(0);
    return (size * size) / (timeHost(() => sweep(1)) * 1e6);
  }
  const sites = ref.checkerboardInit(size, 1, config.cold);
  const sweep = (i: number) => [0, 1].forEach((c) => ref.checkerboardHalfSweep(sites, size, rule, 1, 2 * i + c, c));
  sweep(0);
  return (size * size) / (timeHost(() => sweep(1)) * 1e6);
}

export const BENCH_ISING_JOB = {
  sizes: withDefault(sizes, [256, 1024, 4096]),
  reps,
  temperature: number({ hidden: true, default: ISING_TC, help: 'temperature of the timed chains (default Tc)' }),
  'target-ms': number({ hidden: true, min: 1, default: 300, help: 'each timed repetition runs enough sweeps to take about this long' }),
  'reference-size': integer({ hidden: true, min: 2, default: 256, help: 'lattice side of the TypeScript reference timing' }),
} as const;

export async function runBenchIsingJob(ctx: JobContext, p: Values<typeof BENCH_ISING_JOB>): Promise<JsonObject> {
  const { sizes, temperature, reps } = p;
  if (!sizes.every((s) => s % 64 === 0)) throw new InputError(`bench ising: sizes must be multiples of 64 (every algorithm runs at each), got ${sizes.join(',')}`);
  // Each timed repetition runs enough sweeps to take about this long, so submit overhead stays small.
  const targetMs = p['target-ms'];
  const referenceSize = p['reference-size'];
  const limits = await measureLimits(ctx, { reps });
  const rows: Json[] = [];
  for (const algorithm of ISING_ALGORITHMS) {
    const referenceSpeed = referenceFlipsPerNs(algorithm, referenceSize, temperature);
    for (const size of sizes) {
      const chain = await IsingChain.create(ctx, { size, temperature, algorithm, seed: 7 });
      try {
        // Calibrate after a first sweep, which also compiles the pipelines.
        await chain.sweep(1);
        const probe = await chain.sweep(1);
        const sweeps = Math.max(1, Math.round(targetMs / Math.max(probe.wallMs, 1e-3)));
        const timing = await timeRuns(async () => (await chain.sweep(sweeps)).wallMs, { reps, warmup: 1, validate: () => validateAgainstReference(ctx, algorithm, temperature) });
        const flipsPerNs = (size * size * sweeps) / (timing.median_ms * 1e6);
        const bytes = bytesPerFlip(algorithm);
        ctx.onUnit?.(`ising ${algorithm} L=${size}: ${flipsPerNs.toPrecision(3)} flips/ns (median of ${timing.reps})`);
        rows.push({
          algorithm,
          size,
          layout: isingLayout(algorithm, size).kind,
          sweeps_per_rep: sweeps,
          median_ms: timing.median_ms,
          min_ms: timing.min_ms,
          max_ms: timing.max_ms,
          flips_per_ns: flipsPerNs,
          reference_flips_per_ns: referenceSpeed,
          over_reference: flipsPerNs / referenceSpeed,
          bytes_per_flip: bytes,
          // bytes per flip x flips per second / copy bandwidth
          bandwidth_fraction: (bytes * flipsPerNs) / limits.copy_gbps,
        });
      } finally {
        chain.release();
      }
    }
  }
  return {
    name: 'ising',
    adapter: { ...ctx.gpu.adapter },
    params: { sizes: sizes as number[], temperature, reps, reference_size: referenceSize, target_ms: targetMs },
    limits: { ...limits },
    rows,
    date: new Date().toISOString(),
  };
}

export const benchIsingJob = defineJob(BENCH_ISING_JOB, runBenchIsingJob);
