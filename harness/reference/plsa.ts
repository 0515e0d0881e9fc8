// Probabilistic latent semantic analysis (Hofmann 1999) by EM in plain TypeScript (float64): the
// reference the GPU's EM (models/plsa.ts) is tested against. With n(d, w) a document's count of a word,
// theta (documents x topics) = p(z | d) and beta (topics x words) = p(w | z):
//   E-step  p(z | d, w) = theta_dz beta_zw / sum_z' theta_dz' beta_z'w
//   M-step  beta_zw ∝ sum_d n(d, w) p(z | d, w),   theta_dz = sum_w n(d, w) p(z | d, w) / N_d
// and the log-likelihood sum_dw n(d, w) log sum_z theta_dz beta_zw, which EM never lowers.
// Browser-safe.
import type { BagOfWords } from '../../models/plsa.js';

/** One EM step from (theta, beta): the log-likelihood under them, and the next theta and beta. */
export function plsaStepReference(b: BagOfWords, topics: number, theta: ArrayLike<number>, beta: ArrayLike<number>): { logLikelihood: number; theta: Float64Array; beta: Float64Array } {
  const [k, v] = [topics, b.vocabulary];
  const nextTheta = new Float64Array(b.documents * k);
  const nextBeta = new Float64Array(k * v);
  const lengths = new Float64Array(b.documents);
  const q = new Float64Array(k);
  let logLikelihood = 0;
  for (let e = 0; e < b.doc.length; e++) {
    const [d, w, n] = [b.doc[e], b.word[e], b.count[e]];
    let s = 0;
    for (let z = 0; z < k; z++) s += q[z] = theta[d * k + z] * beta[z * v + w];
    logLikelihood += n * Math.log(s);
    lengths[d] += n;
    for (let z = 0; z < k; z++) {
      nextTheta[d * k + z] += (n * q[z]) / s;
      nextBeta[z * v + w] += (n * q[z]) / s;
    }
  }
  for (let d = 0; d < b.documents; d++) for (let z = 0; z < k; z++) nextTheta[d * k + z] /= lengths[d];
  for (let z = 0; z < k; z++) {
    let total = 0;
    for (let w = 0; w < v; w++) total += nextBeta[z * v + w];
    for (let w = 0; w < v; w++) nextBeta[z * v + w] /= total;
  }
  return { logLikelihood, theta: nextTheta, beta: nextBeta };
}
