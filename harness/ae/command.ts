// harmonium ae train: an autoencoder on MNIST intensities (plain, denoising or contractive; tied or
// untied), trained and evaluated on the GPU in Node or in headless Chrome, its model file on disk.
import { decodeSafetensors } from '../../engine/index.js';
import { readAutoencoderConfig } from '../../models/autoencoder.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json } from '../cli/flags.js';
import type { Values } from '../cli/schema.js';
import { readModelBytes } from '../vae/model_file.js';
import { runTraining, TRAIN_RUN_FLAGS } from '../vae/train_command.js';
import { AE_TRAIN_FLAGS, AE_TRAIN_JOB } from './flags.js';
import { checkAeTrainParams, runAeTrain } from './job.js';

const FLAGS = { ...AE_TRAIN_FLAGS, ...TRAIN_RUN_FLAGS } as const;

export const aeTrainCommand = defineCommand({
  name: 'ae train',
  summary: 'train an autoencoder (plain, denoising, contractive; tied or untied weights) on MNIST on the GPU',
  flags: FLAGS,
  details: `Loss: the Bernoulli cross-entropy of the reconstruction of the (corrupted) input against the clean one,
plus --contractive times ||dh/dx||_F^2. Logs one line per epoch: the test digits' cross-entropy and squared
error per digit, clean and with --eval-mask of their pixels masked (a fixed stream). With --json the object
holds layers, activation, tied, noise, noise_level, contractive, lr, batch, seed, epochs, eval_mask,
train_count, test_count, steps_per_epoch, test_cross_entropy, test_squared_error, masked_cross_entropy,
masked_squared_error, history (per epoch), train_loss (per step), examples_per_s, wall_ms, adapter, backend.
The model file holds encoder{i}.weight [inputs, outputs] and .bias, decoder{i}.bias and (untied)
decoder{i}.weight, Adam's m/ and v/, train_loss, train_contractive (per step), test_cross_entropy,
test_squared_error, masked_cross_entropy, masked_squared_error (per epoch), and metadata model =
"autoencoder", layers, activation, tied, noise, noise_level, contractive, lr, batch, seed, eval_mask,
train_count, test_count, epochs, dataset, harmonium.iteration (steps).`,
  run: runTrain,
});

function readAeFile(flag: string, path: string): Uint8Array {
  const bytes = readModelBytes(flag, path);
  readAutoencoderConfig(decodeSafetensors(bytes, `${flag} ${path}`), `${flag} ${path}`);
  return bytes;
}

async function runTrain(values: Values<typeof FLAGS>): Promise<void> {
  const out = values.out;
  const result = await runTraining(values, { ...values, 'train-count': undefined, 'test-count': undefined, 'return-images': 0 }, {
    command: 'ae train',
    job: 'ae-train',
    schema: AE_TRAIN_JOB,
    check: checkAeTrainParams,
    readModel: readAeFile,
    train: runAeTrain,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const r = result as Record<string, number>;
  process.stdout.write(
    [
      `autoencoder ${(result.layers as number[]).join('-')} ${String(result.activation)}${result.tied ? ' (tied)' : ''}, noise ${String(result.noise)}${result.noise === 'none' ? '' : ` ${r.noise_level}`}, contractive ${r.contractive}: ${r.epochs} epochs on ${r.train_count} digits`,
      `  test         cross-entropy ${r.test_cross_entropy.toFixed(2)}, squared error ${r.test_squared_error.toFixed(2)} per digit`,
      `  ${`${Math.round(100 * r.eval_mask)}% masked`.padEnd(12)} cross-entropy ${r.masked_cross_entropy.toFixed(2)}, squared error ${r.masked_squared_error.toFixed(2)} per digit`,
      ...(out ? [`  model        ${out}`] : []),
      '',
    ].join('\n'),
  );
}
