// The sigmoid belief nets' section of `npm start` (harmonium study): one net trained by wake-sleep and
// one by NVIL on the same digits, their test log p(x) after each epoch (importance sampling, a few
// draws) and at the end with more draws. The cpu scale trains on fewer digits for fewer epochs, quick a
// tiny net (a smoke run); harness/sbn/report.ts draws it.
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** Sizes by scale: the full one is the SBN with 200 hidden units. */
const MODES = {
  full: { hidden: [200], epochs: 50, train: undefined, test: undefined, lr: 1e-3, k: 5000 },
  cpu: { hidden: [200], epochs: 10, train: 4000, test: 500, lr: 1e-3, k: 100 },
  quick: { hidden: [16], epochs: 2, train: 200, test: 50, lr: 3e-3, k: 5 },
} as const;

async function collectSbn(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const counts = { ...(m.train ? { train_count: m.train } : {}), ...(m.test ? { test_count: m.test } : {}) };
  const runs: JsonObject[] = [];
  for (const method of ['wake-sleep', 'nvil']) {
    ctx.phase(`sbn: ${method}`);
    const r = await ctx.run({ job: 'sbn-train', hidden: [...m.hidden], method, epochs: m.epochs, lr: m.lr, seed: ctx.seed, ...counts, return_model: true });
    const e = await ctx.run({ job: 'sbn-eval', model: r.model_base64, k: m.k, seed: ctx.seed, ...(m.test ? { test_count: m.test } : {}) });
    ctx.unit(`sbn ${method}: test log p(x) ${(e.log_px as number).toFixed(2)} nats (K = ${m.k}) after ${m.epochs} epochs`);
    const { hidden, epochs, train_count, test_count, history, examples_per_s, eval_k } = r;
    runs.push({ method, hidden, epochs, train_count, test_count, history, examples_per_s, eval_k, log_px: e.log_px, k: e.k });
  }
  return { quick: ctx.scale === 'quick', scale: ctx.scale, lr: m.lr, runs };
}

export const sbnReportSection: ReportSection = { name: 'sbn', collect: collectSbn };
