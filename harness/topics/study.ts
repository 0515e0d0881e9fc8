// The topic models' section of `npm start` (harmonium study): LDA on the bars (the topics as 5 x 5
// images across sweeps, the classic figure; held-out perplexity against sweeps; how far the topics lie
// from the true bars) and on the Federalist Papers (perplexity against sweeps, each topic's top words),
// pLSA beside it on both, and a Dirichlet-process mixture's number of clusters on planted blobs. The
// cpu scale runs shorter chains, quick a tiny run (a smoke run); harness/topics/report.ts draws it.
import { toBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';
import { barsTopicsGrid } from './pictures.js';

/** The sweeps of the bars' figure (Griffiths & Steyvers show theirs on a like scale). */
const BARS_CHECKPOINTS = [0, 1, 2, 5, 10, 20, 50, 100, 200];

/** Sizes by scale. */
const MODES = {
  full: { bars: { bars_documents: 500, sweeps: 200 }, federalist: { topics: 20, sweeps: 1000 }, plsa: 200, dpmm: { blob_samples: 1000, sweeps: 500, burn_in: 100 } },
  cpu: { bars: { bars_documents: 500, sweeps: 200 }, federalist: { topics: 20, sweeps: 200 }, plsa: 100, dpmm: { blob_samples: 500, sweeps: 200, burn_in: 50 } },
  quick: { bars: { bars_documents: 50, sweeps: 10 }, federalist: { topics: 4, sweeps: 4, max_vocabulary: 300 }, plsa: 5, dpmm: { blob_samples: 60, sweeps: 10, burn_in: 2 } },
} as const;

/** Ten checkpoints evenly over `sweeps`, and the start. */
const evenly = (sweeps: number) => [...new Set(Array.from({ length: 11 }, (_, i) => Math.round((i * sweeps) / 10)))];

async function collectTopics(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const seed = ctx.seed;
  /** The numbers of one fit the page shows (the topics' pictures and words aside). */
  const numbers = (r: JsonObject) => ({ topics: r.topics, documents: r.documents, tokens: r.tokens, vocabulary: r.vocabulary, held_out_documents: r.held_out_documents, perplexity: r.perplexity, log_likelihood_per_token: r.log_likelihood_per_token, topic_recovery: r.topic_recovery, wall_ms: r.wall_ms });

  ctx.phase('topics: LDA on the bars');
  const checkpoints = BARS_CHECKPOINTS.filter((s) => s <= m.bars.sweeps);
  const bars = await ctx.run({ job: 'lda-train', ...m.bars, checkpoints, seed });
  ctx.unit(`topics: LDA on the bars, perplexity ${(bars.perplexity as number).toFixed(3)}, topic recovery ${(bars.topic_recovery as number).toFixed(4)}`);
  const snapshots = bars.topic_snapshots as { sweeps: number[]; topics: number[][] };
  const grid = barsTopicsGrid(snapshots.topics, bars.topics as number);
  ctx.phase('topics: pLSA on the bars');
  const barsPlsa = await ctx.run({ job: 'plsa', bars_documents: m.bars.bars_documents, iterations: m.plsa, seed });
  ctx.unit(`topics: pLSA on the bars, perplexity ${(barsPlsa.perplexity as number).toFixed(3)}`);

  ctx.phase('topics: LDA on the Federalist Papers');
  const federalist = await ctx.run({ job: 'lda-train', data: 'federalist', ...m.federalist, alpha: 0.1, eta: 0.01, checkpoints: evenly(m.federalist.sweeps), seed });
  ctx.unit(`topics: LDA on the Federalist Papers, perplexity ${(federalist.perplexity as number).toFixed(1)}`);
  ctx.phase('topics: pLSA on the Federalist Papers');
  const { sweeps: _sweeps, ...federalistCorpus } = m.federalist;
  const federalistPlsa = await ctx.run({ job: 'plsa', data: 'federalist', ...federalistCorpus, iterations: m.plsa, seed });
  ctx.unit(`topics: pLSA on the Federalist Papers, perplexity ${(federalistPlsa.perplexity as number).toFixed(1)}`);

  ctx.phase('topics: a Dirichlet-process mixture of planted blobs');
  const dpmm = await ctx.run({ job: 'dpmm', data: 'blobs', planted: 4, ...m.dpmm, seed });
  ctx.unit(`topics: DP mixture of 4 planted blobs, ${(dpmm.clusters as number).toFixed(2)} clusters`);

  return {
    quick: ctx.scale === 'quick',
    bars: { ...numbers(bars), alpha: bars.alpha, eta: bars.eta, sweeps: bars.sweeps, curve: bars.perplexity_curve, picture: { width: grid.width, height: grid.height, pixels_base64: toBase64(grid.pixels) }, snapshot_sweeps: snapshots.sweeps, tokens_per_s: bars.tokens_per_s },
    bars_plsa: { ...numbers(barsPlsa), iterations: barsPlsa.iterations },
    federalist: { ...numbers(federalist), alpha: federalist.alpha, eta: federalist.eta, sweeps: federalist.sweeps, curve: federalist.perplexity_curve, top_words: federalist.top_words, tokens_per_s: federalist.tokens_per_s },
    federalist_plsa: { ...numbers(federalistPlsa), iterations: federalistPlsa.iterations, held_out_tokens_unseen: federalistPlsa.held_out_tokens_unseen },
    dpmm: { planted: dpmm.planted, train_count: dpmm.train_count, width: dpmm.width, sweeps: dpmm.sweeps, burn_in: dpmm.burn_in, clusters: dpmm.clusters, cluster_histogram: dpmm.cluster_histogram, clusters_per_sweep: dpmm.clusters_per_sweep },
  };
}

export const topicsReportSection: ReportSection = { name: 'topics', collect: collectTopics };
