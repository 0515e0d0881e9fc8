// MLP model files on disk (Node only; the format is in checkpoint.ts): read and checked to be an MLP
// before any device is opened. Writes go through harness/io/files.ts writeFileAtomic.
import { readFileSync } from 'node:fs';
import { decodeSafetensors, InputError } from '../../engine/index.js';
import { readMlpConfig, type MlpConfig } from '../../models/mlp.js';

/**
 * The bytes of an MLP model file, after checking that it is one (metadata, every layer's tensors):
 * a missing, truncated or foreign file is an InputError naming `flag` and the file.
 *
 *   const { bytes, config } = readMlpFile('--model', 'm.safetensors');
 */
export function readMlpFile(flag: string, path: string): { bytes: Uint8Array; config: Required<MlpConfig> } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const source = `${flag} ${path}`;
  return { bytes, config: readMlpConfig(decodeSafetensors(bytes, source), source) };
}
