// The 'rg-chain' job: the 1-D Ising chain's decimation flow (exact), our sampler's correlations at the
// decimated spacings against it, and an RBM stack's learned block spins, as plain JSON.
import { InputError } from '../../engine/index.js';
import { chainCorrelation, decimationFlow, measuredCorrelation } from '../../models/rg.js';
import { sampleRing } from '../../models/rg_chain.js';
import { learnedCorrelations } from '../../models/rg_stack.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import type { JsonObject } from '../io/json.js';
import { RG_CHAIN_JOB } from './flags.js';

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
