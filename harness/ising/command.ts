// harmonium ising --size L --temperature T --sweeps N --burn-in B --seed S --algorithm A [...]
import { ISING_ALGORITHMS } from '../../models/ising_rule.js';
import { BACKENDS, runOn } from '../backends/index.js';
import { choiceFlag, numberFlag, parseFlags } from '../cli_util.js';
import type { JsonObject } from '../io/json.js';
import { writeGreyPng } from '../io/png.js';
import { progressBar } from '../cli/progress.js';
import { fromBase64 } from '../spec.js';
import { existsSync, rmSync } from 'node:fs';
import { checkWritable } from '../io/files.js';
import { InputError } from '../../engine/errors.js';
import { withJobContext } from '../backends/jobs.js';
import { runIsingJob } from './job.js';
import { loadIsingCheckpoint, saveIsingCheckpoint } from './checkpoint.js';

export const ISING_HELP = `usage: harmonium ising --size L --temperature T [--sweeps N] [--burn-in B] [--seed S]
       [--algorithm heatbath|metropolis|multispin] [--coupling J] [--field h] [--start hot|cold]
       [--backend node|chrome] [--png FILE] [--checkpoint FILE [--checkpoint-every N] [--resume]] [--json]

  --size L         lattice side (even; a multiple of 64 for multispin)
  --temperature T  temperature in units of J/k_B (> 0)
  --sweeps N       measured sweeps (default 10000)
  --burn-in B      sweeps discarded first (default 1000)
  --seed S         Philox seed, an integer in [0, 2^32) (default 1)
  --algorithm A    heatbath (default), metropolis, or multispin (bit-packed Metropolis)
  --coupling J     nearest-neighbour coupling (default 1)
  --field h        external field (default 0)
  --start S        hot (random) or cold (all +1); default cold below Tc, hot above
  --backend B      node (default, Dawn in this process) or chrome (headless Chromium)
  --png FILE       also write the final lattice as a PNG (white = +1)
  --checkpoint F   save the state to F (safetensors) every --checkpoint-every sweeps (default 1000);
                   removed when the run finishes (node backend only)
  --resume         continue from the checkpoint F when it exists; the result is bit-identical
                   to an uninterrupted run
  --json           print one JSON object on stdout`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(
    argv,
    {
      size: { type: 'string' },
      temperature: { type: 'string' },
      sweeps: { type: 'string' },
      'burn-in': { type: 'string' },
      seed: { type: 'string' },
      algorithm: { type: 'string' },
      coupling: { type: 'string' },
      field: { type: 'string' },
      start: { type: 'string' },
      backend: { type: 'string' },
      png: { type: 'string' },
      checkpoint: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      resume: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    'ising',
  );
  if (values.help) {
    process.stdout.write(`${ISING_HELP}\n`);
    return;
  }
  const start = values.start === undefined ? undefined : choiceFlag(values.start, 'start', ['hot', 'cold'] as const, 'hot');
  const spec: JsonObject = {
    job: 'ising',
    size: numberFlag(values.size, 'size', 'positive-int'),
    temperature: numberFlag(values.temperature, 'temperature', 'positive'),
    sweeps: numberFlag(values.sweeps, 'sweeps', 'positive-int', 10000),
    burn_in: numberFlag(values['burn-in'], 'burn-in', 'nonnegative-int', 1000),
    seed: numberFlag(values.seed, 'seed', 'u32', 1),
    algorithm: choiceFlag(values.algorithm, 'algorithm', ISING_ALGORITHMS, 'heatbath'),
    coupling: numberFlag(values.coupling, 'coupling', 'finite', 1),
    field: numberFlag(values.field, 'field', 'finite', 0),
    return_sites: values.png !== undefined,
  };
  if (start) spec.cold = start === 'cold';
  const backend = choiceFlag(values.backend, 'backend', BACKENDS, 'node');
  if (!values.checkpoint && (values.resume || values['checkpoint-every'] !== undefined)) {
    throw new InputError(`--${values.resume ? 'resume' : 'checkpoint-every'} needs --checkpoint FILE`);
  }
  const every = numberFlag(values['checkpoint-every'], 'checkpoint-every', 'positive-int', 1000);
  // Fail before the run, not after it, when an output cannot be written.
  for (const [flag, path] of [['png', values.png], ['checkpoint', values.checkpoint]] as const) {
    if (path !== undefined) checkWritable(`--${flag}`, path);
  }
  const bar = progressBar('sweeps');
  const result = values.checkpoint
    ? await runWithCheckpoints(spec, backend, values.checkpoint, every, !!values.resume, bar.onProgress)
    : ((await runOn(backend, spec, bar.onProgress)) as JsonObject);
  bar.done();
  if (values.png && typeof result.sites_base64 === 'string') {
    const L = spec.size as number;
    const sites = fromBase64(result.sites_base64).map((s) => s * 255);
    writeGreyPng(values.png, sites, L, L, Math.max(1, Math.floor(512 / L)));
  }
  delete result.sites_base64;
  result.backend = backend;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const r = result as Record<string, number | string>;
  const adapter = result.adapter as Record<string, string>;
  const fmt = (v: number, e: number) => `${v.toFixed(6)} ± ${e.toFixed(6)}`;
  process.stdout.write(
    [
      `Ising L=${r.size} T=${r.temperature} J=${r.coupling} h=${r.field} ${r.algorithm} (${r.start} start, ${r.burn_in} + ${r.sweeps} sweeps, seed ${r.seed})`,
      `  energy per site   ${fmt(r.energy_per_site as number, r.energy_err as number)}`,
      `  |m|               ${fmt(r.magnetization_abs as number, r.magnetization_abs_err as number)}`,
      `  <m^2>, <m^4>      ${(r.m2 as number).toFixed(6)}, ${(r.m4 as number).toFixed(6)}`,
      `  Binder cumulant   ${fmt(r.binder as number, r.binder_err as number)}`,
      `  speed             ${(r.flips_per_ns as number).toFixed(4)} flips/ns on ${adapter.description} (${backend})`,
      '',
    ].join('\n'),
  );
}

async function runWithCheckpoints(spec: JsonObject, backend: string, path: string, every: number, resume: boolean, onProgress?: (d: number, t: number) => void): Promise<JsonObject> {
  if (backend !== 'node') throw new InputError('--checkpoint needs --backend node (a page cannot write files)');
  const state = resume && existsSync(path) ? loadIsingCheckpoint(path) : undefined;
  if (resume && !state) process.stderr.write(`ising: no checkpoint at ${path}; starting from the beginning\n`);
  if (state) process.stderr.write(`ising: resuming from ${path} at sweep ${state.iteration}\n`);
  const result = await withJobContext((ctx) => runIsingJob(ctx, spec, { every, resume: state, save: (s) => saveIsingCheckpoint(path, s) }), { onProgress });
  rmSync(path, { force: true });
  return result;
}
