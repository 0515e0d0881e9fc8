// The training data of `boltzmann train`: bars and stripes, or rows from a file, as the unit kind's values.
import { InputError } from '../../engine/errors.js';
import { unitValues } from '../../models/boltzmann.js';
import type { UnitKind } from '../../engine/ops/index.js';

/** The 14 distinct bars-and-stripes patterns of a side x side grid (every row equal, or every column), 0/1. */
export function barsAndStripes(side = 3): number[][] {
  const rows = new Map<string, number[]>();
  for (let m = 0; m < 2 ** side; m++) {
    const bits = Array.from({ length: side }, (_, k) => (m >> k) & 1);
    const stripes = Array.from({ length: side * side }, (_, e) => bits[Math.floor(e / side)]);
    const bars = Array.from({ length: side * side }, (_, e) => bits[e % side]);
    for (const p of [stripes, bars]) rows.set(p.join(''), p);
  }
  return [...rows.values()];
}

/** Rows given as +-1 or 0/1 pictures (values of the file reader) in the kind's values: -1 and 0 are down, 1 up. */
export function toUnitValues(values: readonly number[], kind: UnitKind, source: string): number[] {
  const [down, up] = unitValues(kind);
  return values.map((v, e) => {
    if (v === 1) return up;
    if (v === -1 || v === 0) return down;
    throw new InputError(`${source}: value ${e} is ${v}; data values must be 0/1 or +-1`);
  });
}
