import { accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../engine/errors.js';

/**
 * Writes to a temporary name in the same folder, flushes it to the disk, then renames: a reader never
 * sees half a file, and a crash after the rename leaves the whole new file (or, before it, the old one).
 * A failed write (a full disk) removes the temporary file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Throws an InputError naming `flag` unless `path` can be written (its folder exists or can be made, and is writable). */
export function checkWritable(flag: string, path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`${flag} ${path}: is a directory`);
  let dir = dirname(path);
  while (!existsSync(dir)) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(`${flag} ${path}: cannot write in ${dir}`);
  }
}
