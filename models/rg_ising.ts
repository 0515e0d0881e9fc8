// Training data for the variational RG experiment (Mehta & Schwab 2014): configurations of the L x L
// periodic Ising lattice at coupling J (unit temperature) from our heat-bath sampler (models/ising.ts),
// after a burn-in, spaced by a multiple of the integrated autocorrelation time measured on a pilot run
// (the larger of the energy's and |m|'s, by binning), so that the samples are close to independent.
import { InputError, type RunContext } from '../engine/index.js';
import { IsingChain } from './ising.js';
import { binnedMean } from './stats.js';

export interface IsingSampling {
  size: number;
  coupling: number;
  samples: number;
  seed: number;
  /** Sweeps between samples = ceil(spacingFactor x tau), at least 1 (default 2). */
  spacingFactor?: number;
  /** Sweeps discarded first (default 1000). */
  burnIn?: number;
  /** Sweeps of the pilot run that measures tau (default 2000). */
  pilotSweeps?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface IsingSamples {
  /** samples x size^2 bytes, 1 for a +1 spin, row-major per sample. */
  sites: Uint8Array;
  /** The integrated autocorrelation time of the pilot run (the larger of the energy's and |m|'s), in sweeps. */
  tau: number;
  /** Sweeps between samples. */
  spacing: number;
  /** The samples' mean energy per site (-J sum over bonds / sites) and mean |m|. */
  energyPerSite: number;
  magnetizationAbs: number;
}

/** Energy per site (each bond once: right and down neighbours, periodic) and |m| of one configuration of 0/1 bytes. */
export function isingObservables(sites: ArrayLike<number>, size: number, coupling: number, offset = 0): { energyPerSite: number; magnetizationAbs: number } {
  const spin = (x: number, y: number) => 2 * sites[offset + ((y + size) % size) * size + ((x + size) % size)] - 1;
  let [bonds, m] = [0, 0];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = spin(x, y);
      bonds += s * (spin(x + 1, y) + spin(x, y + 1));
      m += s;
    }
  }
  const n = size * size;
  return { energyPerSite: (-coupling * bonds) / n, magnetizationAbs: Math.abs(m) / n };
}

export async function isingSamples(ctx: RunContext, o: IsingSampling): Promise<IsingSamples> {
  if (!(Number.isInteger(o.samples) && o.samples >= 1)) throw new InputError(`rg: samples = ${o.samples} must be a positive integer`);
  const factor = o.spacingFactor ?? 2;
  if (!(Number.isFinite(factor) && factor > 0)) throw new InputError(`rg: spacing factor = ${factor} must be a positive number`);
  const chain = await IsingChain.create(ctx, { size: o.size, temperature: 1, coupling: o.coupling, algorithm: 'heatbath', seed: o.seed });
  try {
    await chain.sweep(o.burnIn ?? 1000);
    // The pilot: tau of the energy and of |m| from the measured series.
    const { series } = await chain.measureSeries(o.pilotSweeps ?? 2000);
    const n = o.size * o.size;
    const count = series.length / 2;
    const energy = Float64Array.from({ length: count }, (_, i) => series[2 * i]);
    const magnetization = Float64Array.from({ length: count }, (_, i) => Math.abs(2 * series[2 * i + 1] - n));
    const tau = Math.max(binnedMean(energy).tau, binnedMean(magnetization).tau);
    const spacing = Math.max(1, Math.ceil(factor * tau));
    const sites = new Uint8Array(o.samples * n);
    let [e, m] = [0, 0];
    for (let s = 0; s < o.samples; s++) {
      await chain.sweep(spacing);
      sites.set(await chain.readSites(), s * n);
      const observed = isingObservables(sites, o.size, o.coupling, s * n);
      [e, m] = [e + observed.energyPerSite, m + observed.magnetizationAbs];
      o.onProgress?.(s + 1, o.samples);
    }
    return { sites, tau, spacing, energyPerSite: e / o.samples, magnetizationAbs: m / o.samples };
  } finally {
    chain.release();
  }
}
