// The dbn feature's registration (harness/features.ts): deep belief nets, stacks of RBMs; its report
// section covers the deep models (the DBN, the deep autoencoder, semantic hashing).
import type { Feature } from '../feature.js';
import { dbnEvalJob, dbnSampleJob, dbnTrainJob } from './job.js';
import { deepReportSection } from './study.js';

export const dbnFeature: Feature = {
  name: 'dbn',
  jobs: { 'dbn-train': dbnTrainJob, 'dbn-eval': dbnEvalJob, 'dbn-sample': dbnSampleJob },
  section: deepReportSection,
};
