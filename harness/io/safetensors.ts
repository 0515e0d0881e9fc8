// safetensors files: the engine's codec (engine/safetensors.ts) with the file I/O the harness owns:
// reads name the file in their errors, writes go to a temporary name and are renamed.
import { readFileSync } from 'node:fs';
import { decodeSafetensors, encodeSafetensors, type Safetensors, type SafetensorsTensor } from '../../engine/safetensors.js';
import { InputError } from '../../engine/errors.js';
import { writeFileAtomic } from './files.js';

/** Writes tensors and string metadata atomically (temporary name, then rename). */
export function writeSafetensors(path: string, tensors: Readonly<Record<string, SafetensorsTensor>>, metadata: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Reads a safetensors file; anything malformed is an InputError naming the file and the problem. */
export function readSafetensors(path: string): Safetensors {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeSafetensors(bytes, path);
}
