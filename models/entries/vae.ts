// harmonium/vae: Autoencoders (plain, denoising, contractive) and variational autoencoders (gaussian and categorical latents, IWAE).
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
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
} from '../vae.js';
export { VaeTrainer, VAE_OPTIMIZER_STATE, validateVaeTraining, type VaeContext, type VaeTrainingOptions, type VaeEpoch } from '../vae_training.js';
export { VaeEvaluator, IwaeEvaluator, VaeCodec, type VaeEvaluation, type IwaeEvaluation, type IwaeOptions } from '../vae_eval.js';
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
} from '../autoencoder.js';
export {
  AutoencoderTrainer,
  AutoencoderEvaluator,
  validateAutoencoderTraining,
  type AutoencoderContext,
  type AutoencoderTrainingOptions,
  type AutoencoderEpoch,
  type AutoencoderEvaluation,
} from '../autoencoder_training.js';
