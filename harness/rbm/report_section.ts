// The RBM's section of the report (`npm start`): CD-1, CD-3 and PCD-1 trained from the same seed on
// binarised MNIST, each epoch's test reconstruction error, free-energy gap (test minus training
// mean free energy) and AIS test log-likelihood with its standard error; the filters and fantasy
// particles of each run as images. Smaller at the cpu and quick scales.
import type { ReportSection, SectionContext, StudyScale } from '../report/section.js';
import { toSpec } from '../cli/schema.js';
import type { JsonObject } from '../io/json.js';
import { RBM_TRAIN_JOB } from './flags.js';

/** The three training rules the section compares (the CD-1, CD-3 and PCD). */
export const RBM_REPORT_RUNS = [
  { label: 'CD-1', cd: 1, pcd: false },
  { label: 'CD-3', cd: 3, pcd: false },
  { label: 'PCD-1', cd: 1, pcd: true },
] as const;

/**
 * The shared settings: full (784-100, all 8,000 digits, 10 epochs), cpu (784-100, 2,000 digits, 4
 * epochs, shorter AIS) or quick (784-16, 500 digits, 2 epochs, short AIS and chains).
 */
export function rbmReportSettings(scale: StudyScale, seed: number) {
  return {
    quick: { hidden: 16, epochs: 2, batch: 50, 'train-count': 500, 'test-count': 200, chains: 50, 'curve-ais-runs': 16, 'curve-ais-betas': 100, 'image-steps': 50, seed },
    cpu: { hidden: 100, epochs: 4, batch: 100, 'train-count': 2000, 'test-count': 500, chains: 100, 'curve-ais-runs': 50, 'curve-ais-betas': 500, 'image-steps': 300, seed },
    full: { hidden: 100, epochs: 10, batch: 100, 'train-count': 8000, 'test-count': 2000, chains: 100, 'curve-ais-runs': 100, 'curve-ais-betas': 2000, 'image-steps': 1000, seed },
  }[scale];
}

export const rbmReportSection: ReportSection = {
  name: 'rbm',
  async collect(ctx: SectionContext): Promise<JsonObject> {
    const settings = rbmReportSettings(ctx.scale, ctx.seed);
    const runs: JsonObject[] = [];
    for (const [i, run] of RBM_REPORT_RUNS.entries()) {
      ctx.phase(`rbm ${run.label} (run ${i + 1} of ${RBM_REPORT_RUNS.length})`);
      const spec = toSpec('rbm-train', RBM_TRAIN_JOB, { ...settings, cd: run.cd, pcd: run.pcd, lr: 0.05, 'return-images': true });
      const r = await ctx.run(spec);
      const last = (r.ais_curve as JsonObject[]).at(-1);
      ctx.unit(`rbm ${run.label}: reconstruction error ${(r.reconstruction_error as number).toFixed(3)}, test log-likelihood ${(last?.test_avg_log_prob as number | undefined)?.toFixed(2) ?? '?'} nats`);
      const { adapter: _adapter, train_reconstruction_error: _perStep, ...kept } = r;
      runs.push({ label: run.label, ...kept });
    }
    return { settings, runs };
  },
};
