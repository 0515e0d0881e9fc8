import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KernelGraph, InputError, type Tensor } from '../engine/index.js';
import { addUnary, addUnaryBackward, addBinary, type UnaryOp, type BinaryOp, type Broadcast } from '../engine/ops/index.js';
import { UNARY_OPS, BINARY_OPS } from '../engine/ops/elementwise.js';
import { binaryReference, unaryDerivativeScalar, unaryReference, unaryScalar, type UnaryScalars } from '../harness/reference/elementwise.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { check, f32, Made, runAndRead } from './ops_util.js';
import { randomF32 as random } from './random.js';

const UNARY = Object.keys(UNARY_OPS) as UnaryOp[];
const BINARY = Object.keys(BINARY_OPS) as BinaryOp[];

/** The scalar options each op is tested with (every op that takes one). */
const SCALARS: Partial<Record<UnaryOp, UnaryScalars>> = {
  scale: { alpha: -1.75 },
  affine: { alpha: 1.5, beta: -0.25 },
  clamp: { lo: -2, hi: 0.5 },
  shrink: { alpha: 0.75 },
};
const AXPY_ALPHA = -0.75;

// Tolerances |gpu - ref| <= atol + rtol |ref|, ref being the float64 reference rounded once to f32
// (so that overflow gives the same Inf). Every atol includes 2^-126: a result below the smallest
// normal f32 may be flushed to zero. Exact ops have no other slack; one correctly rounded operation
// (WGSL's +, -, *) is exact after the f32 rounding of the reference, but may round twice against
// a float64 sum, hence 2^-24. exp is WGSL's builtin (SwiftShader: within 2 ulp at |x| <= 100,
// WGSL allows 3 + 2|x| ulp); sigmoid, softplus and tanh are built on it; log and log1p are
// shaders/math.wgsl's series (a few ulp). The rtol of those is 2^-20 (8 ulp).
const FLUSH = 2 ** -126;
const ULP = 2 ** -23;
const exact = { atol: FLUSH, rtol: 0 };
const oneRounding = { atol: FLUSH, rtol: 2 ** -24 };
const transcendental = { atol: FLUSH, rtol: 8 * ULP };
const UNARY_TOLERANCE: Record<UnaryOp, { atol: number; rtol: number }> = {
  copy: exact,
  neg: exact,
  abs: exact,
  sign: exact,
  binarize: exact,
  relu: exact,
  hardtanh: exact,
  clamp: exact,
  scale: oneRounding,
  square: oneRounding,
  // x - alpha or x + alpha, one rounding (0 exactly within).
  shrink: oneRounding,
  // Two roundings, and alpha x + beta may cancel: 2 ulp of |alpha x| + |beta| (at most 1e30 here).
  affine: { atol: 2 * ULP * 1.5e30, rtol: 2 * ULP },
  exp: transcendental,
  log: transcendental,
  sigmoid: transcendental,
  softplus: transcendental,
  tanh: transcendental,
};
const BINARY_TOLERANCE: Record<BinaryOp, { atol: number; rtol: number }> = {
  add: oneRounding,
  sub: oneRounding,
  mul: oneRounding,
  // WGSL allows 2.5 ulp for division.
  div: { atol: FLUSH, rtol: 2.5 * ULP },
  max: exact,
  min: exact,
  // alpha a + b: two roundings that may cancel, 2 ulp of |alpha a| + |b| with |a|, |b| <= 1e30.
  axpy: { atol: 2 * ULP * 2e30, rtol: 2 * ULP },
};

/** Values that trip naive formulas: signed zeros, kinks, saturation, overflow, Inf, NaN. */
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 1e-3, -1e-3, 1e-6, -1e-6, 3, -3, 10, -10, 20, -20, 50, -50, 100, -100, 1e30, -1e30, 2.25];

/** n values in [-6, 6), the specials first when they fit after the first element (so n = 1 is plain data). */
function data(n: number, seed: number): Float32Array {
  const x = random(n, seed, 6);
  if (n > 1) x.set(SPECIALS.slice(0, n - 1), 1);
  return x;
}

/** The input a backward pass takes for `op`: x, or y for ops whose derivative is computed from the output. */
const takesY = (op: UnaryOp) => UNARY_OPS[op].derivativeFrom === 'y';

