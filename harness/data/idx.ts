// IDX files, the format of the original MNIST and Fashion-MNIST files (http://yann.lecun.com/exdb/mnist/):
//   bytes 0-1  zero
//   byte  2    type code: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
//   byte  3    rank (number of dimensions)
//   then       one u32 per dimension, big-endian
//   then       the values, big-endian, C order (last index fastest)
// Browser-safe: gzip (`.gz`) is undone by the Node reader (harness/data/read_files.ts) before this.
import { InputError } from '../../engine/errors.js';
import { decodeValues, type ArrayDType, type NumericArray } from './arrays.js';

const IDX_TYPES: Record<number, ArrayDType> = { 0x08: 'u8', 0x09: 'i8', 0x0b: 'i16', 0x0c: 'i32', 0x0d: 'f32', 0x0e: 'f64' };
const hex = (byte: number) => `0x${byte.toString(16).padStart(2, '0')}`;

/**
 * Parses the bytes of an IDX file; anything malformed is an InputError naming `source` and the problem.
 *
 *   const images = parseIdx(bytes, 'train-images-idx3-ubyte'); // { dtype: 'u8', shape: [60000, 28, 28], data }
 */
export function parseIdx(bytes: Uint8Array, source: string): NumericArray {
  if (bytes.length < 4) throw new InputError(`${source}: not an IDX file: ${bytes.length} bytes, shorter than the 4-byte magic`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InputError(`${source}: not an IDX file: magic starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00 (then a type code and the rank)`);
  }
  const dtype = IDX_TYPES[bytes[2]];
  if (!dtype) {
    const known = Object.entries(IDX_TYPES).map(([code, name]) => `${hex(Number(code))} ${name}`).join(', ');
    throw new InputError(`${source}: unknown IDX type code ${hex(bytes[2])} (known: ${known})`);
  }
  const rank = bytes[3];
  if (rank === 0) throw new InputError(`${source}: IDX header says rank 0 (no dimensions)`);
  const dataStart = 4 + 4 * rank;
  if (bytes.length < dataStart) {
    throw new InputError(`${source}: IDX header says rank ${rank}, so ${dataStart} header bytes, file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, dataStart);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { source, dtype, shape, data: decodeValues(source, bytes, dataStart, shape, dtype, false) };
}
