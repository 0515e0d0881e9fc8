// The 'ae-train' job: an autoencoder (plain, denoising, contractive; tied or untied) trained on MNIST
// intensities on the GPU, evaluated after each epoch on the clean test digits and on the same digits
// with a fraction of their pixels masked (a fixed stream), plain JSON in and out in Node or a page.
// Model files (safetensors, by Autoencoder.toSafetensors) hold beside the parameters and Adam's state:
//   train_loss, train_contractive F32 [steps]        each step's mean cross-entropy and penalty
//   test_cross_entropy, test_squared_error, masked_cross_entropy, masked_squared_error F64 [epochs]
// and metadata model 'autoencoder', layers, activation, tied, noise, noise_level, contractive, lr,
// batch, seed, eval_mask, train_count, test_count, epochs, dataset. Resume is bit-identical.
import { InputError, type CheckpointExtra, type SafetensorsTensor } from '../../engine/index.js';
import { Autoencoder, validateAutoencoderConfig, type AutoencoderConfig, type AutoencoderNoise } from '../../models/autoencoder.js';
import { AutoencoderEvaluator, AutoencoderTrainer, validateAutoencoderTraining, type AutoencoderTrainingOptions } from '../../models/autoencoder_training.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { VAE_OPTIMIZER_STATE } from '../../models/vae_training.js';
import { trainEpochs } from '../backends/epochs.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { toBase64 } from '../io/base64.js';
import { imageGrid } from '../io/image_grid.js';
import type { Json, JsonObject } from '../io/json.js';
import { checkRunSettings, epochsOf, readSeries, restoreOrCreate, resumeOf } from '../vae/checkpoint.js';
import { loadVaeMnist } from '../vae/data.js';
import { MNIST_PIXELS } from '../vae/settings.js';
import { AE_TRAIN_JOB } from './flags.js';

export type AeTrainParams = Values<typeof AE_TRAIN_JOB>;

/** The seed of the test digits' masking: the same masked digits for every run and model. */
export const EVAL_MASK_SEED = 7;
const AE_DATASET = 'mnist-10k split per class 0.8 (harness/data splitPerClass), intensities';

export function aeConfigOf(p: Pick<AeTrainParams, 'hidden' | 'activation' | 'tied'>): AutoencoderConfig {
  return { layers: [MNIST_PIXELS, ...p.hidden], activation: p.activation, tied: p.tied };
}

function noiseOf(p: Pick<AeTrainParams, 'noise' | 'noise-level'>): AutoencoderNoise {
  const level = p['noise-level'];
  return p.noise === 'mask' ? { kind: 'mask', rate: level } : p.noise === 'gaussian' ? { kind: 'gaussian', std: level } : { kind: 'none' };
}

export function aeTrainingOf(p: AeTrainParams): AutoencoderTrainingOptions {
  return { lr: p.lr, batch: p.batch, seed: p.seed, epochs: p.epochs, noise: noiseOf(p), contractive: p.contractive };
}

/** The model's rules on a run's values before a device is opened (InputErrors naming the parameter). */
export function checkAeTrainParams(p: AeTrainParams): void {
  const config = validateAutoencoderConfig(aeConfigOf(p));
  validateAutoencoderTraining(aeTrainingOf(p));
  if (p.contractive > 0 && !(config.layers.length === 2 && config.activation === 'sigmoid')) {
    throw new InputError(`--contractive needs one sigmoid encoder layer (--hidden W --activation sigmoid); this run has --hidden ${p.hidden.join(',')} --activation ${p.activation}`);
  }
  if (!(p['eval-mask'] >= 0 && p['eval-mask'] < 1)) throw new InputError(`--eval-mask must lie in [0, 1), got ${p['eval-mask']}`);
}

interface AeHistory {
  trainLoss: number[];
  trainContractive: number[];
  testCrossEntropy: number[];
  testSquaredError: number[];
  maskedCrossEntropy: number[];
  maskedSquaredError: number[];
}

