// The plain typed result every file reader returns (IDX, .npy, CSV), and the one decoder of raw
// numbers that the binary readers share. Browser-safe: no node: modules.
import { InputError } from '../../engine/errors.js';

/**
 * Element types the readers understand, named by width. 'bool' is one byte per value (0 or 1);
 * 'i64' and 'u64' (numpy's default integers) are held as float64, exact below 2^53.
 */
export type ArrayDType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64' | 'bool' | 'i64' | 'u64';

export type NumericData = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array in C order (last index fastest), as read from a file. */
export interface NumericArray {
  /** The file (or name) it came from: errors about it name this. */
  source: string;
  /** The element type in the file. */
  dtype: ArrayDType;
  shape: number[];
  /** shape.reduce(*) values in C order, in native byte order. */
  data: NumericData;
}

/** Bytes per value in a file. */
export const BYTES_PER_VALUE: Record<ArrayDType, number> = {
  u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, f64: 8, i64: 8, u64: 8,
};

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The number of values in an array of `shape` (1 for a scalar). */
export const countOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** `60000 x 28 x 28` (or `a scalar`), for messages. */
export const shapeText = (shape: readonly number[]): string => (shape.length ? shape.join(' x ') : 'a scalar');

/**
 * Checks that the bytes from `offset` to the end hold exactly `shape` of `dtype` (an InputError
 * stating the header's claim and the file's size otherwise), and decodes them into a fresh, aligned
 * typed array in native byte order.
 */
export function decodeValues(
  source: string,
  bytes: Uint8Array,
  offset: number,
  shape: readonly number[],
  dtype: ArrayDType,
  littleEndian: boolean,
): NumericData {
  const count = countOf(shape);
  const width = BYTES_PER_VALUE[dtype];
  const need = count * width;
  const have = bytes.length - offset;
  if (need !== have) {
    // '60000 x 28 x 28 = 47040000 bytes of data', or '2 x 3 = 6 values x 4 bytes = 24 bytes of data'
    const arithmetic = width === 1 ? `${need}` : `${count} values x ${width} bytes = ${need}`;
    const claim = `${shapeText(shape)} = ${arithmetic} bytes of data`;
    throw new InputError(`${source}: header says ${claim}, file has ${have} after its ${offset}-byte header`);
  }
  const raw = bytes.subarray(offset, offset + need);
  switch (dtype) {
    case 'u8':
    case 'bool':
      return new Uint8Array(raw);
    case 'i8':
      return new Int8Array(new Uint8Array(raw).buffer);
    case 'i64':
    case 'u64':
      return decodeWide(source, raw, count, dtype, littleEndian);
    default:
      return decodeNative(raw, count, dtype, littleEndian);
  }
}

const VIEW = { u16: Uint16Array, i16: Int16Array, u32: Uint32Array, i32: Int32Array, f32: Float32Array, f64: Float64Array } as const;
const GETTER = {
  u16: 'getUint16', i16: 'getInt16', u32: 'getUint32', i32: 'getInt32', f32: 'getFloat32', f64: 'getFloat64',
} as const;

/** 2-, 4- and 8-byte values: a copy when the file's byte order is the host's, else one DataView read each. */
function decodeNative(raw: Uint8Array, count: number, dtype: keyof typeof VIEW, littleEndian: boolean): NumericData {
  // Copy first: the file's bytes need not be aligned for a typed array view.
  const copy = new Uint8Array(raw);
  if (littleEndian === HOST_IS_LITTLE_ENDIAN) return new VIEW[dtype](copy.buffer, 0, count);
  const out = new VIEW[dtype](count);
  const view = new DataView(copy.buffer);
  const get = GETTER[dtype];
  const width = BYTES_PER_VALUE[dtype];
  for (let i = 0; i < count; i++) out[i] = view[get](i * width, littleEndian);
  return out;
}

/** 64-bit integers as float64; a value beyond 2^53 would silently lose digits, so it is an error. */
function decodeWide(source: string, raw: Uint8Array, count: number, dtype: 'i64' | 'u64', littleEndian: boolean): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const big = dtype === 'i64' ? view.getBigInt64(i * 8, littleEndian) : view.getBigUint64(i * 8, littleEndian);
    const value = Number(big);
    if (!Number.isSafeInteger(value)) throw new InputError(`${source}: value ${big} at index ${i} does not fit a float64 exactly (|x| > 2^53)`);
    out[i] = value;
  }
  return out;
}
