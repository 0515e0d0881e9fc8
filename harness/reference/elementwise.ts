// Plain TypeScript element-wise ops in float64, the reference for shaders/elementwise.wgsl (and for
// the stable functions of shaders/math.wgsl). Each formula is the one the kernel uses, so that NaN
// and +-Inf come out the same: comparisons with NaN are false, max and min propagate NaN.
import type { BinaryOp, Broadcast, UnaryOp } from '../../engine/ops/elementwise.js';

/** The scalar options of the unary ops (engine/ops/elementwise.ts UnaryParam). */
export interface UnaryScalars {
  alpha?: number;
  beta?: number;
  lo?: number;
  hi?: number;
}

export function sigmoid(x: number): number {
  // exp(-|x|) <= 1 never overflows; the two branches are the same function.
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

export function softplus(x: number): number {
  // max(x, 0) + log(1 + exp(-|x|)), NaN passing through the select.
  return (x < 0 ? 0 : x) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** f(x) of a unary op. */
export function unaryScalar(op: UnaryOp, x: number, p: UnaryScalars = {}): number {
  switch (op) {
    case 'copy':
      return x;
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'sign':
      // +-0 and NaN stay themselves.
      return x > 0 ? 1 : x < 0 ? -1 : x;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'softplus':
      return softplus(x);
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return x < 0 ? 0 : x;
    case 'hardtanh':
      return x < -1 ? -1 : x > 1 ? 1 : x;
    case 'scale':
      return p.alpha! * x;
    case 'affine':
      return p.alpha! * x + p.beta!;
    case 'clamp':
      return x < p.lo! ? p.lo! : x > p.hi! ? p.hi! : x;
    case 'square':
      return x * x;
    case 'binarize':
      // NaN >= 0 is false: -1, as the sign bit packing reads it.
      return x >= 0 ? 1 : -1;
    case 'shrink':
      // x - clamp(x, -alpha, alpha): 0 within, x -+ alpha outside; NaN stays NaN.
      return x - (x < -p.alpha! ? -p.alpha! : x > p.alpha! ? p.alpha! : x);
  }
}

/**
 * f' of a unary op from v, which is x or y = f(x) as UNARY_OPS[op].derivativeFrom says: sigmoid,
 * tanh and exp take y; relu takes either; the constant ones ignore v.
 */
export function unaryDerivativeScalar(op: UnaryOp, v: number, p: UnaryScalars = {}): number {
  switch (op) {
    case 'copy':
      return 1;
    case 'neg':
      return -1;
    case 'abs':
      return v > 0 ? 1 : v < 0 ? -1 : v;
    case 'sign':
      return 0;
    case 'exp':
      return v;
    case 'log':
      return 1 / v;
    case 'sigmoid':
      return v * (1 - v);
    case 'softplus':
      return sigmoid(v);
    case 'tanh':
      return 1 - v * v;
    case 'relu':
      return v > 0 ? 1 : 0;
    case 'hardtanh':
      return Math.abs(v) <= 1 ? 1 : 0;
    case 'scale':
    case 'affine':
      return p.alpha!;
    case 'clamp':
      return v >= p.lo! && v <= p.hi! ? 1 : 0;
    case 'square':
      return 2 * v;
    case 'binarize':
      return 0;
    case 'shrink':
      return Math.abs(v) > p.alpha! ? 1 : 0;
  }
}

/** g(a, b) of a binary op; max and min propagate NaN (Math.max and Math.min do). */
export function binaryScalar(op: BinaryOp, a: number, b: number, alpha = 1): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'max':
      return Math.max(a, b);
    case 'min':
      return Math.min(a, b);
    case 'axpy':
      return alpha * a + b;
  }
}

/** out[i] = f(x[i]). */
export function unaryReference(op: UnaryOp, x: ArrayLike<number>, p: UnaryScalars = {}): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = unaryScalar(op, x[i], p);
  return out;
}

/** dx[i] = dy[i] * f'(v[i]), v being x or y per UNARY_OPS[op].derivativeFrom (ignored when f' is constant). */
export function unaryBackwardReference(op: UnaryOp, dy: ArrayLike<number>, v: ArrayLike<number> | null, p: UnaryScalars = {}): Float64Array {
  const dx = new Float64Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * unaryDerivativeScalar(op, v ? v[i] : 0, p);
  return dx;
}

/**
 * out = g(a, b) with a a rows x cols matrix (row-major) and b read per `broadcast`: element by
 * element, b[col] (row vector), b[row] (column vector) or b[0] (scalar).
 */
export function binaryReference(op: BinaryOp, a: ArrayLike<number>, b: ArrayLike<number>, rows: number, cols: number, broadcast: Broadcast, alpha = 1): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      // The element of b that meets a[r, c].
      const bi = broadcast === 'full' ? i : broadcast === 'row' ? c : broadcast === 'column' ? r : 0;
      out[i] = binaryScalar(op, a[i], b[bi], alpha);
    }
  }
  return out;
}
