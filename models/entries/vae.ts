// harmonium/vae: Autoencoders (plain, denoising, contractive) and variational autoencoders (gaussian and categorical latents, IWAE).
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
// The public surface, kept on purpose: the models, their checks and what a user needs to run them; the
// helpers the models share stay internal (test/api.test.ts compares the declarations with api-report.md).
export { Vae, parseLatent, formatLatent, readVaeConfig, validateVaeConfig, type VaeConfig, type VaeLatent, type VaeDraw, type VaeBatch, type VaeGrads, type VaeMetrics } from '../vae.js';
export { VaeTrainer, VAE_OPTIMIZER_STATE, validateVaeTraining, type VaeTrainingOptions, type VaeEpoch, type CheckedVaeTraining } from '../vae_training.js';
export { VaeEvaluator, IwaeEvaluator, VaeCodec, type VaeEvaluation, type IwaeEvaluation, type IwaeOptions } from '../vae_eval.js';
export { Autoencoder, readAutoencoderConfig, validateAutoencoderConfig, type AutoencoderConfig, type AutoencoderNoise, type AutoencoderBatch, type AutoencoderMetrics, type DecoderLayer } from '../autoencoder.js';
export {
  AutoencoderTrainer,
  AutoencoderEvaluator,
  validateAutoencoderTraining,
  type AutoencoderTrainingOptions,
  type AutoencoderEpoch,
  type AutoencoderEvaluation,
  type CheckedAutoencoderTraining,
} from '../autoencoder_training.js';
