// Error bars for Markov-chain time series: binning (Flyvbjerg and Petersen 1989) and jackknife.

export const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};

/** The mean of independent samples and its standard error (the sample standard deviation over sqrt n; NaN for one sample). */
export function meanWithError(xs: ArrayLike<number>): { value: number; stderr: number } {
  const m = mean(xs);
  let squares = 0;
  for (let i = 0; i < xs.length; i++) squares += (xs[i] - m) ** 2;
  return { value: m, stderr: xs.length > 1 ? Math.sqrt(squares / (xs.length - 1) / xs.length) : NaN };
}

/** The smallest number of blocks a binning level may have and still count. */
const MIN_BLOCKS = 32;

export interface BinnedMean {
  mean: number;
  /** Standard error of the mean, the largest over binning levels with at least 32 blocks. */
  error: number;
  /** Integrated autocorrelation time estimate, (error / naive error)^2 / 2, in samples. */
  tau: number;
}

/**
 * Binning analysis: average neighbouring pairs again and again; the naive error of the block means
 * grows with the block size until blocks are longer than the autocorrelation time, then plateaus.
 * We take the largest estimate over levels that still have at least 32 blocks.
 */
export function binnedMean(series: ArrayLike<number>): BinnedMean {
  let blocks = Array.from(series);
  const m = mean(blocks);
  const naiveError = (xs: number[]) => {
    const mu = mean(xs);
    let ss = 0;
    for (const x of xs) ss += (x - mu) ** 2;
    return xs.length > 1 ? Math.sqrt(ss / (xs.length - 1) / xs.length) : 0;
  };
  const first = naiveError(blocks);
  let error = first;
  while (blocks.length >= 2 * MIN_BLOCKS) {
    const next: number[] = [];
    for (let i = 0; i + 1 < blocks.length; i += 2) next.push((blocks[i] + blocks[i + 1]) / 2);
    blocks = next;
    error = Math.max(error, naiveError(blocks));
  }
  return { mean: m, error, tau: first > 0 ? 0.5 * (error / first) ** 2 : 0.5 };
}

/**
 * Jackknife over `blockCount` equal blocks for a function of several series' means (the Binder
 * cumulant is one): returns the estimate from all data and its jackknife error.
 */
export function jackknife(series: ArrayLike<number>[], estimate: (means: number[]) => number, blockCount = MIN_BLOCKS): { value: number; error: number } {
  const n = series[0].length;
  const blocks = Math.min(blockCount, n);
  const size = Math.floor(n / blocks);
  const used = size * blocks;
  const blockSums = series.map((xs) => {
    const sums = new Float64Array(blocks);
    for (let i = 0; i < used; i++) sums[Math.floor(i / size)] += xs[i];
    return sums;
  });
  const totals = blockSums.map((sums) => sums.reduce((a, b) => a + b, 0));
  const value = estimate(totals.map((t) => t / used));
  if (blocks < 2) return { value, error: NaN };
  let ss = 0;
  const leaveOut: number[] = [];
  for (let b = 0; b < blocks; b++) leaveOut.push(estimate(totals.map((t, s) => (t - blockSums[s][b]) / (used - size))));
  const mu = mean(leaveOut);
  for (const v of leaveOut) ss += (v - mu) ** 2;
  return { value, error: Math.sqrt(((blocks - 1) / blocks) * ss) };
}
