// The 'hopfield-capacity' and 'hopfield-recall' jobs: plain JSON in and out, the same in Node and in
// a page.
import { InputError } from '../../engine/index.js';
import { HopfieldNetwork, validateRecallOptions, type RecallOptions } from '../../models/hopfield.js';
import { hopfieldCapacity, validateCapacityOptions } from '../../models/hopfield_capacity.js';
import { addNoise, checkNoise, checkPatterns, letterPatterns, overlaps } from '../../models/hopfield_patterns.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Json, JsonObject } from '../io/json.js';
import type { Values } from '../cli/schema.js';
import { HOPFIELD_CAPACITY_JOB, HOPFIELD_RECALL_JOB, parseLoads } from './flags.js';

export type CapacityParams = Values<typeof HOPFIELD_CAPACITY_JOB>;
export type RecallParams = Values<typeof HOPFIELD_RECALL_JOB>;

/** The capacity options of a spec (checked by the model). */
export function capacityOptions(p: CapacityParams) {
  return validateCapacityOptions({ units: p.units, loads: parseLoads(p.load, "'load'"), trials: p.trials, seed: p.seed, rule: p.rule, update: p.update, path: p.path, steps: p.steps });
}

export async function runCapacityJob(ctx: JobContext, p: CapacityParams): Promise<JsonObject> {
  const o = capacityOptions(p);
  const start = performance.now();
  const points = await hopfieldCapacity(ctx, o, (point, index) => {
    ctx.onUnit?.(`hopfield capacity N=${o.units} load ${point.load.toFixed(3)} (P=${point.patterns}): overlap ${point.mean_overlap.toFixed(4)}, stable ${point.stable_fraction.toFixed(3)}`);
    ctx.onProgress?.(index + 1, o.loads.length);
  });
  return {
    units: o.units,
    trials: o.trials,
    seed: o.seed,
    rule: o.rule,
    update: o.update,
    points: points.map((q) => ({ ...q })),
    wall_ms: performance.now() - start,
    adapter: { ...ctx.gpu.adapter },
  };
}

/** The patterns of a recall spec: the letters, or the values read from a file with their width. */
export function recallPatterns(p: RecallParams): { values: Int8Array; units: number; width: number; names: string[] } {
  if (p.patterns === 'letters') {
    const { patterns, units, side } = letterPatterns();
    return { values: patterns, units, width: side, names: ['D', 'J', 'C', 'M'] };
  }
  if (!p.values || !p.width || !p.height) throw new InputError(`hopfield recall: patterns '${p.patterns}' need their values, width and height (the CLI reads the file)`);
  const units = p.width * p.height;
  const values = checkPatterns(p.values, units, p.patterns);
  return { values, units, width: p.width, names: Array.from({ length: values.length / units }, (_, k) => String(k + 1)) };
}

export async function runRecallJob(ctx: JobContext, p: RecallParams): Promise<JsonObject> {
  const { values, units, width, names } = recallPatterns(p);
  const net = await HopfieldNetwork.store(ctx, { patterns: values, units, rule: p.rule });
  try {
    const probes = addNoise(values, units, p.noise, p.seed);
    const r = await net.recall(probes, recallOptions(p));
    const count = values.length / units;
    const final = overlaps(r.states, values, units);
    const energies: number[][] = Array.from({ length: count }, (_, c) => Array.from({ length: r.steps + 1 }, (_, t) => r.energies[t * count + c]));
    const result: JsonObject = {
      patterns: count,
      names,
      units,
      width,
      height: units / width,
      load: count / units,
      noise: p.noise,
      update: p.update,
      blocks: p.update === 'blocks' ? p.blocks : null,
      rule: p.rule,
      temperature: p.temperature,
      seed: p.seed,
      steps: r.steps,
      initial_overlaps: overlaps(probes, values, units),
      final_overlaps: final,
      recalled: final.map((m) => m === 1),
      outcomes: r.outcomes.map((o) => ({ ...o })),
      energies,
      wall_ms: r.wallMs,
      adapter: { ...ctx.gpu.adapter },
    };
    if (r.history) result.history = r.history.map((s) => Array.from(s) as Json[]);
    result.probes = Array.from(probes);
    result.stored = Array.from(values);
    return result;
  } finally {
    net.release();
  }
}

export const hopfieldCapacityJob = defineJob(HOPFIELD_CAPACITY_JOB, runCapacityJob, (p) => void capacityOptions(p));
/** Everything a recall spec can get wrong, checked before a device is opened. */
function checkRecallSpec(p: RecallParams): void {
  const { units } = recallPatterns(p);
  checkNoise(p.noise);
  validateRecallOptions(recallOptions(p), units, p.rule);
}

const recallOptions = (p: RecallParams): RecallOptions => ({ update: p.update, blocks: p.blocks, temperature: p.temperature, seed: p.seed, steps: p.steps, path: p.path, record: p.record });

export const hopfieldRecallJob = defineJob(HOPFIELD_RECALL_JOB, runRecallJob, checkRecallSpec);
