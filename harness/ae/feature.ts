// The ae feature's registration (harness/features.ts): autoencoders: plain, denoising, contractive.
import type { Feature } from '../feature.js';
import { aeEvalJob, aeTrainJob } from './job.js';

export const aeFeature: Feature = {
  name: 'ae',
  jobs: { 'ae-train': aeTrainJob, 'ae-eval': aeEvalJob },
};
