// Samples of the periodic 1-D Ising chain (coupling J, unit temperature, spins +-1) by our Boltzmann
// machine's exact sequential Gibbs sampler (models/boltzmann.ts): the ring as a machine of `length`
// visible spin units coupled to their two neighbours, many independent chains at once. Their
// correlations check the sampler against the exact ones and feed the decimation experiment (models/rg.ts).
import { InputError, type RunContext } from '../engine/index.js';
import { BoltzmannMachine } from './boltzmann.js';
import { ringCouplings } from './rg.js';

export interface RingSampling {
  length: number;
  coupling: number;
  /** Independent chains, each one sample. */
  chains: number;
  /** Gibbs sweeps from a random start (each unit once per sweep, in order). */
  sweeps: number;
  seed: number;
}

/** `chains` states of the ring after `sweeps` sweeps from random spins: chains x length values +-1. */
export async function sampleRing(ctx: RunContext, o: RingSampling): Promise<Float32Array> {
  if (!(Number.isInteger(o.chains) && o.chains >= 2)) throw new InputError(`rg chain: chains = ${o.chains} must be an integer >= 2 (the error bars need two)`);
  if (!(Number.isInteger(o.sweeps) && o.sweeps >= 1)) throw new InputError(`rg chain: sweeps = ${o.sweeps} must be a positive integer`);
  const bm = await BoltzmannMachine.fromParameters(ctx, { visible: o.length, hidden: 0, kind: 'spin' }, { couplings: ringCouplings(o.length, o.coupling), bias: new Float32Array(o.length) });
  try {
    const chains = await bm.sampler(o.chains, { seed: o.seed });
    try {
      await chains.run(o.sweeps);
      return await chains.readStates();
    } finally {
      chains.release();
    }
  } finally {
    bm.release();
  }
}
