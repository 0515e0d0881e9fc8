// The Ising feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { benchIsingJob } from './bench.js';
import { isingJob } from './job.js';

export const isingJobs: Readonly<Record<string, Job>> = { ising: isingJob, 'bench-ising': benchIsingJob };
