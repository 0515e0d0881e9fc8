// Batch normalisation in float64 (engine/ops/batch_norm.ts, shaders/batch_norm.wgsl): the training
// and inference passes and the backward pass, per column of a rows x cols matrix, as the kernel does
// them (two-pass variance, the running averages with the unbiased variance, AP2 for the shift-based form).

/** The nearest power of two to |v| with v's sign (0 stays 0). */
export const ap2 = (v: number): number => (v === 0 ? 0 : Math.sign(v) * 2 ** Math.round(Math.log2(Math.abs(v))));

/** Column j's two-pass statistics: the mean, the sum of squared deviations, the biased variance. */
function columnStats(x: ArrayLike<number>, rows: number, cols: number, j: number): { mu: number; squares: number; variance: number } {
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += x[r * cols + j];
  const mu = sum / rows;
  let squares = 0;
  for (let r = 0; r < rows; r++) squares += (x[r * cols + j] - mu) ** 2;
  return { mu, squares, variance: squares / rows };
}

export interface BatchNormReferenceState {
  gamma: ArrayLike<number>;
  beta: ArrayLike<number>;
  runningMean: ArrayLike<number>;
  runningVar: ArrayLike<number>;
}

export interface BatchNormTrainResult {
  y: Float64Array;
  mean: Float64Array;
  invstd: Float64Array;
  runningMean: Float64Array;
  runningVar: Float64Array;
}

/** The training pass: the batch's statistics, y, and the running averages after the batch. */
export function batchNormTrainReference(x: ArrayLike<number>, rows: number, cols: number, s: BatchNormReferenceState, o: { eps: number; momentum: number; shift?: boolean }): BatchNormTrainResult {
  const y = new Float64Array(rows * cols);
  const mean = new Float64Array(cols);
  const invstd = new Float64Array(cols);
  const runningMean = Float64Array.from(s.runningMean);
  const runningVar = Float64Array.from(s.runningVar);
  for (let j = 0; j < cols; j++) {
    const { mu, squares, variance } = columnStats(x, rows, cols, j);
    mean[j] = mu;
    invstd[j] = 1 / Math.sqrt(variance + o.eps);
    const scale = o.shift ? ap2(invstd[j]) : invstd[j];
    const g = o.shift ? ap2(s.gamma[j]) : s.gamma[j];
    for (let r = 0; r < rows; r++) y[r * cols + j] = g * (x[r * cols + j] - mu) * scale + s.beta[j];
    const unbiased = rows > 1 ? squares / (rows - 1) : variance;
    runningMean[j] = (1 - o.momentum) * runningMean[j] + o.momentum * mu;
    runningVar[j] = (1 - o.momentum) * runningVar[j] + o.momentum * unbiased;
  }
  return { y, mean, invstd, runningMean, runningVar };
}

/** The inference pass, with the running averages. */
export function batchNormInferReference(x: ArrayLike<number>, rows: number, cols: number, s: BatchNormReferenceState, o: { eps: number; shift?: boolean }): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) {
    const j = i % cols;
    const invstd = 1 / Math.sqrt(s.runningVar[j] + o.eps);
    const scale = o.shift ? ap2(invstd) : invstd;
    const g = o.shift ? ap2(s.gamma[j]) : s.gamma[j];
    y[i] = g * (x[i] - s.runningMean[j]) * scale + s.beta[j];
  }
  return y;
}

/** The backward pass of the training pass: dL/dx, dL/dgamma, dL/dbeta from dL/dy. */
export function batchNormBackwardReference(
  dy: ArrayLike<number>,
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  gamma: ArrayLike<number>,
  o: { eps: number; shift?: boolean },
): { dx: Float64Array; dGamma: Float64Array; dBeta: Float64Array } {
  const dx = new Float64Array(rows * cols);
  const dGamma = new Float64Array(cols);
  const dBeta = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const { mu, variance } = columnStats(x, rows, cols, j);
    const invstd = 1 / Math.sqrt(variance + o.eps);
    const scale = o.shift ? ap2(invstd) : invstd;
    const g = o.shift ? ap2(gamma[j]) : gamma[j];
    const xhat = (r: number) => (x[r * cols + j] - mu) * scale;
    for (let r = 0; r < rows; r++) {
      dBeta[j] += dy[r * cols + j];
      dGamma[j] += dy[r * cols + j] * xhat(r);
    }
    for (let r = 0; r < rows; r++) dx[r * cols + j] = ((g * scale) / rows) * (rows * dy[r * cols + j] - dBeta[j] - xhat(r) * dGamma[j]);
  }
  return { dx, dGamma, dBeta };
}
