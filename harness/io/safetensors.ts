// safetensors files (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian
// data. Readable from Python's safetensors and numpy. Used for checkpoints and models.
import { readFileSync } from 'node:fs';
import { InputError } from '../../engine/errors.js';
import { writeFileAtomic } from './files.js';

export type SafeDType = 'U32' | 'I32' | 'F32' | 'U8';
export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: Uint32Array | Int32Array | Float32Array | Uint8Array;
}

const BYTES: Record<SafeDType, number> = { U32: 4, I32: 4, F32: 4, U8: 1 };
const VIEW = { U32: Uint32Array, I32: Int32Array, F32: Float32Array, U8: Uint8Array } as const;

/** Serializes tensors and string metadata (written atomically: temporary name, then rename). */
export function writeSafetensors(path: string, tensors: Record<string, SafeTensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new InputError(`safetensors: tensor '${name}' has ${t.data.length} values for shape [${t.shape}]`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  // The data starts 8-byte aligned: pad the UTF-8 header with spaces, as the reference writer does.
  const unpadded = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(unpadded.length + ((8 - ((8 + unpadded.length) % 8)) % 8)).fill(0x20);
  head.set(unpadded);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  writeFileAtomic(path, out);
}

/** Reads a safetensors file; anything malformed is an InputError naming the file and the problem. */
export function readSafetensors(path: string): { tensors: Record<string, SafeTensor>; metadata: Record<string, string> } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const bad = (what: string) => new InputError(`${path}: not a valid safetensors file: ${what}`);
  if (bytes.length < 8) throw bad('shorter than its 8-byte header length');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw bad(`header length ${headerLength} exceeds the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw bad('the header is not JSON');
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(header)) throw bad('the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const tensors: Record<string, SafeTensor> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isObject(info)) throw bad(`tensor '${name}' is not an object`);
    const { dtype, shape, data_offsets: range } = info as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    if (!dtype || !(dtype in BYTES)) throw bad(`tensor '${name}' has unsupported dtype ${String(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`tensor '${name}' has a bad shape`);
    const validRange = Array.isArray(range) && range.length === 2 && range.every((x) => Number.isInteger(x) && x >= 0) && range[0] <= range[1];
    if (!validRange || dataStart + range[1] > bytes.length) throw bad(`tensor '${name}' has bad data_offsets`);
    const d = dtype as SafeDType;
    const count = shape.reduce((a, b) => a * b, 1);
    if (count * BYTES[d] !== range[1] - range[0]) throw bad(`tensor '${name}': shape [${shape}] does not match its ${range[1] - range[0]} bytes`);
    // Copy (Buffer.slice would share the pool): the file's bytes need not be aligned for a typed array.
    const raw = new Uint8Array(bytes.subarray(dataStart + range[0], dataStart + range[1]));
    tensors[name] = { dtype: d, shape, data: new VIEW[d](raw.buffer, 0, count) };
  }
  const metadata = header.__metadata__ ?? {};
  if (!isObject(metadata) || !Object.values(metadata).every((v) => typeof v === 'string')) throw bad('__metadata__ must map names to strings');
  return { tensors, metadata: metadata as Record<string, string> };
}
