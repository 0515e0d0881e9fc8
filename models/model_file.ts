// What every model file reader checks (no GPU): the model's tag in the metadata, a configuration read
// from the metadata, and tensors of the dtype and shape the configuration implies. Each failure is an
// InputError that starts with the file (`source`) and names the key or tensor.
import { InputError } from '../engine/errors.js';
import type { Safetensors, SafetensorsTensor } from '../engine/safetensors.js';

/**
 * Throws unless metadata 'model' is `tag`; `what` names the model in the message ('an MLP').
 *
 *   checkModelTag(file, 'm.safetensors', 'mlp', 'an MLP');
 */
export function checkModelTag(file: Safetensors, source: string, tag: string, what: string): void {
  const meta = file.metadata;
  if (meta.model === tag) return;
  const kind = meta.format ?? meta['harmonium.format'];
  throw new InputError(`${source}: not ${what} model: metadata 'model' is ${JSON.stringify(meta.model ?? null)}, expected '${tag}'${kind ? ` (the file's format is '${kind}')` : ''}`);
}

/** A metadata value that holds a JSON list of widths ('[784, 500]'), unchecked; an InputError when it is not JSON. */
export function metadataList(meta: Readonly<Record<string, string>>, key: string): unknown {
  try {
    return JSON.parse(meta[key] ?? '');
  } catch {
    throw new InputError(`metadata '${key}' = ${JSON.stringify(meta[key] ?? null)} is not a JSON list of widths`);
  }
}

/** A configuration made from a file's metadata by `read` (the model's own check), its errors prefixed by the file. */
export function configFromMetadata<C>(source: string, read: () => C): C {
  try {
    return read();
  } catch (e) {
    throw new InputError(`${source}: ${(e as Error).message} (from its metadata)`);
  }
}

/**
 * The tensor `name`, checked to be `dtype` with `shape`, where a named dimension ('hidden') is any
 * positive size; `hint` (what implies the shape) follows the message of a missing tensor or a wrong shape.
 *
 *   fileTensor(file.tensors, 'm.safetensors', 'layer0.weight', 'F32', [784, 512], 'metadata layers [784,512,10]');
 *   const [visible, hidden] = fileTensor(file.tensors, source, 'weights', 'F32', ['visible', 'hidden']).shape;
 */
export function fileTensor(tensors: Readonly<Record<string, SafetensorsTensor>>, source: string, name: string, dtype: SafetensorsTensor['dtype'], shape: ReadonlyArray<number | string>, hint?: string): SafetensorsTensor {
  const t = Object.hasOwn(tensors, name) ? tensors[name] : undefined;
  if (!t) throw new InputError(`${source}: tensor '${name}' is missing${hint ? ` (${hint})` : ''}`);
  if (t.dtype !== dtype) throw new InputError(`${source}: tensor '${name}' is ${t.dtype}, expected ${dtype}`);
  const fits = t.shape.length === shape.length && shape.every((d, i) => (typeof d === 'string' ? t.shape[i] > 0 : t.shape[i] === d));
  if (!fits) throw new InputError(`${source}: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]${hint ? ` (${hint})` : ''}`);
  return t;
}
