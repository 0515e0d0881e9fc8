// safetensors (https://github.com/huggingface/safetensors) as bytes: an 8-byte little-endian header
// length N, N bytes of a UTF-8 JSON object (each tensor's dtype, shape and data_offsets, and an
// optional "__metadata__" map of string to string), padded with spaces so that the data starts at a
// multiple of 8, then the data: every tensor's little-endian bytes, contiguous, no gaps, no overlap,
// the last one ending at the end of the file. The engine reads and writes bytes only; the harness
// does files (a temporary name, then rename). Python's `safetensors` and numpy read what this writes
// (test/data/safetensors_interop.py).
import { InputError } from './errors.js';

/** The element types read and written here. F16 and BF16 stay raw bits (Uint16Array): see toFloat32. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I32' | 'U32' | 'U8';

/** The data of a tensor of each dtype: F16 and BF16 as their 16-bit patterns. */
export interface SafetensorsArrays {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I32: Int32Array;
  U32: Uint32Array;
  U8: Uint8Array;
}

export type SafetensorsData = SafetensorsArrays[SafetensorsDType];

/** One tensor: row-major data of `shape` (the product of `shape` elements; [] is a scalar). */
export interface SafetensorsTensor {
  dtype: SafetensorsDType;
  shape: readonly number[];
  data: SafetensorsData;
}

/** What a safetensors file holds: tensors in the order of their data, and the string metadata. */
export interface Safetensors {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

const ARRAYS = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I32: Int32Array,
  U32: Uint32Array,
  U8: Uint8Array,
} as const;

/** The dtypes this module reads and writes, with their bytes per element. */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I32: 4, U32: 4, U8: 1 };

const METADATA = '__metadata__';
/** The reference implementation refuses larger headers (MAX_HEADER_SIZE in safetensors/src/tensor.rs). */
const MAX_HEADER_BYTES = 100_000_000;

const isDType = (d: unknown): d is SafetensorsDType => typeof d === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, d);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly unknown[]) => `[${shape.join(', ')}]`;

/** Sets `record[key]` as an own property, even for a key such as '__proto__'. */
function put<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Serialises tensors and string metadata into safetensors bytes. The data is laid out by
 * descending element size (stable: the given order among equal sizes), so that every tensor starts
 * at a multiple of its element size, and the header lists tensors in that order after
 * "__metadata__" (written only when `metadata` has entries). The same input gives the same bytes.
 * Errors (InputError) name the tensor: a dtype outside SAFETENSORS_DTYPES, data of the wrong typed
 * array (F16 and BF16 take a Uint16Array of bits), a shape that does not hold data.length elements.
 *
 *   const bytes = encodeSafetensors({ w: { dtype: 'F32', shape: [2, 3], data: new Float32Array(6) } }, { epoch: '3' });
 *   writeFileAtomic('model.safetensors', bytes);   // harness/files.ts
 */
