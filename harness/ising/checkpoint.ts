// Ising checkpoints as safetensors: tensors 'spins' (the storage layout's words) and 'series'
// (u32 pairs), metadata 'spec' (the run's JSON spec), 'iteration' and 'wall_ms'.
import { InputError } from '../../engine/errors.js';
import type { IsingCheckpoint } from './job.js';
import type { JsonObject } from '../io/json.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';

export function saveIsingCheckpoint(path: string, state: IsingCheckpoint): void {
  writeSafetensors(
    path,
    {
      spins: { dtype: 'U32', shape: [state.words.length], data: state.words },
      series: { dtype: 'U32', shape: [state.series.length / 2, 2], data: state.series },
    },
    { format: 'harmonium.ising.checkpoint.v1', spec: JSON.stringify(state.spec), iteration: String(state.iteration), wall_ms: String(state.wallMs) },
  );
}

export function loadIsingCheckpoint(path: string): IsingCheckpoint {
  const { tensors, metadata } = readSafetensors(path);
  const bad = (what: string) => new InputError(`${path}: not a harmonium Ising checkpoint: ${what}`);
  if (metadata.format !== 'harmonium.ising.checkpoint.v1') throw bad(`format is ${JSON.stringify(metadata.format ?? null)}`);
  const { spins, series } = tensors;
  if (!spins || spins.dtype !== 'U32' || !series || series.dtype !== 'U32') throw bad("tensors 'spins' and 'series' (U32) are required");
  let spec: unknown;
  try {
    spec = JSON.parse(metadata.spec);
  } catch {
    throw bad('its spec is not JSON');
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw bad('its spec is not a JSON object');
  const iteration = Number(metadata.iteration);
  const wallMs = Number(metadata.wall_ms);
  if (!Number.isInteger(iteration) || iteration < 0 || !Number.isFinite(wallMs)) throw bad('iteration or wall_ms is not a number');
  return { spec: spec as JsonObject, iteration, words: spins.data as Uint32Array, series: series.data as Uint32Array, wallMs };
}
