// The GEMM feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { benchGemmJob } from './bench.js';
import { gemmBernoulliJob } from './bernoulli.js';

export const gemmJobs: Readonly<Record<string, Job>> = { 'bench-gemm': benchGemmJob, 'gemm-bernoulli': gemmBernoulliJob };
