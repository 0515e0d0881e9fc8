// harmonium/linear: the linear factor models and clustering on the GPU, numbers as scikit-learn's:
// PCA and probabilistic PCA (closed form and EM), factor analysis, sparse coding (ISTA / FISTA) with
// dictionary learning, k-means with many restarts at once, Gaussian mixtures (spherical, diagonal, full).
// A page or program that imports only this and harmonium/engine loads only their code (package.json
// exports); unlike the other families it is not re-exported by the root 'harmonium' (models/index.ts).
// The public surface, kept on purpose: each model's fit, its scores and its options; the dataset they
// read (real-valued rows or bytes); the helpers they share stay internal (test/api.test.ts compares the
// declarations with api-report.md).
export { DeviceDataset, type RealRows, type LabelledBytes } from '../minibatch.js';
export { fitPca, pcaProject, pcaReconstruct, type Pca } from '../pca.js';
export { ppcaFromPca, ppcaLogLikelihood, type Ppca } from '../ppca.js';
export { fitPpcaEm, type PpcaEmOptions } from '../ppca_em.js';
export { fitFactorAnalysis, faLogLikelihood, type FactorAnalysis, type FaOptions } from '../factor_analysis.js';
export { sparseCodes, SparseCoder, type SparseCodingMethod, type SparseCodingOptions, type SparseCodes } from '../sparse_coding.js';
export { learnDictionary, type DictionaryLearningOptions, type LearnedDictionary } from '../dictionary_learning.js';
export { fitKmeans, kmeansAssign, type KmeansOptions, type KmeansFit } from '../kmeans.js';
export { fitGmm, gmmLogLikelihood, gmmResponsibilities, sampleGmm, gmmParameters, type Gmm, type GmmCovariance, type GmmOptions } from '../gmm.js';
