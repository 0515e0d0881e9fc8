// The tsp feature's registration (harness/features.ts): the travelling salesman problem by Hopfield-Tank networks and annealed Boltzmann machines.
import type { Feature } from '../feature.js';
import { tspJob } from './job.js';
import { tspReportSection } from './study.js';

export const tspFeature: Feature = {
  name: 'tsp',
  jobs: { tsp: tspJob },
  section: tspReportSection,
};
