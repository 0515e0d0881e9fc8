// CSV matrices: one row per line, numbers separated by commas (spaces around them allowed), an
// optional header row, '\n' or '\r\n' line ends, empty lines allowed only at the end. Browser-safe.
import { InputError } from '../../engine/errors.js';
import type { NumericArray } from './arrays.js';

export interface CsvOptions {
  /** true: the first line is a header; false: it is data; absent: a header when any of its fields is not a number. */
  header?: boolean;
}

/** A matrix from CSV: dtype 'f64', shape [rows, columns]; `header` holds the header row's names, if any. */
export interface CsvMatrix extends NumericArray {
  header: string[] | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses CSV text into a float64 matrix; a ragged row, an empty field or a field that is not a
 * number is an InputError naming `source`, the line and the column.
 *
 *   const m = parseCsv('x,y\n1,2\n3,4\n', 'points.csv'); // m.shape = [2, 2], m.header = ['x', 'y']
 */
export function parseCsv(text: string, source: string, options: CsvOptions = {}): CsvMatrix {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const split = (line: string) => line.split(',').map((field) => field.trim());
  const first = lines.length ? split(lines[0]) : [];
  const hasHeader = options.header ?? first.some((field) => !NUMBER.test(field));
  const header = hasHeader && lines.length ? first : null;
  const firstData = header ? 1 : 0;
  const columns = header ? header.length : first.length;
  const rows = lines.length - firstData;
  const data = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const lineNumber = firstData + r + 1;
    const at = `${source}: line ${lineNumber}`;
    if (lines[firstData + r].trim() === '') throw new InputError(`${at}: empty line inside the data`);
    const fields = split(lines[firstData + r]);
    if (fields.length !== columns) {
      throw new InputError(`${at}: ${fields.length} fields, expected ${columns} (as on line 1${header ? ', the header' : ''}): ragged rows`);
    }
    fields.forEach((field, c) => {
      if (!NUMBER.test(field)) throw new InputError(`${at}, column ${c + 1}: ${field === '' ? 'empty field' : `'${field}' is not a number`}`);
      data[r * columns + c] = Number(field);
    });
  }
  return { source, dtype: 'f64', shape: [rows, columns], data, header };
}
