// The storage capacity of the Hebbian Hopfield network, measured: store P = load * N random patterns,
// start from each stored pattern, run the dynamics (asynchronous by default) to a fixed point, and
// average the overlap m = (1/N) sum_i xi_i s_i of the end state with its pattern. Below the critical
// load (about 0.138 for large N; Amit, Gutfreund and Sompolinsky) m stays near 1; above it the
// memories collapse to states of small overlap.
import { InputError, type RunContext } from '../engine/index.js';
import { HopfieldNetwork, type HopfieldPath, type HopfieldRule, type HopfieldUpdate } from './hopfield.js';
import { overlaps, randomPatterns } from './hopfield_patterns.js';

/** The critical load of the Hebbian network for large N (Amit, Gutfreund and Sompolinsky). */
export const CRITICAL_LOAD = 0.138;

export interface CapacityOptions {
  units: number;
  /** Loads P / N to measure, each > 0; P = max(1, round(load N)). */
  loads: readonly number[];
  /** Networks (independent pattern sets) per load. Default 10. */
  trials?: number;
  seed?: number;
  rule?: HopfieldRule;
  update?: HopfieldUpdate;
  path?: HopfieldPath;
  /** The most steps of the dynamics (sweeps when sequential). Default 100. */
  steps?: number;
}

export interface CapacityPoint {
  patterns: number;
  load: number;
  /** Over patterns and trials: the end state's overlap with the pattern it started from. */
  mean_overlap: number;
  /** The fraction of stored patterns that are fixed points (the dynamics left them unchanged). */
  stable_fraction: number;
  /** Probes that reached a fixed point (or a 2-cycle) within the steps. */
  converged_fraction: number;
  /** Mean steps to the fixed point. */
  mean_steps: number;
}

/** Checks capacity options; every problem is an InputError naming the option. */
export function validateCapacityOptions(o: CapacityOptions): Required<Omit<CapacityOptions, 'path'>> & { path?: HopfieldPath } {
  if (!(Number.isInteger(o.units) && o.units >= 2)) throw new InputError(`hopfield capacity: units = ${o.units} must be an integer >= 2`);
  if (!Array.isArray(o.loads) || o.loads.length === 0) throw new InputError('hopfield capacity: no loads given');
  for (const load of o.loads) {
    if (!(Number.isFinite(load) && load > 0)) throw new InputError(`hopfield capacity: load = ${load} must be a number > 0 (patterns per unit)`);
  }
  const trials = o.trials ?? 10;
  if (!(Number.isInteger(trials) && trials >= 1)) throw new InputError(`hopfield capacity: trials = ${trials} must be a positive integer`);
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new InputError(`hopfield capacity: seed = ${seed} must be an integer in [0, 2^32)`);
  return { ...o, loads: [...o.loads], trials, seed, rule: o.rule ?? 'hebbian', update: o.update ?? 'sequential', steps: o.steps ?? 100 };
}

/**
 * The capacity curve: one point per load, each over `trials` networks of random patterns (Philox
 * (seed, hopfieldPatterns) at step = trial, call = P: the same patterns in any run).
 *
 *   const points = await hopfieldCapacity(ctx, { units: 1000, loads: [0.05, 0.1, 0.15], trials: 2, seed: 1 });
 */
export async function hopfieldCapacity(ctx: RunContext, options: CapacityOptions, onPoint?: (p: CapacityPoint, index: number) => void): Promise<CapacityPoint[]> {
  const o = validateCapacityOptions(options);
  const n = o.units;
  const points: CapacityPoint[] = [];
  for (const [index, load] of o.loads.entries()) {
    const p = Math.max(1, Math.round(load * n));
    let overlapSum = 0, stable = 0, converged = 0, steps = 0;
    for (let trial = 0; trial < o.trials; trial++) {
      const xi = randomPatterns(p, n, o.seed, trial, p);
      const net = await HopfieldNetwork.store(ctx, { patterns: xi, units: n, rule: o.rule });
      try {
        const r = await net.recall(xi, { update: o.update, seed: o.seed + trial, steps: o.steps, path: o.path });
        const m = overlaps(r.states, xi, n);
        overlapSum += m.reduce((a, b) => a + b, 0);
        stable += m.filter((v) => v === 1).length;
        for (const outcome of r.outcomes) {
          if (outcome.status !== 'running') converged++;
          steps += outcome.step;
        }
      } finally {
        net.release();
      }
    }
    const count = p * o.trials;
    const point = { patterns: p, load: p / n, mean_overlap: overlapSum / count, stable_fraction: stable / count, converged_fraction: converged / count, mean_steps: steps / count };
    points.push(point);
    onPoint?.(point, index);
  }
  return points;
}
