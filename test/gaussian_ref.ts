// A float64 reference for the linear Gaussian models' tests (PPCA, factor analysis): the log-density of
// a Gaussian from its dense covariance.
import { invertSymmetric } from '../models/linalg.js';
import { symmetricEigen } from '../models/pca.js';

/** log N(x | mean, cov) in float64 from the dense covariance: its inverse and its eigenvalues' logs. */
export function denseLogDensity(x: ArrayLike<number>, mean: ArrayLike<number>, cov: Float64Array, d: number): number {
  const inverse = invertSymmetric(cov, d)!;
  const logDet = symmetricEigen(cov, d).values.reduce((s, v) => s + Math.log(v), 0);
  let quadratic = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) quadratic += (x[a] - mean[a]) * inverse[a * d + b] * (x[b] - mean[b]);
  return -0.5 * (d * Math.log(2 * Math.PI) + logDet + quadratic);
}

