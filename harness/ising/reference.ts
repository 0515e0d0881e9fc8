// Plain TypeScript references for the Ising kernels (shaders/ising_checkerboard.wgsl and
// shaders/ising_multispin.wgsl): the same layouts, the same Philox words, the same flip rule, so the
// GPU must match them bit for bit.
import { flipRule, flips, type FlipRule } from '../../models/ising_rule.js';
import { packedToSites, type IsingConfig } from '../../models/ising.js';
import { rngBits } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';
import { popcount } from '../reference/xnor.js';

// ---- checkerboard: one 0/1 value per site, row-major ----

/** Random (or all +1) sites: site i is bit i % 128 of Philox call i / 128. */
export function checkerboardInit(size: number, seed: number, cold: boolean): Uint8Array {
  const sites = new Uint8Array(size * size);
  for (let i = 0; i < sites.length; i++) {
    if (cold) sites[i] = 1;
    else sites[i] = (rngBits(seed, RNG_PURPOSES.isingInit, 0, Math.floor(i / 128), 0)[Math.floor((i % 128) / 32)] >>> i % 32) & 1;
  }
  return sites;
}

/** Updates every site of one colour; group q = 4 consecutive sites of a row uses Philox call (step, q). */
export function checkerboardHalfSweep(sites: Uint8Array, size: number, rule: FlipRule, seed: number, step: number, colour: number): void {
  const L = size;
  const quadsPerRow = Math.ceil(L / 8);
  for (let y = 0; y < L; y++) {
    for (let quad = 0; quad < quadsPerRow; quad++) {
      const q = y * quadsPerRow + quad;
      const bits = rngBits(seed, RNG_PURPOSES.isingSweep, step, q, 0);
      for (let lane = 0; lane < 4; lane++) {
        const k = 4 * quad + lane;
        if (2 * k >= L) break;
        const x = 2 * k + ((y + colour) & 1);
        const s = sites[y * L + x];
        // Number of +1 neighbours, periodic.
        const up = sites[y * L + ((x + 1) % L)] + sites[y * L + ((x + L - 1) % L)] + sites[((y + L - 1) % L) * L + x] + sites[((y + 1) % L) * L + x];
        if (flips(rule, 5 * s + up, bits[lane])) sites[y * L + x] = 1 - s;
      }
    }
  }
}

/** Anti-aligned bonds (each bond once) and +1 spins. */
export function checkerboardMeasure(sites: Uint8Array, size: number): { anti: number; up: number } {
  const L = size;
  let anti = 0, up = 0;
  for (let y = 0; y < L; y++) {
    for (let x = 0; x < L; x++) {
      const s = sites[y * L + x];
      anti += (s ^ sites[y * L + ((x + 1) % L)]) + (s ^ sites[((y + 1) % L) * L + x]);
      up += s;
    }
  }
  return { anti, up };
}

// ---- multispin: 32 sites per word, the two colours in two halves (see ising_multispin.wgsl) ----

export function multispinInit(size: number, seed: number, cold: boolean): Uint32Array {
  const words = new Uint32Array(2 * size * (size / 64));
  for (let g = 0; g < words.length; g++) words[g] = cold ? 0xffffffff : rngBits(seed, RNG_PURPOSES.isingInit, 0, Math.floor(g / 4), 0)[g % 4];
  return words;
}

/** The four neighbour words of word w in row y of `colour`, lane-aligned (rotates at the row's end). */
function neighbourWords(words: Uint32Array, size: number, colour: number, y: number, w: number): number[] {
  const L = size, W = size / 64;
  const other = (1 - colour) * L * W;
  const row = other + y * W;
  let side: number;
  if ((y + colour) & 1) side = w + 1 < W ? words[row + w + 1] : ((words[row] >>> 1) | (words[row] << 31)) >>> 0;
  else side = w > 0 ? words[row + w - 1] : ((words[row + W - 1] << 1) | (words[row + W - 1] >>> 31)) >>> 0;
  return [words[other + ((y + L - 1) % L) * W + w], words[other + ((y + 1) % L) * W + w], words[row + w], side];
}

/**
 * Metropolis on every site of one colour, lane by lane: lane j's uniform u has bit (31 - l) equal to
 * bit j of random word l (word l % 4 of Philox call l / 4 at (step, word index)); the site flips when
 * its class always flips or u < threshold. The kernel reaches the same decisions bit-sliced.
 */
export function multispinHalfSweep(words: Uint32Array, size: number, rule: FlipRule, seed: number, step: number, colour: number): void {
  const L = size, W = size / 64;
  for (let idx = 0; idx < L * W; idx++) {
    const y = Math.floor(idx / W), w = idx % W;
    const mine = colour * L * W + idx;
    const s = words[mine];
    const n = neighbourWords(words, size, colour, y, w);
    const random: number[] = [];
    for (let call = 0; call < 8; call++) random.push(...rngBits(seed, RNG_PURPOSES.isingSweep, step, idx, call));
    let flipMask = 0;
    for (let lane = 0; lane < 32; lane++) {
      const spin = (s >>> lane) & 1;
      const up = n.reduce((acc, word) => acc + ((word >>> lane) & 1), 0);
      let u = 0;
      for (let level = 0; level < 32; level++) u = u * 2 + ((random[level] >>> lane) & 1);
      if (flips(rule, 5 * spin + up, u)) flipMask |= 1 << lane;
    }
    words[mine] = (s ^ flipMask) >>> 0;
  }
}

export function multispinMeasure(words: Uint32Array, size: number): { anti: number; up: number } {
  const L = size, W = size / 64;
  let anti = 0, up = 0;
  for (let idx = 0; idx < L * W; idx++) {
    const s = words[idx];
    for (const n of neighbourWords(words, size, 0, Math.floor(idx / W), idx % W)) anti += popcount(s ^ n);
    up += popcount(s) + popcount(words[L * W + idx]);
  }
  return { anti, up };
}

/**
 * A whole chain as IsingChain runs it: init, then `sweeps` measured sweeps (both colours, then the
 * measurement). Returns the series [anti-aligned bonds, +1 spins] per sweep and the final sites.
 */
export function referenceChain(config: Required<IsingConfig>, sweeps: number): { series: number[]; sites: Uint8Array } {
  const { size, seed, cold } = config;
  const rule = flipRule(config.algorithm, config.temperature, config.coupling, config.field);
  const series: number[] = [];
  if (config.algorithm === 'multispin') {
    const words = multispinInit(size, seed, cold);
    for (let i = 0; i < sweeps; i++) {
      for (const colour of [0, 1]) multispinHalfSweep(words, size, rule, seed, 2 * i + colour, colour);
      const m = multispinMeasure(words, size);
      series.push(m.anti, m.up);
    }
    return { series, sites: packedToSites(words, size) };
  }
  const sites = checkerboardInit(size, seed, cold);
  for (let i = 0; i < sweeps; i++) {
    for (const colour of [0, 1]) checkerboardHalfSweep(sites, size, rule, seed, 2 * i + colour, colour);
    const m = checkerboardMeasure(sites, size);
    series.push(m.anti, m.up);
  }
  return { series, sites };
}
