// harmonium/rbm: Restricted Boltzmann machines: CD-k and PCD training, free energies, exact and AIS log partition functions.
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
// The public surface, kept on purpose: the models, their checks and what a user needs to run them; the
// helpers the models share stay internal (test/api.test.ts compares the declarations with api-report.md).
export { Rbm, readRbmConfig, validateRbmConfig, sampleRbm, type RbmConfig, type RbmChain, type RbmStream, type RbmVisibleType } from '../rbm.js';
export { RbmDataset, type Standardization } from '../rbm_data.js';
export { RbmTrainer, validateRbmTraining, rbmOptimizerState, type RbmTrainingOptions, type RbmTrainingState, type RbmSparsity, type RbmEpoch, type CheckedRbmTraining } from '../rbm_trainer.js';
export { RbmEvaluator, type RbmEvaluation } from '../rbm_evaluate.js';
export { rbmExactLogZ, rbmAis, aisBaseBiases, type RbmAisOptions, type RbmAisResult } from '../rbm_partition.js';