// ---------------------------------------------------------------------------------------------
const reference = suite('elementwise reference (no GPU)');

reference('derivatives agree with central differences of the forward, from x or from y as UNARY_OPS says', () => {
  // Points away from every kink (0, +-1, clamp's -2 and 0.5, shrink's +-0.75) by far more than h.
  const points = [-3.7, -1.6, -0.8, -0.3, 0.2, 0.7, 1.3, 2.9];
  for (const op of UNARY) {
    const p = SCALARS[op] ?? {};
    for (const x of points) {
      if (op === 'log' && x <= 0) continue;
      const h = 1e-6;
      const fd = (unaryScalar(op, x + h, p) - unaryScalar(op, x - h, p)) / (2 * h);
      const v = takesY(op) ? unaryScalar(op, x, p) : x;
      const d = unaryDerivativeScalar(op, v, p);
      assert.ok(Math.abs(d - fd) <= 1e-8 * (1 + Math.abs(fd)), `${op}'(${x}) = ${d}, central difference ${fd}`);
    }
  }
});

reference('stable forms at the extremes: sigmoid and softplus at +-Inf and +-1000, relu and sign keep NaN and -0', () => {
  assert.is(unaryScalar('sigmoid', Infinity), 1);
  assert.is(unaryScalar('sigmoid', -Infinity), 0);
  assert.is(unaryScalar('sigmoid', -1000), 0);
  assert.is(unaryScalar('softplus', 1000), 1000);
  // softplus(-50) = log(1 + e^-50) = e^-50 to 1e-22 relative.
  assert.ok(Math.abs(unaryScalar('softplus', -50) / Math.exp(-50) - 1) < 1e-15);
  assert.ok(Number.isNaN(unaryScalar('relu', NaN)));
  assert.ok(Object.is(unaryScalar('sign', -0), -0));
  assert.is(unaryScalar('log', 0), -Infinity);
  assert.ok(Number.isNaN(unaryScalar('log', -1)));
});
reference.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('elementwise kernels (GPU)');

gpu('every unary op at 1, 31, 33 and 1000 elements, with NaN, +-Inf, +-0 and overflow among them', () =>
  withGpu(async (ctx) => {
    for (const n of [1, 31, 33, 1000]) {
      const x = data(n, n);
      const got = await runAndRead(ctx, async (graph, made) => {
        const xt = await made.tensor('x', [n], x);
        const outs: Record<string, Tensor> = {};
        for (const op of UNARY) {
          outs[op] = await made.tensor(op, [n]);
          await made.op(addUnary(graph, ctx, { op, x: xt, out: outs[op], ...SCALARS[op] }));
        }
        return outs;
      });
      for (const op of UNARY) check(`${op} n=${n}`, got[op], f32(unaryReference(op, x, SCALARS[op])), UNARY_TOLERANCE[op]);
    }
  }));

gpu('derivative outputs and backward passes follow the reference formulas at NaN, +-Inf and the specials', () =>
  withGpu(async (ctx) => {
    const n = 1000;
    const x = data(n, 11);
    const dy = random(n, 12, 2);
    const got = await runAndRead(ctx, async (graph, made) => {
      const xt = await made.tensor('x', [n], x);
      const dyt = await made.tensor('dy', [n], dy);
      const outs: Record<string, Tensor> = {};
      for (const op of UNARY) {
        const [y, d, dx] = await Promise.all(['y', 'derivative', 'dx'].map((s) => made.tensor(`${op} ${s}`, [n])));
        Object.assign(outs, { [`${op} y`]: y, [`${op} d`]: d, [`${op} dx`]: dx });
        await made.op(addUnary(graph, ctx, { op, x: xt, out: y, derivative: d, ...SCALARS[op] }));
        const from = UNARY_OPS[op].derivativeFrom;
        const input = from === 'none' ? {} : takesY(op) ? { y } : { x: xt };
        await made.op(addUnaryBackward(graph, ctx, { op, dy: dyt, dx, ...input, ...SCALARS[op] }));
      }
      return outs;
    });
    for (const op of UNARY) {
      const p = SCALARS[op];
      const y = got[`${op} y`];
      check(`${op} forward (with derivative)`, y, f32(unaryReference(op, x, p)), UNARY_TOLERANCE[op]);
      // f' from the same f32 input the kernel used (x, or its own y), evaluated in float64.
      const v = takesY(op) ? y : x;
      const d = Float64Array.from(v, (vi) => unaryDerivativeScalar(op, vi, p));
      // f' is at most a few operations on v: 1 / x rounds once, y (1 - y) twice, sigmoid as above;
      // 1 - y^2 rounds y^2 (2^-24 absolutely) before it cancels.
      const tol = op === 'softplus' ? transcendental : { atol: 2 ** -24, rtol: 4 * ULP };
      check(`${op} derivative`, got[`${op} d`], f32(d), tol);
      check(`${op} backward`, got[`${op} dx`], f32(d.map((di, i) => dy[i] * di)), { atol: 2 * tol.atol, rtol: tol.rtol + ULP });
    }
  }));

