// The renormalisation group's section of `npm start` (harmonium study): the 1-D Ising chain's
// decimation flow, exact, sampled by our Boltzmann machine and learned by a stack of RBMs (the
// 'rg-chain' job). The cpu scale runs a shorter chain with fewer samples, quick a tiny one (a smoke run).
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** Sizes by scale: the full one is `rg chain`'s defaults. */
const MODES = {
  full: { length: 64, levels: 3, chains: 2000, sweeps: 100, epochs: 50 },
  cpu: { length: 32, levels: 2, chains: 1000, sweeps: 100, epochs: 20 },
  quick: { length: 16, levels: 2, chains: 200, sweeps: 30, epochs: 2 },
} as const;

async function collectRg(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  ctx.phase('rg: the 1-D chain');
  const r = await ctx.run({ job: 'rg-chain', coupling: 1, ...m, seed: ctx.seed });
  ctx.unit(`rg chain: ${m.length} spins, ${m.levels} levels, ${m.chains} samples in ${((r.wall_ms as number) / 1000).toFixed(0)} s`);
  const { coupling, length, levels, chains, sweeps, epochs, exact, measured, learned } = r;
  return { quick: ctx.scale === 'quick', scale: ctx.scale, coupling, length, levels, chains, sweeps, epochs, exact, measured, learned };
}

export const rgReportSection: ReportSection = { name: 'rg', collect: collectRg };
