// The 'bench-hopfield' job: synchronous recall of a batch of probes (1,024 by default) in a Hebbian
// Hopfield network of N units (4,096 by default), the local fields computed by XNOR-popcount on
// bit-packed states against the f32 GEMM, in unit updates per second. Before timing, both paths run
// the same steps from the same probes and must give identical states (the couplings are integers, so
// both fields are exact).
import { HarmoniumError, InputError } from '../../engine/index.js';
import { HopfieldNetwork, type HopfieldPath, type RecallRun } from '../../models/hopfield.js';
import { addNoise, randomPatterns } from '../../models/hopfield_patterns.js';
import { Owned } from '../../models/owned.js';
import { defineJob, type JobContext } from '../backends/context.js';
import { reps, sizes } from '../bench/flags.js';
import { timeRuns } from '../bench/timing.js';
import { integer, number, withDefault, type Values } from '../cli/schema.js';
import type { JsonObject } from '../io/json.js';

export const BENCH_HOPFIELD_JOB = {
  sizes: withDefault(sizes, [4096]),
  reps,
  probes: integer({ hidden: true, min: 1, default: 1024, help: 'probes recalled as one batch' }),
  load: number({ hidden: true, default: 0.05, help: 'stored patterns per unit (P = round(load N))' }),
  noise: number({ hidden: true, default: 0.1, help: "fraction of each probe's units flipped from its pattern" }),
  steps: integer({ hidden: true, min: 1, default: 8, help: 'synchronous steps per timed repetition (one submit)' }),
} as const;

const SEED = 1;
const PATHS: readonly HopfieldPath[] = ['xnor', 'f32'];

/** Probe k is pattern k mod P with `noise` of its units flipped. */
function makeProbes(patterns: Int8Array, units: number, probes: number, noise: number): Int8Array {
  const count = patterns.length / units;
  const rows = new Int8Array(probes * units);
  for (let k = 0; k < probes; k++) rows.set(patterns.subarray((k % count) * units, (k % count + 1) * units), k * units);
  return addNoise(rows, units, noise, SEED, 1);
}

export async function runBenchHopfieldJob(ctx: JobContext, p: Values<typeof BENCH_HOPFIELD_JOB>): Promise<JsonObject> {
  const { sizes, reps, probes, load, noise, steps } = p;
  if (!(load > 0)) throw new InputError(`bench hopfield: load = ${load} must be > 0`);
  const warmup = 1;
  const rows: JsonObject[] = [];
  const checks: JsonObject[] = [];
  for (const units of sizes) {
    if (units < 2) throw new InputError(`bench hopfield: size ${units} must be at least 2 units`);
    const count = Math.max(1, Math.round(load * units));
    const patterns = randomPatterns(count, units, SEED);
    const x = makeProbes(patterns, units, probes, noise);
    const owned = new Owned();
    try {
      const net = await owned.add(HopfieldNetwork.store(ctx, { patterns, units }));
      // Each path's run holds slots for the check, the warm-up and the timed repetitions.
      const runs = new Map<HopfieldPath, RecallRun>();
      for (const path of PATHS) runs.set(path, await owned.add(net.prepare(x, { update: 'synchronous', path, steps: steps * (2 + warmup + reps), seed: SEED })));
      // 1. The check: the same steps on both paths give the same states, bit for bit.
      const states: Int8Array[] = [];
      for (const path of PATHS) {
        await runs.get(path)!.run(steps);
        states.push(await runs.get(path)!.readStates());
      }
      const differ = states[0].findIndex((v, e) => v !== states[1][e]);
      if (differ >= 0) {
        throw new HarmoniumError(`bench hopfield: after ${steps} synchronous steps at N = ${units}, probe ${Math.floor(differ / units)} unit ${differ % units} is ${states[0][differ]} (xnor) but ${states[1][differ]} (f32); not timing it`);
      }
      checks.push({ units, patterns: count, probes, steps, identical_states: true });
      // 2. The timing: `steps` synchronous steps per repetition in one submit, to its completion.
      const timed: Record<string, number> = {};
      for (const path of PATHS) {
        const run = runs.get(path)!;
        const t = await timeRuns(() => run.run(steps), { reps, warmup });
        const perSecond = (probes * units * steps) / (t.median_ms / 1000);
        timed[path] = perSecond;
        rows.push({ path, units, patterns: count, probes, steps_per_rep: steps, median_ms: t.median_ms, min_ms: t.min_ms, max_ms: t.max_ms, unit_updates_per_s: perSecond });
        ctx.onUnit?.(`${path} N=${units}: ${(perSecond / 1e9).toFixed(3)} G unit updates/s`);
      }
      rows[rows.length - 2].xnor_over_f32 = timed.xnor / timed.f32;
    } finally {
      owned.release();
    }
  }
  return {
    name: 'hopfield',
    adapter: { ...ctx.gpu.adapter },
    params: { sizes: sizes as number[], reps, probes, load, noise, steps, update: 'synchronous', rule: 'hebbian', seed: SEED },
    checks,
    rows,
    date: new Date().toISOString(),
  };
}

export const benchHopfieldJob = defineJob(BENCH_HOPFIELD_JOB, runBenchHopfieldJob);
