// The sbn feature's registration (harness/features.ts): sigmoid belief nets (Helmholtz machines)
// trained by wake-sleep or NVIL.
import type { Feature } from '../feature.js';
import { sbnEvalJob, sbnTrainJob } from './job.js';
import { sbnReportSection } from './study.js';

export const sbnFeature: Feature = {
  name: 'sbn',
  jobs: { 'sbn-train': sbnTrainJob, 'sbn-eval': sbnEvalJob },
  section: sbnReportSection,
};