/** Data on which every unary op is smooth: away from 0, +-1, clamp's bounds; positive for log. */
function smooth(n: number, seed: number, op: UnaryOp): Float32Array {
  const kinks = [0, 1, -1, -2, 0.5];
  return random(n, seed, 4).map((v) => {
    let x = op === 'log' ? Math.abs(v) + 0.05 : v;
    for (const k of kinks) if (Math.abs(x - k) < 1e-2) x += 2e-2;
    return x;
  });
}

gpu('derivatives and backward passes against central differences of the float64 forward, at 31x7 and 3x33', () =>
  withGpu(async (ctx) => {
    for (const shape of [[31, 7], [3, 33]]) {
      const n = shape[0] * shape[1];
      const dy = random(n, 21, 1);
      const xs = Object.fromEntries(UNARY.map((op, k) => [op, smooth(n, 100 + k, op)]));
      const got = await runAndRead(ctx, async (graph, made) => {
        const dyt = await made.tensor('dy', shape, dy);
        const outs: Record<string, Tensor> = {};
        for (const op of UNARY) {
          const xt = await made.tensor(`${op} x`, shape, xs[op]);
          const [y, d, dx] = await Promise.all(['y', 'derivative', 'dx'].map((s) => made.tensor(`${op} ${s}`, shape)));
          Object.assign(outs, { [`${op} d`]: d, [`${op} dx`]: dx });
          await made.op(addUnary(graph, ctx, { op, x: xt, out: y, derivative: d, ...SCALARS[op] }));
          const input = UNARY_OPS[op].derivativeFrom === 'none' ? {} : takesY(op) ? { y } : { x: xt };
          await made.op(addUnaryBackward(graph, ctx, { op, dy: dyt, dx, ...input, ...SCALARS[op] }));
        }
        return outs;
      });
      for (const op of UNARY) {
        const p = SCALARS[op];
        // Central differences in float64, h = 1e-6 |x| (error about h^2 |f'''| plus 1e-10 rounding).
        const fd = Float64Array.from(xs[op], (x) => {
          const h = 1e-6 * Math.max(1, Math.abs(x));
          return (unaryScalar(op, x + h, p) - unaryScalar(op, x - h, p)) / (2 * h);
        });
        // The kernel evaluates f' in f32 from a rounded x or y: 1 - y^2 near |y| = 1 loses up to
        // 2^-23 absolutely, the exp-based ones 8 ulp relative; the central difference adds 1e-9.
        const tol = { atol: 2 * ULP, rtol: 16 * ULP };
        check(`${op} derivative ${shape.join('x')} vs central differences`, got[`${op} d`], fd, tol);
        check(`${op} backward ${shape.join('x')} vs central differences`, got[`${op} dx`], fd.map((f, i) => dy[i] * f), tol);
      }
    }
  }));

/** Every way b can be shaped against a rows x cols a, with how it broadcasts. */
function broadcastShapes(rows: number, cols: number): Array<{ shape: number[]; mode: Broadcast }> {
  return [
    { shape: [rows, cols], mode: 'full' },
    { shape: [cols], mode: 'row' },
    { shape: [1, cols], mode: 'row' },
    { shape: [rows], mode: 'column' },
    { shape: [rows, 1], mode: 'column' },
    { shape: [1], mode: 'scalar' },
  ];
}

