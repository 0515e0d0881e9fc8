import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import kat from './data/philox4x32-10-kat.json';
import { philox4x32, rngBits, uniform24, normal2, mulhi } from '../engine/philox.js';
import { defineKernel, KernelGraph, linearGrid } from '../engine/index.js';
import { library } from '../engine/library.js';
import { shaderText } from '../engine/shaders.js';
import { RNG_PURPOSES, purposeConstantName } from '../engine/rng_purposes.js';
import { withGpu, readU32 } from './gpu.js';

const hex = (words: readonly string[]) => words.map((w) => parseInt(w, 16) >>> 0);

const reference = suite('philox reference (no GPU)');

reference('mulhi matches BigInt on edge and random values', () => {
  const cases = [0, 1, 0xffff, 0x10000, 0xffffffff, 0xd2511f53, 0xcd9e8d57, 0x80000000, 123456789];
  for (const a of cases) for (const b of cases) {
    const expected = Number((BigInt(a) * BigInt(b)) >> 32n);
    assert.is(mulhi(a, b), expected, `mulhi(${a}, ${b})`);
  }
});

reference('Random123 known-answer vectors', () => {
  for (const v of kat.vectors) {
    assert.equal([...philox4x32(hex(v.counter), hex(v.key))], hex(v.output));
  }
});
reference('one registry of purposes: distinct u32 values, each declared once in the generated rng_purposes.wgsl', async () => {
  const values = Object.values(RNG_PURPOSES);
  assert.is(new Set(values).size, values.length, 'two purposes share a key word');
  for (const v of values) assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  const wgsl = await shaderText('rng_purposes.wgsl', library);
  for (const [name, value] of Object.entries(RNG_PURPOSES)) {
    const declarations = wgsl.split('\n').filter((line) => line.startsWith(`const ${purposeConstantName(name)}:`));
    assert.equal(declarations, [`const ${purposeConstantName(name)}: u32 = ${value}u;`]);
  }
  assert.is(purposeConstantName('isingInit'), 'PURPOSE_ISING_INIT');
  // No kernel may write a purpose number of its own: every PURPOSE_ constant comes from the registry.
  for (const file of Object.keys(library)) {
    if (file === 'rng_purposes.wgsl') continue;
    assert.not.match(await shaderText(file, library), /const\s+PURPOSE_/, `${file} declares its own purpose constant`);
  }
});
reference.run();

const gpu = suite('philox kernel (GPU)');

async function fill(mode: number, calls: number, workgroupSize: number, seed = 42, purpose = 7, step = 3) {
  let out: Uint32Array = new Uint32Array();
  await withGpu(async ({ gpu, pool, scheduler }) => {
    const kernel = await defineKernel(library, { name: 'rng_fill', file: 'rng_fill.wgsl', overrides: { WG: workgroupSize } });
    const params = await pool.uniform('params', Uint32Array.of(seed, purpose, step, calls, mode, 0, 0, 0));
    const result = await pool.tensor('out', 'u32', [calls * 4]);
    await scheduler.run(new KernelGraph('rng').add(kernel, { params, out: result }, linearGrid(gpu, calls, workgroupSize)));
    out = await readU32(result);
  });
  return out;
}

gpu('the all-zero known-answer vector on the GPU (the fill kernel fixes counter words 2 and 3 at 0)', async () => {
  // The fill kernel's counter is (step, element, 0, 0) under key (seed, purpose): reproduce the
  // first KAT vector (all zero) exactly, and random counters against the reference.
  const out = await fill(0, 1, 64, 0, 0, 0);
  assert.equal([...out], hex(kat.vectors[0].output));
});

gpu('raw words equal the reference for every element, whatever the workgroup size', async () => {
  const calls = 1000;
  const expected = new Uint32Array(calls * 4);
  for (let e = 0; e < calls; e++) expected.set(rngBits(42, 7, 3, e, 0), 4 * e);
  for (const wg of [1, 64, 256]) {
    const out = await fill(0, calls, wg);
    assert.equal(out, expected, `workgroup size ${wg}`);
  }
});

gpu('uniforms are bit-exact, normals within the WGSL accuracy of log, sqrt and cos', async () => {
  const calls = 500;
  const uniforms = new Float32Array((await fill(1, calls, 64)).buffer);
  const normals = new Float32Array((await fill(2, calls, 64)).buffer);
  for (let e = 0; e < calls; e++) {
    const bits = rngBits(42, 7, 3, e, 0);
    for (let i = 0; i < 4; i++) assert.is(uniforms[4 * e + i], uniform24(bits[i]), `uniform ${4 * e + i}`);
    const [a, b] = normal2(bits[0], bits[1]);
    const [c, d] = normal2(bits[2], bits[3]);
    [a, b, c, d].forEach((ref, i) => {
      const got = normals[4 * e + i];
      // WGSL lets cos/sin err by 2^-11 absolute on [-pi, pi] (scaled by the radius, at most ~5.8)
      // and log by 2^-21 near 1; 1e-3 * (1 + |ref|) bounds both with room for sqrt's 2.5 ulp.
      assert.ok(Math.abs(got - ref) <= 1e-3 * (1 + Math.abs(ref)), `normal ${4 * e + i}: gpu ${got}, ref ${ref}`);
    });
  }
});
gpu('normals have mean 0 and variance 1 (z-tests at |z| < 4, fixed seed)', async () => {
  const calls = 50_000;
  const normals = new Float32Array((await fill(2, calls, 64, 2024, 1, 0)).buffer);
  const n = normals.length;
  let sum = 0, sumSq = 0;
  for (const x of normals) { sum += x; sumSq += x * x; }
  const mean = sum / n, variance = sumSq / n - mean * mean;
  // Standard errors: mean 1/sqrt(n); variance sqrt(2/n) for a normal.
  assert.ok(Math.abs(mean) / Math.sqrt(1 / n) < 4, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) / Math.sqrt(2 / n) < 4, `variance ${variance}`);
});
gpu.run();
