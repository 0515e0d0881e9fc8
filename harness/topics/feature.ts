// The topics feature's registration (harness/features.ts): topic models of text corpora (LDA by
// collapsed Gibbs sampling on the GPU, pLSA by EM).
import type { Feature } from '../feature.js';
import { ldaTrainJob, plsaJob } from './job.js';

export const topicsFeature: Feature = {
  name: 'topics',
  jobs: { plsa: plsaJob, 'lda-train': ldaTrainJob },
};
