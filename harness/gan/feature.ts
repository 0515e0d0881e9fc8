// The gan feature's registration (harness/features.ts): generative adversarial nets on the ring of
// Gaussians and on MNIST.
import type { Feature } from '../feature.js';
import { ganSampleJob, ganTrainJob } from './job.js';
import { ganReportSection } from './study.js';

export const ganFeature: Feature = {
  name: 'gan',
  jobs: { 'gan-train': ganTrainJob, 'gan-sample': ganSampleJob },
  section: ganReportSection,
};
