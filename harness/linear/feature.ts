// The linear feature's registration (harness/features.ts): the linear factor models, PCA with
// probabilistic PCA and factor analysis.
import type { Feature } from '../feature.js';
import { faJob, pcaJob } from './job.js';

export const linearFeature: Feature = {
  name: 'linear',
  jobs: { pca: pcaJob, fa: faJob },
};
