// The 'boltzmann-train' job: a Boltzmann machine trained on rows of visible units, with the exact
// log-likelihood of the data before and after when the machine is small enough to enumerate.
import { InputError } from '../../engine/index.js';
import { BoltzmannMachine, seedParameters, validateBoltzmannConfig, type BoltzmannConfig } from '../../models/boltzmann.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { JsonObject } from '../io/json.js';
import type { Values } from '../cli/schema.js';
import { exactLogLikelihood } from './reference.js';
import { barsAndStripes, toUnitValues } from './data.js';
import { BOLTZMANN_TRAIN_JOB } from './flags.js';

export type BoltzmannTrainParams = Values<typeof BOLTZMANN_TRAIN_JOB>;

/** Machines up to this many units get their exact log-likelihood (2^units states). */
export const MAX_EXACT_UNITS = 16;

/** The machine's configuration and the data rows of a spec. */
export function boltzmannSetup(p: BoltzmannTrainParams): { config: BoltzmannConfig; data: number[] } {
  let rows: number[];
  let visible: number;
  if (p.data === 'bars') {
    const patterns = barsAndStripes(3);
    rows = toUnitValues(patterns.flat(), p.kind, 'bars');
    visible = 9;
  } else {
    if (!p.values || !p.visible) throw new InputError(`boltzmann train: data '${p.data}' need their values and row width (the CLI reads the file)`);
    rows = toUnitValues(p.values, p.kind, p.data);
    visible = p.visible;
  }
  const lateral = { visible: p.lateral === 'both' || p.lateral === 'visible', hidden: p.lateral === 'both' || p.lateral === 'hidden' };
  const config = { visible, hidden: p.hidden, kind: p.kind, lateral };
  validateBoltzmannConfig(config);
  return { config, data: rows };
}

export async function runBoltzmannTrain(ctx: JobContext, p: BoltzmannTrainParams): Promise<JsonObject> {
  const { config, data } = boltzmannSetup(p);
  const shape = validateBoltzmannConfig(config);
  const bm = await BoltzmannMachine.create(ctx, config, { seed: p.seed, scale: 0.05 });
  try {
    const trainer = await bm.trainer(data, { lr: p.lr, chains: p.chains, replicas: p.replicas, positiveSweeps: p['positive-sweeps'], negativeSweeps: p['negative-sweeps'], seed: p.seed });
    const exact = shape.units <= MAX_EXACT_UNITS;
    const before = exact ? await bm.readParameters() : null;
    const start = performance.now();
    try {
      // Report progress every tenth of the run.
      const chunk = Math.max(1, Math.ceil(p.steps / 10));
      for (let done = 0; done < p.steps; done += chunk) {
        await trainer.step(Math.min(chunk, p.steps - done));
        ctx.onProgress?.(Math.min(done + chunk, p.steps), p.steps);
      }
    } finally {
      trainer.release();
    }
    const wall = performance.now() - start;
    const after = await bm.readParameters();
    const seeds = seedParameters(shape, after.couplings, after.bias);
    return {
      visible: shape.visible,
      hidden: shape.hidden,
      kind: shape.kind,
      lateral: p.lateral,
      rows: data.length / shape.visible,
      steps: p.steps,
      lr: p.lr,
      chains: p.chains,
      replicas: p.replicas,
      seed: p.seed,
      log_likelihood_before: before ? exactLogLikelihood(shape, before.couplings, before.bias, data) : null,
      log_likelihood_after: exact ? exactLogLikelihood(shape, after.couplings, after.bias, data) : null,
      // The seeds' parameters (W hidden x visible, U, V, b, c) and the coupling matrix J and bias d.
      W: Array.from(seeds.W),
      U: Array.from(seeds.U),
      V: Array.from(seeds.V),
      b: Array.from(seeds.b),
      c: Array.from(seeds.c),
      couplings: Array.from(after.couplings),
      bias: Array.from(after.bias),
      steps_per_s: p.steps / (wall / 1000),
      wall_ms: wall,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    bm.release();
  }
}

export const boltzmannTrainJob = defineJob(BOLTZMANN_TRAIN_JOB, runBoltzmannTrain, (p) => void boltzmannSetup(p));
