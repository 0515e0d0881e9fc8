// The mlp feature's registration (harness/features.ts): the MLP classifier.
import type { Feature } from '../feature.js';
import { benchMlpJob } from './bench.js';
import { mlpBenchmark } from './bench_table.js';
import { mlpEvalJob, mlpTrainJob } from './job.js';

export const mlpFeature: Feature = {
  name: 'mlp',
  jobs: { 'mlp-train': mlpTrainJob, 'mlp-eval': mlpEvalJob, 'bench-mlp': benchMlpJob },
  benchmark: mlpBenchmark,
};
