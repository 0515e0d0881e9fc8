// The boltzmann feature's registration (harness/features.ts): the fully connected Boltzmann machine.
import type { Feature } from '../feature.js';
import { boltzmannTrainJob } from './job.js';

export const boltzmannFeature: Feature = {
  name: 'boltzmann',
  jobs: { 'boltzmann-train': boltzmannTrainJob },
};
