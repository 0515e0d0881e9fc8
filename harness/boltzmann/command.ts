// harmonium boltzmann train: a fully connected Boltzmann machine (visible, hidden, lateral couplings)
// trained by persistent contrastive learning on the GPU; its exact log-likelihood when small.
import type { Command } from '../cli/command.js';
import { encodeSafetensors } from '../../engine/safetensors.js';
import { defineCommand } from '../cli/command.js';
import { runWithProgress } from '../cli/run.js';
import { adapter, backend, json } from '../cli/flags.js';
import { text, toSpec, type Values } from '../cli/schema.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';
import { readPatternsFile } from '../hopfield/patterns_file.js';
import { BOLTZMANN_TRAIN_JOB } from './flags.js';

const TRAIN_FLAGS = {
  ...BOLTZMANN_TRAIN_JOB,
  out: text({ help: 'write the machine as safetensors: W, U, V, b, c (the seeds\' form) and couplings, bias; metadata model = "boltzmann"' }),
  backend,
  adapter,
  json,
} as const;

export const boltzmannTrainCommand = defineCommand({
  name: 'boltzmann train',
  summary: 'train a fully connected Boltzmann machine (hidden units, lateral couplings) on the GPU',
  flags: TRAIN_FLAGS,
  details: `E(x, h) = -b'x - c'h - h'Wx - x'Ux - h'Vh. Each step: a positive phase (data clamped, Gibbs sweeps over the
hidden units), a negative phase (persistent chains), gradient = data - model correlations, SGD. With
--json: {visible, hidden, kind, lateral, rows, steps, lr, chains, replicas, seed, log_likelihood_before,
log_likelihood_after (exact, up to 16 units, else null), steps_per_s, wall_ms, adapter, backend}.`,
  run: runTrain,
});

const FORMAT_VERSION = '1';

async function runTrain(values: Values<typeof TRAIN_FLAGS>): Promise<void> {
  if (values.out) checkWritable('--out', values.out);
  const file = values.data === 'bars' ? undefined : readPatternsFile(values.data, '--data');
  const spec = toSpec('boltzmann-train', BOLTZMANN_TRAIN_JOB, { ...values, values: file?.values, visible: file ? file.width * file.height : undefined });
  const result = await runWithProgress('boltzmann train', spec, values);
  if (values.out) writeFileAtomic(values.out, modelFile(result));
  for (const key of ['W', 'U', 'V', 'b', 'c', 'couplings', 'bias']) delete result[key];
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const r = result as Record<string, number | null>;
  const ll = r.log_likelihood_after === null ? 'exact log-likelihood: too many units to enumerate' : `exact mean log-likelihood ${r.log_likelihood_before!.toFixed(4)} -> ${r.log_likelihood_after.toFixed(4)}`;
  process.stdout.write(`Boltzmann machine ${r.visible} visible + ${r.hidden} hidden (${result.kind}, lateral ${result.lateral}), ${r.steps} steps on ${r.rows} rows: ${ll}\n`);
}

/** The trained machine as safetensors bytes. */
export function modelFile(r: JsonObject): Uint8Array {
  const nv = r.visible as number, nh = r.hidden as number, n = nv + nh;
  const f32 = (key: string, shape: number[]) => ({ dtype: 'F32' as const, shape, data: Float32Array.from(r[key] as number[]) });
  const all = { W: f32('W', [nh, nv]), U: f32('U', [nv, nv]), V: f32('V', [nh, nh]), b: f32('b', [nv]), c: f32('c', [nh]), couplings: f32('couplings', [n, n]), bias: f32('bias', [n]) };
  // Without hidden units W, V and c are empty: left out.
  return encodeSafetensors(
    Object.fromEntries(Object.entries(all).filter(([, t]) => t.data.length > 0)),
    { model: 'boltzmann', version: FORMAT_VERSION, visible: String(nv), hidden: String(nh), kind: String(r.kind), lateral: String(r.lateral), steps: String(r.steps), seed: String(r.seed) },
  );
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [boltzmannTrainCommand];
