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

/**
 * The Kolmogorov-Smirnov test of samples against a continuous CDF: D = sup |F_n(x) - F(x)| and its
 * asymptotic p-value Q(lambda) = 2 sum_k (-1)^(k-1) exp(-2 k^2 lambda^2) with Stephens' small-sample
 * correction lambda = (sqrt(n) + 0.12 + 0.11 / sqrt(n)) D (Numerical Recipes, ksone).
 */
export function ksTest(samples: ArrayLike<number>, cdf: (x: number) => number): { statistic: number; pValue: number } {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  });
  const lambda = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d;
  let q = 0;
  for (let k = 1; k <= 100; k++) q += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { statistic: d, pValue: lambda < 0.2 ? 1 : Math.min(1, Math.max(0, q)) };
}

/** The standard normal CDF through erfc (Numerical Recipes erfcc, relative error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}
