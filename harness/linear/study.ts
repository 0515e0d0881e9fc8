// The linear models' section of `npm start` (harmonium study): on MNIST-PCA-50, probabilistic PCA,
// factor analysis, k-means with many restarts at once and Gaussian mixtures (diagonal and full), their
// training and held-out numbers; and sparse coding of the raw digits, the learned atoms as a picture and
// ISTA's and FISTA's objective per step. The cpu scale fits fewer digits and a smaller dictionary, quick
// a tiny run (a smoke run); harness/linear/report.ts draws it.
import { decodeSafetensors } from '../../engine/safetensors.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { imageGrid } from '../io/image_grid.js';
import type { JsonObject } from '../io/json.js';
import { filterImages, squareSide } from '../rbm/images.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** Sizes by scale: the full one fits all 8,000 digits with the commands' defaults. */
const MODES = {
  full: { data: { project: 50 }, k: 10, restarts: 10, sparse: { components: 100, iterations: 20, code_iterations: 100 } },
  cpu: { data: { project: 50, train_count: 2000, test_count: 500 }, k: 10, restarts: 10, sparse: { components: 36, iterations: 5, code_iterations: 50, train_count: 2000, test_count: 500 } },
  quick: { data: { project: 10, train_count: 200, test_count: 50 }, k: 3, restarts: 2, sparse: { components: 6, iterations: 1, code_iterations: 5, train_count: 100, test_count: 20 } },
} as const;

/** The atoms in a model file as a grey picture for the page (square images, 10 to a row). */
function atomsPicture(modelBase64: string): JsonObject {
  const atoms = decodeSafetensors(fromBase64(modelBase64), 'sparse coding model').tensors.components;
  const [count, width] = atoms.shape;
  const side = squareSide(width) ?? 1;
  const grid = imageGrid(filterImages(atoms.data, width, count, count, 'unit-major'), { count, height: side, width: width / side, columns: Math.min(count, 10) });
  return { width: grid.width, height: grid.height, pixels_base64: toBase64(grid.pixels) };
}

async function collectLinear(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const seed = ctx.seed;
  const fits: JsonObject[] = [];
  /** Runs one job on the projected digits and keeps its row: what, the training and held-out score, the time. */
  const fit = async (what: string, spec: JsonObject, score: 'log_likelihood' | 'inertia') => {
    ctx.phase(`linear: ${what}`);
    const r = await ctx.run({ ...m.data, ...spec, seed });
    fits.push({ what, score, train: r[`train_${score}`], test: r[`test_${score}`], width: r.width, train_count: r.train_count, test_count: r.test_count, wall_ms: r.wall_ms });
    ctx.unit(`linear ${what}: ${score} ${(r[`train_${score}`] as number).toFixed(4)} (training), ${(r[`test_${score}`] as number).toFixed(4)} (held out)`);
  };
  await fit('probabilistic PCA, 10 components', { job: 'pca', components: 10 }, 'log_likelihood');
  await fit('factor analysis, 10 factors', { job: 'fa', components: 10 }, 'log_likelihood');
  await fit(`k-means, K = ${m.k}, best of ${m.restarts} restarts`, { job: 'kmeans', clusters: m.k, restarts: m.restarts }, 'inertia');
  for (const covariance of ['diag', 'full']) await fit(`Gaussian mixture, K = ${m.k}, ${covariance}`, { job: 'gmm', components: m.k, covariance }, 'log_likelihood');
  ctx.phase('linear: sparse coding');
  const sc = await ctx.run({ job: 'sparse-coding', alpha: 1, ...m.sparse, seed, return_model: true });
  ctx.unit(`linear sparse coding: ${String(m.sparse.components)} atoms, objective ${(sc.test_objective as number).toFixed(4)}, ${(100 * (sc.test_sparsity as number)).toFixed(1)}% zeros (held out)`);
  const { model_base64: model, ...numbers } = sc;
  return { quick: ctx.scale === 'quick', scale: ctx.scale, project: m.data.project, fits, sparse: { ...numbers, picture: atomsPicture(model as string) } };
}

export const linearReportSection: ReportSection = { name: 'linear', collect: collectLinear };