gpu('every binary op with b whole, as a row vector, a column vector and a scalar, at 1x1, 3x33, 31x7 and 1000x3', () =>
  withGpu(async (ctx) => {
    for (const [rows, cols] of [[1, 1], [3, 33], [31, 7], [1000, 3]]) {
      const a = data(rows * cols, rows + 7 * cols);
      const cases = broadcastShapes(rows, cols).map((c, k) => {
        const length = c.shape.reduce((p, q) => p * q, 1);
        // b holds its own specials (zeros for div, Inf, NaN) shifted so that they meet a's elsewhere.
        return { ...c, b: data(length, 1000 + k).reverse() };
      });
      const got = await runAndRead(ctx, async (graph, made) => {
        const at = await made.tensor('a', [rows, cols], a);
        const outs: Record<string, Tensor> = {};
        for (const [k, c] of cases.entries()) {
          const bt = await made.tensor(`b ${k}`, c.shape, c.b);
          for (const op of BINARY) {
            const out = await made.tensor(`${op} ${k}`, [rows, cols]);
            outs[`${op} ${k}`] = out;
            await made.op(addBinary(graph, ctx, { op, a: at, b: bt, out, alpha: op === 'axpy' ? AXPY_ALPHA : undefined }));
          }
        }
        return outs;
      });
      for (const [k, c] of cases.entries()) {
        for (const op of BINARY) {
          const want = f32(binaryReference(op, a, c.b, rows, cols, c.mode, AXPY_ALPHA));
          check(`${op} a [${rows}, ${cols}] b [${c.shape.join(', ')}] (${c.mode})`, got[`${op} ${k}`], want, BINARY_TOLERANCE[op]);
        }
      }
    }
  }));

gpu('in place: unary with derivative, binary into a and into b, a = b = out, backward into dy and into y', () =>
  withGpu(async (ctx) => {
    const [rows, cols] = [31, 7];
    const n = rows * cols;
    const x = data(n, 31);
    const bias = random(cols, 32);
    const dy = random(n, 33);
    const got = await runAndRead(ctx, async (graph, made) => {
      const t = (label: string, values: Float32Array, shape = [rows, cols]) => made.tensor(label, shape, values);
      const relu = await t('relu in place', x);
      const mask = await t('relu mask', new Float32Array(n));
      const sum = await t('a + bias into a', x);
      const b = await t('bias', bias, [cols]);
      const full = await t('b full', x);
      const intoB = await t('a - b into b', x.map((v) => v / 2));
      const square = await t('x * x into x', x);
      const dyIn = await t('dy, then dx', dy);
      const y = await t('sigmoid y, then dx', x.map((v) => Math.fround(1 / (1 + Math.exp(-v)))));
      const dy2 = await t('dy for y', dy);
      await made.op(addUnary(graph, ctx, { op: 'relu', x: relu, out: relu, derivative: mask }));
      await made.op(addBinary(graph, ctx, { op: 'add', a: sum, b, out: sum }));
      await made.op(addBinary(graph, ctx, { op: 'sub', a: full, b: intoB, out: intoB }));
      await made.op(addBinary(graph, ctx, { op: 'mul', a: square, b: square, out: square }));
      await made.op(addUnaryBackward(graph, ctx, { op: 'relu', dy: dyIn, x: relu, dx: dyIn }));
      await made.op(addUnaryBackward(graph, ctx, { op: 'sigmoid', dy: dy2, y, dx: y }));
      return { relu, mask, sum, intoB, square, dyIn, y };
    });
    const yRef = x.map((v) => Math.fround(1 / (1 + Math.exp(-v))));
    const reluRef = unaryReference('relu', x);
    check('relu in place', got.relu, reluRef, exact);
    check('relu derivative', got.mask, Float64Array.from(x, (v) => unaryDerivativeScalar('relu', v)), exact);
    check('add bias into a', got.sum, f32(binaryReference('add', x, bias, rows, cols, 'row')), oneRounding);
    check('sub into b', got.intoB, f32(binaryReference('sub', x, x.map((v) => v / 2), rows, cols, 'full')), oneRounding);
    check('mul a = b = out', got.square, f32(binaryReference('mul', x, x, rows, cols, 'full')), oneRounding);
    // relu's backward read the relu output (in place above) as its x: y > 0 exactly where x > 0.
    check('relu backward into dy', got.dyIn, f32(dy.map((d, i) => d * unaryDerivativeScalar('relu', reluRef[i]))), exact);
    check('sigmoid backward into y', got.y, f32(dy.map((d, i) => d * unaryDerivativeScalar('sigmoid', yRef[i]))), { atol: FLUSH, rtol: 3 * ULP });
  }));

