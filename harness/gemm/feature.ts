// The gemm feature's registration (harness/features.ts): the matrix products: the GEMM and XNOR benchmark, the tile tuner.
import type { Feature } from '../feature.js';
import { benchGemmJob } from './bench.js';
import { gemmBenchmark } from './bench_table.js';
import { gemmBernoulliJob } from './bernoulli.js';

export const gemmFeature: Feature = {
  name: 'gemm',
  jobs: { 'bench-gemm': benchGemmJob, 'gemm-bernoulli': gemmBernoulliJob },
  benchmark: gemmBenchmark,
};
