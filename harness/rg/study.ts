// The renormalisation group's section of `npm start` (harmonium study): the 1-D Ising chain's
// decimation flow, exact, sampled by our Boltzmann machine and learned by a stack of RBMs (the
// 'rg-chain' job); and Mehta & Schwab's 2-D experiment, a stack trained on configurations of the
// lattice near the critical coupling (J = 0.408) and at high temperature (J = 0.2), with its receptive
// fields per layer, their locality against shuffled fields, and configurations it generates ('rg-train',
// 'rg-fields', 'rg-sample'). The cpu scale runs fewer samples and epochs, quick a tiny run (a smoke run).
import { fromBase64, toBase64 } from '../io/base64.js';
import { imageGrid } from '../io/image_grid.js';
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** Sizes by scale: the full one is `rg chain`'s and `rg train`'s defaults (Mehta & Schwab's 20,000 samples of 40 x 40, 1600-400-100-25). */
const MODES = {
  full: { chain: { length: 64, levels: 3, chains: 2000, sweeps: 100, epochs: 50 }, lattice: { size: 40, samples: 20000, hidden: [400, 100, 25], epochs: 20 }, generated: 100, steps: 1000 },
  cpu: { chain: { length: 32, levels: 2, chains: 1000, sweeps: 100, epochs: 20 }, lattice: { size: 40, samples: 4000, hidden: [400, 100, 25], epochs: 10 }, generated: 100, steps: 1000 },
  quick: { chain: { length: 16, levels: 2, chains: 200, sweeps: 30, epochs: 2 }, lattice: { size: 8, samples: 100, hidden: [16, 4], epochs: 1 }, generated: 20, steps: 10 },
} as const;

/** The couplings of the 2-D experiment: Mehta & Schwab's, near the critical 0.4407, and a high temperature. */
const RG_COUPLINGS = [0.408, 0.2] as const;

/** Fields drawn per layer. */
const FIELDS_SHOWN = 16;
/** Generated configurations drawn. */
const CONFIGURATIONS_SHOWN = 10;

/** The first `count` of size x size grey images (bytes) as a grey picture for the page, 8 to a row. */
function picture(base64: string, count: number, size: number): JsonObject {
  const values = Float32Array.from(fromBase64(base64).subarray(0, count * size * size), (b) => b / 255);
  const grid = imageGrid(values, { count, height: size, width: size, columns: Math.min(count, 8) });
  return { width: grid.width, height: grid.height, pixels_base64: toBase64(grid.pixels) };
}

async function collectLattice(ctx: SectionContext, coupling: number): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const { size, samples, hidden, epochs } = m.lattice;
  ctx.phase(`rg: the stack at J = ${coupling}`);
  const trained = await ctx.run({ job: 'rg-train', size, coupling, samples, hidden: [...hidden], epochs, seed: ctx.seed, return_model: true });
  const layers = trained.layers as Array<Record<string, number>>;
  ctx.unit(`rg train J = ${coupling}: locality per layer ${layers.map((l) => `${l.locality.toFixed(3)} (shuffled ${l.locality_shuffled.toFixed(3)})`).join(', ')} in ${((trained.wall_ms as number) / 1000).toFixed(0)} s`);
  const fields = await ctx.run({ job: 'rg-fields', model: trained.model_base64, count: FIELDS_SHOWN, seed: ctx.seed });
  const sample = await ctx.run({ job: 'rg-sample', model: trained.model_base64, count: m.generated, steps: m.steps, seed: ctx.seed });
  const { model_base64: _model, train_loss: _loss, history: _history, ...numbers } = trained;
  const shown = Math.min(CONFIGURATIONS_SHOWN, m.generated);
  return {
    ...numbers,
    fields: (fields.layers as JsonObject[]).map((l) => ({ layer: l.layer, units: l.units, picture: picture(l.images_base64 as string, l.shown as number, size) })),
    generated: { count: sample.count, steps: sample.steps, ...(sample.generated as JsonObject), picture: picture(sample.images_base64 as string, shown, size) },
  };
}

async function collectRg(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  ctx.phase('rg: the 1-D chain');
  const r = await ctx.run({ job: 'rg-chain', coupling: 1, ...m.chain, seed: ctx.seed });
  ctx.unit(`rg chain: ${m.chain.length} spins, ${m.chain.levels} levels, ${m.chain.chains} samples in ${((r.wall_ms as number) / 1000).toFixed(0)} s`);
  const { coupling, length, levels, chains, sweeps, epochs, exact, measured, learned } = r;
  const lattices: JsonObject[] = [];
  for (const j of RG_COUPLINGS) lattices.push(await collectLattice(ctx, j));
  return { quick: ctx.scale === 'quick', scale: ctx.scale, coupling, length, levels, chains, sweeps, epochs, exact, measured, learned, lattices };
}

export const rgReportSection: ReportSection = { name: 'rg', collect: collectRg };
