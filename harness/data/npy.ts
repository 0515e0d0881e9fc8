// numpy .npy files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
//   bytes 0-5  '\x93NUMPY'
//   bytes 6-7  format version, major and minor: 1.0, 2.0 or 3.0
//   then       header length: u16 little-endian (1.0), u32 little-endian (2.0, 3.0)
//   then       the header, a Python dict literal (latin-1; utf-8 in 3.0), padded with spaces and '\n':
//              {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//   then       the values in the byte order of 'descr'
// Browser-safe.
import { InputError } from '../../engine/errors.js';
import { decodeValues, type ArrayDType, type NumericArray } from './arrays.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // '\x93NUMPY'
/** The header-length field's width by major version. */
const LENGTH_BYTES: Record<number, 2 | 4> = { 1: 2, 2: 4, 3: 4 };
/** numpy's kind + size (the part of 'descr' after the byte-order character) to our dtype. */
const NPY_TYPES: Record<string, ArrayDType> = {
  u1: 'u8', i1: 'i8', u2: 'u16', i2: 'i16', u4: 'u32', i4: 'i32', f4: 'f32', f8: 'f64', b1: 'bool', i8: 'i64', u8: 'u64',
};

/** True when `bytes` start with the .npy magic. */
export const isNpy = (bytes: Uint8Array): boolean => MAGIC.every((b, i) => bytes[i] === b);

/**
 * A float32 array as a .npy 1.0 file (little-endian, C order): what numpy.load reads, and parseNpy.
 *
 *   encodeNpyF32(Float32Array.of(1, 2, 3, 4), [2, 2]);
 */
export function encodeNpyF32(values: Float32Array, shape: readonly number[]): Uint8Array {
  if (shape.reduce((a, b) => a * b, 1) !== values.length) throw new InputError(`encodeNpyF32: ${values.length} values do not fill shape (${shape.join(', ')})`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // The preamble (10 bytes) and the header together a multiple of 64, the header ending in '\n'.
  const header = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + 4 * values.length);
  out.set(MAGIC);
  out.set([1, 0, header.length & 0xff, header.length >> 8], 6);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}

/**
 * Parses the bytes of a .npy file (C order; numeric and bool dtypes); anything malformed or
 * unsupported is an InputError naming `source` and the problem.
 *
 *   const x = parseNpy(bytes, 'x_train.npy'); // { dtype: 'f32', shape: [60000, 784], data: Float32Array }
 */
export function parseNpy(bytes: Uint8Array, source: string): NumericArray {
  const bad = (what: string) => new InputError(`${source}: ${what}`);
  if (!isNpy(bytes)) throw bad('not a .npy file: it does not start with \\x93NUMPY');
  if (bytes.length < 10) throw bad(`truncated: ${bytes.length} bytes, shorter than the .npy preamble`);
  const [major, minor] = [bytes[6], bytes[7]];
  const lengthBytes = LENGTH_BYTES[major];
  if (!lengthBytes || minor !== 0) throw bad(`unsupported .npy format version ${major}.${minor} (known: 1.0, 2.0, 3.0)`);
  const headerStart = 8 + lengthBytes;
  if (bytes.length < headerStart) throw bad(`truncated: ${bytes.length} bytes, shorter than the .npy ${major}.0 preamble`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerStart);
  const headerLength = lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw bad(`truncated: the header says it is ${headerLength} bytes long, file has ${bytes.length - headerStart} after the preamble`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { dtype, littleEndian, shape } = readHeader(header, bad);
  return { source, dtype, shape, data: decodeValues(source, bytes, dataStart, shape, dtype, littleEndian) };
}

/** The three keys of the header dict; a structured, object, Fortran-order or unknown array is an error. */
function readHeader(header: string, bad: (what: string) => InputError): { dtype: ArrayDType; littleEndian: boolean; shape: number[] } {
  const key = (name: string, value: string) => new RegExp(`['"]${name}['"]\\s*:\\s*${value}`).exec(header);
  if (key('descr', '\\[')) throw bad('structured arrays (a list of fields in descr) are not supported: save one numeric array per file');
  const descr = key('descr', `['"]([^'"]*)['"]`)?.[1];
  const fortran = key('fortran_order', '(True|False)')?.[1];
  const shapeText = key('shape', '\\(([^)]*)\\)')?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw bad(`malformed .npy header (needs 'descr', 'fortran_order' and 'shape'): ${header.trim()}`);
  }
  const order = descr[0];
  const kind = descr.slice(1);
  if (kind === 'O') throw bad(`object arrays (dtype '${descr}') are not supported: save a numeric array (e.g. np.asarray(a, dtype=np.float32))`);
  const dtype = NPY_TYPES[kind];
  if (!'<>|='.includes(order) || !dtype) {
    throw bad(`unsupported dtype '${descr}' (supported: ${Object.keys(NPY_TYPES).join(', ')}, little- or big-endian)`);
  }
  if (fortran === 'True') throw bad('Fortran-order arrays are not supported: save np.ascontiguousarray(a) instead');
  const dims = shapeText.split(',').map((d) => d.trim()).filter((d) => d !== '');
  if (!dims.every((d) => /^\d+$/.test(d))) throw bad(`malformed shape (${shapeText}) in the .npy header`);
  // '=' is the writer's native order; numpy writes '<' or '>' explicitly, and every host we run on is little-endian.
  return { dtype, littleEndian: order !== '>', shape: dims.map(Number) };
}
