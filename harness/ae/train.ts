// `ae train`: an autoencoder (plain, denoising, contractive; tied or untied) trained on --data (MNIST's
// split by default) as intensities, evaluated after every epoch on the clean held-out examples and on
// the same examples with a fraction of their pixels masked (a fixed stream). The training feature's
// adapter (harness/train). Model files hold beside the parameters and Adam's state:
//   train_loss, train_contractive F32 [steps]        each step's mean cross-entropy and penalty
//   test_cross_entropy, test_squared_error, masked_cross_entropy, masked_squared_error F64 [epochs]
// and metadata model 'autoencoder', layers, activation, tied, noise, noise_level, contractive, lr,
// batch, seed, eval_mask, train_count, test_count, epochs, dataset.
import { checkModelWidth } from '../data/dataset.js';
import { InputError } from '../../engine/index.js';
import { Autoencoder, readAutoencoderConfig, validateAutoencoderConfig, type AutoencoderConfig, type AutoencoderNoise } from '../../models/autoencoder.js';
import { AutoencoderEvaluator, AutoencoderTrainer, validateAutoencoderTraining, type AutoencoderEpoch, type AutoencoderTrainingOptions } from '../../models/autoencoder_training.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { checkOption } from '../../models/options.js';
import { VAE_OPTIMIZER_STATE } from '../../models/vae_training.js';
import type { Json, JsonObject } from '../io/json.js';
import { digitRows } from './pictures.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { perEpoch, perStep } from '../train/history.js';
import { vaeData, type VaeMnist } from '../vae/data.js';
import { AE_TRAIN_FLAGS, EVAL_MASK } from './flags.js';
import { mean } from '../../models/stats.js';
import { PRETRAINING, pretrainAutoencoder } from '../../models/deep_autoencoder.js';
import { RbmDataset } from '../../models/rbm_data.js';
import { RBM_RECIPE } from '../../models/rbm_trainer.js';
import type { JobContext } from '../backends/context.js';

type Params = TrainParams<typeof AE_TRAIN_FLAGS>;

/** The seed of the test digits' masking: the same masked digits for every run and model. */
export const EVAL_MASK_SEED = 7;

/** The code layer's activation: --code's, or --activation's. */
const CODE_ACTIVATIONS = { linear: 'identity', binary: 'sigmoid' } as const;

export function aeConfigOf(p: Pick<Params, 'hidden' | 'activation' | 'tied' | 'code'>, inputs = 784): AutoencoderConfig {
  return { layers: [inputs, ...p.hidden], activation: p.activation, codeActivation: p.code ? CODE_ACTIVATIONS[p.code] : p.activation, tied: p.tied };
}

function noiseOf(p: Pick<Params, 'noise' | 'noise-level'>): AutoencoderNoise {
  const level = p['noise-level'];
  return p.noise === 'mask' ? { kind: 'mask', rate: level } : p.noise === 'gaussian' ? { kind: 'gaussian', std: level } : { kind: 'none' };
}

export function aeTrainingOf(p: Params): AutoencoderTrainingOptions {
  return { lr: p.lr, batch: p.batch, seed: p.seed, epochs: p.epochs, noise: noiseOf(p), contractive: p.contractive, codeNoise: p.code === 'binary' ? p['code-noise'] : 0 };
}

/**
 * Pretrains `ae` as a stack of RBMs on the training digits (CD-1 with Hinton's recipe), logging each
 * RBM's epochs; returns each RBM's mean seconds per epoch and last reconstruction error.
 */
async function pretrain(ctx: JobContext, ae: Autoencoder, p: Params, data: VaeMnist): Promise<Json[]> {
  const rbmData = await RbmDataset.upload(ctx, data.train, 'pretraining data');
  const stages: Array<{ layer: number; epochs: number; seconds: number; reconstruction_error: number }> = [];
  try {
    const layers = ae.config.layers;
    await pretrainAutoencoder(ctx, ae, rbmData, {
      ...RBM_RECIPE,
      k: 1,
      lr: p['pretrain-lr'],
      batch: p.batch,
      seed: p.seed,
      epochs: p['pretrain-epochs'],
      onProgress: ctx.onProgress,
      onEpoch: (e) => {
        const error = mean(e.losses);
        if (e.layerEpoch === 0) stages.push({ layer: e.layer, epochs: 0, seconds: 0, reconstruction_error: error });
        const stage = stages[stages.length - 1];
        Object.assign(stage, { epochs: stage.epochs + 1, seconds: stage.seconds + e.wallMs / 1000, reconstruction_error: error });
        ctx.onUnit?.(`pretraining RBM ${e.layer + 1}/${layers.length - 1} (${layers[e.layer]}-${layers[e.layer + 1]}) epoch ${e.layerEpoch + 1}/${p['pretrain-epochs']}: reconstruction error ${error.toFixed(2)}, ${(e.wallMs / 1000).toFixed(1)} s`);
      },
    });
  } finally {
    rbmData.release();
  }
  return stages.map((s) => ({ layer: s.layer, units: `${ae.config.layers[s.layer]}-${ae.config.layers[s.layer + 1]}`, seconds_per_epoch: s.seconds / s.epochs, reconstruction_error: s.reconstruction_error }));
}

