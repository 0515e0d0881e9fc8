// Patterns for `hopfield recall --patterns FILE` (Node): pictures in text, or .npy / .csv rows.
import { readFileSync } from 'node:fs';
import { InputError } from '../../engine/errors.js';
import { readArrayFile } from '../data/read_files.js';

const UP = new Set(['#', '+', '1', 'X', '*']);
const DOWN = new Set(['.', '-', '0', 'o', '_']);

/**
 * Parses pictures: one pattern per block of lines (blocks separated by blank lines), every character
 * a unit ('#', '+', '1', 'X', '*' are +1; '.', '-', '0', 'o', '_' are -1), all blocks of one shape.
 *
 *   parsePictures('#.\n.#\n\n.#\n#.', 'two.txt');   // { width: 2, height: 2, values: [1, -1, -1, 1, -1, 1, 1, -1] }
 */
export function parsePictures(text: string, source: string): PatternsFile {
  const blocks = text.split(/\r?\n\s*\r?\n/).map((b) => b.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l !== '')).filter((b) => b.length > 0);
  if (blocks.length === 0) throw new InputError(`${source}: no patterns`);
  const width = blocks[0][0].length;
  const height = blocks[0].length;
  const values: number[] = [];
  blocks.forEach((lines, p) => {
    if (lines.length !== height || lines.some((l) => l.length !== width)) {
      throw new InputError(`${source}: pattern ${p + 1} is ${lines.map((l) => l.length).join('/')} wide and ${lines.length} high; pattern 1 is ${width} x ${height}`);
    }
    lines.forEach((line, r) =>
      [...line].forEach((ch, c) => {
        if (UP.has(ch)) values.push(1);
        else if (DOWN.has(ch)) values.push(-1);
        else throw new InputError(`${source}: pattern ${p + 1}, row ${r + 1}, column ${c + 1}: '${ch}' is neither +1 ('#') nor -1 ('.')`);
      }),
    );
  });
  return { width, height, values };
}

/** Patterns as pictures: `values` holds the patterns one after another, each height x width, row-major. */
export interface PatternsFile {
  width: number;
  height: number;
  values: number[];
}

/** Reads patterns from a file: .npy or .csv rows of +-1 ([P, N]: 1 x N pictures; [P, H, W]: H x W), else pictures. */
export function readPatternsFile(path: string, flag: string): PatternsFile {
  if (/\.(npy|csv)$/i.test(path)) {
    const array = readArrayFile(path);
    const [height, width] = array.shape.length === 3 ? [array.shape[1], array.shape[2]] : [1, array.shape.slice(1).reduce((a, b) => a * b, 1)];
    return { width, height, values: Array.from(array.data as ArrayLike<number>) };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parsePictures(text, `${flag} ${path}`);
}
