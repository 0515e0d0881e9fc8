// Plain TypeScript Glauber dynamics, the reference for shaders/glauber.wgsl: the same decisions from
// the same Philox words, with the fields in float64. With integer couplings and the sign or table
// rule the GPU must agree bit for bit; with the float rule, up to decisions at the edge of a
// probability (the GPU evaluates the sigmoid in f32).
import { bernoulli24, rngBits } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';
import type { GlauberStream, UnitKind } from '../../engine/ops/glauber.js';

/** The rule as the reference takes it: thresholds as numbers, the temperature per repetition. */
export type RuleReference =
  | { kind: 'sign' }
  | { kind: 'table'; thresholds: Uint32Array; offset: number }
  | { kind: 'float'; gain: number; temperature: (t: number) => number };

/** A batch of chains in float64: states and fields chains x units, row-major. */
export interface ChainsReference {
  chains: number;
  units: number;
  kind: UnitKind;
  state: Float64Array;
  fields: Float64Array;
  /** J's diagonal (units), or null for zero. */
  diag: Float64Array | null;
}

const up = 1;
const downOf = (kind: UnitKind) => (kind === 'binary' ? 0 : -1);

/** The random word of unit i of chain c at repetition t: word e % 4 of Philox (seed, glauber) at (step + t, e / 4, call). */
export function glauberWord(stream: GlauberStream, t: number, units: number, c: number, i: number): number {
  const e = c * units + i;
  return rngBits(stream.seed, RNG_PURPOSES.glauber, stream.step + t, Math.floor(e / 4), stream.call ?? 0)[e % 4];
}

/** The new state of a unit with effective field a and random word r at repetition t. */
export function glauberDecide(rule: RuleReference, kind: UnitKind, a: number, r: number, t: number): number {
  let goesUp: boolean;
  if (rule.kind === 'table') {
    // The field is an integer; beyond the table it is clamped to its ends.
    const k = Math.min(Math.max(Math.round(a) + rule.offset, 0), rule.thresholds.length - 1);
    goesUp = rule.thresholds[k] === 0xffffffff || r < rule.thresholds[k];
  } else if (rule.kind === 'float' && rule.temperature(t) > 0) {
    goesUp = bernoulli24(r, 1 / (1 + Math.exp((-rule.gain * a) / rule.temperature(t)))) === 1;
  } else {
    goesUp = a >= 0;
  }
  return goesUp ? up : downOf(kind);
}

/** The effective field of unit i of chain c: its field less its self-coupling times its state. */
const effectiveField = (ch: ChainsReference, c: number, i: number) => ch.fields[c * ch.units + i] - (ch.diag ? ch.diag[i] * ch.state[c * ch.units + i] : 0);

/** The first entry of block b when `length` entries are split into `blocks` near-equal blocks. */
export function blockStart(b: number, length: number, blocks: number): number {
  return b * Math.floor(length / blocks) + Math.min(b, length % blocks);
}

/**
 * One parallel update at repetition t: the units of block t % blocks of `order` take new states from
 * the fields as given (which the caller computed for the state before). Returns, per chain, whether
 * it changed. Chains in `frozen` are left alone.
 */
export function glauberUpdate(
  ch: ChainsReference,
  rule: RuleReference,
  stream: GlauberStream,
  order: ArrayLike<number>,
  orderLength: number,
  blocks: number,
  t: number,
  frozen: (c: number) => boolean = () => false,
): boolean[] {
  const block = t % blocks;
  const lo = blockStart(block, orderLength, blocks);
  const hi = blockStart(block + 1, orderLength, blocks);
  const changed = new Array<boolean>(ch.chains).fill(false);
  for (let c = 0; c < ch.chains; c++) {
    if (frozen(c)) continue;
    // 1. Every decision first, from the fields of the state before.
    const next = new Map<number, number>();
    for (let k = lo; k < hi; k++) {
      const i = order[k];
      next.set(i, glauberDecide(rule, ch.kind, effectiveField(ch, c, i), glauberWord(stream, t, ch.units, c, i), t));
    }
    // 2. Then the new states.
    for (const [i, s] of next) {
      if (ch.state[c * ch.units + i] !== s) changed[c] = true;
      ch.state[c * ch.units + i] = s;
    }
  }
  return changed;
}

/**
 * One sequential sweep at repetition t: the units of `order` one at a time, each from the current
 * fields, and after each flip the fields of every unit moved by J[i, :] times the change. Returns,
 * per chain, the number of flips.
 */
export function glauberSweep(
  ch: ChainsReference,
  couplings: ArrayLike<number>,
  rule: RuleReference,
  stream: GlauberStream,
  order: ArrayLike<number>,
  orderLength: number,
  t: number,
  frozen: (c: number) => boolean = () => false,
): number[] {
  const n = ch.units;
  const flips = new Array<number>(ch.chains).fill(0);
  for (let c = 0; c < ch.chains; c++) {
    if (frozen(c)) continue;
    for (let k = 0; k < orderLength; k++) {
      const i = order[k];
      const s = ch.state[c * n + i];
      const next = glauberDecide(rule, ch.kind, effectiveField(ch, c, i), glauberWord(stream, t, n, c, i), t);
      if (next === s) continue;
      // The flip: the state changes by delta, every field by J[i, j] delta.
      const delta = next - s;
      for (let j = 0; j < n; j++) ch.fields[c * n + j] += couplings[i * n + j] * delta;
      ch.state[c * n + i] = next;
      flips[c]++;
    }
  }
  return flips;
}

/** Each chain's energy: -scale / 2 sum_i s_i (a_i + b_i), a_i the effective field. */
export function glauberEnergies(ch: ChainsReference, scale = 1, bias: ArrayLike<number> | null = null): Float64Array {
  const out = new Float64Array(ch.chains);
  for (let c = 0; c < ch.chains; c++) {
    let sum = 0;
    for (let i = 0; i < ch.units; i++) sum += ch.state[c * ch.units + i] * (effectiveField(ch, c, i) + (bias ? bias[i] : 0));
    out[c] = -0.5 * scale * sum;
  }
  return out;
}

/** The fields bias + J s of every chain, in float64 (J row-major units x units, diagonal included). */
export function glauberFields(state: ArrayLike<number>, couplings: ArrayLike<number>, chains: number, units: number, bias: ArrayLike<number> | null = null): Float64Array {
  const fields = new Float64Array(chains * units);
  for (let c = 0; c < chains; c++) {
    for (let i = 0; i < units; i++) {
      let h = bias ? bias[i] : 0;
      for (let j = 0; j < units; j++) h += couplings[i * units + j] * state[c * units + j];
      fields[c * units + i] = h;
    }
  }
  return fields;
}
