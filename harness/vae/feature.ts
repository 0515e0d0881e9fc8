// The vae feature's registration (harness/features.ts): variational autoencoders.
import type { Feature } from '../feature.js';
import { benchVaeJob } from './bench.js';
import { vaeBenchmark } from './bench_table.js';
import { vaeImputeJob } from './impute.js';
import { vaeEvalJob, vaeImagesJob, vaeTrainJob } from './job.js';
import { vaeReportSection } from './study.js';

export const vaeFeature: Feature = {
  name: 'vae',
  jobs: { 'vae-train': vaeTrainJob, 'vae-eval': vaeEvalJob, 'vae-images': vaeImagesJob, 'vae-impute': vaeImputeJob, 'bench-vae': benchVaeJob },
  benchmark: vaeBenchmark,
  section: vaeReportSection,
};
