// The Hopfield feature's jobs by name (harness/backends/jobs.ts gathers every feature's table).
import type { Job } from '../backends/context.js';
import { benchHopfieldJob } from './bench.js';
import { hopfieldCapacityJob, hopfieldRecallJob } from './job.js';

export const hopfieldJobs: Readonly<Record<string, Job>> = { 'hopfield-capacity': hopfieldCapacityJob, 'hopfield-recall': hopfieldRecallJob, 'bench-hopfield': benchHopfieldJob };
