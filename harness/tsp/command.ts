// harmonium tsp: the travelling salesman by a Hopfield-Tank network or Boltzmann-machine annealing,
// many restarts on the GPU, the exact optimum for up to 12 cities.
import type { Command } from '../cli/command.js';
import { readFileSync } from 'node:fs';
import { InputError } from '../../engine/errors.js';
import { runOn } from '../backends/index.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json } from '../cli/flags.js';
import { text, toSpec, type Values } from '../cli/schema.js';
import { checkWritable } from '../io/files.js';
import { writePlot } from '../io/png.js';
import type { JsonObject } from '../io/json.js';
import { TSP_JOB } from './flags.js';

const TSP_FLAGS = {
  ...TSP_JOB,
  backend,
  adapter,
  png: text({ help: 'also write the best tour as a PNG (cities as dots, the tour as a closed line)' }),
  json,
} as const;

export const tspCommand = defineCommand({
  name: 'tsp',
  summary: 'the travelling salesman on a Hopfield-Tank network or by Boltzmann-machine annealing, restarts in parallel',
  flags: TSP_FLAGS,
  details: `Prints the best tour, its length, the fraction of restarts whose final state was a permutation matrix,
and for up to 12 cities the optimal length (Held-Karp). With --json: {cities, name, solver, restarts,
seed, tour, length, valid_fraction, mean_length, x, y, optimal_length, optimal_tour, optimal_fraction
(up to 12 cities), wall_ms, adapter, backend}.`,
  run: runTsp,
});

async function runTsp(values: Values<typeof TSP_FLAGS>): Promise<void> {
  if (values.png) checkWritable('--png', values.png);
  let tsplib: string | undefined;
  if (values.file) {
    try {
      tsplib = readFileSync(values.file, 'utf8');
    } catch (e) {
      throw new InputError(`--file ${values.file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const result = await runOn(values.backend, toSpec('tsp', TSP_JOB, { ...values, tsplib }), { adapter: values.adapter });
  result.backend = values.backend;
  if (values.png) writeTourPng(values.png, result);
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const r = result as Record<string, number>;
  const optimal = typeof r.optimal_length === 'number' ? `, optimal ${r.optimal_length.toFixed(4)} (reached in ${(100 * r.optimal_fraction).toFixed(0)}% of restarts)` : '';
  process.stdout.write(
    [
      `TSP ${r.cities} cities, ${result.solver}, ${r.restarts} restarts: length ${r.length.toFixed(4)}${optimal}`,
      `  valid permutation matrices in ${(100 * r.valid_fraction).toFixed(0)}% of restarts; mean decoded length ${r.mean_length.toFixed(4)}`,
      `  tour ${(result.tour as number[]).map((c) => c + 1).join(' ')}`,
      '',
    ].join('\n'),
  );
}

/** The best tour as a PNG: the cities and the closed tour through them. */
export function writeTourPng(path: string, result: JsonObject): void {
  const x = result.x as number[], y = result.y as number[];
  const tour = result.tour as number[];
  const [x0, x1] = [Math.min(...x), Math.max(...x)], [y0, y1] = [Math.min(...y), Math.max(...y)];
  const pad = 0.05 * Math.max(x1 - x0, y1 - y0, 1e-9);
  writePlot(
    path,
    [
      { x: tour.map((c) => x[c]), y: tour.map((c) => y[c]), colour: [31, 119, 180], closed: true },
      { x, y, colour: [214, 39, 40], points: true, lines: false },
    ],
    { xRange: [x0 - pad, x1 + pad], yRange: [y0 - pad, y1 + pad], width: 520, height: 520 },
  );
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [tspCommand];