gpu('shape mismatches and bad arguments are InputErrors naming the op, the operands and their shapes', () =>
  withGpu(async (ctx) => {
    const graph = new KernelGraph('errors');
    const made = new Made(ctx);
    const t = (label: string, shape: number[], dtype: 'f32' | 'u32' = 'f32') => made.tensor(label, shape, undefined, dtype);
    const a = await t('a', [100, 784]);
    const b = await t('b', [783]);
    const out = await t('out', [100, 784]);
    const small = await t('small', [784, 100]);
    const u = await t('u', [100, 784], 'u32');
    await expectError(() => addBinary(graph, ctx, { op: 'add', a, b, out }), InputError, 'add: a is [100, 784], b is [783]: b must be [100, 784], [784], [1, 784], [100], [100, 1] or [1]');
    await expectError(() => addBinary(graph, ctx, { op: 'mul', a, b: out, out: small }), InputError, 'mul: a is [100, 784], out is [784, 100]: out must be [100, 784]');
    await expectError(() => addUnary(graph, ctx, { op: 'exp', x: a, out: small }), InputError, 'exp: x is [100, 784], out is [784, 100]: out must be [100, 784]');
    await expectError(() => addUnary(graph, ctx, { op: 'relu', x: a, out, derivative: small }), InputError, 'relu: x is [100, 784], derivative is [784, 100]');
    await expectError(() => addUnary(graph, ctx, { op: 'shrink', x: a, out: a, alpha: -0.5 }), InputError, 'shrink: alpha = -0.5 must be >= 0');
    await expectError(() => addUnaryBackward(graph, ctx, { op: 'shrink', dy: a, x: a, dx: a, alpha: -0.5 }), InputError, 'shrink backward: alpha = -0.5 must be >= 0');
    await expectError(() => addUnary(graph, ctx, { op: 'relu', x: a, out, derivative: out }), InputError, 'relu', 'derivative must not be the same tensor as out');
    await expectError(() => addUnaryBackward(graph, ctx, { op: 'tanh', dy: a, y: small, dx: out }), InputError, 'tanh backward: dy is [100, 784], y is [784, 100]: y must be [100, 784]');
    await expectError(() => addUnaryBackward(graph, ctx, { op: 'sigmoid', dy: a, x: out, dx: out }), InputError, 'sigmoid backward', 'takes y, not x');
    await expectError(() => addUnaryBackward(graph, ctx, { op: 'log', dy: a, dx: out }), InputError, 'log backward', 'needs x');
    await expectError(() => addUnary(graph, ctx, { op: 'scale', x: a, out }), InputError, 'scale', 'alpha is required');
    await expectError(() => addUnary(graph, ctx, { op: 'relu', x: a, out, alpha: 2 }), InputError, 'relu', 'takes no alpha');
    await expectError(() => addUnary(graph, ctx, { op: 'clamp', x: a, out, lo: 1, hi: -1 }), InputError, 'clamp', 'lo = 1 must not exceed hi = -1');
    await expectError(() => addBinary(graph, ctx, { op: 'axpy', a, b: out, out, alpha: NaN }), InputError, 'axpy', 'alpha = NaN');
    await expectError(() => addUnary(graph, ctx, { op: 'cube' as UnaryOp, x: a, out }), InputError, "unknown unary op 'cube'");
    await expectError(() => addUnary(graph, ctx, { op: 'neg', x: u, out }), InputError, 'neg', 'operand x must be f32');
    assert.is(graph.nodes.length, 0, 'a refused op adds nothing');
    made.release();
  }));

gpu.run();
