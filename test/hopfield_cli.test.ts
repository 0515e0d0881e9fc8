// The Hopfield, TSP and Boltzmann commands as a user meets them: bad input exits 2 naming the problem
// (before a device is opened), --json prints one object; the jobs' results, PNGs and model files.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '../engine/index.js';
import type { JsonObject } from '../harness/io/json.js';
import { parseLoads } from '../harness/hopfield/flags.js';
import { parsePictures, readPatternsFile } from '../harness/hopfield/patterns_file.js';
import { barsAndStripes } from '../harness/boltzmann/data.js';
import { modelFile } from '../harness/boltzmann/command.js';
import { runJob } from '../harness/backends/jobs.js';
import { writeCapacityPng } from '../harness/hopfield/command.js';
import { writeTourPng } from '../harness/tsp/command.js';
import { openTestGpu } from './gpu.js';

const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'harmonium-hopfield-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

// ---------------------------------------------------------------------------------------------
const host = suite('hopfield, tsp, boltzmann harness parsing (no GPU)');
// (Option checks the models own are tested in test/hopfield.test.ts, tsp.test.ts, boltzmann.test.ts; here,
// one command per kind of bad input shows that it exits 2 before a device is opened.)

host('load ranges, pictures, bars and stripes', () => {
  assert.equal(parseLoads('0.02:0.05:0.01', '--load'), [0.02, 0.03, 0.04, 0.05]);
  assert.equal(parseLoads('0.1,0.2', '--load'), [0.1, 0.2]);
  assert.equal(parseLoads('0.138', '--load').length, 1);
  assert.throws(() => parseLoads('0:0.2:0.1', '--load'), /load = 0 must be > 0/);
  assert.throws(() => parseLoads('0.1:0.2', '--load'), /must be A:B:STEP/);
  assert.throws(() => parseLoads('0.1:0.05:0.01', '--load'), /B = 0.05 is below A = 0.1/);
  assert.throws(() => readPatternsFile(join(dir, 'missing.txt'), '--patterns'), /cannot read/);
  assert.equal(parsePictures('#.\n.#\n\n.#\n#.\n', 'two'), { width: 2, height: 2, values: [1, -1, -1, 1, -1, 1, 1, -1] });
  assert.throws(() => parsePictures('#.\n.#\n\n.#.\n#..\n', 'p'), /pattern 2 is 3\/3 wide/);
  assert.throws(() => parsePictures('#?\n', 'p'), /'\?' is neither/);
  const bars = barsAndStripes(3);
  assert.is(bars.length, 14);
  assert.is(new Set(bars.map((b) => b.join(''))).size, 14);
});
host.run();

// ---------------------------------------------------------------------------------------------
const bad = suite('bad input: exit 2, a message naming the problem, nothing on stdout');
const badCases: [string[], RegExp][] = [
  [['hopfield', 'capacity', '--load', '0'], /load = 0 must be > 0/],
  [['hopfield', 'capacity', '--load=-0.1,0.2'], /load = -0.1 must be > 0/],
  [['hopfield', 'recall', '--noise', '1.5'], /noise = 1.5 must lie in \[0, 1\]/],
  [['hopfield', 'recall', '--patterns', file('ragged.txt', '##\n..\n\n###\n...\n')], /pattern 2 is 3\/3 wide and 2 high; pattern 1 is 2 x 2/],
  [['hopfield', 'recall', '--patterns', file('values.csv', '1,-1,1\n1,0,-1\n')], /pattern 1, unit 1 is 0; every value must be \+1 or -1/],
  [['tsp', '--cities', '2'], /2 cities; a tour needs at least 3/],
  [['tsp', '--file', file('nan.tsp', 'DIMENSION: 3\nNODE_COORD_SECTION\n1 0 0\n2 1 NaN\n3 2 2\nEOF\n')], /city 2 has coordinates \(1, NaN\)/],
  [['boltzmann', 'train', '--data', file('data.csv', '1,0,2\n')], /value 2 is 2; data values must be 0\/1 or \+-1/],
];
for (const [args, message] of badCases) {
  bad(args.join(' '), () => {
    const r = cli(args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.is(r.stdout, '');
  });
}
bad.run();

// ---------------------------------------------------------------------------------------------
const good = suite('outputs (GPU)');

good('hopfield recall --json --png: one object, the letters recalled, a PNG', () => {
  const png = join(dir, 'recall.png');
  const r = cli(['hopfield', 'recall', '--noise', '0.2', '--seed', '1', '--png', png, '--json']);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 1);
  const result = JSON.parse(lines[0]);
  assert.equal(result.names, ['D', 'J', 'C', 'M']);
  assert.equal(result.recalled, [true, true, true, true]);
  assert.ok(result.outcomes.every((o: JsonObject) => o.status === 'fixed'));
  assert.ok(readFileSync(png).subarray(1, 4).toString() === 'PNG');
});

// The other commands' jobs in this process on one device (a CLI run opens its own), their outputs
// written by the commands' own writers.
good('hopfield-capacity job and its PNG: {units, points} with the overlap falling', async () => {
  const gpu = await openTestGpu();
  const result = await runJob({ job: 'hopfield-capacity', units: 128, load: '0.05,0.3', trials: 1, seed: 2 }, { gpu });
  assert.is(result.units, 128);
  const points = result.points as Array<Record<string, number>>;
  assert.equal(points.map((q) => q.patterns), [6, 38]);
  assert.ok(points[0].mean_overlap > points[1].mean_overlap, `${points[0].mean_overlap} vs ${points[1].mean_overlap}`);
  const png = join(dir, 'capacity.png');
  writeCapacityPng(png, points);
  assert.ok(readFileSync(png).subarray(1, 4).toString() === 'PNG');
});

good('tsp job and its PNG: a valid tour, its length, the optimum for few cities', async () => {
  const gpu = await openTestGpu();
  const result = await runJob({ job: 'tsp', cities: 6, seed: 3, restarts: 16 }, { gpu });
  assert.equal([...(result.tour as number[])].sort(), [0, 1, 2, 3, 4, 5]);
  assert.ok((result.length as number) >= (result.optimal_length as number) - 1e-9);
  for (const key of ['valid_fraction', 'optimal_fraction', 'mean_length', 'adapter']) assert.ok(key in result, key);
  const png = join(dir, 'tour.png');
  writeTourPng(png, result);
  assert.ok(existsSync(png));
});

good('boltzmann-train job and its model file: the seeds\' parameters as safetensors', async () => {
  const gpu = await openTestGpu();
  const result = await runJob({ job: 'boltzmann-train', steps: 5, hidden: 2, seed: 1 }, { gpu });
  const file = decodeSafetensors(modelFile(result), 'bm.safetensors');
  assert.is(file.metadata.model, 'boltzmann');
  assert.equal(file.tensors.W.shape, [2, 9]);
  assert.equal(file.tensors.U.shape, [9, 9]);
  assert.equal(file.tensors.couplings.shape, [11, 11]);
});
good.after(() => rmSync(dir, { recursive: true, force: true }));
good.run();
