// The VAE feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { benchVaeJob } from './bench.js';
import { vaeEvalJob, vaeImagesJob, vaeTrainJob } from './job.js';

export const vaeJobs: Readonly<Record<string, Job>> = { 'vae-train': vaeTrainJob, 'vae-eval': vaeEvalJob, 'vae-images': vaeImagesJob, 'bench-vae': benchVaeJob };
