// PCA's parameters, declared once: `harmonium pca` parses them and the 'pca' job reads its spec with
// them (in Node or in a page).
import { seed } from '../cli/flags.js';
import { integer, pick } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { TRAIN_JOB_FLAGS } from '../train/flags.js';

/** What defines a fit. */
export const PCA_FLAGS = {
  components: integer({ min: 1, default: 50, help: 'principal components kept (k); the rest of the variance is probabilistic PCA\'s isotropic noise' }),
  seed,
} as const;

/** The 'pca' job's spec: the fit, the data, and whether to send the model file back. */
export const PCA_JOB = { ...PCA_FLAGS, ...DATA_FLAGS, ...pick(TRAIN_JOB_FLAGS, ['return-model']) } as const;
