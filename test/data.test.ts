// Datasets (no GPU): the MNIST cache and split, binarisation, and the IDX, .npy and CSV readers with
// files built here byte by byte (plus two files numpy wrote, in test/data/).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InputError } from '../engine/errors.js';
import {
  dataCacheDir, datasetFromArrays, encodeMnistCache, loadMnist, mnistFromPackage, parseCsv, parseIdx, parseMnistCache, parseNpy,
  readArrayFile, readLabelledFiles, sliceDataset, splitLabelColumn, splitPerClass, toF32, writeMnistCache,
  type LabelledDataset, type NumericArray,
} from '../harness/data/node.js';
import { rngBits } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';
import { expectError } from './expect.js';
import { chiSquare, chiSquareCritical } from './stats_util.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/test
const fixture = (name: string) => join(here, '..', '..', 'test', 'data', name);
const scratch = mkdtempSync(join(tmpdir(), 'harmonium-data-'));
const write = (name: string, bytes: Uint8Array | string) => {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
};
const bytesOf = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** True when two typed arrays hold the same bytes. */
const same = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.compare(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) === 0;
const u32be = (x: number) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];

// ---------------------------------------------------------------------------------------------
const mnist = suite('MNIST cache and split (no GPU)');

// The package: 10 JSON files of pixel / 255 rounded to 3 decimals; classes hold 863 to 1,127 digits.
const CLASS_SIZES = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const cacheDir = join(scratch, 'cache');
let all: LabelledDataset;
let cacheBytes: Uint8Array;

mnist('first load builds the cache silently; the second reads the same bytes', () => {
  const warnings: string[] = [];
  all = loadMnist({ dir: cacheDir, warn: (m) => warnings.push(m) });
  assert.equal(warnings, []);
  cacheBytes = readFileSync(join(cacheDir, 'mnist-10k.bin'));
  // 24-byte header + 10,000 labels + 10,000 x 28 x 28 pixels.
  assert.is(cacheBytes.length, 24 + 10_000 + 10_000 * 784);
  const again = loadMnist({ dir: cacheDir, warn: (m) => warnings.push(m) });
  assert.equal(warnings, []);
  assert.equal([again.count, again.rows, again.cols], [10_000, 28, 28]);
  assert.ok(same(again.images, all.images) && same(again.labels, all.labels));
});

mnist('every pixel and label agrees with the package JSON', () => {
  const digits = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  let image = 0;
  for (let label = 0; label < 10; label++) {
    const values: number[] = JSON.parse(readFileSync(join(digits, `${label}.json`), 'utf8')).data;
    assert.is(values.length, CLASS_SIZES[label] * 784, `class ${label} size`);
    for (let i = 0; i < values.length; i++) {
      // The JSON holds round(pixel / 255, 3): within 0.0005 of pixel / 255.
      if (Math.abs(all.images[image * 784 + i] / 255 - values[i]) > 0.0005) assert.unreachable(`class ${label} value ${i}`);
    }
    for (let k = 0; k < CLASS_SIZES[label]; k++) assert.is(all.labels[image + k], label);
    image += CLASS_SIZES[label];
  }
  assert.is(image, 10_000);
});

mnist('known pixels of known digits', () => {
  // 0.json, first digit, pixels 127..131 (row 4, columns 15..19): 0.2, 0.624, 0.992, 0.624, 0.196,
  // so round(x * 255) = 51, 159, 253, 159, 50.
  assert.equal([...all.images.subarray(127, 132)], [51, 159, 253, 159, 50]);
  // 7.json, sixth digit (index 5), pixel 242 = 0.996 -> 254; class 7 starts after 1001+1127+...+1014.
  const firstSeven = CLASS_SIZES.slice(0, 7).reduce((a, b) => a + b, 0);
  assert.is(firstSeven, 7008);
  assert.is(all.images[(firstSeven + 5) * 784 + 242], 254);
  assert.is(all.labels[firstSeven + 5], 7);
});

