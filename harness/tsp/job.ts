// The 'tsp' job: cities from a seed or a TSPLIB text, a solver's restarts on the GPU, the best tour.
import { InputError } from '../../engine/index.js';
import { solveTsp, validateTspOptions } from '../../models/tsp.js';
import { parseTsplib, randomCities, type Cities } from '../../models/tsp_cities.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { JsonObject } from '../io/json.js';
import type { Values } from '../cli/schema.js';
import { TSP_JOB } from './flags.js';

export type TspParams = Values<typeof TSP_JOB>;

/** The cities of a spec: parsed from its TSPLIB text, or drawn from its seed. */
export function tspCities(p: TspParams): Cities {
  if (p.tsplib !== undefined) {
    if (p.cities !== undefined) throw new InputError('tsp: --cities and --file both given; choose one');
    return parseTsplib(p.tsplib, p.file ?? 'tsplib');
  }
  return randomCities(p.cities ?? 20, p.seed);
}

export async function runTspJob(ctx: JobContext, p: TspParams): Promise<JsonObject> {
  const cities = tspCities(p);
  const r = await solveTsp(ctx, cities, { solver: p.solver, restarts: p.restarts, seed: p.seed, steps: p.steps });
  const result: JsonObject = {
    cities: r.cities,
    name: cities.name ?? null,
    solver: r.solver,
    restarts: r.restarts,
    seed: p.seed,
    tour: r.tour,
    length: r.length,
    valid_fraction: r.valid_fraction,
    mean_length: r.lengths.reduce((a, b) => a + b, 0) / r.lengths.length,
    x: Array.from(cities.x),
    y: Array.from(cities.y),
    wall_ms: r.wall_ms,
    adapter: { ...ctx.gpu.adapter },
  };
  if (r.optimal) Object.assign(result, { optimal_length: r.optimal.length, optimal_tour: r.optimal.tour, optimal_fraction: r.optimal.fraction });
  return result;
}

export const tspJob = defineJob(TSP_JOB, runTspJob, (p) => {
  tspCities(p);
  validateTspOptions({ solver: p.solver, restarts: p.restarts, seed: p.seed, steps: p.steps });
});
