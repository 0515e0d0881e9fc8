// Uniform structs are written by member name from their reflected layout (Kernel.uniformWords,
// engine/uniforms.ts): the same fields reach the right members whatever order a WGSL struct declares
// them in, and a field the struct does not have, one it lacks, or a value its type cannot hold is a
// ValidationError naming the kernel, the binding and the field.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defineKernel, KernelGraph, ValidationError, type ShaderLibrary } from '../engine/index.js';
import { library } from '../engine/library.js';
import { computeEntries } from '../engine/reflect.js';
import { builtinReflection, builtinStruct } from '../engine/reflections.js';
import { scheduleWords } from '../engine/schedule.js';
import { resolveIncludes } from '../engine/shaders.js';
import { sharedUniformWords } from '../engine/uniforms.js';
import { expectError } from './expect.js';
import { readU32, withGpu } from './gpu.js';

/** A kernel that copies every member of its params, by name, to out: a, b, c, v.xyz, then arr's 8 words. */
const echo = (members: string): string => `
struct Params { ${members} }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1) fn main() {
  out[0] = params.a;
  out[1] = bitcast<u32>(params.b);
  out[2] = bitcast<u32>(params.c);
  out[3] = bitcast<u32>(params.v.x);
  out[4] = bitcast<u32>(params.v.y);
  out[5] = bitcast<u32>(params.v.z);
  for (var i = 0u; i < 8u; i++) { out[6u + i] = params.arr[i / 4u][i % 4u]; }
}`;

const LIB: ShaderLibrary = {
  // The host's order: byte offsets a 0, b 4, c 8, v 16, arr 32; 64 bytes.
  'in_order.wgsl': echo('a: u32, b: f32, c: i32, v: vec3f, arr: array<vec4u, 2>'),
  // The same members reordered: arr 0, c 32, v 48, b 60, a 64; 80 bytes.
  'reordered.wgsl': echo('arr: array<vec4u, 2>, c: i32, v: vec3f, b: f32, a: u32'),
  'matrix.wgsl': `struct Params { n: u32, m: mat2x2f }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1) fn main() { out[0] = params.m[0][0] + f32(params.n); }`,
  'plain.wgsl': `@group(0) @binding(0) var<uniform> scale: vec4f;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1) fn main() { out[0] = scale.x; }`,
  'late_index.wgsl': `struct Iteration { first: u32, index: u32 }
@group(0) @binding(0) var<uniform> iteration: Iteration;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1) fn main() { out[0] = iteration.index; }`,
};

const FIELDS = { a: 7, b: 0.5, c: -3, v: [1, 2, 3], arr: [10, 11, 12, 13, 14, 15, 16, 17] };
const bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];
const B = bits(0.5);
const [V1, V2, V3] = [bits(1), bits(2), bits(3)];
const MINUS_3 = 0xfffffffd;
const ARR = FIELDS.arr;

const inOrder = await defineKernel(LIB, { name: 'echo.in_order', file: 'in_order.wgsl' });
const reordered = await defineKernel(LIB, { name: 'echo.reordered', file: 'reordered.wgsl' });

const host = suite('uniform structs by field name (no GPU)');

host('one set of fields lands at each struct order\'s own offsets, with the struct\'s size rounded to 16 bytes', () => {
  assert.equal([...inOrder.uniformWords('params', FIELDS)], [7, B, MINUS_3, 0, V1, V2, V3, 0, ...ARR]);
  assert.equal([...reordered.uniformWords('params', FIELDS)], [...ARR, MINUS_3, 0, 0, 0, V1, V2, V3, B, 7, 0, 0, 0]);
  // Field order on the host does not matter either.
  const backwards = Object.fromEntries(Object.entries(FIELDS).reverse());
  assert.equal([...reordered.uniformWords('params', backwards)], [...reordered.uniformWords('params', FIELDS)]);
});

