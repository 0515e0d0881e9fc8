// The topics feature's registration (harness/features.ts): topic models of text corpora (LDA by
// collapsed Gibbs sampling on the GPU, pLSA by EM) and Dirichlet-process mixtures.
import type { Feature } from '../feature.js';
import { benchLdaJob } from './bench.js';
import { ldaBenchmark } from './bench_table.js';
import { dpmmJob, ldaTrainJob, plsaJob } from './job.js';
import { topicsReportSection } from './study.js';

export const topicsFeature: Feature = {
  name: 'topics',
  jobs: { plsa: plsaJob, 'lda-train': ldaTrainJob, dpmm: dpmmJob, 'bench-lda': benchLdaJob },
  benchmark: ldaBenchmark,
  section: topicsReportSection,
};
