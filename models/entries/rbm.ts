// harmonium/rbm: Restricted Boltzmann machines: CD-k and PCD training, free energies, exact and AIS log partition functions.
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
export {
  Rbm,
  RBM_MODEL,
  RBM_PARAMS,
  RBM_CALLS,
  RBM_VISIBLE_TYPES,
  RBM_WEIGHT_STD,
  readRbmConfig,
  validateRbmConfig,
  sampleRbm,
  type RbmConfig,
  type RbmContext,
  type RbmChain,
  type RbmStream,
  type RbmVisibleType,
} from '../rbm.js';
export { RbmDataset, pixelStandardization, pixelMeans, MIN_PIXEL_STD, type Standardization } from '../rbm_data.js';
export { RbmTrainer, validateRbmTraining, rbmOptimizerState, type RbmTrainingOptions, type RbmTrainingState, type RbmSparsity, type RbmEpoch, type CheckedRbmTraining } from '../rbm_trainer.js';
export { RbmEvaluator, type RbmEvaluation } from '../rbm_evaluate.js';
export { rbmExactLogZ, rbmAis, aisBetas, aisBaseBiases, aisBaseLogZ, logMeanExp, EXACT_MAX_HIDDEN, AIS_DEFAULT_STEPS, type RbmAisOptions, type RbmAisResult } from '../rbm_partition.js';
