// A training command's files: the model file (--out) and the pictures it draws from the model and the
// result (--png, --curves, ...), every path checked writable before the job runs, written after it,
// and named in the command's report.
import { fromBase64 } from '../io/base64.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';

/** Pictures a command may draw: the flag, its path (undefined: not asked for), the drawing. */
export type Pictures = ReadonlyArray<{ flag: string; path: string | undefined; draw(path: string, model: Uint8Array, result: JsonObject): void }>;

export interface Outputs {
  /** Whether the job must return its model file (--out or a picture wants it). */
  needModel: boolean;
  /** Writes the model file and the pictures; returns the report's lines naming them. */
  write(modelBase64: unknown, result: JsonObject): string[];
}

/** Checks --out's and the asked-for pictures' paths (an InputError before any work). */
export function commandOutputs(out: string | undefined, pictures: Pictures = []): Outputs {
  const drawn = pictures.filter((p) => p.path !== undefined);
  for (const p of [{ flag: '--out', path: out }, ...drawn]) if (p.path) checkWritable(p.flag, p.path);
  return {
    needModel: out !== undefined || drawn.length > 0,
    write: (modelBase64, result) => {
      const file = modelBase64 === undefined ? undefined : fromBase64(modelBase64 as string);
      if (out) writeFileAtomic(out, file!);
      for (const p of drawn) p.draw(p.path!, file!, result);
      return [...(out ? [`  model             ${out}`] : []), ...drawn.map((p) => `  ${p.flag.slice(2).padEnd(18)}${p.path!}`)];
    },
  };
}
