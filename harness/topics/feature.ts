// The topics feature's registration (harness/features.ts): topic models of text corpora (LDA by
// collapsed Gibbs sampling on the GPU).
import type { Feature } from '../feature.js';
import { ldaTrainJob } from './job.js';

export const topicsFeature: Feature = {
  name: 'topics',
  jobs: { 'lda-train': ldaTrainJob },
};
