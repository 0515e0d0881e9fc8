// The Hopfield section of `npm start` (harmonium study): the capacity curve and the letters recalled
// step by step, run as jobs on the study's backend; harness/hopfield/report.ts draws them.
import { CRITICAL_LOAD } from '../../models/hopfield_capacity.js';
import type { ReportSection } from '../report/section.js';

export const hopfieldReportSection: ReportSection = {
  name: 'hopfield',
  async collect(ctx) {
    // quick: 5 loads at N = 100, one network each; cpu: 12 loads at N = 400, 2 each; full: 24 loads at N = 1000, 5 each.
    const sizes = {
      quick: { units: 100, load: '0.05:0.25:0.05', trials: 1 },
      cpu: { units: 400, load: '0.02:0.25:0.02', trials: 2 },
      full: { units: 1000, load: '0.02:0.25:0.01', trials: 5 },
    }[ctx.scale];
    const capacity = await ctx.run({ job: 'hopfield-capacity', ...sizes, seed: ctx.seed });
    ctx.unit(`hopfield capacity: N = ${sizes.units}, ${sizes.load}`);
    // Five random blocks of five units per sweep: the letters come back over several visible steps.
    const recall = await ctx.run({ job: 'hopfield-recall', patterns: 'letters', noise: 0.2, update: 'blocks', blocks: 5, steps: 15, seed: ctx.seed, record: true });
    ctx.unit('hopfield recall: the letters from 20% noise');
    return { critical_load: CRITICAL_LOAD, capacity, recall };
  },
};
