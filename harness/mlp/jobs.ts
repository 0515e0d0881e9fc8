// The MLP feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { benchMlpJob } from './bench.js';
import { mlpEvalJob, mlpTrainJob } from './job.js';

export const mlpJobs: Readonly<Record<string, Job>> = { 'mlp-train': mlpTrainJob, 'mlp-eval': mlpEvalJob, 'bench-mlp': benchMlpJob };
