// The RBM feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { benchRbmJob } from './bench.js';
import { rbmEvalJob, rbmSampleJob, rbmTrainJob } from './job.js';

export const rbmJobs: Readonly<Record<string, Job>> = { 'rbm-train': rbmTrainJob, 'rbm-eval': rbmEvalJob, 'rbm-sample': rbmSampleJob, 'bench-rbm': benchRbmJob };
