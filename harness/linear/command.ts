// harmonium pca / fa / sparse-coding / kmeans / gmm: the linear factor models and clustering of --data
// on the GPU in Node or in headless Chrome, numbers as scikit-learn's PCA, FactorAnalysis,
// DictionaryLearning, KMeans and GaussianMixture give them, the model file (safetensors) on disk, the
// learned atoms and ISTA / FISTA's curves as PNG.
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json } from '../cli/flags.js';
import { runWithProgress } from '../cli/run.js';
import { integer, pick, text, toSpec, type Schema, type Values } from '../cli/schema.js';
import { decodeSafetensors } from '../../engine/index.js';
import { writeCurvesPlot } from '../io/png.js';
import { filterImages } from '../rbm/images.js';
import { writeGrid } from '../rbm/command.js';
import { commandOutputs, type Pictures } from '../cli/outputs.js';
import type { JsonObject } from '../io/json.js';
import { LINEAR_DATA_FLAGS } from './data.js';
import { readRowsFlags, type LinearDataValues } from './data_node.js';
import { FA_FLAGS, FA_JOB, GMM_FLAGS, GMM_JOB, KMEANS_FLAGS, KMEANS_JOB, PCA_FLAGS, PCA_JOB, SPARSE_CODING_FLAGS, SPARSE_CODING_JOB } from './flags.js';

/** A linear model's command flags: its own, the data's, the model file, where to run. */
const commandFlags = <S extends Schema>(flags: S, out: string) => ({ ...flags, ...pick(LINEAR_DATA_FLAGS, ['data', 'test', 'patch', 'project', 'blob-samples', 'blob-centers', 'blob-features', 'blob-std']), out: text({ help: `the model file (safetensors): ${out}` }), backend, adapter, json }) as const;

type RunValues = LinearDataValues & { out?: string; json: boolean; backend: Values<{ backend: typeof backend }>['backend']; adapter: Values<{ adapter: typeof adapter }>['adapter'] };

/** The shared run: --out and the pictures' paths checked first, the job, the model file and pictures written, the result as JSON or as `lines`. */
async function runLinear(name: string, schema: Schema, values: RunValues, lines: (r: JsonObject, on: string) => string[], pictures: Pictures = []): Promise<void> {
  const outputs = commandOutputs(values.out, pictures);
  const spec = toSpec(name, schema, { ...values, ...readRowsFlags(values), 'return-model': outputs.needModel });
  const { model_base64: model, ...result } = await runWithProgress(name, spec, values);
  const files = outputs.write(model, result);
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const on = values.test === undefined ? `the ${String(result.train_count)} training examples` : `the ${String(result.test_count)} --test examples`;
  process.stdout.write([...lines(result, on), ...files].join('\n') + '\n');
}

const PCA_COMMAND_FLAGS = commandFlags(PCA_FLAGS, 'mean, components, explained_variance, noise_variance');

export const pcaCommand = defineCommand({
  name: 'pca',
  summary: "principal components and probabilistic PCA's log-likelihood (Tipping & Bishop), numbers as scikit-learn's PCA",
  flags: PCA_COMMAND_FLAGS,
  details: `Fits --components principal components to the training examples: the
covariance by one GEMM on the GPU over the centred rows, its leading eigenvectors by subspace iteration
in float64. Probabilistic PCA's maximum-likelihood model follows in closed form: p(x) = N(x | mean,
W W' + s2 I) with s2 the mean of the discarded eigenvalues; with --method em it comes instead from
--iterations EM steps (Tipping & Bishop; one GEMM of the covariance per step), which reach the exact
maximum likelihood of the training rows (n, not n - 1, in the covariance). As scikit-learn's PCA: explained_variance
are the covariance's eigenvalues with n - 1 in the denominator, noise_variance their mean past k, and
log_likelihood the mean log p(x) per example in nats (PCA.score): on the --test examples when given,
else on the training examples. With --json one object: components, width, train_count, test_count,
explained_variance, explained_variance_ratio, total_variance, noise_variance, method, em_log_likelihood
(per EM step, the training rows', null without em), log_likelihood,
train_log_likelihood, test_log_likelihood (the held-out part of the split, or --test), seed, wall_ms,
adapter, backend.`,
  run: (values) =>
    runLinear('pca', PCA_JOB, values, (r, on) => {
      const ratio = r.explained_variance_ratio as number[];
      return [
        `PCA of ${String(r.width)} values per example, ${String(r.components)} components: ${(100 * ratio.reduce((a, b) => a + b, 0)).toFixed(2)}% of the variance (the first ${(100 * ratio[0]).toFixed(2)}%)`,
        `  noise variance    ${(r.noise_variance as number).toPrecision(6)} (the mean of the discarded eigenvalues)`,
        `  log-likelihood    ${(r.log_likelihood as number).toFixed(4)} nats per example on ${on} (probabilistic PCA${r.method === 'em' ? ', by EM' : ''})`,
      ];
    }),
});

