// Model files on disk (Node only): read, then checked to be of the expected kind (the model's own
// reader: its tag, configuration and tensors) before any device is opened.
import { readFileSync } from 'node:fs';
import { decodeSafetensors, InputError, type Safetensors } from '../../engine/index.js';
import { MAX_BASE64_BYTES } from './base64.js';

/**
 * The bytes of a model file and what `readConfig` makes of it; a missing, truncated or foreign file
 * is an InputError naming `flag` and the file.
 *
 *   const { bytes, config } = readModelFile('--model', 'm.safetensors', readMlpConfig);
 */
export function readModelFile<C>(flag: string, path: string, readConfig: (file: Safetensors, source: string) => C): { bytes: Uint8Array; config: C; file: Safetensors } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const source = `${flag} ${path}`;
  // A job receives the file as base64 text in its spec: one too big for that is refused here, by name.
  if (bytes.length > MAX_BASE64_BYTES) throw new InputError(`${source}: the file is ${(bytes.length / 2 ** 20).toFixed(0)} MB; a job takes model files of at most ${(MAX_BASE64_BYTES / 2 ** 20).toFixed(0)} MB (they travel as base64 text in its JSON spec)`);
  const file = decodeSafetensors(bytes, source);
  return { bytes, config: readConfig(file, source), file };
}
