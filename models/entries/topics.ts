// harmonium/topics: topic models and Dirichlet-process mixtures. LDA by collapsed Gibbs sampling on the
// GPU (a document per invocation, integer counts: the same seed gives the same topics in Node and a
// page) with what its counts say (topics, proportions, top words, held-out perplexity by document
// completion), priors estimated by Minka's fixed point; pLSA by EM on the GPU; the Chinese restaurant
// process; a Dirichlet-process mixture of Gaussians by blocked Gibbs sampling on the GPU and by Neal's
// collapsed algorithm 3. The models take documents as word ids (a vocabulary, offsets, tokens): turning
// text into them is the caller's (the CLI's tokenizer is harness/data/corpus.ts). Like harmonium/linear
// it is a subpath only, not re-exported by the root 'harmonium' (test/api.test.ts keeps the surface).
export { LdaSampler, estimateLdaPriors, type LdaCorpus, type LdaOptions, type LdaState } from '../lda.js';
export { bagOfWords, plsaStart, PlsaEm, type BagOfWords } from '../plsa.js';
export { topicWords, documentTopics, topWords, topicRecovery, documentCompletion, plsaCompletion, logLikelihoodPerToken, type TokenDocuments, type Completion } from '../topics.js';
export { symmetricDirichletFixedPoint, digamma } from '../dirichlet.js';
export { crpSeating, crpExpectedTables, crpTablesDistribution } from '../crp.js';
export { nealAlgorithm3, collapsedMixture, mixtureLogLikelihood, type DpmmPrior, type Points } from '../dpmm.js';
export { blockedGibbsGpu, type DpmmRun } from '../dpmm_gpu.js';