const FA_COMMAND_FLAGS = commandFlags(FA_FLAGS, 'mean, components (W\'), noise_variance');

export const faCommand = defineCommand({
  name: 'fa',
  summary: "factor analysis by EM (a noise variance per value), its log-likelihood, numbers as scikit-learn's FactorAnalysis",
  flags: FA_COMMAND_FLAGS,
  details: `Fits p(x) = N(x | mean, W W' + Psi), Psi diagonal, with --components factors to the training
examples by EM (Rubin & Thayer) from a random start: the covariance (n in the
denominator, as scikit-learn's) and S B' each step by GEMM on the GPU, the rest k x k in float64; each
noise variance at least 1e-12 (scikit-learn's floor: a value constant over the training rows would have
none). It stops after --iterations steps or when a step gains less than --tolerance. log_likelihood is
the mean log p(x) per example in nats (FactorAnalysis.score): on the --test examples when given, else on
the training ones. With --json one object: components, width, train_count, test_count, noise_variance
(per value), iterations (steps taken), em_log_likelihood (the training rows', per step), log_likelihood,
train_log_likelihood, test_log_likelihood, seed, wall_ms, adapter, backend.`,
  run: (values) =>
    runLinear('fa', FA_JOB, values, (r, on) => [
      `factor analysis of ${String(r.width)} values per example, ${String(r.components)} factors, ${String(r.iterations)} EM steps`,
      `  log-likelihood    ${(r.log_likelihood as number).toFixed(4)} nats per example on ${on}`,
    ]),
});

const KMEANS_COMMAND_FLAGS = commandFlags(KMEANS_FLAGS, 'centres (clusters x values)');

export const kmeansCommand = defineCommand({
  name: 'kmeans',
  summary: "k-means with many k-means++ restarts at once on the GPU, its inertia as scikit-learn's KMeans defines it",
  flags: KMEANS_COMMAND_FLAGS,
  details: `Seeds --restarts restarts by greedy k-means++ (scikit-learn's: 2 + floor(ln K) candidates a step, drawn
with probability proportional to D^2; Philox on the host), then runs Lloyd's steps for all of them at once:
the rows' scores against every centre by one GEMM, each row's nearest centre per restart by a segmented
argmin, the clusters' sums by a GEMM of the one-hot assignments (no atomics: the same seed gives the
same bits); a restart stops when no label changes, or after --iterations steps; an empty cluster keeps
its centre. The restart with the lowest inertia is kept. inertia is the sum over the rows of the squared
distance to the nearest centre (scikit-learn's inertia_), in float64: of the --test examples when
given, else of the training ones. With --json one object: clusters, restarts, iterations (steps run),
best_restart, inertias (per restart, at its last assignment), labels (with --labels), width,
train_count, test_count, inertia, train_inertia, test_inertia, seed, wall_ms, adapter, backend.`,
  run: (values) =>
    runLinear('kmeans', KMEANS_JOB, values, (r, on) => [
      `k-means of ${String(r.width)} values per example, ${String(r.clusters)} clusters, the best of ${String(r.restarts)} restarts (${String(r.iterations)} Lloyd steps)`,
      `  inertia           ${(r.inertia as number).toFixed(4)} on ${on}`,
    ]),
});

const GMM_COMMAND_FLAGS = commandFlags(GMM_FLAGS, 'weights, means, variances, and covariances with --covariance full');

