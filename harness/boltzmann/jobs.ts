// The Boltzmann-machine feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { boltzmannTrainJob } from './job.js';

export const boltzmannJobs: Readonly<Record<string, Job>> = { 'boltzmann-train': boltzmannTrainJob };
