// The topic models' section of the report page (data from harness/topics/study.ts): the bars' topics
// across sweeps as a picture, held-out perplexity against sweeps as charts, LDA against pLSA as a table,
// the Federalist Papers' topics as their top words, and the DP mixture's number of clusters.
import type { JsonObject } from '../io/json.js';
import { chart, figure, fmt, section, table } from '../report/charts.js';

export function topicsSection(data: JsonObject): void {
  const bars = data.bars as JsonObject;
  const federalist = data.federalist as JsonObject;
  const quick = data.quick ? ' (quick: a tiny run)' : '';
  const sec = section(
    `Topic models: LDA by collapsed Gibbs sampling on the GPU, pLSA by EM${quick}`,
    'Four of every five documents train, the fifth is held out; perplexity is exp(-mean log p) of the second half of each held-out document given topic proportions estimated on its first half (document completion). ' +
      `Bars: Griffiths & Steyvers' corpus of 10 known topics over a 5 x 5 grid of words (${String(bars.documents)} training documents of 100 tokens, alpha ${String(bars.alpha)}, eta ${String(bars.eta)}); ` +
      `topic recovery is the mean L1 distance between each true bar and the learned topic matched to it (Hungarian method).`,
  );
  figure(sec, bars.picture as JsonObject, `The ${String(bars.topics)} topics after sweeps ${(bars.snapshot_sweeps as number[]).join(', ')} (a row each, top to bottom), each 5 x 5 image white at its most probable word.`, 6);
  const barsCurve = bars.curve as { sweeps: number[]; perplexity: number[] };
  chart(sec, 'Bars: held-out perplexity against sweeps', 'sweeps', 'perplexity', barsCurve.sweeps, [{ label: 'LDA', values: barsCurve.perplexity, points: true }]);
  const plsa = (key: string) => data[key] as JsonObject;
  table(
    sec,
    ['corpus', 'model', 'topics', 'training tokens', 'log-likelihood per training token', 'held-out perplexity', 'topic recovery', 'seconds'],
    [
      ['bars', `LDA, ${String(bars.sweeps)} sweeps`, bars, bars.topic_recovery],
      ['bars', `pLSA, ${String(plsa('bars_plsa').iterations)} EM steps`, plsa('bars_plsa'), plsa('bars_plsa').topic_recovery],
      ['federalist', `LDA, ${String(federalist.sweeps)} sweeps`, federalist, null],
      ['federalist', `pLSA, ${String(plsa('federalist_plsa').iterations)} EM steps`, plsa('federalist_plsa'), null],
    ].map(([corpus, model, r, recovery]) => {
      const f = r as JsonObject;
      return [corpus as string, model as string, f.topics as number, f.tokens as number, fmt(f.log_likelihood_per_token as number), fmt(f.perplexity as number), recovery === null ? '' : fmt(recovery as number), fmt((f.wall_ms as number) / 1000)];
    }),
  );
  const text = section(
    `The Federalist Papers: ${String(federalist.topics)} topics`,
    `The 85 essays (public domain) cut into documents of at least 150 words: ${String(federalist.documents)} training documents, ${String(federalist.tokens)} tokens over ${String(federalist.vocabulary)} words; alpha ${String(federalist.alpha)}, eta ${String(federalist.eta)}. ` +
      `pLSA leaves out held-out words no training document holds (${String(plsa('federalist_plsa').held_out_tokens_unseen)} tokens): its perplexity is over the rest.`,
  );
  const curve = federalist.curve as { sweeps: number[]; perplexity: number[] };
  chart(text, 'Federalist Papers: held-out perplexity against sweeps', 'sweeps', 'perplexity', curve.sweeps, [{ label: 'LDA', values: curve.perplexity, points: true }]);
  table(text, ['topic', 'top words'], (federalist.top_words as string[][]).map((words, k) => [k, words.join(' ')]));
  const dpmm = data.dpmm as JsonObject;
  const mixture = section(
    'A Dirichlet-process mixture: how many clusters?',
    `${String(dpmm.train_count)} points in ${String(dpmm.width)} values from ${String(dpmm.planted)} planted Gaussian blobs; blocked Gibbs sampling (Ishwaran & James) with every point's cluster drawn on the GPU, ${String(dpmm.sweeps)} sweeps, the first ${String(dpmm.burn_in)} left out. Posterior mean number of occupied clusters: ${fmt(dpmm.clusters as number)}.`,
  );
  const histogram = Object.entries(dpmm.cluster_histogram as Record<string, number>).sort(([a], [b]) => Number(a) - Number(b));
  table(mixture, ['clusters', 'posterior probability'], histogram.map(([k, p]) => [k, fmt(p)]));
  const perSweep = dpmm.clusters_per_sweep as number[];
  chart(mixture, 'Occupied clusters per sweep', 'sweep', 'clusters', perSweep.map((_, i) => i + 1), [{ label: 'clusters', values: perSweep }]);
}