export function encodeSafetensors(tensors: Readonly<Record<string, SafetensorsTensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const where = 'encodeSafetensors';
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === METADATA) throw new InputError(`${where}: '${METADATA}' is reserved for the metadata and cannot name a tensor`);
    if (!isObject(t)) throw new InputError(`${where}: tensor '${name}' is not an object with dtype, shape and data`);
    if (!isDType(t.dtype)) throw new InputError(`${where}: tensor '${name}' has dtype ${JSON.stringify(t.dtype)}; known: ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
    const view = ARRAYS[t.dtype];
    if (!(t.data instanceof view)) throw new InputError(`${where}: tensor '${name}' (${t.dtype}) needs its data as a ${view.name}`);
    if (!Array.isArray(t.shape) || !t.shape.every(isCount)) throw new InputError(`${where}: tensor '${name}' has shape ${JSON.stringify(t.shape)}; it must be non-negative integers`);
    if (elements(t.shape) !== t.data.length) throw new InputError(`${where}: tensor '${name}' has shape ${shapeText(t.shape)} (${elements(t.shape)} elements) but ${t.data.length} values`);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new InputError(`${where}: metadata '${key}' is a ${typeof value}; metadata values must be strings`);
  }
  const ordered = entries.map((e, i) => ({ e, i })).sort((x, y) => SAFETENSORS_DTYPES[y.e[1].dtype] - SAFETENSORS_DTYPES[x.e[1].dtype] || x.i - y.i).map((x) => x.e);

  // The header as JSON text, entry by entry, so that no tensor name can collide with an object key.
  const fields: string[] = [];
  if (Object.keys(metadata).length) fields.push(`${JSON.stringify(METADATA)}:${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const [name, t] of ordered) {
    const end = offset + t.data.byteLength;
    fields.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  // Spaces after the JSON make the data start at a multiple of 8 (as the reference writer does).
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  out.set(json, 8);
  let at = 8 + headerBytes;
  for (const [, t] of ordered) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Parses safetensors bytes, with the checks of the reference reader: the header length within the
 * file and under 100 MB, UTF-8 JSON object, every tensor with a known dtype, a shape of non-negative
 * integers and data_offsets [begin, end] holding exactly its bytes; the ranges, sorted, start at 0,
 * follow one another without gap or overlap and end at the end of the file; "__metadata__", if
 * present, maps strings to strings. Anything else is an InputError that starts with `source` (a file
 * name, say) and names the tensor or key at fault. Tensors come back in the order of their data, as
 * copies (the input may be unaligned or reused); F16 and BF16 as raw bits (toFloat32 converts).
 *
 *   const { tensors, metadata } = decodeSafetensors(readFileSync(path), path);
 *   const w = toFloat32(tensors.w);
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): Safetensors {
  const bad = (what: string) => new InputError(`${source}: not a valid safetensors file: ${what}`);
  if (!(bytes instanceof Uint8Array)) throw new InputError(`${source}: decodeSafetensors needs a Uint8Array`);
  if (bytes.length < 8) throw bad(`it is ${bytes.length} bytes long, too short for the 8-byte header length (truncated?)`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) throw bad(`the header length ${declared} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  const headerBytes = Number(declared);
  if (8 + headerBytes > bytes.length) throw bad(`the header length ${headerBytes} runs past the end of the file (${bytes.length} bytes: truncated?)`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes));
  } catch {
    throw bad('the header is not UTF-8 text');
  }
  if (!text.startsWith('{')) throw bad(`the header does not start with '{' (it starts ${JSON.stringify(text.slice(0, 16))})`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw bad(`the header is not JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) throw bad('the header is not a JSON object');

  const metadata: Record<string, string> = {};
  const infos: Array<{ name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }> = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA) {
      if (!isObject(info)) throw bad(`'${METADATA}' must be an object of strings, not ${JSON.stringify(info)}`);
      for (const [key, value] of Object.entries(info)) {
        if (typeof value !== 'string') throw bad(`metadata '${key}' is ${JSON.stringify(value)}; metadata values must be strings`);
        put(metadata, key, value);
      }
      continue;
    }
    const tensor = `tensor '${name}'`;
    if (!isObject(info)) throw bad(`${tensor} is not an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: range } = info;
    if (!isDType(dtype)) throw bad(`${tensor} has dtype ${JSON.stringify(dtype)}; this reader knows ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`${tensor} has shape ${JSON.stringify(shape)}; it must be a list of non-negative integers`);
    if (!Array.isArray(range) || range.length !== 2 || !range.every(isCount)) throw bad(`${tensor} has data_offsets ${JSON.stringify(range)}; they must be two non-negative integers [begin, end]`);
    const [begin, end] = range as [number, number];
    if (end < begin) throw bad(`${tensor} has data_offsets [${begin}, ${end}] out of order (end before begin)`);
    const need = elements(shape) * SAFETENSORS_DTYPES[dtype];
    if (need !== end - begin) throw bad(`${tensor}: shape ${shapeText(shape)} of ${dtype} needs ${need} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    infos.push({ name, dtype, shape, begin, end });
  }

  // The reference reader's rule: sorted by offsets, the ranges tile the data exactly.
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + headerBytes;
  const dataBytes = bytes.length - dataStart;
  let covered = 0;
  infos.forEach((t, i) => {
    if (t.begin < covered) throw bad(`tensor '${t.name}' [${t.begin}, ${t.end}] overlaps tensor '${infos[i - 1].name}' [${infos[i - 1].begin}, ${infos[i - 1].end}]`);
    if (t.begin > covered) throw bad(`the data has a gap: tensor '${t.name}' begins at byte ${t.begin}, the data before it ends at ${covered}`);
    covered = t.end;
  });
  if (covered > dataBytes) throw bad(`the tensors need ${covered} bytes of data but the file holds ${dataBytes} after the header (truncated?)`);
  if (covered < dataBytes) throw bad(`the file has ${dataBytes - covered} bytes after the last tensor's data`);

  const tensors: Record<string, SafetensorsTensor> = {};
  for (const t of infos) {
    // A copy: the file's bytes need not be aligned for a typed array, and the caller may reuse them
    // (a Node Buffer's slice() would be a view into a shared pool).
    const raw = new Uint8Array(t.end - t.begin);
    raw.set(bytes.subarray(dataStart + t.begin, dataStart + t.end));
    put(tensors, t.name, { dtype: t.dtype, shape: t.shape, data: new ARRAYS[t.dtype](raw.buffer, 0, elements(t.shape)) });
  }
  return { tensors, metadata };
}

/** An IEEE half (binary16) bit pattern as a number; NaN keeps no payload. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * A tensor's values as a new Float32Array: F16 exactly, BF16 exactly (its bits are the top half of
 * an f32), F64 and the integer types rounded to the nearest f32.
 *
 *   const weights = toFloat32(decodeSafetensors(bytes).tensors['fc1.weight']);
 */
export function toFloat32(tensor: SafetensorsTensor): Float32Array {
  const { dtype, data } = tensor;
  if (dtype === 'BF16') {
    const words = new Uint32Array(data.length);
    for (let i = 0; i < data.length; i++) words[i] = data[i] << 16;
    return new Float32Array(words.buffer);
  }
  if (dtype === 'F16') return Float32Array.from(data, halfToNumber);
  return Float32Array.from(data);
}