/** Test examples in three rows: clean, masked (the encoder's input), and the reconstruction of the masked one. */
async function maskedPicture(masked: AutoencoderEvaluator, count: number, shape: { rows: number; cols: number }): Promise<JsonObject> {
  const { clean, corrupted, reconstructed } = await masked.examples(count);
  return digitRows([clean, corrupted, reconstructed], count, shape);
}

export const AE_FEATURE: TrainingFeature<typeof AE_TRAIN_FLAGS, Autoencoder, AutoencoderEpoch, VaeMnist> = {
  name: 'ae',
  summary: 'train an autoencoder (plain, denoising, contractive; tied or untied weights) on MNIST (or your data) on the GPU',
  details: `Loss: the Bernoulli cross-entropy of the reconstruction of the (corrupted) input against the clean one,
plus --contractive times ||dh/dx||_F^2. Logs one line per epoch: the test examples' cross-entropy and squared
error per example, clean and with --eval-mask of their pixels masked (a fixed stream). With --json the object
holds layers, activation, tied, noise, noise_level, contractive, lr, batch, seed, epochs, eval_mask,
train_count, test_count, steps_per_epoch, test_cross_entropy, test_squared_error, masked_cross_entropy,
masked_squared_error, history (per epoch), train_loss (per step), examples_per_s, wall_ms, adapter, backend.
The model file holds encoder{i}.weight [inputs, outputs] and .bias, decoder{i}.bias and (untied)
decoder{i}.weight, Adam's m/ and v/, train_loss, train_contractive (per step), test_cross_entropy,
test_squared_error, masked_cross_entropy, masked_squared_error (per epoch), and metadata model =
"autoencoder", layers, activation, tied, noise, noise_level, contractive, lr, batch, seed, eval_mask,
train_count, test_count, epochs, dataset, harmonium.iteration (steps).`,
  flags: AE_TRAIN_FLAGS,
  check(p) {
    const config = validateAutoencoderConfig(aeConfigOf(p));
    validateAutoencoderTraining(aeTrainingOf(p));
    if (p.contractive > 0 && !(config.layers.length === 2 && config.codeActivation === 'sigmoid')) {
      throw new InputError(`--contractive needs one sigmoid encoder layer (--hidden W --activation sigmoid); this run has --hidden ${p.hidden.join(',')} --activation ${p.activation}${p.code ? ` --code ${p.code}` : ''}`);
    }
    if (p.pretrain === 'rbm' && (p.activation !== 'sigmoid' || p.tied || !['identity', 'sigmoid'].includes(config.codeActivation!))) {
      throw new InputError(`--pretrain rbm unrolls a stack of RBMs: it needs --activation sigmoid, untied weights and a linear, binary or sigmoid code; this run has --activation ${p.activation}${p.tied ? ' --tied' : ''}${p.code ? ` --code ${p.code}` : ''}`);
    }
    checkOption(PRETRAINING.epochs, p['pretrain-epochs'], '--pretrain-epochs');
    checkOption(PRETRAINING.lr, p['pretrain-lr'], '--pretrain-lr');
    checkOption(EVAL_MASK, p['eval-mask'], '--eval-mask');
  },
  readConfig: readAutoencoderConfig,
  dataNote: ', intensities',
  prepare: async (_runtime, _p, split) => vaeData(split),
  create: (ctx, p, data) => Autoencoder.create(ctx, aeConfigOf(p, data.train.width), { seed: p.seed, state: VAE_OPTIMIZER_STATE }),
  restore: (ctx, bytes, source) => Autoencoder.fromSafetensors(ctx, bytes, source).then(({ ae, ...file }) => ({ model: ae, ...file })),
  settings: (p, split) => ({
    layers: JSON.stringify(aeConfigOf(p, split.train.rows * split.train.cols).layers),
    activation: p.activation,
    tied: String(p.tied),
    noise: p.noise,
    noise_level: String(p['noise-level']),
    contractive: String(p.contractive),
    lr: String(p.lr),
    batch: String(p.batch),
    seed: String(p.seed),
    eval_mask: String(p['eval-mask']),
    train_count: String(split.train.count),
    // Written only where they matter, so that files from before them resume as they were made.
    ...(p.code ? { code: p.code } : {}),
    ...(p.code === 'binary' ? { code_noise: String(p['code-noise']) } : {}),
    ...(p.pretrain === 'rbm' ? { pretrain: p.pretrain, pretrain_epochs: String(p['pretrain-epochs']), pretrain_lr: String(p['pretrain-lr']) } : {}),
  }),
  modelSettings: (ae) => ({ layers: JSON.stringify(ae.config.layers), activation: ae.config.activation, tied: String(ae.config.tied) }),
  series: [...perStep('train_loss', 'train_contractive'), ...perEpoch('test_cross_entropy', 'test_squared_error', 'masked_cross_entropy', 'masked_squared_error')],
  async start(ctx, ae, p, data, owned, resumed) {
    checkModelWidth(ae.inputs, data.train.width);
    // Pretraining happens once, before the first epoch: a checkpoint holds the fine-tuning's weights.
    const pretraining = p.pretrain === 'rbm' && !resumed ? await pretrain(ctx, ae, p, data) : null;
    const train = await owned.add(DeviceDataset.upload(ctx, data.train, 'train'));
    const trainer = await owned.add(AutoencoderTrainer.create(ctx, ae, train, aeTrainingOf(p)));
    const test = await owned.add(DeviceDataset.upload(ctx, data.test, 'test'));
    const clean = await owned.add(AutoencoderEvaluator.create(ctx, ae, test));
    const masked = await owned.add(AutoencoderEvaluator.create(ctx, ae, test, { noise: { kind: 'mask', rate: p['eval-mask'] }, seed: EVAL_MASK_SEED }));
    const maskedPct = `${Math.round(100 * p['eval-mask'])}% masked`;
    return {
      trainer,
      async record(epoch) {
        const [c, m] = [await clean.evaluate(), await masked.evaluate()];
        const line = `epoch ${epoch.epoch + 1}/${p.epochs}: train loss ${mean(epoch.losses).toFixed(2)}, test cross-entropy ${c.crossEntropy.toFixed(2)}, squared error ${c.squaredError.toFixed(2)}; ${maskedPct}: ${m.crossEntropy.toFixed(2)}, ${m.squaredError.toFixed(2)}`;
        const values = { train_loss: epoch.losses, train_contractive: epoch.contractive, test_cross_entropy: c.crossEntropy, test_squared_error: c.squaredError, masked_cross_entropy: m.crossEntropy, masked_squared_error: m.squaredError };
        return { values, line: () => line };
      },
      finish: async (): Promise<JsonObject> => ({
        ...(pretraining ? { pretraining } : {}),
        ...(p['return-images'] > 0 ? { images: await maskedPicture(masked, Math.min(p['return-images'], data.test.count), data) } : {}),
      }),
    };
  },
  result(ae, h, p, steps) {
    const last = h.test_cross_entropy.length - 1;
    const perEpoch = (series: number[], e: number) => mean(series.slice(e * steps, (e + 1) * steps));
    return {
      model: 'autoencoder',
      layers: ae.config.layers as number[],
      activation: ae.config.activation,
      code_activation: ae.config.codeActivation,
      tied: ae.config.tied,
      pretrain: p.pretrain,
      code_noise: p.code === 'binary' ? p['code-noise'] : 0,
      noise: p.noise,
      noise_level: p['noise-level'],
      contractive: p.contractive,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      eval_mask: p['eval-mask'],
      test_cross_entropy: h.test_cross_entropy[last],
      test_squared_error: h.test_squared_error[last],
      masked_cross_entropy: h.masked_cross_entropy[last],
      masked_squared_error: h.masked_squared_error[last],
      history: h.test_cross_entropy.map((ce, e): Json => ({
        epoch: e + 1,
        train_loss: perEpoch(h.train_loss, e),
        train_contractive: perEpoch(h.train_contractive, e),
        test_cross_entropy: ce,
        test_squared_error: h.test_squared_error[e],
        masked_cross_entropy: h.masked_cross_entropy[e],
        masked_squared_error: h.masked_squared_error[e],
      })),
      train_loss: h.train_loss,
    };
  },
  report: (r) => ({
    title: `autoencoder ${(r.layers as number[]).join('-')} ${String(r.activation)}${r.tied ? ' (tied)' : ''}, noise ${String(r.noise)}${r.noise === 'none' ? '' : ` ${r.noise_level}`}, contractive ${r.contractive}: ${r.epochs} epochs on ${r.train_count} examples`,
    lines: [
      ['test', `cross-entropy ${(r.test_cross_entropy as number).toFixed(2)}, squared error ${(r.test_squared_error as number).toFixed(2)} per example`],
      [`${Math.round(100 * (r.eval_mask as number))}% masked`, `cross-entropy ${(r.masked_cross_entropy as number).toFixed(2)}, squared error ${(r.masked_squared_error as number).toFixed(2)} per example`],
    ],
  }),
};
