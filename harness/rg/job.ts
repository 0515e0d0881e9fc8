// The renormalisation group's jobs, plain JSON in and out, the same in Node and in a page: 'rg-chain'
// (the 1-D Ising chain's decimation flow, exact, our sampler's correlations at the decimated spacings
// and an RBM stack's learned block spins), 'rg-train' (the 2-D stack, train.ts), 'rg-fields' (a
// trained stack's receptive fields: locality and pictures) and 'rg-sample' (configurations it
// generates, their energy and |m| against the training samples').
import { decodeSafetensors, InputError } from '../../engine/index.js';
import { Dbn, sampleDbn } from '../../models/dbn.js';
import { chainCorrelation, decimationFlow, measuredCorrelation } from '../../models/rg.js';
import { sampleRing } from '../../models/rg_chain.js';
import { isingObservables } from '../../models/rg_ising.js';
import { learnedCorrelations } from '../../models/rg_stack.js';
import { meanWithError } from '../../models/stats.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { RBM_SAMPLE_JOB } from '../rbm/flags.js';
import { trainJob } from '../train/job.js';
import { stackFields } from './fields.js';
import { RG_CHAIN_JOB, RG_FIELDS_JOB } from './flags.js';
import { readRgConfig, RG_FEATURE, RG_SAMPLE_STATS } from './train.js';

export type RgChainParams = Values<typeof RG_CHAIN_JOB>;

/** Checks what the flags' ranges cannot: the chain halves `levels` times into a ring of at least 4 spins. */
export function checkRgChain(p: Pick<RgChainParams, 'length' | 'levels'>): void {
  const top = p.length / 2 ** p.levels;
  if (!(Number.isInteger(top) && top >= 4)) throw new InputError(`--length ${p.length} must be a multiple of 2^levels = ${2 ** p.levels} with at least 4 spins left after --levels ${p.levels} halvings`);
}

export async function runRgChain(ctx: JobContext, p: RgChainParams): Promise<JsonObject> {
  checkRgChain(p);
  const started = performance.now();
  const flow = decimationFlow(p.coupling, p.levels);
  ctx.onProgress?.(0, 2);
  const states = await sampleRing(ctx, { length: p.length, coupling: p.coupling, chains: p.chains, sweeps: p.sweeps, seed: p.seed });
  const measured = flow.map((j, level) => {
    const distance = 2 ** level;
    const m = measuredCorrelation(states, p.chains, p.length, distance);
    return { level, distance, value: m.value, stderr: m.stderr, tanh_j: Math.tanh(j), periodic: chainCorrelation(p.coupling, distance, p.length) };
  });
  ctx.onUnit?.(`sampled ${p.chains} chains of ${p.length} spins (${p.sweeps} sweeps): <s_i s_(i+1)> = ${measured[0].value.toFixed(4)} +- ${measured[0].stderr.toFixed(4)}, exact ${measured[0].periodic.toFixed(4)}`);
  ctx.onProgress?.(1, 2);
  const learned = await learnedCorrelations(ctx, states, p.chains, { length: p.length, levels: p.levels, epochs: p.epochs, seed: p.seed, onEpoch: ctx.onUnit });
  ctx.onProgress?.(2, 2);
  return {
    coupling: p.coupling,
    length: p.length,
    levels: p.levels,
    chains: p.chains,
    sweeps: p.sweeps,
    epochs: p.epochs,
    seed: p.seed,
    exact: flow,
    measured,
    learned: learned.map((l) => ({ ...l, tanh_j: Math.tanh(flow[l.level]) })),
    wall_ms: performance.now() - started,
    adapter: { ...ctx.gpu.adapter },
  };
}

export const rgChainJob = defineJob(RG_CHAIN_JOB, runRgChain);

/** A model of rg train from a job's base64: its lattice (readRgConfig), its metadata, and the net. */
async function openRgModel(ctx: JobContext, base64: string): Promise<{ dbn: Dbn; size: number; coupling: number; metadata: Record<string, string> }> {
  const bytes = fromBase64(base64);
  const file = decodeSafetensors(bytes, 'the model');
  const { size, coupling } = readRgConfig(file, 'the model');
  const { dbn } = await Dbn.fromSafetensors(ctx, bytes, 'the model');
  return { dbn, size, coupling, metadata: file.metadata };
}

export async function runRgFields(ctx: JobContext, p: Values<typeof RG_FIELDS_JOB>): Promise<JsonObject> {
  const { dbn, size, coupling } = await openRgModel(ctx, p.model);
  try {
    return { size, coupling, widths: [...dbn.layers], radius: p.radius, layers: await stackFields(ctx, dbn, { size, radius: p.radius, seed: p.seed, images: p.count }), adapter: { ...ctx.gpu.adapter } };
  } finally {
    dbn.release();
  }
}

/** Energy per site and |m| over configurations (count x size^2 values 0/1), with standard errors (each configuration one sample). */
export function configurationStats(states: ArrayLike<number>, count: number, size: number, coupling: number): JsonObject {
  const each = Array.from({ length: count }, (_, c) => isingObservables(states, size, coupling, c * size * size));
  const energy = meanWithError(Float64Array.from(each, (o) => o.energyPerSite));
  const magnetization = meanWithError(Float64Array.from(each, (o) => o.magnetizationAbs));
  return { energy_per_site: energy.value, energy_per_site_stderr: energy.stderr, magnetization_abs: magnetization.value, magnetization_abs_stderr: magnetization.stderr };
}

/** The configurations' error bars need two of them. */
export function checkRgSampleCount(count: number): void {
  if (count < 2) throw new InputError(`--count ${count}: the configurations' error bars need at least 2`);
}

export async function runRgSample(ctx: JobContext, p: Values<typeof RBM_SAMPLE_JOB>): Promise<JsonObject> {
  checkRgSampleCount(p.count);
  const { dbn, size, coupling, metadata } = await openRgModel(ctx, p.model);
  try {
    const states = await sampleDbn(ctx, dbn, { count: p.count, steps: p.steps, seed: p.seed, onProgress: ctx.onProgress, visible: 'states' });
    const samples = { energy_per_site: Number(metadata[RG_SAMPLE_STATS.energy]), magnetization_abs: Number(metadata[RG_SAMPLE_STATS.magnetization]) };
    if (!(Number.isFinite(samples.energy_per_site) && Number.isFinite(samples.magnetization_abs))) {
      throw new InputError(`the model: no training samples' statistics in its metadata (${RG_SAMPLE_STATS.energy}, ${RG_SAMPLE_STATS.magnetization}): not a model of rg train`);
    }
    return {
      size,
      coupling,
      count: p.count,
      steps: p.steps,
      generated: configurationStats(states, p.count, size, coupling),
      samples,
      images_base64: toBase64(Uint8Array.from(states, (s) => 255 * s)),
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    dbn.release();
  }
}

export const rgTrainJob = trainJob(RG_FEATURE);
export const rgFieldsJob = defineJob(RG_FIELDS_JOB, runRgFields);
export const rgSampleJob = defineJob(RBM_SAMPLE_JOB, runRgSample, (p) => checkRgSampleCount(p.count));
