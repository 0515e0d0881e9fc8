// The dbn feature's registration (harness/features.ts): deep belief nets, stacks of RBMs.
import type { Feature } from '../feature.js';
import { dbnEvalJob, dbnSampleJob, dbnTrainJob } from './job.js';

export const dbnFeature: Feature = {
  name: 'dbn',
  jobs: { 'dbn-train': dbnTrainJob, 'dbn-eval': dbnEvalJob, 'dbn-sample': dbnSampleJob },
};
