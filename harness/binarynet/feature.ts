// The binarynet feature's registration (harness/features.ts): BinaryNet, binary weights and activations.
import type { Feature } from '../feature.js';
import { benchBinaryNetJob } from './bench.js';
import { binaryNetBenchmark } from './bench_table.js';
import { binaryNetEvalJob, binaryNetTrainJob } from './job.js';
import { binaryNetReportSection } from './study.js';

export const binaryNetFeature: Feature = {
  name: 'binarynet',
  jobs: { 'binarynet-train': binaryNetTrainJob, 'binarynet-eval': binaryNetEvalJob, 'bench-binarynet': benchBinaryNetJob },
  benchmark: binaryNetBenchmark,
  section: binaryNetReportSection,
};
