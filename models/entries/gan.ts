// harmonium/gan: generative adversarial nets: an MLP generator and discriminator in one parameter set,
// trained with the minimax, non-saturating, least-squares, Wasserstein (clipped or with the gradient
// penalty) or hinge loss; the losses and the penalty as ops, and the double backward of a dense critic.
// A subpath only, not re-exported by the root 'harmonium'.
export { Gan, readGanConfig, validateGanConfig, GAN_CALLS, GAN_OUTPUTS, MAX_CRITIC_STEPS, type GanConfig, type GanOutput } from '../gan.js';
export { GanTrainer, validateGanTraining, defaultCriticSteps, GAN_TRAINING, GAN_TRAINING_LOSSES, GAN_OPTIMIZER_STATE, type GanTrainingLoss, type GanTrainingOptions, type GanEpoch } from '../gan_training.js';
export { InputGradient } from '../input_gradient.js';
export { addGanLoss, addGradientPenalty, GAN_LOSSES, type GanLoss, type GanLossOptions, type GradientPenaltyOptions } from '../../engine/ops/gan_loss.js';
