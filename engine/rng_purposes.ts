// The one registry of Philox purposes: the second key word, so that the streams of different jobs
// never overlap. The WGSL constants (PURPOSE_ISING_INIT, ...) are generated from this table into the
// shader library's `rng_purposes.wgsl` (engine/library.ts); a kernel includes that file and never
// writes a purpose number itself.

export const RNG_PURPOSES = {
  test: 0,
  isingInit: 1,
  isingSweep: 2,
  bernoulli: 3,
  gemmInit: 4,
  binarize: 5,
  // Samplers (engine/ops/sample.ts; shaders/sample.wgsl states which word decides which element).
  // Bernoulli from probabilities or logits shares `bernoulli` with the GEMM epilogue, so an unfused
  // sample of the same elements draws the same bits; categorical shares `gumbel` with the Gumbel sampler.
  gaussian: 6,
  uniform: 7,
  gumbel: 8,
  dropout: 9,
  // The epoch permutation of a dataset (engine/ops/permute.ts).
  permutation: 10,
  // Initial parameters of a ParamSet (engine/params.ts), drawn on the host.
  paramInit: 11,
  // Glauber dynamics of binary units (engine/ops/glauber.ts): Hopfield recall, Boltzmann sampling, annealing.
  glauber: 12,
  // Host draws of the Hopfield, TSP and Boltzmann models: random patterns and probe noise, random
  // cities, initial states (models/hopfield.ts, tsp.ts, boltzmann.ts).
  hopfieldPatterns: 13,
  tspCities: 14,
  boltzmannInit: 15,
  // The seed of each layer of a deep belief net, drawn on the host from the run's (models/dbn.ts).
  dbnLayer: 16,
  // The start of PCA's subspace iteration, drawn on the host (models/pca.ts).
  pcaStart: 17,
  // The random hyperplanes of locality-sensitive hashing, drawn on the host (models/hashing.ts).
  lshPlanes: 18,
  // The random permutation of a receptive field over the lattice's sites, the locality's baseline (models/rg.ts).
  rgShuffle: 19,
  // The start of probabilistic PCA's EM (W), drawn on the host (models/ppca_em.ts).
  ppcaEmStart: 20,
  // The start of factor analysis's EM (W), drawn on the host (models/factor_analysis.ts).
  faStart: 21,
  // k-means++ seeding's draws, on the host (models/kmeans.ts).
  kmeansSeeding: 22,
  // The synthetic blobs' centres (step 0) and points (step 1 + example), on the host (harness/data/blobs.ts).
  blobs: 23,
  // Dictionary learning's start (step 0) and the rows that replace unused atoms (step 1 + iteration), on the host (models/dictionary_learning.ts).
  dictionaryRows: 24,
  // Draws from a fitted Gaussian mixture, on the host (models/gmm.ts sampleGmm).
  gmmSample: 25,
  // The bars corpus' topic proportions (step = document) and tokens (step = document, element = token), on the host (harness/data/bars.ts).
  barsCorpus: 26,
  // Collapsed Gibbs sampling of LDA's topic assignments: the start (step 0) and sweep s (step 1 + s), element = token.
  ldaGibbs: 27,
  // Document completion's fold-in sampling of held-out documents (step = sweep, element = token), on the host (models/topics.ts).
  ldaFoldIn: 28,
  // pLSA's start: theta (step 0) and beta (step 1), on the host (models/plsa.ts).
  plsaStart: 29,
  // The Chinese restaurant process's seatings (step = run, element = customer), on the host (models/crp.ts).
  crp: 30,
  // Dirichlet-process mixtures' samplers (step = sweep), on the host (models/dpmm.ts).
  dpmm: 31,
  // Which values a digit shows in VAE imputation with a random mask (step = digit, element = value), on the host (harness/vae/impute.ts).
  imputationMask: 32,
  // The ring of Gaussians a GAN learns (step = example, element = the pair of normals), on the host (harness/data/ring.ts).
  ganRing: 33,
} as const;

export type RngPurpose = keyof typeof RNG_PURPOSES;

/** 'isingInit' -> 'PURPOSE_ISING_INIT'. */
export function purposeConstantName(purpose: string): string {
  return `PURPOSE_${purpose.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** The WGSL text of `rng_purposes.wgsl`: one `const PURPOSE_X: u32 = n;` per registered purpose. */
export function rngPurposesWgsl(): string {
  const lines = Object.entries(RNG_PURPOSES).map(([name, value]) => `const ${purposeConstantName(name)}: u32 = ${value}u;`);
  return `// Generated from engine/rng_purposes.ts RNG_PURPOSES: the Philox purposes (second key word).\n${lines.join('\n')}\n`;
}