export const gmmCommand = defineCommand({
  name: 'gmm',
  summary: "Gaussian mixtures by EM (spherical, diagonal or full covariances) on the GPU, their log-likelihood and BIC as scikit-learn's GaussianMixture",
  flags: GMM_COMMAND_FLAGS,
  details: `Starts from one k-means restart's clusters (scikit-learn's init_params 'kmeans'), then EM on the GPU
for all components at once: each row's log-density under every component by GEMMs (full: the rows
times every component's Cholesky precision), its log-likelihood (a log-sum-exp) and responsibilities
(a softmax), the M-step's sums by GEMMs; each variance (full: the covariance's diagonal) plus --reg-covar; it stops when a step changes the mean log-likelihood per example by less than
--tolerance, or after --iterations steps. log_likelihood is the mean log p(x) per example in nats
(GaussianMixture.score) and bic is -2 n log_likelihood + p ln n (GaussianMixture.bic), both on the
--test examples when given, else on the training ones. --labels adds each training example's most
probable component (GaussianMixture.predict), --samples N that many draws from the fitted mixture
(GaussianMixture.sample; Philox). With --json one object: components, covariance,
weights, iterations, converged, em_log_likelihood (per E-step, the training rows'), parameters, labels
and samples, sample_components (when asked), bic,
width, train_count, test_count, log_likelihood, train_log_likelihood, test_log_likelihood, seed,
wall_ms, adapter, backend.`,
  run: (values) =>
    runLinear('gmm', GMM_JOB, values, (r, on) => [
      `Gaussian mixture of ${String(r.components)} components (${String(r.covariance)}), ${String(r.iterations)} EM steps${r.converged ? '' : ' (not converged)'}`,
      `  log-likelihood    ${(r.log_likelihood as number).toFixed(4)} nats per example on ${on}`,
      `  BIC               ${(r.bic as number).toFixed(1)} (${String(r.parameters)} parameters)`,
    ]),
});

const SPARSE_CODING_COMMAND_FLAGS = {
  ...commandFlags(SPARSE_CODING_FLAGS, 'components (the atoms, K x values)'),
  png: text({ value: 'FILE', help: 'the atoms as a PNG grid (square images when the values make one; mid grey 0, white positive, black negative)' }),
  curves: text({ value: 'FILE', help: "ISTA's and FISTA's objective per step on the held-out examples, as a PNG plot" }),
  scale: integer({ min: 1, max: 16, default: 3, help: 'pixels per value in --png' }),
} as const;

export const sparseCodingCommand = defineCommand({
  name: 'sparse-coding',
  summary: "dictionary learning with ISTA / FISTA codes on the GPU, on scikit-learn's scale (DictionaryLearning, SparseCoder)",
  flags: SPARSE_CODING_COMMAND_FLAGS,
  details: `Learns --components atoms D (each of norm at most 1) for the training examples by alternating
--iterations times the codes step (each example's h minimising 1/2 |x - h D|^2 + alpha |h|_1, the
Lasso, by --code-iterations ISTA or FISTA steps of size 1/L, L the largest eigenvalue of D D', warm-started
from the last codes; one GEMM per step for all examples) and the dictionary step (scikit-learn's
block-coordinate sweep: each atom the exact minimiser given the others, projected on the unit ball; an
atom no code uses replaced by a training row). The start: --components training rows drawn by Philox,
scaled to unit norm. Then the codes of both parts from h = 0: objective is their mean 1/2 |x - h D|^2 +
alpha |h|_1 per example and sparsity their fraction of zero codes, of the --test examples when given,
else of the training ones. With --json one object: components, alpha, method, iterations,
code_iterations, learning_objective (after each codes step, the training rows'), curves ({ ista,
fista }: the objective on the held-out examples before the first step and after each), width,
train_count, test_count, objective, train_objective, test_objective, sparsity, train_sparsity,
test_sparsity, seed, wall_ms, adapter, backend.`,
  run: (values) =>
    runLinear(
      'sparse-coding',
      SPARSE_CODING_JOB,
      values,
      (r, on) => [
        `sparse coding of ${String(r.width)} values per example with ${String(r.components)} atoms, alpha ${String(r.alpha)}, ${String(r.iterations)} alternations (${String(r.method)})`,
        `  objective         ${(r.objective as number).toFixed(5)} per example on ${on}`,
        `  sparsity          ${(100 * (r.sparsity as number)).toFixed(2)}% of the codes are zero`,
      ],
      [
        {
          flag: '--png',
          path: values.png,
          draw: (path, model, r) => {
            const atoms = decodeSafetensors(model, 'the model file').tensors.components.data;
            writeGrid(path, filterImages(atoms, r.width as number, r.components as number, r.components as number, 'unit-major'), r.components as number, r.width as number, values.scale);
          },
        },
        { flag: '--curves', path: values.curves, draw: (path, _model, r) => writeCurves(path, r.curves as { ista: number[]; fista: number[] }) },
      ],
    ),
});

/** ISTA's (orange) and FISTA's (blue) objective per step as a PNG plot (x: steps, y: mean objective). */
function writeCurves(path: string, curves: { ista: number[]; fista: number[] }): void {
  writeCurvesPlot(path, curves.ista.map((_, i) => i), [
    { y: curves.ista, colour: [230, 120, 30] },
    { y: curves.fista, colour: [40, 90, 200] },
  ]);
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [pcaCommand, faCommand, sparseCodingCommand, kmeansCommand, gmmCommand];
