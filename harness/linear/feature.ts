// The linear feature's registration (harness/features.ts): the linear factor models (PCA with
// probabilistic PCA, factor analysis) and clustering (k-means, Gaussian mixtures).
import type { Feature } from '../feature.js';
import { faJob, gmmJob, kmeansJob, pcaJob } from './job.js';

export const linearFeature: Feature = {
  name: 'linear',
  jobs: { pca: pcaJob, fa: faJob, kmeans: kmeansJob, gmm: gmmJob },
};
