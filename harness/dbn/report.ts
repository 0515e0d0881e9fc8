// The deep models' section of the report page (data from harness/dbn/study.ts): the DBN's test errors
// and its samples of each class, the deep autoencoder against a random start and PCA with their
// reconstructions, the 2-D codes beside PCA-2's, and semantic hashing's precision-recall curves.
import type { JsonObject } from '../io/json.js';
import { codesPicture, precisionRecallPicture } from '../ae/pictures.js';
import { el, figure, rasterFigure, section, table } from '../report/charts.js';

const percent = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(2)}%` : 'n/a');
const net = (layers: unknown) => (layers as number[]).join('-');

function dbnPart(data: JsonObject): void {
  const [dbn, mlp] = [data.dbn as JsonObject, data.mlp as JsonObject];
  const sec = section(
    `Deep belief net on MNIST${data.quick ? ' (quick: tiny models, a smoke run)' : ''}`,
    `DBN ${net(dbn.layers)} trained greedily, CD-1, ${String(dbn.epochs)} epochs per RBM on ${String(dbn.train_count)} binarised digits, ` +
      `its top RBM joined by 10 softmax label units (Hinton, Osindero & Teh 2006): a test digit's class is the label of lowest free energy. ` +
      `Then the stack unrolled into a sigmoid classifier and fine-tuned by Adam for ${String(dbn.fine_tune_epochs)} epochs; a float MLP of the same widths trained as long for comparison. ${String(dbn.test_count)} test digits.`,
  );
  table(sec, ['model', 'test error'], [
    [`DBN ${net(dbn.layers)}, label units (generative)`, percent(dbn.generative_test_error)],
    [`DBN ${net(dbn.layers)}, fine-tuned (discriminative)`, percent(dbn.test_error)],
    [`float MLP ${net(mlp.layers)}`, percent(mlp.test_error)],
  ]);
  const row = el('div', { class: 'snapshots', style: 'flex-wrap: wrap' });
  sec.append(row);
  figure(row, dbn.samples as JsonObject, `samples of each class (row k: the label units clamped to k), ${String(dbn.gibbs)} Gibbs steps in the top RBM, then one down pass (pixel probabilities)`);
}

function autoencoderPart(data: JsonObject): void {
  const a = data.autoencoders as JsonObject;
  const [pretrained, random] = [a.pretrained as JsonObject, a.random as JsonObject];
  const sec = section(
    'Deep autoencoder against PCA',
    `Autoencoder ${net(pretrained.layers)} (sigmoid units, a linear code of ${String(a.code)} units), pretrained as a stack of RBMs, unrolled and fine-tuned by backprop on the cross-entropy ` +
      `(Hinton & Salakhutdinov 2006), and the same net from a random start; PCA with ${String(a.code)} components on the same ${String(a.train_count)} training digits. Squared error per test digit (${String(a.test_count)} digits, intensities in [0, 1]).`,
  );
  table(sec, ['model', 'test squared error per digit'], [
    [`deep autoencoder, RBM-pretrained (${String(pretrained.epochs)} epochs of fine-tuning)`, pretrained.test_squared_error as number],
    [`deep autoencoder, random start (${String(random.epochs)} epochs)`, random.test_squared_error as number],
    [`PCA, ${String(a.code)} components`, a.pca_squared_error as number],
  ]);
  const row = el('div', { class: 'snapshots', style: 'flex-wrap: wrap' });
  sec.append(row);
  for (const [what, r] of [['pretrained', pretrained], ['random start', random]] as const) {
    if (r.images) figure(row, r.images as JsonObject, `test digits (top row), the ${what} autoencoder's reconstructions (middle), PCA's (bottom)`);
  }
  const codes = section('2-D codes and semantic hashing', 'Left: the test digits\' codes of a pretrained autoencoder with a 2-unit linear code; right: their projections on the first two principal components; coloured by class (0 blue, 1 orange, 2 green, 3 red, 4 purple, 5 brown, 6 pink, 7 grey, 8 olive, 9 cyan).');
  if (data.codes_2d) rasterFigure(codes, codesPicture(data.codes_2d as JsonObject), 'deep autoencoder (left) and PCA-2 (right)');
  const h = data.hashing as JsonObject;
  codes.append(
    el('p', { class: 'note' }, `Semantic hashing (Salakhutdinov & Hinton): a pretrained autoencoder whose ${String(h.bits)} code units get Gaussian noise while fine-tuning, thresholded at 0.5; test digits query the ${String(h.database)} training digits. Precision and recall against the Hamming radius of the ranking (same class = relevant): the autoencoder (red), PCA signs (blue), random hyperplanes (LSH, grey).`),
  );
  rasterFigure(codes, precisionRecallPicture(h.curves as JsonObject), 'precision (y) against recall (x), one point per Hamming radius');
  const precision = h.precision_at_radius as Record<string, number | null>;
  table(codes, ['codes', 'mean average precision', ...Object.keys(precision).map((r) => `precision within radius ${r}`)], [
    [`autoencoder, ${String(h.bits)} bits`, h.map as number, ...Object.values(precision).map((p) => (p === null ? 'no hits' : p))],
    ['PCA signs', h.pca_map as number],
    ['LSH', h.lsh_map as number],
  ]);
}

export function deepSection(data: JsonObject): void {
  dbnPart(data);
  autoencoderPart(data);
}
