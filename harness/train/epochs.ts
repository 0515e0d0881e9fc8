// The epoch loop every training job shares (mlp, rbm, ae, vae): the epochs left to --epochs (a resumed
// trainer counts its own), progress over all of them, and the training time and examples of the epochs
// run here; each job evaluates, logs and saves in `finished`.
import { HarmoniumError, InputError } from '../../engine/index.js';
import { TrainingDivergedError } from '../../models/training.js';
import type { JobContext } from '../backends/context.js';

/** What the loop needs of a model's trainer (MlpTrainer, RbmTrainer, VaeTrainer, AutoencoderTrainer). */
export interface EpochTrainer<E> {
  /** Epochs done: steps / batchesPerEpoch (fractional after a checkpoint taken mid-epoch). */
  readonly epoch: number;
  readonly batchesPerEpoch: number;
  trainEpoch(onProgress?: (done: number, total: number) => void): Promise<E>;
}

/**
 * Trains until `epochs`, calling `finished` after each epoch; refuses a resumed trainer already past it.
 *
 *   const { wallMs, examples } = await trainEpochs(ctx, trainer, p.epochs, async (epoch) => { ... });
 */
export async function trainEpochs<E extends { wallMs: number; examples: number }>(
  ctx: JobContext,
  trainer: EpochTrainer<E>,
  epochs: number,
  finished: (epoch: E) => Promise<void>,
): Promise<{ wallMs: number; examples: number }> {
  if (trainer.epoch > epochs) throw new InputError(`the resumed model has trained ${trainer.epoch} epochs, more than --epochs ${epochs}`);
  const steps = trainer.batchesPerEpoch;
  let wallMs = 0;
  let examples = 0;
  while (trainer.epoch < epochs) {
    const before = Math.round(trainer.epoch * steps);
    const progress = ctx.onProgress && ((done: number) => ctx.onProgress!(before + done, epochs * steps));
    const epoch = await trainer.trainEpoch(progress).catch((e: unknown) => {
      if (!(e instanceof TrainingDivergedError)) throw e;
      // Files are saved after each good epoch: the last one saved is the epoch the trainer rolled back to.
      const good = Math.floor(trainer.epoch);
      const kept = good > 0 ? `the model file keeps the last good checkpoint (after epoch ${good})` : 'no checkpoint was written';
      throw new HarmoniumError(`${e.detail}; training stopped and ${kept}; try a lower --lr`);
    });
    await finished(epoch);
    wallMs += epoch.wallMs;
    examples += epoch.examples;
  }
  return { wallMs, examples };
}
