// Statistical helpers for tests: chi-square goodness of fit with a stated significance.

/** Upper quantile of the standard normal for the significance levels the tests use. */
const Z_UPPER: Record<number, number> = { 0.001: 3.090232, 0.01: 2.326348, 0.0001: 3.719016 };

/** Chi-square critical value at `alpha` for `dof` degrees of freedom (Wilson-Hilferty, accurate to ~1% for dof >= 3). */
export function chiSquareCritical(dof: number, alpha: number): number {
  const z = Z_UPPER[alpha];
  if (z === undefined) throw new Error(`no z for alpha ${alpha}`);
  const a = 2 / (9 * dof);
  return dof * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Pearson's chi-square of observed counts against expected probabilities, after merging bins
 * (in order) until every merged bin expects at least 5 counts.
 */
export function chiSquare(observed: number[], probabilities: number[]): { statistic: number; dof: number } {
  const n = observed.reduce((a, b) => a + b, 0);
  const bins: { o: number; e: number }[] = [];
  let o = 0, e = 0;
  observed.forEach((count, i) => {
    o += count;
    e += probabilities[i] * n;
    if (e >= 5) {
      bins.push({ o, e });
      o = 0;
      e = 0;
    }
  });
  if (bins.length && (o > 0 || e > 0)) {
    bins[bins.length - 1].o += o;
    bins[bins.length - 1].e += e;
  }
  const statistic = bins.reduce((sum, b) => sum + (b.o - b.e) ** 2 / b.e, 0);
  return { statistic, dof: bins.length - 1 };
}

/** The standard normal CDF, from Abramowitz & Stegun 7.1.26 (erf to 1.5e-7 absolute): for bin probabilities. */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