host('a missing or unknown field, or a value its member cannot hold, is a ValidationError naming kernel, binding and field', async () => {
  const site = ['echo.in_order', "uniform 'params'", 'struct Params'];
  const write = (fields: Record<string, unknown>) => () => inOrder.uniformWords('params', fields as typeof FIELDS);
  const { c: _c, ...withoutC } = FIELDS;
  await expectError(write(withoutC), ValidationError, ...site, "field 'c' is missing");
  await expectError(write({ ...FIELDS, d: 1 }), ValidationError, ...site, "'d' is not a member", 'members: a, b, c, v, arr');
  await expectError(write({ ...FIELDS, a: 1.5 }), ValidationError, ...site, "field 'a' = 1.5 does not fit u32: an integer in [0, 2^32)");
  await expectError(write({ ...FIELDS, a: -1 }), ValidationError, ...site, "field 'a' = -1 does not fit u32");
  await expectError(write({ ...FIELDS, a: 2 ** 32 }), ValidationError, ...site, "field 'a' = 4294967296 does not fit u32");
  await expectError(write({ ...FIELDS, c: 2 ** 31 }), ValidationError, ...site, "field 'c' = 2147483648 does not fit i32: an integer in [-2^31, 2^31)");
  await expectError(write({ ...FIELDS, b: '0.5' }), ValidationError, ...site, "field 'b' must be one f32 number; got string 0.5");
  await expectError(write({ ...FIELDS, a: [7] }), ValidationError, ...site, "field 'a' must be one u32 number; got 1 values");
  await expectError(write({ ...FIELDS, v: [1, 2] }), ValidationError, ...site, "field 'v' must be 3 f32 numbers; got 2 values");
  await expectError(write({ ...FIELDS, arr: [...ARR.slice(1), 0.5] }), ValidationError, ...site, "field 'arr'[7] = 0.5 does not fit u32");
  // f32 takes any number, as Float32Array does; a u32 takes up to 2^32 - 1.
  assert.is(inOrder.uniformWords('params', { ...FIELDS, a: 2 ** 32 - 1, b: -Infinity })[1], bits(-Infinity));
});

host('a binding that is no uniform struct, or a struct of members the host does not write, is refused by name', async () => {
  await expectError(() => inOrder.uniformWords('out', FIELDS), ValidationError, 'echo.in_order', "'out' is not a uniform struct that this entry point binds");
  const plain = await defineKernel(LIB, { name: 'plain', file: 'plain.wgsl' });
  await expectError(() => plain.uniformWords('scale', { x: 1 }), ValidationError, 'plain', "'scale' is not a uniform struct");
  const matrix = await defineKernel(LIB, { name: 'matrix', file: 'matrix.wgsl' });
  await expectError(() => matrix.uniformWords('params', { n: 1, m: [1, 0, 0, 1] }), ValidationError, 'matrix', "uniform 'params'", "member 'm' is a mat2x2f");
});

host('one buffer for several kernels is written only when they all lay the struct out alike', async () => {
  const twin = await defineKernel(LIB, { name: 'echo.twin', file: 'in_order.wgsl' });
  assert.equal([...sharedUniformWords([inOrder, twin], 'params', FIELDS)], [...inOrder.uniformWords('params', FIELDS)]);
  await expectError(() => sharedUniformWords([inOrder, reordered], 'params', FIELDS), ValidationError, 'echo.reordered', "uniform 'params' is shared with echo.in_order", 'laid out differently');
});

host('the iteration uniform must hold index: u32 at byte 0, where the scheduler writes it', async () => {
  await expectError(() => defineKernel(LIB, { name: 'late', file: 'late_index.wgsl' }), ValidationError, 'late', "uniform 'iteration'", "'index: u32' at byte 0");
});

host('every built-in kernel that binds a Schedule has the layout scheduleWords writes, and the words are as before', async () => {
  const schedule = builtinStruct('Schedule');
  let binders = 0;
  for (const file of Object.keys(library)) {
    for (const entry of computeEntries(await resolveIncludes(file, library))) {
      for (const b of builtinReflection(file, entry)!.reflection.bindings) {
        assert.ok(!b.struct?.unsupported, `${file} ${entry} ${b.name}`);
        if (b.struct?.name !== 'Schedule') continue;
        assert.equal(b.struct, schedule, `${file} ${entry} ${b.name}`);
        binders++;
      }
    }
  }
  assert.ok(binders >= 5, `${binders} bindings of a Schedule`);
  // kind, n, then a and b as f32: the words the positional packing wrote.
  assert.equal([...scheduleWords({ kind: 'linear', from: 0.5, to: 2, steps: 10 })], [1, 10, B, V2]);
});

host.run();

const gpu = suite('uniform structs by field name on the GPU');

gpu('both struct orders read the same values from the same fields', () =>
  withGpu(async ({ pool, scheduler }) => {
    const want = [7, B, MINUS_3, V1, V2, V3, ...ARR];
    for (const kernel of [inOrder, reordered]) {
      const params = await pool.uniform(`${kernel.name} params`, kernel.uniformWords('params', FIELDS));
      const out = await pool.tensor(`${kernel.name} out`, 'u32', [want.length]);
      await scheduler.run(new KernelGraph(kernel.name).add(kernel, { params, out }, [1]));
      assert.equal([...(await readU32(out))], want, kernel.name);
      params.release();
      out.release();
    }
  }),
);

gpu.run();
