// The rg feature's registration (harness/features.ts): the renormalisation group of Ising spins and
// the RBM stacks that learn it (Mehta & Schwab 2014).
import type { Feature } from '../feature.js';
import { rgChainJob } from './job.js';
import { rgReportSection } from './study.js';

export const rgFeature: Feature = {
  name: 'rg',
  jobs: { 'rg-chain': rgChainJob },
  section: rgReportSection,
};
