// PCA's parameters, declared once: `harmonium pca` parses them and the 'pca' job reads its spec with
// them (in Node or in a page).
import { seed } from '../cli/flags.js';
import { choice, integer, pick } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { TRAIN_JOB_FLAGS } from '../train/flags.js';

/** How probabilistic PCA is fitted. */
export const PPCA_METHODS = ['closed-form', 'em'] as const;

/** What defines a fit. */
export const PCA_FLAGS = {
  components: integer({ min: 1, default: 50, help: 'principal components kept (k); the rest of the variance is probabilistic PCA\'s isotropic noise' }),
  method: choice(PPCA_METHODS, { default: 'closed-form', help: "probabilistic PCA's fit: closed-form (from the eigenvectors, scikit-learn's numbers: n - 1 in the covariance) or em (Tipping & Bishop's EM from a random start: the training rows' exact maximum likelihood, n in the covariance)" }),
  iterations: integer({ min: 1, default: 200, help: 'EM steps with --method em' }),
  seed,
} as const;

/** The 'pca' job's spec: the fit, the data, and whether to send the model file back. */
export const PCA_JOB = { ...PCA_FLAGS, ...DATA_FLAGS, ...pick(TRAIN_JOB_FLAGS, ['return-model']) } as const;