function runSettings(p: AeTrainParams, trainCount: number): Record<string, string> {
  return {
    layers: JSON.stringify(aeConfigOf(p).layers),
    activation: p.activation,
    tied: String(p.tied),
    noise: p.noise,
    noise_level: String(p['noise-level']),
    contractive: String(p.contractive),
    lr: String(p.lr),
    batch: String(p.batch),
    seed: String(p.seed),
    eval_mask: String(p['eval-mask']),
    train_count: String(trainCount),
  };
}

const SERIES: ReadonlyArray<[keyof AeHistory, string, 'F32' | 'F64', 'steps' | 'epochs']> = [
  ['trainLoss', 'train_loss', 'F32', 'steps'],
  ['trainContractive', 'train_contractive', 'F32', 'steps'],
  ['testCrossEntropy', 'test_cross_entropy', 'F64', 'epochs'],
  ['testSquaredError', 'test_squared_error', 'F64', 'epochs'],
  ['maskedCrossEntropy', 'masked_cross_entropy', 'F64', 'epochs'],
  ['maskedSquaredError', 'masked_squared_error', 'F64', 'epochs'],
];

function fileExtra(p: AeTrainParams, counts: { train: number; test: number }, h: AeHistory): CheckpointExtra {
  const tensors: Record<string, SafetensorsTensor> = Object.fromEntries(
    SERIES.map(([key, name, dtype]) => [name, { dtype, shape: [h[key].length], data: dtype === 'F32' ? Float32Array.from(h[key]) : Float64Array.from(h[key]) }]),
  );
  // layers, activation and tied are the model's own metadata.
  const { layers: _l, activation: _a, tied: _t, ...settings } = runSettings(p, counts.train);
  return { tensors, metadata: { ...settings, test_count: String(counts.test), epochs: String(h.testCrossEntropy.length), dataset: AE_DATASET } };
}

export interface AeTrainHooks {
  save?: (bytes: Uint8Array) => Promise<void> | void;
  resume?: { bytes: Uint8Array; source: string };
}