mnist('split: round(80%) of each class in order is training, 8,000 / 2,000, classes interleaved', () => {
  const { train, test } = splitPerClass(all);
  assert.equal([train.count, test.count], [8000, 2000]);
  const trainPerClass = [801, 902, 793, 826, 784, 690, 811, 856, 755, 782]; // round(0.8 * CLASS_SIZES)
  const classStart = CLASS_SIZES.map((_, c) => CLASS_SIZES.slice(0, c).reduce((a, b) => a + b, 0));
  const seen = { train: new Array(10).fill(0), test: new Array(10).fill(0) };
  for (const [name, set] of [['train', train], ['test', test]] as const) {
    for (let i = 0; i < set.count; i++) {
      const label = set.labels[i];
      // The k-th training image of class c is image k of class c; the k-th test one is image cut + k.
      const source = classStart[label] + seen[name][label] + (name === 'test' ? trainPerClass[label] : 0);
      seen[name][label]++;
      assert.ok(same(set.images.subarray(i * 784, (i + 1) * 784), all.images.subarray(source * 784, (source + 1) * 784)));
    }
  }
  assert.equal(seen.train, trainPerClass);
  assert.equal(seen.test, CLASS_SIZES.map((n, c) => n - trainPerClass[c]));
  // Round-robin: the first ten of each set are one of each digit, in order.
  assert.equal([...train.labels.subarray(0, 20)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal([...test.labels.subarray(0, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // Deterministic.
  assert.equal(splitPerClass(all).train.labels, train.labels);
});

mnist('a corrupt or truncated cache is an InputError saying why', async () => {
  const flipped = new Uint8Array(cacheBytes);
  flipped[24 + 10_000 + 5000] ^= 1;
  const wrongMagic = new Uint8Array(cacheBytes);
  wrongMagic[0] = 0x58;
  await expectError(() => parseMnistCache(cacheBytes.subarray(0, cacheBytes.length - 100), 'm.bin'), InputError, 'm.bin', 'header says 10000 images of 28 x 28 = 7850024 bytes, file has 7849924');
  await expectError(() => parseMnistCache(cacheBytes.subarray(0, 10), 'm.bin'), InputError, 'm.bin', '10 bytes, shorter than the 24-byte header');
  await expectError(() => parseMnistCache(wrongMagic, 'm.bin'), InputError, 'm.bin', "magic is 'XMDS', expected 'HMDS'");
  await expectError(() => parseMnistCache(flipped, 'm.bin'), InputError, 'm.bin', 'checksum');
});

mnist('a corrupt cache file is rebuilt with a warning', () => {
  const path = join(cacheDir, 'mnist-10k.bin');
  const flipped = new Uint8Array(cacheBytes);
  flipped[flipped.length - 1] ^= 0x80;
  writeFileSync(path, flipped);
  const warnings: string[] = [];
  const rebuilt = loadMnist({ dir: cacheDir, warn: (m) => warnings.push(m) });
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /mnist-10k\.bin: not a valid MNIST cache: checksum .* rebuilding it/);
  assert.ok(same(readFileSync(path), cacheBytes), 'the file is rewritten');
  assert.ok(same(rebuilt.images, all.images));
});

mnist('an unusable cache folder costs a warning, not the data', () => {
  const notADir = write('plain-file', 'x');
  const warnings: string[] = [];
  const d = loadMnist({ dir: notADir, warn: (m) => warnings.push(m) });
  assert.is(d.count, 10_000);
  assert.match(warnings.join('\n'), /cannot write the MNIST cache .*plain-file/);
});

mnist('writeMnistCache puts the same bytes in a folder for pages; the cache folder', () => {
  const path = writeMnistCache(join(scratch, 'dist', 'data'), { dir: cacheDir });
  assert.ok(path.endsWith(join('dist', 'data', 'mnist-10k.bin')));
  assert.ok(same(readFileSync(path), cacheBytes));
  assert.ok(same(encodeMnistCache(mnistFromPackage()), cacheBytes), 'the package converts to the same bytes');
  assert.is(dataCacheDir({ HARMONIUM_DATA_DIR: '/d', XDG_CACHE_HOME: '/c' }, '/h'), '/d');
  assert.is(dataCacheDir({ XDG_CACHE_HOME: '/c' }, '/h'), '/c/harmonium');
  assert.is(dataCacheDir({}, '/h'), '/h/.cache/harmonium');
});
mnist.run();

// ---------------------------------------------------------------------------------------------
const pixels = suite('f32 conversion and binarisation (no GPU)');

// One 16 x 16 image holding every byte value once: pixel (r, c) = 16 r + c.
const ramp: LabelledDataset = { images: Uint8Array.from({ length: 256 }, (_, v) => v), labels: Uint8Array.of(0), count: 1, rows: 16, cols: 16 };

pixels('intensities are pixel / 255 in f32; threshold is exactly p > 0.5', () => {
  assert.equal([...toF32(ramp)], Array.from({ length: 256 }, (_, v) => Math.fround(v / 255)));
  // 127 / 255 = 0.498 -> 0, 128 / 255 = 0.502 -> 1.
  assert.equal([...toF32(ramp, 'threshold')], Array.from({ length: 256 }, (_, v) => (v >= 128 ? 1 : 0)));
  const f32: LabelledDataset = { images: Float32Array.of(0, 0.5, Math.fround(0.5000001), 1), labels: Uint8Array.of(0), count: 1, rows: 2, cols: 2 };
  assert.equal([...toF32(f32, 'threshold')], [0, 0, 1, 1]);
  assert.equal([...toF32(f32)], [...f32.images]);
});

pixels('sampling: pixel e is decided by word e % 4 of Philox (seed, RNG_PURPOSES.binarize) at (step, e / 4, call)', () => {
  const digits = sliceDataset(splitPerClass(all).train, 0, 40);
  const stream = { seed: 1234, step: 5, call: 2 };
  const bits = toF32(digits, stream);
  const p = toF32(digits);
  for (let e = 0; e < bits.length; e++) {
    const word = rngBits(1234, RNG_PURPOSES.binarize, 5, Math.floor(e / 4), 2)[e % 4];
    // 1 when the word's top 24 bits, as an integer, are below the f32 intensity times 2^24.
    const expected = word >>> 8 < Math.floor(p[e] * 2 ** 24) ? 1 : 0;
    if (bits[e] !== expected) assert.unreachable(`pixel ${e}: ${bits[e]} != ${expected}`);
  }
  assert.equal(toF32(digits, stream), bits, 'the same stream, the same bits');
  const differs = (other: Float32Array) => other.some((b, e) => b !== bits[e]);
  assert.ok(differs(toF32(digits, { ...stream, seed: 1235 })) && differs(toF32(digits, { ...stream, step: 6 })) && differs(toF32(digits, { ...stream, call: 3 })));
  // Probability 0 and 1 are certain.
  for (let e = 0; e < bits.length; e++) if (p[e] === 0 || p[e] === 1) assert.is(bits[e], p[e]);
});

pixels('sampling: frequencies match the intensities (4 sigma on the mean; chi-square per intensity, alpha 0.001)', () => {
  const digits = sliceDataset(splitPerClass(all).train, 0, 1000); // 784,000 draws
  const bits = toF32(digits, { seed: 99 });
  const p = toF32(digits);
  let sum = 0, expected = 0, variance = 0;
  const ones = new Array(256).fill(0), seen = new Array(256).fill(0);
  for (let e = 0; e < bits.length; e++) {
    sum += bits[e];
    expected += p[e];
    variance += p[e] * (1 - p[e]);
    seen[digits.images[e]]++;
    ones[digits.images[e]] += bits[e];
  }
  assert.ok(Math.abs(sum - expected) < 4 * Math.sqrt(variance), `${sum} ones, expected ${expected} +- ${Math.sqrt(variance)}`);
  // Each intensity v is its own binomial: sum the 1-dof chi-squares of (zeros, ones) against (1 - p, p).
  let statistic = 0, dof = 0;
  for (let v = 1; v < 255; v++) {
    const pv = Math.fround(v / 255);
    if (seen[v] * pv * (1 - pv) < 5) continue;
    const test = chiSquare([seen[v] - ones[v], ones[v]], [1 - pv, pv]);
    statistic += test.statistic;
    dof += test.dof;
  }
  assert.ok(dof > 100, `${dof} intensities tested`);
  assert.ok(statistic < chiSquareCritical(dof, 0.001), `chi-square ${statistic} on ${dof} dof`);
});

pixels('a bad stream is an InputError naming the argument', async () => {
  await expectError(() => toF32(ramp, { seed: -1 }), InputError, 'toF32', 'binarise.seed');
  await expectError(() => toF32(ramp, { seed: 1, step: 0.5 }), InputError, 'toF32', 'binarise.step');
});
pixels.run();

// ---------------------------------------------------------------------------------------------
const idx = suite('IDX files (no GPU)');

/** An IDX file: 0x00 0x00, the type code, the rank, big-endian u32 dims, then big-endian values. */
function idxFile(code: number, dims: number[], values: number[], setter: (v: DataView, at: number, x: number) => void, width: number): Uint8Array {
  const data = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((x, i) => setter(data, i * width, x));
  return bytesOf([0x00, 0x00, code, dims.length], dims.flatMap(u32be), new Uint8Array(data.buffer));
}

const IDX_CASES = [
  { dtype: 'u8', code: 0x08, width: 1, values: [0, 1, 127, 128, 200, 255], set: (v: DataView, a: number, x: number) => v.setUint8(a, x) },
  { dtype: 'i8', code: 0x09, width: 1, values: [-128, -1, 0, 1, 100, 127], set: (v: DataView, a: number, x: number) => v.setInt8(a, x) },
  { dtype: 'i16', code: 0x0b, width: 2, values: [-32768, -2, 0, 1, 300, 32767], set: (v: DataView, a: number, x: number) => v.setInt16(a, x, false) },
  { dtype: 'i32', code: 0x0c, width: 4, values: [-(2 ** 31), -3, 0, 7, 70000, 2 ** 31 - 1], set: (v: DataView, a: number, x: number) => v.setInt32(a, x, false) },
  { dtype: 'f32', code: 0x0d, width: 4, values: [-1.5, 0, 0.25, Math.fround(3e38), Math.fround(1 / 3), -7], set: (v: DataView, a: number, x: number) => v.setFloat32(a, x, false) },
  { dtype: 'f64', code: 0x0e, width: 8, values: [Math.PI, -0.1, 1e300, 0, -1, 5e-324], set: (v: DataView, a: number, x: number) => v.setFloat64(a, x, false) },
] as const;

idx('the header, byte by byte', () => {
  // u8, rank 3, dims 1 x 2 x 3, then six bytes.
  const bytes = Uint8Array.of(0x00, 0x00, 0x08, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 10, 20, 30, 40, 50, 60);
  const a = parseIdx(bytes, 'tiny');
  assert.equal([a.dtype, a.shape, [...a.data]], ['u8', [1, 2, 3], [10, 20, 30, 40, 50, 60]]);
});

for (const c of IDX_CASES) {
  idx(`${c.dtype}: round trip through a file, plain and gzip-compressed`, () => {
    const bytes = idxFile(c.code, [2, 3], [...c.values], c.set, c.width);
    assert.is(bytes.length, 4 + 2 * 4 + 6 * c.width);
    for (const path of [write(`${c.dtype}.idx`, bytes), write(`${c.dtype}.idx.gz`, gzipSync(bytes))]) {
      const a = readArrayFile(path);
      assert.equal([a.dtype, a.shape, [...a.data]], [c.dtype, [2, 3], [...c.values]], path);
    }
  });
}

idx('an image file and a label file pair up; counts must match', async () => {
  const images = write('imgs-idx3-ubyte', idxFile(0x08, [3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 9, 8, 7, 6], (v, a, x) => v.setUint8(a, x), 1));
  const labels = write('labels-idx1-ubyte.gz', gzipSync(idxFile(0x08, [3], [7, 0, 9], (v, a, x) => v.setUint8(a, x), 1)));
  const d = readLabelledFiles(images, labels);
  assert.equal([d.count, d.rows, d.cols, [...d.labels]], [3, 2, 2, [7, 0, 9]]);
  assert.instance(d.images, Uint8Array);
  assert.equal([...toF32(d).subarray(0, 4)], [0, 1, 0.2, 0.4].map(Math.fround));
  const twoLabels = write('two-labels', idxFile(0x08, [2], [7, 0], (v, a, x) => v.setUint8(a, x), 1));
  await expectError(() => readLabelledFiles(images, twoLabels), InputError, `${images} holds 3 images but ${twoLabels} holds 2 labels`);
});

idx('malformed files are InputErrors naming the file and the problem', async () => {
  const good = idxFile(0x08, [3, 2, 2], new Array(12).fill(1), (v, a, x) => v.setUint8(a, x), 1);
  const at = (name: string, bytes: Uint8Array) => write(name, bytes);
  const cases: [string, Uint8Array, string][] = [
    ['bad-magic', bytesOf([0x01], good.subarray(1)), 'neither an IDX nor a .npy file (it starts with bytes 01 00 08 03)'],
    ['truncated-data', good.subarray(0, good.length - 2), 'header says 3 x 2 x 2 = 12 bytes of data, file has 10 after its 16-byte header'],
    ['wrong-dims', bytesOf(good.subarray(0, 4), u32be(4), good.subarray(8)), 'header says 4 x 2 x 2 = 16 bytes of data, file has 12'],
    ['trailing-bytes', bytesOf(good, [0]), 'header says 3 x 2 x 2 = 12 bytes of data, file has 13'],
    ['unknown-type', bytesOf([0, 0, 0x0a], good.subarray(3)), 'unknown IDX type code 0x0a'],
    ['truncated-header', good.subarray(0, 10), 'header says rank 3, so 16 header bytes, file has 10'],
    ['rank-0', Uint8Array.of(0, 0, 8, 0), 'rank 0'],
    ['truncated.gz', gzipSync(good).subarray(0, 20), 'corrupt or truncated gzip data'],
    ['short-i32', idxFile(0x0c, [2], [1], (v, a, x) => v.setInt32(a, x, false), 4), 'header says 2 = 2 values x 4 bytes = 8 bytes of data, file has 4'],
  ];
  for (const [name, bytes, message] of cases) await expectError(() => readArrayFile(at(name, bytes)), InputError, name, message);
  await expectError(() => parseIdx(bytesOf([0x01], good.subarray(1)), 'raw'), InputError, 'raw: not an IDX file: magic starts 0x01 0x00');
  await expectError(() => readArrayFile(join(scratch, 'missing-file')), InputError, 'missing-file: cannot read (ENOENT)');
});
idx.run();

// ---------------------------------------------------------------------------------------------
const npy = suite('.npy files (no GPU)');

/**
 * A .npy file: '\x93NUMPY', version (major, 0), the header length (u16 LE in 1.0, u32 LE in 2.0 and
 * 3.0), the header dict padded with spaces and a final '\n' so that the data starts 64-byte aligned.
 */
function npyFile(major: number, dict: string, data: Uint8Array): Uint8Array {
  const lengthBytes = major === 1 ? 2 : 4;
  const unpadded = 6 + 2 + lengthBytes + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const length = lengthBytes === 2 ? [header.length & 255, header.length >> 8] : [header.length & 255, header.length >> 8, 0, 0];
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // '\x93NUMPY'
  return bytesOf(magic, [major, 0], length, new TextEncoder().encode(header), data);
}
const dict = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

const NPY_CASES: { kind: string; dtype: string; width: number; values: number[]; set: (v: DataView, a: number, x: number, le: boolean) => void }[] = [
  { kind: 'u1', dtype: 'u8', width: 1, values: [0, 1, 255, 128], set: (v, a, x) => v.setUint8(a, x) },
  { kind: 'i1', dtype: 'i8', width: 1, values: [-128, -1, 0, 127], set: (v, a, x) => v.setInt8(a, x) },
  { kind: 'b1', dtype: 'bool', width: 1, values: [1, 0, 0, 1], set: (v, a, x) => v.setUint8(a, x) },
  { kind: 'u2', dtype: 'u16', width: 2, values: [0, 1, 65535, 258], set: (v, a, x, le) => v.setUint16(a, x, le) },
  { kind: 'i2', dtype: 'i16', width: 2, values: [-32768, -2, 300, 32767], set: (v, a, x, le) => v.setInt16(a, x, le) },
  { kind: 'u4', dtype: 'u32', width: 4, values: [0, 1, 2 ** 32 - 1, 70000], set: (v, a, x, le) => v.setUint32(a, x, le) },
  { kind: 'i4', dtype: 'i32', width: 4, values: [-(2 ** 31), -3, 2 ** 31 - 1, 70000], set: (v, a, x, le) => v.setInt32(a, x, le) },
  { kind: 'f4', dtype: 'f32', width: 4, values: [-1.5, 0.25, Math.fround(3e38), Math.fround(0.1)], set: (v, a, x, le) => v.setFloat32(a, x, le) },
  { kind: 'f8', dtype: 'f64', width: 8, values: [Math.PI, -0.1, 1e300, 5e-324], set: (v, a, x, le) => v.setFloat64(a, x, le) },
  { kind: 'i8', dtype: 'i64', width: 8, values: [-(2 ** 53) + 1, -1, 0, 2 ** 53 - 1], set: (v, a, x, le) => v.setBigInt64(a, BigInt(x), le) },
  { kind: 'u8', dtype: 'u64', width: 8, values: [0, 1, 2 ** 40, 2 ** 53 - 1], set: (v, a, x, le) => v.setBigUint64(a, BigInt(x), le) },
];
const npyData = (c: (typeof NPY_CASES)[number], le: boolean) => {
  const view = new DataView(new ArrayBuffer(c.values.length * c.width));
  c.values.forEach((x, i) => c.set(view, i * c.width, x, le));
  return new Uint8Array(view.buffer);
};

for (const c of NPY_CASES) {
  npy(`${c.kind}: little- and big-endian, format versions 1.0, 2.0 and 3.0`, () => {
    for (const [order, le] of (c.width === 1 ? [['|', true]] : [['<', true], ['>', false]]) as [string, boolean][]) {
      for (const major of [1, 2, 3]) {
        const path = write(`${c.kind}-${le ? 'le' : 'be'}-v${major}.npy`, npyFile(major, dict(order + c.kind, '(2, 2)'), npyData(c, le)));
        const a = readArrayFile(path);
        assert.equal([a.dtype, a.shape, [...a.data]], [c.dtype, [2, 2], c.values], path);
      }
    }
  });
}

npy('files numpy wrote (np.save, format 1.0): float32 2 x 3 x 4 and int64 labels', () => {
  const x = readArrayFile(fixture('numpy-f4-2x3x4.npy'));
  assert.equal([x.dtype, x.shape, [...x.data]], ['f32', [2, 3, 4], Array.from({ length: 24 }, (_, i) => i / 8)]);
  const y = readArrayFile(fixture('numpy-i8-labels.npy'));
  assert.equal([y.dtype, y.shape, [...y.data]], ['i64', [6], [3, 1, 4, 1, 5, 9]]);
  // A 1-D shape '(6,)', a scalar '()'.
  const scalar = parseNpy(npyFile(1, dict('<f8', '()'), new Uint8Array(new Float64Array([2.5]).buffer)), 's.npy');
  assert.equal([scalar.shape, [...scalar.data]], [[], [2.5]]);
});

npy('malformed or unsupported files are InputErrors naming the file and the problem', async () => {
  const f4 = new Uint8Array(new Float32Array(6).buffer);
  // The 60-character dict pads to a 118-byte header: the data starts at 10 + 118 = 128, as numpy writes it.
  const good = npyFile(1, dict('<f4', '(2, 3)'), f4);
  const cases: [string, Uint8Array, string][] = [
    ['fortran.npy', npyFile(1, dict('<f4', '(2, 3)', 'True'), f4), 'Fortran-order arrays are not supported'],
    ['object.npy', npyFile(1, dict('|O', '(2,)'), new Uint8Array(16)), "object arrays (dtype '|O') are not supported"],
    ['complex.npy', npyFile(1, dict('<c8', '(2,)'), new Uint8Array(16)), "unsupported dtype '<c8'"],
    ['half.npy', npyFile(1, dict('<f2', '(2,)'), new Uint8Array(4)), "unsupported dtype '<f2'"],
    ['structured.npy', npyFile(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8)), 'structured arrays'],
    ['no-shape.npy', npyFile(1, "{'descr': '<f4', 'fortran_order': False, }", f4), "malformed .npy header (needs 'descr', 'fortran_order' and 'shape')"],
    ['truncated.npy', good.subarray(0, good.length - 4), 'header says 2 x 3 = 6 values x 4 bytes = 24 bytes of data, file has 20 after its 128-byte header'],
    ['cut-header.npy', good.subarray(0, 40), 'truncated: the header says it is 118 bytes long, file has 30 after the preamble'],
    ['version.npy', bytesOf(good.subarray(0, 6), [4, 0], good.subarray(8)), 'unsupported .npy format version 4.0'],
    ['huge.npy', npyFile(1, dict('<i8', '(1,)'), new Uint8Array(new BigInt64Array([2n ** 60n]).buffer)), 'does not fit a float64 exactly'],
  ];
  for (const [name, bytes, message] of cases) await expectError(() => readArrayFile(write(name, bytes)), InputError, name, message);
  await expectError(() => parseNpy(Uint8Array.of(0x93, 0x4e), 'short.npy'), InputError, 'short.npy: not a .npy file');
});
npy.run();

// ---------------------------------------------------------------------------------------------
const csv = suite('CSV matrices and labelled datasets (no GPU)');

csv('numbers, header detected or flagged, CRLF, spaces, trailing empty lines', () => {
  const m = parseCsv('label,a,b\r\n1, 0.5 ,-2e-1\r\n0,+3,.25\r\n\r\n\n', 'm.csv');
  assert.equal([m.header, m.shape, [...m.data]], [['label', 'a', 'b'], [2, 3], [1, 0.5, -0.2, 0, 3, 0.25]]);
  assert.equal(parseCsv('1,2\n3,4', 'n.csv').header, null);
  const forced = parseCsv('1,2\n3,4\n', 'h.csv', { header: true });
  assert.equal([forced.header, forced.shape, [...forced.data]], [['1', '2'], [1, 2], [3, 4]]);
  assert.equal(parseCsv('', 'empty.csv').shape, [0, 0]);
});

csv('ragged rows, empty fields and non-numbers are InputErrors naming the line', async () => {
  await expectError(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'r.csv'), InputError, 'r.csv: line 3: 2 fields, expected 3 (as on line 1, the header): ragged rows');
  await expectError(() => parseCsv('1,2\n3,,4\n', 'e.csv'), InputError, 'e.csv: line 2: 3 fields');
  await expectError(() => parseCsv('1,2\n3,\n', 'e.csv'), InputError, 'e.csv: line 2, column 2: empty field');
  await expectError(() => parseCsv('1,2\n3,x4\n', 'x.csv'), InputError, "x.csv: line 2, column 2: 'x4' is not a number");
  await expectError(() => parseCsv('x,y\n1,2\n', 'f.csv', { header: false }), InputError, "f.csv: line 1, column 1: 'x' is not a number");
  await expectError(() => parseCsv('1,2\n\n3,4\n', 'g.csv'), InputError, 'g.csv: line 2: empty line inside the data');
});

csv('a CSV with a label column becomes a labelled dataset (0..255 pixels with scale 255)', async () => {
  const path = write('pixels.csv', 'label,p0,p1,p2,p3\n5,0,255,51,102\n3,255,0,0,0\n');
  const { images, labels } = splitLabelColumn(readArrayFile(path), 0);
  const d = datasetFromArrays(images, labels, { scale: 255, imageShape: [2, 2] });
  assert.equal([d.count, d.rows, d.cols, [...d.labels]], [2, 2, 2, [5, 3]]);
  assert.equal([...toF32(d)], [0, 1, 0.2, 0.4, 1, 0, 0, 0].map(Math.fround));
  await expectError(() => datasetFromArrays(images, labels), InputError, 'pixels.csv: values range from 0 to 255; divided by 1 they must lie in [0, 1] (pass scale');
  await expectError(() => datasetFromArrays(images, labels, { imageShape: [3, 2], scale: 255 }), InputError, 'imageShape 3 x 2 does not hold the 4 features');
});

csv('pairing checks shapes, counts and labels', async () => {
  const arr = (source: string, dtype: NumericArray['dtype'], shape: number[], values: number[]): NumericArray => ({ source, dtype, shape, data: Float64Array.from(values) });
  const x = arr('x.npy', 'f64', [2, 3], [0, 0.5, 1, 1, 0.5, 0]);
  const d = datasetFromArrays(x, arr('y.npy', 'i64', [2, 1], [1, 2]));
  assert.equal([d.count, d.rows, d.cols, [...d.images]], [2, 1, 3, [0, 0.5, 1, 1, 0.5, 0]]);
  await expectError(() => datasetFromArrays(x, arr('y.npy', 'f64', [2], [1, 2.5])), InputError, 'y.npy: label 2.5 at index 1 is not an integer in 0..255');
  await expectError(() => datasetFromArrays(x, arr('y.npy', 'f64', [2], [1, 256])), InputError, 'label 256');
  await expectError(() => datasetFromArrays(x, arr('y.npy', 'f64', [1, 2], [1, 2])), InputError, 'y.npy: labels must have shape [count] or [count, 1], found 1 x 2');
  await expectError(() => datasetFromArrays(x, arr('y.npy', 'f64', [3], [1, 2, 3])), InputError, 'x.npy holds 2 images but y.npy holds 3 labels');
  await expectError(() => datasetFromArrays(arr('x.npy', 'f64', [6], [0, 0, 0, 0, 0, 0]), arr('y.npy', 'f64', [6], [0, 0, 0, 0, 0, 0])), InputError, 'x.npy: images must have shape');
  await expectError(() => datasetFromArrays(arr('x.npy', 'f64', [1, 1], [NaN]), arr('y.npy', 'f64', [1], [0])), InputError, 'x.npy: value at index 0 is NaN');
  await expectError(() => sliceDataset(d, 1, 3), InputError, 'sliceDataset: [1, 3) is not a range of the 2 images');
  await expectError(() => splitPerClass(d, 1), InputError, 'trainFraction 1');
});
csv.run();

// ---------------------------------------------------------------------------------------------
const browser = suite('page bundles (no GPU)');

browser('harness/data/index.ts bundles for the browser; harness/data/node.ts does not', () => {
  // esbuild is loaded at run time, not bundled into this test.
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const bundle = (entry: string) => esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', loader: { '.wgsl': 'text' } });
  const page = bundle('harness/data/index.ts');
  assert.not.match(page.outputFiles[0].text, /from\s*["']node:/);
  assert.throws(() => bundle('harness/data/node.ts'), /node:/);
});
browser.run();

// uvu runs the suites after this module has finished; clean up when the process ends.
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
