// The travelling-salesman section of `npm start` (harmonium study): random cities solved by both
// solvers (annealing only when quick), the optimum by Held-Karp; harness/tsp/report.ts draws them.
import type { JsonObject } from '../io/json.js';
import type { ReportSection } from '../report/section.js';

export const tspReportSection: ReportSection = {
  name: 'tsp',
  async collect(ctx) {
    const quick = ctx.scale === 'quick';
    const cities = quick ? 5 : 10;
    const restarts = { quick: 8, cpu: 32, full: 64 }[ctx.scale];
    const solvers = quick ? ['annealing'] : ['annealing', 'hopfield-tank'];
    const runs: JsonObject[] = [];
    for (const solver of solvers) {
      runs.push(await ctx.run({ job: 'tsp', cities, restarts, solver, seed: ctx.seed }));
      ctx.unit(`tsp: ${cities} cities, ${solver}, ${restarts} restarts`);
    }
    return { runs };
  },
};
