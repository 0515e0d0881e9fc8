// The linear feature's registration (harness/features.ts): the linear factor models (PCA with
// probabilistic PCA, factor analysis, sparse coding) and clustering (k-means, Gaussian mixtures).
import type { Feature } from '../feature.js';
import { benchClusterJob } from './bench.js';
import { clusterBenchmark } from './bench_table.js';
import { linearReportSection } from './study.js';
import { faJob, gmmJob, kmeansJob, pcaJob, sparseCodingJob } from './job.js';

export const linearFeature: Feature = {
  name: 'linear',
  jobs: { pca: pcaJob, fa: faJob, 'sparse-coding': sparseCodingJob, kmeans: kmeansJob, gmm: gmmJob, 'bench-cluster': benchClusterJob },
  benchmark: clusterBenchmark,
  section: linearReportSection,
};
