// VAE model files on disk (Node only; the format is in checkpoint.ts): read and checked to be a VAE
// before any device is opened. Writes go through harness/io/files.ts writeFileAtomic.
import { readFileSync } from 'node:fs';
import { decodeSafetensors, InputError } from '../../engine/index.js';
import { readVaeConfig, type VaeConfig } from '../../models/vae.js';

/** A model file's bytes; a missing file is an InputError naming `flag` and the path. */
export function readModelBytes(flag: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * The bytes of a VAE model file, after checking that it is one (metadata, every layer's tensors): a
 * missing, truncated or foreign file is an InputError naming `flag` and the file.
 *
 *   const { bytes, config } = readVaeFile('--model', 'vae.safetensors');
 */
export function readVaeFile(flag: string, path: string): { bytes: Uint8Array; config: Required<VaeConfig> } {
  const bytes = readModelBytes(flag, path);
  const source = `${flag} ${path}`;
  return { bytes, config: readVaeConfig(decodeSafetensors(bytes, source), source) };
}
