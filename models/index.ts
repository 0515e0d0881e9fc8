// The models' public API.
export { IsingChain, ISING_TC, validateIsingConfig, isingStatistics, type IsingConfig, type IsingContext, type IsingMeasurement } from './ising.js';
export { ISING_ALGORITHMS, type IsingAlgorithm } from './ising_rule.js';
export { DENSE_ACTIVATIONS, addDenseForward, addDenseBackward, denseParams, denseLayer, type DenseActivation, type DenseLayer, type DenseForward, type DenseBackward } from './dense.js';
export { DeviceDataset, addBatchGather, type LabelledBytes, type BatchGather } from './minibatch.js';
export {
  Mlp,
  MlpTrainer,
  MlpEvaluator,
  MLP_MODEL,
  MLP_OPTIMIZERS,
  mlpLayerName,
  mlpOptimizerState,
  readMlpConfig,
  validateMlpConfig,
  validateMlpTraining,
  type MlpConfig,
  type MlpContext,
  type MlpBatch,
  type MlpDropout,
  type MlpEpoch,
  type MlpEvaluation,
  type MlpOptimizer,
  type MlpTrainingOptions,
} from './mlp.js';
export type { Releasable } from './owned.js';
export {
  HopfieldNetwork,
  RecallRun,
  HOPFIELD_RULES,
  HOPFIELD_PATHS,
  HOPFIELD_UPDATES,
  MAX_HEBBIAN_FIELD,
  validateRecallOptions,
  type HopfieldRule,
  type HopfieldPath,
  type HopfieldUpdate,
  type HopfieldContext,
  type HopfieldStore,
  type RecallOptions,
  type HopfieldRecall,
  type ProbeOutcome,
} from './hopfield.js';
export { checkPatterns, checkNoise, randomPatterns, addNoise, overlaps, letterPatterns, HOPFIELD_LETTERS } from './hopfield_patterns.js';
export { hopfieldCapacity, validateCapacityOptions, CRITICAL_LOAD, type CapacityOptions, type CapacityPoint } from './hopfield_capacity.js';
export {
  BoltzmannMachine,
  BoltzmannTrainer,
  GibbsChains,
  MAX_BOLTZMANN_UNITS,
  validateBoltzmannConfig,
  couplingMask,
  seedParameters,
  randomStates,
  checkData,
  unitValues,
  type BoltzmannConfig,
  type BoltzmannShape,
  type BoltzmannContext,
  type BoltzmannTraining,
} from './boltzmann.js';
export { solveTsp, validateTspOptions, TSP_SOLVERS, TSP_SETTINGS, MAX_TSP_CITIES, type TspSolver, type TspOptions, type TspResult, type TspContext } from './tsp.js';
export { randomCities, parseTsplib, checkCities, distances, tourLength, isPermutation, heldKarp, MAX_EXACT_CITIES, type Cities } from './tsp_cities.js';
export { tspNetwork, decodeTour, isPermutationMatrix, type TspNetwork } from './tsp_energy.js';
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
} from './rbm.js';
export { RbmDataset, pixelStandardization, pixelMeans, MIN_PIXEL_STD, type Standardization } from './rbm_data.js';
export { RbmTrainer, validateRbmTraining, rbmOptimizerState, type RbmTrainingOptions, type RbmTrainingState, type RbmSparsity, type RbmEpoch, type CheckedRbmTraining } from './rbm_trainer.js';
export { RbmEvaluator, type RbmEvaluation } from './rbm_evaluate.js';
export { rbmExactLogZ, rbmAis, aisBetas, aisBaseBiases, aisBaseLogZ, logMeanExp, EXACT_MAX_HIDDEN, AIS_DEFAULT_STEPS, type RbmAisOptions, type RbmAisResult } from './rbm_partition.js';
export {
  Vae,
  VAE_MODEL,
  latentWidth,
  parseLatent,
  formatLatent,
  readVaeConfig,
  validateVaeConfig,
  vaeEncoderName,
  vaeDecoderName,
  type VaeConfig,
  type VaeLatent,
  type VaeDraw,
  type VaeBatch,
  type VaeGrads,
  type VaeMetrics,
} from './vae.js';
export { VaeTrainer, VAE_OPTIMIZER_STATE, validateVaeTraining, type VaeContext, type VaeTrainingOptions, type VaeEpoch } from './vae_training.js';
export { VaeEvaluator, IwaeEvaluator, VaeCodec, type VaeEvaluation, type IwaeEvaluation, type IwaeOptions } from './vae_eval.js';
export {
  Autoencoder,
  AUTOENCODER_MODEL,
  aeEncoderName,
  aeDecoderName,
  readAutoencoderConfig,
  validateAutoencoderConfig,
  validateNoise,
  type AutoencoderConfig,
  type AutoencoderNoise,
  type AutoencoderBatch,
  type AutoencoderMetrics,
  type DecoderLayer,
} from './autoencoder.js';
export {
  AutoencoderTrainer,
  AutoencoderEvaluator,
  validateAutoencoderTraining,
  type AutoencoderContext,
  type AutoencoderTrainingOptions,
  type AutoencoderEpoch,
  type AutoencoderEvaluation,
} from './autoencoder_training.js';
