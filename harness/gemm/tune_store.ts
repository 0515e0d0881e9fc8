// The autotuner's cache as a JSON file (Node): where it lives, reading it (a corrupt file is ignored
// with a warning and rewritten on the next save: it is only a cache) and writing it atomically.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseTuneCache, setDefaultTuner, Tuner, type TuneCache, type TunerOptions, type TuneStore } from '../../engine/ops/tune.js';
import { writeFileAtomic } from '../io/files.js';
import { InputError } from '../../engine/errors.js';

/** HARMONIUM_TUNE_CACHE, else $XDG_CACHE_HOME/harmonium/tune.json, else ~/.cache/harmonium/tune.json. */
export function defaultTuneCachePath(env: Record<string, string | undefined> = process.env, home = homedir()): string {
  if (env.HARMONIUM_TUNE_CACHE) return env.HARMONIUM_TUNE_CACHE;
  const base = env.XDG_CACHE_HOME || join(home, '.cache');
  return join(base, 'harmonium', 'tune.json');
}

/**
 * A TuneStore in one JSON file.
 *
 *   const tuner = new Tuner({ store: new FileTuneStore(defaultTuneCachePath()) });
 */
export class FileTuneStore implements TuneStore {
  constructor(
    readonly where: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {}

  async load(): Promise<TuneCache | null> {
    let text: string;
    try {
      text = readFileSync(this.where, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new InputError(`tune cache ${this.where}: cannot read (${code ?? (e as Error).message})`);
    }
    try {
      return parseTuneCache(text, this.where);
    } catch (e) {
      this.warn(`${(e as Error).message}; ignoring it (the next tuning rewrites the file)`);
      return null;
    }
  }

  async save(cache: TuneCache): Promise<void> {
    try {
      writeFileAtomic(this.where, `${JSON.stringify(cache, null, 1)}\n`);
    } catch (e) {
      throw new InputError(`tune cache ${this.where}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
}

/** Makes `config: 'auto'` in this process use the file cache at `path` (default defaultTuneCachePath()). */
export function useFileTuneCache(path = defaultTuneCachePath(), options: Omit<TunerOptions, 'store'> = {}): Tuner {
  const tuner = new Tuner({ ...options, store: new FileTuneStore(path) });
  setDefaultTuner(tuner);
  return tuner;
}
