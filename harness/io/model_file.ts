// Model files on disk (Node only): read, then checked to be of the expected kind (the model's own
// reader: its tag, configuration and tensors) before any device is opened.
import { readFileSync } from 'node:fs';
import { decodeSafetensors, encodeSafetensors, InputError, type Safetensors } from '../../engine/index.js';
import { MAX_BASE64_BYTES } from './base64.js';

/**
 * The bytes of a model file and what `readConfig` makes of it; a missing, truncated or foreign file
 * is an InputError naming `flag` and the file. With `evaluation`, the bytes leave out the optimiser's
 * state (withoutOptimizerState): what an evaluation needs, a third of an Adam-trained file.
 *
 *   const { bytes, config } = readModelFile('--model', 'm.safetensors', readMlpConfig, { evaluation: true });
 */
export function readModelFile<C>(flag: string, path: string, readConfig: (file: Safetensors, source: string) => C, o: { evaluation?: boolean } = {}): { bytes: Uint8Array; config: C; file: Safetensors } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const source = `${flag} ${path}`;
  const file = decodeSafetensors(bytes, source);
  const config = readConfig(file, source);
  const sent = o.evaluation ? withoutOptimizerState(file) : null;
  if (sent) bytes = encodeSafetensors(sent.tensors, sent.metadata);
  // A job receives the file as base64 text in its spec: one too big for that is refused here, by name.
  if (bytes.length > MAX_BASE64_BYTES) throw new InputError(`${source}: ${o.evaluation ? 'without its optimiser state ' : ''}the file is ${(bytes.length / 2 ** 20).toFixed(0)} MB; a job takes model files of at most ${(MAX_BASE64_BYTES / 2 ** 20).toFixed(0)} MB (they travel as base64 text in its JSON spec)`);
  return { bytes, config, file };
}

/**
 * A parameter checkpoint's file (or a file holding several under prefixes, as a DBN's) without the
 * optimiser's state: each set's '<slot>/<name>' tensors dropped and its 'harmonium.state' emptied, so
 * that it restores with the same values and iteration and no state.
 */
export function withoutOptimizerState(file: Safetensors): Safetensors {
  const tensors = { ...file.tensors };
  const metadata = { ...file.metadata };
  for (const key of Object.keys(file.metadata).filter((k) => k.endsWith('harmonium.state'))) {
    const prefix = key.slice(0, -'harmonium.state'.length);
    const parse = (k: string): unknown => {
      try {
        return JSON.parse(file.metadata[k] ?? '[]');
      } catch {
        return [];
      }
    };
    const slots = parse(key);
    const names = parse(`${prefix}harmonium.params`);
    if (!Array.isArray(slots) || !Array.isArray(names)) continue;
    for (const slot of slots) for (const name of names) delete tensors[`${prefix}${slot}/${name}`];
    metadata[key] = '[]';
  }
  return { tensors, metadata };
}
