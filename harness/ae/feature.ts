// The ae feature's registration (harness/features.ts): autoencoders: plain, denoising, contractive,
// deep (RBM-pretrained), and semantic hashing with their codes.
import type { Feature } from '../feature.js';
import { aeHashJob } from './hash.js';
import { aeEvalJob, aeTrainJob } from './job.js';

export const aeFeature: Feature = {
  name: 'ae',
  jobs: { 'ae-train': aeTrainJob, 'ae-eval': aeEvalJob, 'ae-hash': aeHashJob },
};