/** Test digits in three rows: clean, masked (the encoder's input), and the reconstruction of the masked one. */
async function maskedPicture(masked: AutoencoderEvaluator, count: number): Promise<JsonObject> {
  const { clean, corrupted, reconstructed } = await masked.examples(count);
  const rows = new Float32Array(3 * clean.length);
  [clean, corrupted, reconstructed].forEach((row, i) => rows.set(row, i * clean.length));
  const side = Math.sqrt(MNIST_PIXELS);
  const grid = imageGrid(rows, { count: 3 * count, height: side, width: side, columns: count });
  return { width: grid.width, height: grid.height, columns: count, pixels_base64: toBase64(grid.pixels) };
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

export async function runAeTrain(ctx: JobContext, p: AeTrainParams, hooks: AeTrainHooks = {}): Promise<JsonObject> {
  checkAeTrainParams(p);
  const { train, test } = await loadVaeMnist(ctx.gpu.adapter.runtime, { trainCount: p['train-count'], testCount: p['test-count'] });
  const resume = resumeOf(hooks.resume, p['resume-model']);
  let history: AeHistory = { trainLoss: [], trainContractive: [], testCrossEntropy: [], testSquaredError: [], maskedCrossEntropy: [], maskedSquaredError: [] };
  const ae = await restoreOrCreate(
    resume,
    (bytes, source) => Autoencoder.fromSafetensors(ctx, bytes, source),
    (r) => r.ae,
    ({ ae: restored, metadata, tensors }) => {
      const source = resume!.source;
      checkRunSettings(source, { ...metadata, layers: JSON.stringify(restored.config.layers), activation: restored.config.activation, tied: String(restored.config.tied) }, runSettings(p, train.count));
      const lengths = { steps: restored.params.iteration, epochs: epochsOf(source, metadata) };
      history = Object.fromEntries(SERIES.map(([key, name, dtype, per]) => [key, readSeries(source, tensors, name, dtype, lengths[per])])) as unknown as AeHistory;
    },
    () => Autoencoder.create(ctx, aeConfigOf(p), { seed: p.seed, state: VAE_OPTIMIZER_STATE }),
  );
  const owned = new Owned();
  await owned.add(ae);
  try {
    const trainData = await owned.add(DeviceDataset.upload(ctx, train, 'mnist train'));
    const testData = await owned.add(DeviceDataset.upload(ctx, test, 'mnist test'));
    const trainer = await owned.add(AutoencoderTrainer.create(ctx, ae, trainData, aeTrainingOf(p)));
    const clean = await owned.add(AutoencoderEvaluator.create(ctx, ae, testData));
    const masked = await owned.add(AutoencoderEvaluator.create(ctx, ae, testData, { noise: { kind: 'mask', rate: p['eval-mask'] }, seed: EVAL_MASK_SEED }));
    const steps = trainer.batchesPerEpoch;
    const counts = { train: train.count, test: test.count };
    const { wallMs, examples } = await trainEpochs(ctx, trainer, p.epochs, async (epoch) => {
      const [c, m] = [await clean.evaluate(), await masked.evaluate()];
      history = {
        trainLoss: [...history.trainLoss, ...epoch.losses],
        trainContractive: [...history.trainContractive, ...epoch.contractive],
        testCrossEntropy: [...history.testCrossEntropy, c.crossEntropy],
        testSquaredError: [...history.testSquaredError, c.squaredError],
        maskedCrossEntropy: [...history.maskedCrossEntropy, m.crossEntropy],
        maskedSquaredError: [...history.maskedSquaredError, m.squaredError],
      };
      ctx.onUnit?.(
        `epoch ${epoch.epoch + 1}/${p.epochs}: train loss ${mean(epoch.losses).toFixed(2)}, test cross-entropy ${c.crossEntropy.toFixed(2)}, squared error ${c.squaredError.toFixed(2)}; ` +
          `${Math.round(100 * p['eval-mask'])}% masked: ${m.crossEntropy.toFixed(2)}, ${m.squaredError.toFixed(2)}`,
      );
      if (hooks.save) await hooks.save(await ae.toSafetensors(fileExtra(p, counts, history)));
    });
    const last = history.testCrossEntropy.length - 1;
    const result: JsonObject = {
      model: 'autoencoder',
      layers: ae.config.layers as number[],
      activation: ae.config.activation,
      tied: ae.config.tied,
      noise: p.noise,
      noise_level: p['noise-level'],
      contractive: p.contractive,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      epochs: p.epochs,
      eval_mask: p['eval-mask'],
      train_count: train.count,
      test_count: test.count,
      steps_per_epoch: steps,
      test_cross_entropy: history.testCrossEntropy[last],
      test_squared_error: history.testSquaredError[last],
      masked_cross_entropy: history.maskedCrossEntropy[last],
      masked_squared_error: history.maskedSquaredError[last],
      history: history.testCrossEntropy.map((ce, e): Json => ({
        epoch: e + 1,
        train_loss: mean(history.trainLoss.slice(e * steps, (e + 1) * steps)),
        train_contractive: mean(history.trainContractive.slice(e * steps, (e + 1) * steps)),
        test_cross_entropy: ce,
        test_squared_error: history.testSquaredError[e],
        masked_cross_entropy: history.maskedCrossEntropy[e],
        masked_squared_error: history.maskedSquaredError[e],
      })),
      train_loss: history.trainLoss,
      examples_per_s: wallMs > 0 ? (1000 * examples) / wallMs : null,
      wall_ms: wallMs,
      adapter: { ...ctx.gpu.adapter },
    };
    if (p['return-images'] > 0) result.images = await maskedPicture(masked, Math.min(p['return-images'], test.count));
    if (p['return-model']) result.model_base64 = toBase64(await ae.toSafetensors(fileExtra(p, counts, history)));
    return result;
  } finally {
    owned.release();
  }
}

export const aeTrainJob = defineJob(AE_TRAIN_JOB, (ctx, p) => runAeTrain(ctx, p), checkAeTrainParams);
