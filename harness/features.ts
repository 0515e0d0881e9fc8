// Every feature of the harness, in the order the CLI's --help, the benchmarks and the report list
// them. A new feature is a folder with a feature.ts (its jobs, commands, benchmark and report section)
// and a line here; the job table, the CLI, `bench` and `study` take everything from this list.
import type { Feature } from './feature.js';
import { isingFeature } from './ising/feature.js';
import { gemmFeature } from './gemm/feature.js';
import { mlpFeature } from './mlp/feature.js';
import { binaryNetFeature } from './binarynet/feature.js';
import { hopfieldFeature } from './hopfield/feature.js';
import { tspFeature } from './tsp/feature.js';
import { boltzmannFeature } from './boltzmann/feature.js';
import { rbmFeature } from './rbm/feature.js';
import { dbnFeature } from './dbn/feature.js';
import { aeFeature } from './ae/feature.js';
import { vaeFeature } from './vae/feature.js';
import { sbnFeature } from './sbn/feature.js';
import { ganFeature } from './gan/feature.js';
import { rgFeature } from './rg/feature.js';
import { linearFeature } from './linear/feature.js';
import { topicsFeature } from './topics/feature.js';

export const FEATURES: readonly Feature[] = [isingFeature, gemmFeature, mlpFeature, binaryNetFeature, hopfieldFeature, tspFeature, boltzmannFeature, rbmFeature, dbnFeature, rgFeature, aeFeature, vaeFeature, sbnFeature, ganFeature, linearFeature, topicsFeature];
