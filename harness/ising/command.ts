// harmonium ising: one Gibbs chain of the 2D Ising model, its statistics, optionally a PNG of the
// final lattice and checkpoints that resume bit-identically.
import type { Command } from '../cli/command.js';
import { existsSync, rmSync } from 'node:fs';
import { InputError } from '../../engine/errors.js';
import { runOn } from '../backends/index.js';
import { withJobContext } from '../backends/context.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json } from '../cli/flags.js';
import { progressReporter } from '../cli/progress.js';
import { boolean, integer, text, toSpec, type Values } from '../cli/schema.js';
import { fromBase64 } from '../io/base64.js';
import { checkWritable } from '../io/files.js';
import type { JsonObject } from '../io/json.js';
import { writeGreyPng } from '../io/png.js';
import { loadIsingCheckpoint, saveIsingCheckpoint } from './checkpoint.js';
import { ISING_JOB, ISING_RUN_FLAGS } from './flags.js';
import { isingConfig, runIsingJob, type IsingParams } from './job.js';
import { validateIsingConfig } from '../../models/ising.js';

const ISING_FLAGS = {
  ...ISING_RUN_FLAGS,
  backend,
  adapter,
  png: text({ help: 'also write the final lattice as a PNG (white = +1)' }),
  checkpoint: text({ help: 'save lattice, sweep count and series as safetensors every --checkpoint-every sweeps; removed when the run ends; node backend' }),
  'checkpoint-every': integer({ min: 1, defaultText: '1000', help: 'sweeps between checkpoints' }),
  resume: boolean({ help: 'continue from the checkpoint; the result is bit-identical to an uninterrupted run' }),
  json,
} as const;

export const isingCommand = defineCommand({
  name: 'ising',
  summary: 'Gibbs-sample the 2D Ising model (heatbath, metropolis, multispin)',
  flags: ISING_FLAGS,
  details: `Square L x L lattice with periodic boundaries, E = -J sum s_i s_j - h sum s_i. With --json the object holds
size, temperature, algorithm, sweeps, energy_per_site, energy_err, magnetization_abs, magnetization_abs_err,
m2, m4, binder, flips_per_ns, adapter (with fallback: true on SwiftShader), coupling, field, seed, start,
burn_in, binder_err, energy_tau, wall_ms, backend.`,
  run: runIsing,
});

async function runIsing(values: Values<typeof ISING_FLAGS>): Promise<void> {
  if (!values.checkpoint && (values.resume || values['checkpoint-every'] !== undefined)) {
    throw new InputError(`--${values.resume ? 'resume' : 'checkpoint-every'} needs --checkpoint FILE`);
  }
  // Fail before the run, not after it, when an output cannot be written.
  for (const flag of ['png', 'checkpoint'] as const) {
    const path = values[flag];
    if (path !== undefined) checkWritable(`--${flag}`, path);
  }
  const params: IsingParams = { ...values, 'return-sites': values.png !== undefined };
  const progress = progressReporter('sweeps');
  const result = values.checkpoint
    ? await runWithCheckpoints(params, values, values.checkpoint, progress.onProgress)
    : await runOn(values.backend, toSpec('ising', ISING_JOB, params), { adapter: values.adapter, onProgress: progress.onProgress });
  progress.done();
  if (values.png && typeof result.sites_base64 === 'string') {
    const L = values.size;
    const sites = fromBase64(result.sites_base64).map((s) => s * 255);
    writeGreyPng(values.png, sites, L, L, Math.max(1, Math.floor(512 / L)));
  }
  delete result.sites_base64;
  result.backend = values.backend;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const r = result as Record<string, number | string>;
  const adapterInfo = result.adapter as Record<string, string | boolean>;
  const fmt = (v: number, e: number) => `${v.toFixed(6)} ± ${e.toFixed(6)}`;
  process.stdout.write(
    [
      `Ising L=${r.size} T=${r.temperature} J=${r.coupling} h=${r.field} ${r.algorithm} (${r.start} start, ${r.burn_in} + ${r.sweeps} sweeps, seed ${r.seed})`,
      `  energy per site   ${fmt(r.energy_per_site as number, r.energy_err as number)}`,
      `  |m|               ${fmt(r.magnetization_abs as number, r.magnetization_abs_err as number)}`,
      `  <m^2>, <m^4>      ${(r.m2 as number).toFixed(6)}, ${(r.m4 as number).toFixed(6)}`,
      `  Binder cumulant   ${fmt(r.binder as number, r.binder_err as number)}`,
      `  speed             ${(r.flips_per_ns as number).toFixed(4)} flips/ns on ${adapterInfo.description}${adapterInfo.fallback ? ' (CPU fallback)' : ''} (${values.backend})`,
      '',
    ].join('\n'),
  );
}

async function runWithCheckpoints(params: IsingParams, values: Values<typeof ISING_FLAGS>, path: string, onProgress?: (d: number, t: number) => void): Promise<JsonObject> {
  const every = values['checkpoint-every'] ?? 1000;
  const resume = values.resume;
  if (values.backend !== 'node') throw new InputError('--checkpoint needs --backend node (a page cannot write files)');
  validateIsingConfig(isingConfig(params));
  const state = resume && existsSync(path) ? loadIsingCheckpoint(path) : undefined;
  if (resume && !state) process.stderr.write(`ising: no checkpoint at ${path}; starting from the beginning\n`);
  if (state) process.stderr.write(`ising: resuming from ${path} at sweep ${state.iteration}\n`);
  const result = await withJobContext((ctx) => runIsingJob(ctx, params, { every, resume: state, save: (s) => saveIsingCheckpoint(path, s) }), { onProgress, adapter: values.adapter });
  rmSync(path, { force: true });
  return result;
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [isingCommand];
