// The pca feature's registration (harness/features.ts): principal component analysis and
// probabilistic PCA, the first of the linear factor models.
import type { Feature } from '../feature.js';
import { pcaJob } from './job.js';

export const pcaFeature: Feature = {
  name: 'pca',
  jobs: { pca: pcaJob },
};
