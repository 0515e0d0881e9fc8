// The linear factor models' and clustering's parameters, declared once: `harmonium pca`, `fa`, `kmeans`
// and `gmm` parse them and their jobs read their specs with them (in Node or in a page).
import { GMM_COVARIANCES, GMM_DEFAULTS } from '../../models/gmm.js';
import { SPARSE_CODING_METHODS } from '../../models/sparse_coding.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, number, pick, type Schema } from '../cli/schema.js';
import { TRAIN_JOB_FLAGS } from '../train/flags.js';
import { LINEAR_DATA_FLAGS } from './data.js';

/** How probabilistic PCA is fitted. */
export const PPCA_METHODS = ['closed-form', 'em'] as const;

/** What defines a PCA fit. */
export const PCA_FLAGS = {
  components: integer({ min: 1, default: 50, help: 'principal components kept (k); the rest of the variance is probabilistic PCA\'s isotropic noise' }),
  method: choice(PPCA_METHODS, { default: 'closed-form', help: "probabilistic PCA's fit: closed-form (from the eigenvectors, scikit-learn's numbers: n - 1 in the covariance) or em (Tipping & Bishop's EM from a random start: the training rows' exact maximum likelihood, n in the covariance)" }),
  iterations: integer({ min: 1, default: 200, help: 'EM steps with --method em' }),
  seed,
} as const;

/** What defines a factor analysis fit. */
export const FA_FLAGS = {
  components: integer({ min: 1, default: 10, help: 'factors (k): the loadings W are values x k' }),
  iterations: integer({ min: 1, default: 200, help: 'EM steps at most' }),
  tolerance: number({ value: 'X', min: 0, default: 1e-6, help: 'stop when a step raises the mean log-likelihood per example by less than X nats (float32 leaves about 1e-7 of it as noise)' }),
  seed,
} as const;

/** What defines a k-means fit. */
export const KMEANS_FLAGS = {
  clusters: integer({ value: 'K', min: 1, default: 10, help: 'clusters (k)' }),
  restarts: integer({ min: 1, default: 10, help: "k-means++ seedings run at once, the lowest inertia kept (scikit-learn's n_init)" }),
  iterations: integer({ min: 1, default: 300, help: "Lloyd steps at most per restart (scikit-learn's max_iter); a restart stops when no label changes" }),
  labels: boolean({ help: "return the training examples' cluster labels in the JSON" }),
  seed,
} as const;

/** What defines a Gaussian mixture fit (scikit-learn's defaults). */
export const GMM_FLAGS = {
  components: integer({ value: 'K', min: 1, default: 10, help: 'mixture components (k)' }),
  covariance: choice(GMM_COVARIANCES, { default: 'diag', help: 'spherical (one variance per component), diag (one per component and value) or full (a covariance matrix per component)' }),
  iterations: integer({ min: 1, default: GMM_DEFAULTS.iterations, help: "EM steps at most (scikit-learn's max_iter)" }),
  tolerance: number({ value: 'X', min: 0, default: GMM_DEFAULTS.tolerance, help: "stop when a step changes the mean log-likelihood per example by less than X (scikit-learn's tol)" }),
  'reg-covar': number({ value: 'X', min: 0, default: GMM_DEFAULTS.regCovar, help: "added to every variance (scikit-learn's reg_covar)" }),
  labels: boolean({ help: "return each training example's most probable component in the JSON (scikit-learn's predict)" }),
  samples: integer({ min: 0, default: 0, help: 'draw N examples from the fitted mixture into the JSON (samples, sample_components)' }),
  seed,
} as const;

/** What defines sparse coding with dictionary learning (scikit-learn's DictionaryLearning scale). */
export const SPARSE_CODING_FLAGS = {
  components: integer({ value: 'K', min: 1, default: 100, help: 'atoms in the dictionary (K), each of norm at most 1' }),
  alpha: number({ value: 'X', min: 0, default: 1, help: "the L1 weight: each example's codes minimise 1/2 |x - h D|^2 + X |h|_1 (scikit-learn's alpha)" }),
  iterations: integer({ min: 1, default: 20, help: 'alternations of the codes step and the dictionary step' }),
  'code-iterations': integer({ min: 1, default: 100, help: 'ISTA / FISTA steps per codes step (and for the codes of the scored examples)' }),
  method: choice(SPARSE_CODING_METHODS, { default: 'fista', help: 'how the codes are found: ista (proximal gradient) or fista (with momentum, Beck & Teboulle)' }),
  seed,
} as const;

/** A job's spec: a model's flags, the data, and whether to send the model file back. */
const jobSpec = <S extends Schema>(flags: S) => ({ ...flags, ...LINEAR_DATA_FLAGS, ...pick(TRAIN_JOB_FLAGS, ['return-model']) }) as const;

export const PCA_JOB = jobSpec(PCA_FLAGS);
export const FA_JOB = jobSpec(FA_FLAGS);
export const KMEANS_JOB = jobSpec(KMEANS_FLAGS);
export const GMM_JOB = jobSpec(GMM_FLAGS);
export const SPARSE_CODING_JOB = jobSpec(SPARSE_CODING_FLAGS);
