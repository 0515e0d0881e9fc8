// The hopfield feature's registration (harness/features.ts): Hopfield networks: capacity and recall.
import type { Feature } from '../feature.js';
import { benchHopfieldJob } from './bench.js';
import { hopfieldBenchmark } from './bench_table.js';
import { hopfieldCapacityJob, hopfieldRecallJob } from './job.js';
import { hopfieldReportSection } from './study.js';

export const hopfieldFeature: Feature = {
  name: 'hopfield',
  jobs: { 'hopfield-capacity': hopfieldCapacityJob, 'hopfield-recall': hopfieldRecallJob, 'bench-hopfield': benchHopfieldJob },
  benchmark: hopfieldBenchmark,
  section: hopfieldReportSection,
};
