// The rg feature's registration (harness/features.ts): the renormalisation group of Ising spins and
// the RBM stacks that learn it (Mehta & Schwab 2014).
import type { Feature } from '../feature.js';
import { rgChainJob, rgFieldsJob, rgSampleJob, rgTrainJob } from './job.js';
import { rgReportSection } from './study.js';

export const rgFeature: Feature = {
  name: 'rg',
  jobs: { 'rg-chain': rgChainJob, 'rg-train': rgTrainJob, 'rg-fields': rgFieldsJob, 'rg-sample': rgSampleJob },
  section: rgReportSection,
};
