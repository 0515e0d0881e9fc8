// A training run's history in its model file: each series as a 1-D tensor beside the parameters, and
// the run's settings as metadata; on resume, the settings checked against the run's (the first that
// differs named as its flag) and the series read back, each of the length the checkpoint implies.
import { InputError, type SafetensorsTensor } from '../../engine/index.js';
import { fileTensor } from '../../models/model_file.js';
import type { History, Series } from './feature.js';

/** Series of a value per step (F32, as the GPU wrote them) or per epoch (F64, the host's evaluations). */
export const perStep = (...names: string[]): Series[] => names.map((name) => ({ name, dtype: 'F32', per: 'step' }));
export const perEpoch = (...names: string[]): Series[] => names.map((name) => ({ name, dtype: 'F64', per: 'epoch' }));

export const emptyHistory = (series: readonly Series[]): History => Object.fromEntries(series.map((s) => [s.name, []]));

const ARRAYS = { F32: Float32Array, F64: Float64Array, U32: Uint32Array } as const;

/** The series as the model file's tensors. */
export function historyTensors(series: readonly Series[], history: History): Record<string, SafetensorsTensor> {
  return Object.fromEntries(series.map((s) => [s.name, { dtype: s.dtype, shape: [history[s.name].length], data: ARRAYS[s.dtype].from(history[s.name]) }]));
}

/** Appends an epoch's values (a step series' values, or an epoch series' one) to each series. */
export function appendEpoch(history: History, values: Readonly<Record<string, ArrayLike<number> | number>>): History {
  const next: History = {};
  for (const [name, past] of Object.entries(history)) {
    const v = values[name];
    if (v === undefined) throw new Error(`the epoch recorded no value for series '${name}'`);
    next[name] = [...past, ...(typeof v === 'number' ? [v] : Array.from(v))];
  }
  return next;
}

/**
 * Throws an InputError naming the first flag whose saved value differs from this run's; a metadata
 * key is its flag's name with underscores ('noise_level'), or another name `flags` gives.
 */
export function checkRunSettings(source: string, saved: Readonly<Record<string, string>>, settings: Readonly<Record<string, string>>, flags: Readonly<Record<string, string>> = {}): void {
  for (const [key, now] of Object.entries(settings)) {
    if (saved[key] !== now) {
      const flag = `--${flags[key] ?? key.replace(/_/g, '-')}`;
      throw new InputError(`${source} was made with ${flag} ${saved[key] ?? '(none)'}; this run has ${flag} ${now} (resume with the checkpoint's settings)`);
    }
  }
}

/** Epochs done, from a checkpoint's metadata. */
export function epochsOf(source: string, metadata: Readonly<Record<string, string>>): number {
  const epochs = Number(metadata.epochs);
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new InputError(`${source}: metadata 'epochs' = ${JSON.stringify(metadata.epochs ?? null)} is not a count`);
  return epochs;
}

/**
 * A checkpoint's history, after checking that its steps make whole epochs of this run; each series
 * must hold a value per step or per epoch done.
 */
export function readHistory(source: string, tensors: Readonly<Record<string, SafetensorsTensor>>, metadata: Readonly<Record<string, string>>, series: readonly Series[], o: { steps: number; stepsPerEpoch: number }): History {
  const epochs = epochsOf(source, metadata);
  // A checkpoint is taken at an epoch's end: its steps are whole epochs of whole batches.
  if (o.steps !== epochs * o.stepsPerEpoch) {
    throw new InputError(`${source}: ${o.steps} steps done do not make the ${epochs} epochs of metadata 'epochs' (${o.stepsPerEpoch} steps each)`);
  }
  const length = (s: Series) => (s.per === 'step' ? o.steps : epochs);
  return Object.fromEntries(series.map((s) => [s.name, [...fileTensor(tensors, source, s.name, s.dtype, [length(s)]).data]]));
}
