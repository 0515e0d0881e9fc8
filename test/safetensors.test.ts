import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../engine/index.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  halfToNumber,
  toFloat32,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
  type SafetensorsTensor,
} from '../engine/safetensors.js';
import interop from './data/safetensors_interop.json';
import { expectError } from './expect.js';

const DATA = fileURLToPath(new URL('../../test/data/', import.meta.url));

// ---------------------------------------------------------------------------------------------
// The interop fixtures: their contents are described once, in test/data/safetensors_interop.json,
// which test/data/safetensors_interop.py also reads (it checked that Python's safetensors and plain
// numpy read harmonium_written.safetensors, and wrote python_written.safetensors).

interface Described {
  dtype: string;
  shape: number[];
  values: Array<number | string>;
  bits?: number[];
}
const SPECIAL: Record<string, number> = { '-0': -0, inf: Infinity, '-inf': -Infinity };
const value = (v: number | string) => (typeof v === 'string' ? SPECIAL[v] : v);

/** A described tensor as our writer takes it (F16 and BF16 from their bits). */
function tensorOf(d: Described): SafetensorsTensor {
  const dtype = d.dtype as SafetensorsDType;
  const numbers = d.bits ?? d.values.map(value);
  const arrays = { F64: Float64Array, F32: Float32Array, F16: Uint16Array, BF16: Uint16Array, I32: Int32Array, U32: Uint32Array, U8: Uint8Array };
  return { dtype, shape: d.shape, data: arrays[dtype].from(numbers) };
}
const tensorsOf = (described: Record<string, Described>) => Object.fromEntries(Object.entries(described).map(([k, d]) => [k, tensorOf(d)]));
const bytesOf = (t: SafetensorsTensor) => [...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)];

/** Every tensor of `got` has the described dtype, shape, bits, and float32 values. */
function assertDescribed(got: Record<string, SafetensorsTensor>, described: Record<string, Described>) {
  assert.equal(Object.keys(got).sort(), Object.keys(described).sort());
  for (const [name, d] of Object.entries(described)) {
    const want = tensorOf(d);
    assert.is(got[name].dtype, want.dtype, name);
    assert.equal([...got[name].shape], d.shape, name);
    assert.equal(bytesOf(got[name]), bytesOf(want), `${name}: bits`);
    assert.ok(got[name].data instanceof want.data.constructor, `${name}: ${got[name].data.constructor.name}`);
    // toFloat32 of the stored values: exact for these (each value is an f32).
    const f32 = toFloat32(got[name]);
    d.values.map(value).forEach((v, i) => assert.ok(Object.is(f32[i], Math.fround(v)), `${name}[${i}]: ${f32[i]} vs ${v}`));
  }
}

const fixtures = suite('safetensors interop fixtures');

fixtures('our writer reproduces harmonium_written.safetensors byte for byte (the file Python read)', () => {
  const spec = interop.harmonium_written;
  const bytes = encodeSafetensors(tensorsOf(spec.tensors), spec.metadata);
  const path = DATA + spec.file;
  // To regenerate after a deliberate format change, then re-run safetensors_interop.py.
  if (process.env.HARMONIUM_WRITE_FIXTURES === '1') writeFileSync(path, bytes);
  assert.equal([...bytes], [...readFileSync(path)]);
});

fixtures('our reader reads harmonium_written.safetensors', () => {
  const spec = interop.harmonium_written;
  const { tensors, metadata } = decodeSafetensors(readFileSync(DATA + spec.file), spec.file);
  assert.equal(metadata, spec.metadata);
  assertDescribed(tensors, spec.tensors);
});

fixtures("our reader reads python_written.safetensors (Python's writer, its tensor order and padding)", () => {
  const spec = interop.python_written;
  const bytes = readFileSync(DATA + spec.file);
  const { tensors, metadata } = decodeSafetensors(bytes, spec.file);
  assert.equal(metadata, spec.metadata);
  assertDescribed(tensors, spec.tensors);
  // Writing what we read gives a valid file holding the same (our own layout of it).
  const again = decodeSafetensors(encodeSafetensors(tensors, metadata));
  assertDescribed(again.tensors, spec.tensors);
});
fixtures.run();

// ---------------------------------------------------------------------------------------------
const format = suite('safetensors format');

