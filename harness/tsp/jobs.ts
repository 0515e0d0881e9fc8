// The TSP feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { tspJob } from './job.js';

export const tspJobs: Readonly<Record<string, Job>> = { tsp: tspJob };
