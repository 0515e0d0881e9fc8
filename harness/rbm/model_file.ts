// RBM model files on disk (Node only; the format is in checkpoint.ts): read and checked to be an RBM
// before any device is opened.
import { readFileSync } from 'node:fs';
import { decodeSafetensors, InputError, type Safetensors } from '../../engine/index.js';
import { readRbmConfig, type RbmConfig } from '../../models/rbm.js';

/**
 * The bytes of an RBM model file, after checking that it is one (metadata, the three parameter
 * tensors): a missing, truncated or foreign file is an InputError naming `flag` and the file.
 *
 *   const { bytes, config } = readRbmFile('--model', 'm.safetensors');
 */
export function readRbmFile(flag: string, path: string): { bytes: Uint8Array; config: Required<RbmConfig>; file: Safetensors } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const source = `${flag} ${path}`;
  const file = decodeSafetensors(bytes, source);
  return { bytes, config: readRbmConfig(file, source), file };
}
