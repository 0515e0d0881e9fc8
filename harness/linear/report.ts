// The linear models' section of the report page (data from harness/linear/study.ts): the fits on
// MNIST-PCA-50 as a table, the learned atoms as a picture, ISTA's and FISTA's objective per step as a chart.
import type { JsonObject } from '../io/json.js';
import { chart, figure, fmt, section, table } from '../report/charts.js';

export function linearSection(data: JsonObject): void {
  const fits = data.fits as JsonObject[];
  const first = fits[0] ?? {};
  const sec = section(
    `Linear factor models and clustering on MNIST-PCA-${String(data.project)}${data.quick ? ' (quick: a tiny run)' : ''}`,
    `${String(first.train_count)} training digits and ${String(first.test_count)} held-out ones, projected onto the training digits' first ${String(data.project)} principal components; ` +
      "each model's numbers are scikit-learn's by definition: the mean log-likelihood per example in nats (PCA.score, FactorAnalysis.score, GaussianMixture.score), k-means' inertia (the sum of squared distances to the nearest centre).",
  );
  table(sec, ['model', 'score', 'training', 'held out', 'seconds'], fits.map((f) => [f.what as string, f.score === 'inertia' ? 'inertia' : 'log-likelihood', fmt(f.train as number), fmt(f.test as number), fmt((f.wall_ms as number) / 1000)]));
  const sc = data.sparse as JsonObject;
  const curves = sc.curves as { ista: number[]; fista: number[] };
  const sparse = section(
    'Sparse coding: dictionary learning on MNIST digits',
    `${String(sc.components)} atoms of norm at most 1, each digit's code minimising 1/2 |x - h D|^2 + ${String(sc.alpha)} |h|_1, ${String(sc.iterations)} alternations of ${String(sc.code_iterations)} ${String(sc.method).toUpperCase()} steps and a block-coordinate dictionary step. ` +
      `Held out: objective ${fmt(sc.test_objective as number)} per digit, ${(100 * (sc.test_sparsity as number)).toFixed(1)}% of the codes zero.`,
  );
  figure(sparse, sc.picture as JsonObject, 'The atoms, each scaled by its own largest |value| (mid grey 0, white positive).', 2);
  chart(sparse, 'The held-out digits\' objective per step from h = 0', 'step', 'mean objective', curves.ista.map((_, i) => i), [
    { label: 'ISTA', values: curves.ista },
    { label: 'FISTA', values: curves.fista },
  ]);
}
