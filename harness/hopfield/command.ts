// harmonium hopfield capacity / hopfield recall: the capacity curve of the Hebbian network, and the
// recall of stored patterns (the seeds' 5x5 letters, or a file) from noisy probes, step by step.
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { runWithProgress } from '../cli/run.js';
import { runOn } from '../backends/index.js';
import { adapter, backend, json } from '../cli/flags.js';
import { text, toSpec, type Values } from '../cli/schema.js';
import { checkWritable } from '../io/files.js';
import { writeGreyPng } from '../io/png.js';
import { writePlot } from '../io/png.js';
import type { JsonObject } from '../io/json.js';
import { HOPFIELD_CAPACITY_JOB, HOPFIELD_RECALL_JOB, parseLoads } from './flags.js';
import { readPatternsFile } from './patterns_file.js';
import { recallGrid } from './recall_grid.js';
import { CRITICAL_LOAD } from '../../models/hopfield_capacity.js';

const CAPACITY_FLAGS = {
  ...HOPFIELD_CAPACITY_JOB,
  backend,
  adapter,
  png: text({ help: 'also write the curve as a PNG: mean overlap (blue) and stable fraction (red) against the load, 0.138 dashed' }),
  json,
} as const;

export const hopfieldCapacityCommand = defineCommand({
  name: 'hopfield capacity',
  summary: 'the capacity curve of the Hebbian Hopfield network: recall of P = load N random patterns from themselves',
  flags: CAPACITY_FLAGS,
  details: `For each load, --trials networks of P = round(load N) random patterns (Philox): each stored pattern is a
probe, the dynamics run to a fixed point, and the overlap m = (1/N) sum xi_i s_i of the end state with
its pattern is averaged. With --json: {units, trials, seed, rule, update, points: [{patterns, load,
mean_overlap, stable_fraction, converged_fraction, mean_steps}], wall_ms, adapter, backend}.`,
  run: runCapacity,
});

async function runCapacity(values: Values<typeof CAPACITY_FLAGS>): Promise<void> {
  parseLoads(values.load, '--load');
  if (values.png) checkWritable('--png', values.png);
  const result = await runWithProgress('hopfield capacity', toSpec('hopfield-capacity', HOPFIELD_CAPACITY_JOB, values), values);
  const points = result.points as Array<Record<string, number>>;
  if (values.png) writeCapacityPng(values.png, points);
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const rows = points.map((q) => `  ${q.load.toFixed(3).padStart(6)}  ${String(q.patterns).padStart(6)}  ${q.mean_overlap.toFixed(4)}  ${q.stable_fraction.toFixed(3)}`);
  process.stdout.write([`Hopfield capacity, N = ${result.units}, ${result.trials} trials per load (${result.update}, ${result.rule})`, '    load       P  overlap  stable', ...rows, ''].join('\n'));
}

/** The capacity curve as a PNG. */
export function writeCapacityPng(path: string, points: ReadonlyArray<Record<string, number>>): void {
  const loads = points.map((q) => q.load);
  const top = Math.max(0.3, ...loads);
  writePlot(
    path,
    [
      { x: loads, y: points.map((q) => q.mean_overlap), colour: [31, 119, 180], points: true },
      { x: loads, y: points.map((q) => q.stable_fraction), colour: [214, 39, 40], points: true },
    ],
    { xRange: [0, top], yRange: [0, 1], ticks: { x: [0, 0.1, 0.2, 0.3].filter((t) => t <= top), y: [0, 0.5, 1] }, vertical: [CRITICAL_LOAD] },
  );
}

const RECALL_FLAGS = {
  ...HOPFIELD_RECALL_JOB,
  backend,
  adapter,
  png: text({ help: 'also write the recall as a PNG: a row per pattern (stored, probe, then the state after each step)' }),
  json,
} as const;

export const hopfieldRecallCommand = defineCommand({
  name: 'hopfield recall',
  summary: 'store patterns (the 5x5 letters or a file) and recall them from noisy probes, step by step',
  flags: RECALL_FLAGS,
  details: `Each pattern's probe has round(noise N) units flipped (Philox). With --json: {patterns, names, units, width,
height, load, noise, update, rule, temperature, seed, steps, initial_overlaps, final_overlaps, recalled,
outcomes: [{status: fixed|cycle|running, step}], energies (per pattern, per step: -1/2 x'Wx), wall_ms,
adapter, backend}.`,
  run: runRecall,
});

async function runRecall(values: Values<typeof RECALL_FLAGS>): Promise<void> {
  if (values.png) checkWritable('--png', values.png);
  const file = values.patterns === 'letters' ? undefined : readPatternsFile(values.patterns, '--patterns');
  const spec = toSpec('hopfield-recall', HOPFIELD_RECALL_JOB, { ...values, ...file, record: values.png !== undefined });
  const result = await runOn(values.backend, spec, { adapter: values.adapter });
  result.backend = values.backend;
  if (values.png) writeRecallPng(values.png, result);
  delete result.history;
  delete result.probes;
  delete result.stored;
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const names = result.names as string[];
  const lines = names.map((name, k) => {
    const outcome = (result.outcomes as JsonObject[])[k];
    const [m0, m1] = [(result.initial_overlaps as number[])[k], (result.final_overlaps as number[])[k]];
    return `  ${name.padEnd(4)} overlap ${m0.toFixed(2)} -> ${m1.toFixed(2)}  ${(result.recalled as boolean[])[k] ? 'recalled' : 'not recalled'} (${outcome.status} at step ${outcome.step})`;
  });
  process.stdout.write([`Hopfield recall of ${result.patterns} patterns of ${result.units} units (load ${(result.load as number).toFixed(3)}), noise ${result.noise}, ${result.update}:`, ...lines, ''].join('\n'));
}

/** The recall as a PNG grid: per pattern, the stored pattern, then the states after 0, 1, .. steps. */
export function writeRecallPng(path: string, result: JsonObject): void {
  const units = result.units as number;
  const width = result.width as number;
  const grid = recallGrid(result.stored as number[], result.history as number[][], units, width);
  const scale = Math.max(2, Math.floor(96 / Math.max(width, units / width)));
  writeGreyPng(path, grid.pixels, grid.width, grid.height, scale);
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [hopfieldCapacityCommand, hopfieldRecallCommand];
