// The deep autoencoder of Hinton & Salakhutdinov (2006): a stack of RBMs trained greedily on the
// data (models/dbn.ts's DbnTrainer; the code layer's RBM with linear hidden units and unit Gaussian
// noise, the others binary), unrolled into an encoder and a mirrored decoder that starts as the
// encoder transposed (its own copy: untied from then on), then fine-tuned by backprop on the
// cross-entropy (models/autoencoder_training.ts). A binary code layer (semantic hashing) pretrains
// with Bernoulli code units and fine-tunes with noise before its sigmoid.
import { InputError, type RunContext } from '../engine/index.js';
import { aeDecoderName, aeEncoderName, type Autoencoder } from './autoencoder.js';
import { Dbn, DbnTrainer, type DbnEpoch, type DbnTrainingOptions } from './dbn.js';
import type { RbmDataset } from './rbm_data.js';
import { real, whole } from './options.js';
import { rbmOptimizerState } from './rbm_trainer.js';

/** The code layer's units: linear (Gaussian in the RBM) or binary (Bernoulli in the RBM, sigmoid with noise when fine-tuned). */
export const CODE_UNITS = ['linear', 'binary'] as const;
export type CodeUnits = (typeof CODE_UNITS)[number];

/** The paper's learning rate of the linear code layer's RBM against the binary layers' (0.001 vs 0.1). */
export const LINEAR_CODE_LR_SCALE = 0.01;

/**
 * The pretraining's own rules (`ae train --pretrain rbm` uses them with Hinton's recipe, RBM_RECIPE):
 * epochs per RBM, and the binary layers' learning rate (the paper's 0.1).
 */
export const PRETRAINING = {
  epochs: whole({ positive: true, default: 10 }),
  lr: real({ min: 0, minOpen: true, default: 0.1 }),
} as const;

/** The std of the noise before a binary code's sigmoid while fine-tuning (Salakhutdinov & Hinton's semantic hashing: variance 16). */
export const BINARY_CODE_NOISE = 4;

/**
 * Writes the stack, unrolled, into `ae` (its layers the stack's, untied): encoder layer i gets RBM
 * i's weights and hidden biases, decoder layer n - 1 - i that RBM's weights transposed and its
 * visible biases. Its code layer must be linear for Gaussian code units, sigmoid for Bernoulli ones.
 *
 *   await unrollInto(ae, dbn);
 */
export async function unrollInto(ae: Autoencoder, dbn: Dbn): Promise<void> {
  const { layers, tied, activation, codeActivation } = ae.config;
  const code = codeUnitsOf(ae);
  const fits = layers.length === dbn.layers.length && layers.every((w, i) => w === dbn.layers[i]) && !tied && activation === 'sigmoid';
  if (!fits || (code === 'linear') !== (dbn.top.hiddenType === 'gaussian')) {
    throw new InputError(`autoencoder pretraining: an untied sigmoid autoencoder ${dbn.layers.join('-')} with a ${dbn.top.hiddenType === 'gaussian' ? 'linear' : 'sigmoid'} code unrolls this stack; this one is ${layers.join('-')} ${activation}${tied ? ' tied' : ''}, code ${codeActivation}`);
  }
  const n = dbn.rbms.length;
  const write = async (name: string, values: Float32Array) => ae.params.get(name).value.write(values);
  for (const [i, rbm] of dbn.rbms.entries()) {
    const w = new Float32Array(await rbm.weights.value.read());
    const [visible, hidden] = [rbm.visible, rbm.hidden];
    await write(`${aeEncoderName(i)}.weight`, w);
    await write(`${aeEncoderName(i)}.bias`, new Float32Array(await rbm.hiddenBias.value.read()));
    await write(`${aeDecoderName(n - 1 - i)}.weight`, Float32Array.from({ length: w.length }, (_, e) => w[(e % visible) * hidden + Math.floor(e / visible)]));
    await write(`${aeDecoderName(n - 1 - i)}.bias`, new Float32Array(await rbm.visibleBias.value.read()));
  }
}

/** The code units an autoencoder's code layer pretrains as: linear for an identity code, binary for a sigmoid one (an InputError otherwise). */
export function codeUnitsOf(ae: Autoencoder): CodeUnits {
  const { codeActivation } = ae.config;
  if (codeActivation === 'identity') return 'linear';
  if (codeActivation === 'sigmoid') return 'binary';
  throw new InputError(`autoencoder pretraining: a ${codeActivation} code layer has no RBM to pretrain it (linear or sigmoid codes only)`);
}

/** Pretraining's options: the RBMs' (epochs per layer), and who hears their epochs. */
export interface PretrainOptions extends Omit<DbnTrainingOptions, 'fineTuneEpochs' | 'fineTuneLr' | 'topLr'> {
  /** Hears each RBM's epochs as they end. */
  onEpoch?: (epoch: DbnEpoch) => void;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Pretrains `ae` (untied, sigmoid, a linear or sigmoid code) as a stack of RBMs on `data`
 * (intensities as probabilities) and writes the stack into it (unrollInto). A linear code layer's RBM
 * has Gaussian hidden units and learns at LINEAR_CODE_LR_SCALE times lr.
 *
 *   const ae = await Autoencoder.create(ctx, { layers: [784, 1000, 500, 250, 30], codeActivation: 'identity' }, { seed: 1, state: VAE_OPTIMIZER_STATE });
 *   await pretrainAutoencoder(ctx, ae, train, { k: 1, lr: 0.1, batch: 100, seed: 1, epochs: 10 });
 */
export async function pretrainAutoencoder(ctx: RunContext, ae: Autoencoder, data: RbmDataset, o: PretrainOptions): Promise<void> {
  if (ae.inputs !== data.width) throw new InputError(`autoencoder pretraining: the autoencoder has ${ae.inputs} inputs, the data ${data.width} values per example`);
  const { onEpoch, onProgress, ...training } = o;
  const linear = codeUnitsOf(ae) === 'linear';
  if (linear && typeof training.lr !== 'number') throw new InputError('autoencoder pretraining: a linear code layer needs a constant lr (its RBM takes a fixed fraction of it)');
  const options: DbnTrainingOptions = { ...training, topLr: linear ? (training.lr as number) * LINEAR_CODE_LR_SCALE : undefined };
  const dbn = await Dbn.create(ctx, { layers: ae.config.layers }, { seed: o.seed, state: rbmOptimizerState(options), topHidden: linear ? 'gaussian' : 'bernoulli' });
  try {
    const trainer = await DbnTrainer.create(ctx, dbn, data, options);
    try {
      while (trainer.epoch < trainer.epochs) onEpoch?.(await trainer.trainEpoch(onProgress));
    } finally {
      trainer.release();
    }
    await unrollInto(ae, dbn);
  } finally {
    dbn.release();
  }
}
