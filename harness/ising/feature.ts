// The ising feature's registration (harness/features.ts): the 2D Ising model: Gibbs sampling, its study across Tc, its benchmark.
import type { Feature } from '../feature.js';
import { benchIsingJob } from './bench.js';
import { isingBenchmark } from './bench_table.js';
import { isingJob } from './job.js';

export const isingFeature: Feature = {
  name: 'ising',
  jobs: { ising: isingJob, 'bench-ising': benchIsingJob },
  benchmark: isingBenchmark,
};