format('layout: 8-byte length, JSON header padded with spaces to a multiple of 8, data by descending element size', () => {
  const bytes = encodeSafetensors(
    {
      a: { dtype: 'U8', shape: [3], data: Uint8Array.of(1, 2, 3) },
      b: { dtype: 'F64', shape: [1], data: Float64Array.of(0.5) },
      c: { dtype: 'I32', shape: [1], data: Int32Array.of(-1) },
    },
    { k: 'v' },
  );
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is(n % 8, 0);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const json = '{"__metadata__":{"k":"v"},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"c":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"U8","shape":[3],"data_offsets":[12,15]}}';
  assert.is(header, json + ' '.repeat(n - json.length));
  assert.ok(n - json.length < 8);
  assert.is(bytes.length, 8 + n + 15);
  assert.equal([...bytes.subarray(8 + n + 12)], [1, 2, 3]);
});

format('round trip of every dtype is bit-identical, NaN payloads and -0 included; no metadata means no __metadata__', () => {
  const nanBits = Uint32Array.of(0x7fc00001, 0xffbadbad, 0x80000000);
  const tensors: Record<string, SafetensorsTensor> = {
    f32: { dtype: 'F32', shape: [3], data: new Float32Array(nanBits.buffer) },
    f64: { dtype: 'F64', shape: [1, 2], data: Float64Array.of(-0, NaN) },
    f16: { dtype: 'F16', shape: [2], data: Uint16Array.of(0x7e01, 0x0001) },
    bf16: { dtype: 'BF16', shape: [2], data: Uint16Array.of(0xffc1, 0x8000) },
    i32: { dtype: 'I32', shape: [2, 1], data: Int32Array.of(-5, 6) },
    u32: { dtype: 'U32', shape: [], data: Uint32Array.of(0xdeadbeef) },
    u8: { dtype: 'U8', shape: [0, 4], data: new Uint8Array(0) },
  };
  const bytes = encodeSafetensors(tensors);
  assert.not.ok(new TextDecoder().decode(bytes).includes('__metadata__'));
  const back = decodeSafetensors(bytes);
  assert.equal(back.metadata, {});
  for (const [name, t] of Object.entries(tensors)) {
    assert.is(back.tensors[name].dtype, t.dtype);
    assert.equal([...back.tensors[name].shape], [...t.shape]);
    assert.equal(bytesOf(back.tensors[name]), bytesOf(t), name);
  }
  assert.equal([...encodeSafetensors(back.tensors, back.metadata)], [...bytes]);
});

format('a tensor named __proto__ and metadata keys with odd characters survive', () => {
  const tensors: Record<string, SafetensorsTensor> = {};
  Object.defineProperty(tensors, '__proto__', { value: { dtype: 'U8', shape: [1], data: Uint8Array.of(7) }, enumerable: true });
  const back = decodeSafetensors(encodeSafetensors(tensors, { 'a"b\n': 'c\u0000d' }));
  assert.ok(Object.hasOwn(back.tensors, '__proto__'));
  assert.equal([...back.tensors['__proto__'].data], [7]);
  assert.equal(back.metadata, { 'a"b\n': 'c\u0000d' });
});

format('toFloat32: F16 (normal, subnormal, inf, NaN), BF16, F64 and integers', () => {
  assert.is(halfToNumber(0x3c00), 1);
  assert.is(halfToNumber(0x0001), 2 ** -24);
  assert.is(halfToNumber(0x03ff), 1023 * 2 ** -24);
  assert.is(halfToNumber(0x7c00), Infinity);
  assert.ok(Object.is(halfToNumber(0x8000), -0));
  assert.ok(Number.isNaN(halfToNumber(0x7e00)));
  assert.is(halfToNumber(0x3555), 0.333251953125);
  const bf = toFloat32({ dtype: 'BF16', shape: [2], data: Uint16Array.of(0x4049, 0xff80) });
  assert.equal([...bf], [3.140625, -Infinity]);
  assert.equal([...toFloat32({ dtype: 'F64', shape: [1], data: Float64Array.of(0.1) })], [Math.fround(0.1)]);
  assert.equal([...toFloat32({ dtype: 'U32', shape: [1], data: Uint32Array.of(16777217) })], [16777216]);
});
format.run();

// ---------------------------------------------------------------------------------------------
const errors = suite('safetensors errors');

/** A file from a header object (or text) and `data` bytes, padded as the writer pads. */
function file(header: unknown, data = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + data.length).fill(0x20, 8, 8 + n);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? n), true);
  out.set(json, 8);
  out.set(data, 8 + n);
  return out;
}
const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
const decode = (bytes: Uint8Array) => () => decodeSafetensors(bytes, 'model.safetensors');

