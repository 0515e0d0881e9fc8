// Estimating a symmetric Dirichlet prior from counts drawn under it (Minka 2000, "Estimating a
// Dirichlet distribution", the fixed point for the Dirichlet-multinomial): LDA's alpha from the
// documents' topic counts and eta from the topics' word counts. Host arithmetic in float64.
import { InputError } from '../engine/errors.js';

/** The digamma function psi(x) for x > 0: the recurrence up to 6, then the asymptotic series. */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 6) {
    shift -= 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r / 132))));
}

/**
 * The maximum-likelihood concentration a of a symmetric Dirichlet(a, ..., a) over `cols` categories,
 * given `rows` rows of counts (row-major, each row a draw of a Dirichlet-multinomial), by Minka's fixed
 * point a <- a * sum_rc [psi(n_rc + a) - psi(a)] / (cols * sum_r [psi(n_r + cols a) - psi(cols a)]),
 * from `start` until the relative change is below `tolerance` (or `iterations` steps).
 *
 *   const alpha = symmetricDirichletFixedPoint(ndk, documents, topics, alpha);
 */
export function symmetricDirichletFixedPoint(counts: ArrayLike<number>, rows: number, cols: number, start: number, o: { iterations?: number; tolerance?: number } = {}): number {
  if (!(start > 0 && Number.isFinite(start))) throw new InputError(`dirichlet: start = ${start} must be a finite number > 0`);
  if (counts.length !== rows * cols) throw new InputError(`dirichlet: ${counts.length} counts are not ${rows} x ${cols}`);
  const totals = new Float64Array(rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) totals[r] += counts[r * cols + c];
  let a = start;
  for (let step = 0; step < (o.iterations ?? 200); step++) {
    const [psiA, psiSum] = [digamma(a), digamma(cols * a)];
    let numerator = 0;
    let denominator = 0;
    for (let r = 0; r < rows; r++) {
      if (totals[r] === 0) continue;
      for (let c = 0; c < cols; c++) if (counts[r * cols + c] > 0) numerator += digamma(counts[r * cols + c] + a) - psiA;
      denominator += digamma(totals[r] + cols * a) - psiSum;
    }
    // No counts: nothing to estimate from; keep a.
    if (!(numerator > 0 && denominator > 0)) return a;
    const next = (a * numerator) / (cols * denominator);
    const converged = Math.abs(next - a) <= (o.tolerance ?? 1e-9) * a;
    a = next;
    if (converged) break;
  }
  return a;
}
