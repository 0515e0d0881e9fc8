// Plain TypeScript reductions, softmax and cross-entropies in float64: the reference for
// shaders/reduce.wgsl and shaders/softmax.wgsl. Sums are plain float64 loops (their rounding,
// about n * 2^-53 relative, is far below the f32 kernels' tolerances); max and log-sum-exp
// propagate NaN, and the argmax is the first NaN or else the first largest element, as the kernel's.
import type { ReduceOp, ReducePer } from '../../engine/ops/reduce.js';
import { sigmoid } from './elementwise.js';

/** The elements of each segment of a rows x cols matrix: a row, a column, or all of it. */
function segments(x: ArrayLike<number>, rows: number, cols: number, per: ReducePer): number[][] {
  const out: number[][] = [];
  if (per === 'row') for (let r = 0; r < rows; r++) out.push(Array.from({ length: cols }, (_, c) => x[r * cols + c]));
  else if (per === 'column') for (let c = 0; c < cols; c++) out.push(Array.from({ length: rows }, (_, r) => x[r * cols + c]));
  else out.push(Array.from({ length: rows * cols }, (_, i) => x[i]));
  return out;
}

/** The index of the first NaN, else of the first largest element. */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i])) return i;
    if (v[i] > v[best]) best = i;
  }
  return best;
}

/** log(sum(exp(v))) with the largest element subtracted first; +-Inf or NaN when that is the largest. */
export function logSumExp(v: ArrayLike<number>): number {
  // The largest element (NaN wins).
  const m = v[argmax(v)];
  if (!Number.isFinite(m)) return m;
  // Every exp(v - m) <= 1: no overflow.
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - m);
  return m + Math.log(s);
}

/** One reduction of the elements of a segment. */
export function reduceScalar(op: ReduceOp, v: ArrayLike<number>): number {
  let s = 0;
  switch (op) {
    case 'sum':
    case 'mean':
      for (let i = 0; i < v.length; i++) s += v[i];
      return op === 'mean' ? s / v.length : s;
    case 'sumsq':
      for (let i = 0; i < v.length; i++) s += v[i] * v[i];
      return s;
    case 'max':
      return v[argmax(v)];
    case 'logsumexp':
      return logSumExp(v);
  }
}

/** One result per row, per column, or one in all, of a rows x cols matrix (row-major). */
export function reduceReference(op: ReduceOp, x: ArrayLike<number>, rows: number, cols: number, per: ReducePer): Float64Array {
  return Float64Array.from(segments(x, rows, cols, per), (seg) => reduceScalar(op, seg));
}

/** Softmax exp(x - lse) or log-softmax x - lse over each row, lse the row's log-sum-exp. */
export function softmaxReference(x: ArrayLike<number>, rows: number, cols: number, log = false): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    // The row's log-sum-exp, then each element against it.
    const lse = logSumExp(Array.from({ length: cols }, (_, c) => x[r * cols + c]));
    for (let c = 0; c < cols; c++) out[r * cols + c] = log ? x[r * cols + c] - lse : Math.exp(x[r * cols + c] - lse);
  }
  return out;
}

/** The Bernoulli cross-entropy of logit z against target t: softplus(z) - t z, written so that nothing overflows. */
export function bernoulliLoss(z: number, t: number): number {
  return (z < 0 ? -z * t : z * (1 - t)) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Per row, the sum of Bernoulli losses; the gradient (sigmoid(z) - t) * scale per element. */
export function bernoulliCrossEntropyReference(
  z: ArrayLike<number>,
  t: ArrayLike<number>,
  rows: number,
  cols: number,
  scale = 1,
): { losses: Float64Array; grad: Float64Array } {
  const losses = new Float64Array(rows);
  const grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      // The element's loss adds to its row; its gradient is the prediction's error.
      losses[r] += bernoulliLoss(z[i], t[i]);
      grad[i] = (sigmoid(z[i]) - t[i]) * scale;
    }
  }
  return { losses, grad };
}

/**
 * Per row: the loss lse(z) - z[label] (NaN for a label >= cols), the gradient
 * (softmax(z) - onehot(label)) * scale, and 1 where argmax(z) is not the label (else 0).
 */
export function categoricalCrossEntropyReference(
  z: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  cols: number,
  scale = 1,
): { losses: Float64Array; grad: Float64Array; errors: Float64Array } {
  const losses = new Float64Array(rows);
  const grad = new Float64Array(rows * cols);
  const errors = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, c) => z[r * cols + c]);
    const label = labels[r];
    // The row's log-sum-exp, the loss of its label, and whether the classifier got it wrong.
    const lse = logSumExp(row);
    losses[r] = label < cols ? lse - row[label] : NaN;
    errors[r] = argmax(row) !== label ? 1 : 0;
    // Softmax minus the one-hot label.
    for (let c = 0; c < cols; c++) grad[r * cols + c] = (Math.exp(row[c] - lse) - (c === label ? 1 : 0)) * scale;
  }
  return { losses, grad, errors };
}

/**
 * The multi-class square hinge loss per row, (1 / cols) sum_k max(0, 1 - t_k y_k)^2 with t_k = +1 for
 * the label's class and -1 for the others, its gradient times gradScale, and each row's error flag.
 */
export function squareHingeReference(y: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number, gradScale = 1): { losses: Float64Array; grad: Float64Array; errors: Float64Array } {
  const losses = new Float64Array(rows);
  const grad = new Float64Array(rows * cols);
  const errors = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, k) => y[r * cols + k]);
    for (let k = 0; k < cols; k++) {
      const t = k === labels[r] ? 1 : -1;
      const margin = Math.max(0, 1 - t * row[k]);
      losses[r] += (margin * margin) / cols;
      grad[r * cols + k] = ((-2 * t * margin) / cols) * gradScale;
    }
    errors[r] = argmax(row) === labels[r] ? 0 : 1;
  }
  return { losses, grad, errors };
}