errors('a valid hand-made file decodes (the baseline of the cases below)', () => {
  const t = decodeSafetensors(file({ a: f32(0, 8), b: f32(8, 12) }, new Uint8Array(12)));
  assert.equal(Object.keys(t.tensors), ['a', 'b']);
});

errors('truncated: shorter than 8 bytes, header past the end, data cut short', async () => {
  await expectError(decode(new Uint8Array(5)), InputError, 'model.safetensors', '5 bytes', 'truncated');
  await expectError(decode(file({ a: f32(0, 8) }, new Uint8Array(8), 4096)), InputError, 'header length 4096', 'past the end');
  await expectError(decode(file({ a: f32(0, 8) }, new Uint8Array(5))), InputError, 'need 8 bytes', 'holds 5', 'truncated');
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  await expectError(decode(huge), InputError, 'exceeds the limit');
});

errors('header: not UTF-8, not starting with {, bad JSON, not an object', async () => {
  const notUtf8 = file('{"a":1}');
  notUtf8[9] = 0xff;
  await expectError(decode(notUtf8), InputError, 'not UTF-8');
  await expectError(decode(file('[1, 2]')), InputError, "does not start with '{'");
  await expectError(decode(file('{"a": ')), InputError, 'not JSON');
});

errors('tensor entries: unknown dtype, bad shape, bad offsets, shape/offset mismatch', async () => {
  await expectError(decode(file({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8))), InputError, "tensor 'w'", '"I64"');
  await expectError(decode(file({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4))), InputError, "tensor 'w'", 'shape [-1]');
  await expectError(decode(file({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4))), InputError, "tensor 'w'", 'data_offsets [0]');
  await expectError(decode(file({ w: 3 })), InputError, "tensor 'w' is not an object");
  await expectError(decode(file({ w: f32(0, 8, [3]) }, new Uint8Array(8))), InputError, "tensor 'w'", 'shape [3] of F32 needs 12 bytes', 'hold 8');
  await expectError(decode(file({ w: f32(8, 4, [0]) }, new Uint8Array(8))), InputError, "tensor 'w'", '[8, 4] out of order');
});

errors('offsets: overlapping, a gap, trailing bytes, not starting at 0', async () => {
  await expectError(decode(file({ a: f32(0, 8), b: f32(4, 12) }, new Uint8Array(12))), InputError, "tensor 'b' [4, 12] overlaps tensor 'a' [0, 8]");
  await expectError(decode(file({ a: f32(0, 4), b: f32(8, 12) }, new Uint8Array(12))), InputError, 'gap', "tensor 'b' begins at byte 8");
  await expectError(decode(file({ a: f32(4, 8) }, new Uint8Array(8))), InputError, 'gap', 'begins at byte 4');
  await expectError(decode(file({ a: f32(0, 4) }, new Uint8Array(8))), InputError, '4 bytes after the last');
});

errors('metadata: not an object, a non-string value', async () => {
  await expectError(decode(file({ __metadata__: ['x'] })), InputError, '__metadata__', 'object of strings');
  await expectError(decode(file({ __metadata__: { epoch: 3 } })), InputError, "metadata 'epoch'", 'must be strings');
});

errors('writer: wrong typed array, unknown dtype, shape mismatch, reserved name, non-string metadata', async () => {
  const write = (t: Record<string, unknown>, m?: Record<string, unknown>) => () =>
    encodeSafetensors(t as Record<string, SafetensorsTensor>, m as Record<string, string>);
  await expectError(write({ h: { dtype: 'F16', shape: [1], data: Float32Array.of(1) } }), InputError, "tensor 'h'", 'Uint16Array');
  await expectError(write({ h: { dtype: 'I64', shape: [1], data: Int32Array.of(1) } }), InputError, "tensor 'h'", '"I64"');
  await expectError(write({ h: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }), InputError, "tensor 'h'", '[2, 2]', '3 values');
  await expectError(write({ h: { dtype: 'F32', shape: [1.5], data: new Float32Array(1) } }), InputError, "tensor 'h'", 'non-negative integers');
  await expectError(write({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } }), InputError, 'reserved');
  await expectError(write({}, { epoch: 3 }), InputError, "metadata 'epoch'", 'strings');
  assert.equal(Object.keys(SAFETENSORS_DTYPES).sort(), ['BF16', 'F16', 'F32', 'F64', 'I32', 'U32', 'U8']);
});
errors.run();
