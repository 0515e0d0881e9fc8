// The rbm feature's registration (harness/features.ts): restricted Boltzmann machines.
import type { Feature } from '../feature.js';
import { benchRbmJob } from './bench.js';
import { rbmBenchmark } from './bench_table.js';
import { rbmEvalJob, rbmSampleJob, rbmTrainJob } from './job.js';
import { rbmReportSection } from './report_section.js';

export const rbmFeature: Feature = {
  name: 'rbm',
  jobs: { 'rbm-train': rbmTrainJob, 'rbm-eval': rbmEvalJob, 'rbm-sample': rbmSampleJob, 'bench-rbm': benchRbmJob },
  benchmark: rbmBenchmark,
  section: rbmReportSection,
};
