// The ae feature's registration (harness/features.ts): autoencoders: plain, denoising, contractive.
import type { Feature } from '../feature.js';
import { aeTrainJob } from './job.js';

export const aeFeature: Feature = {
  name: 'ae',
  jobs: { 'ae-train': aeTrainJob },
};
