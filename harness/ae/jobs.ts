// The autoencoder feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { aeTrainJob } from './job.js';

export const aeJobs: Readonly<Record<string, Job>> = { 'ae-train': aeTrainJob };
