// harmonium vae train / eval / sample / reconstruct / manifold: a VAE on MNIST (our split), trained and
// evaluated on the GPU in Node or in headless Chrome, its model file (safetensors, checkpoint.ts) on
// disk, its pictures as PNG grids.
import { runOn } from '../backends/index.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { progressReporter } from '../cli/progress.js';
import { boolean, integer, text, toSpec, type Values } from '../cli/schema.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable } from '../io/files.js';
import { writeGreyPng } from '../io/png.js';
import { iwae, VAE_EVAL_JOB, VAE_IMAGES_JOB, VAE_TRAIN_FLAGS, VAE_TRAIN_JOB, type VaeImageKind } from './flags.js';
import { runVaeTrain } from './job.js';
import { readVaeFile } from './model_file.js';
import { runTraining, TRAIN_RUN_FLAGS } from './train_command.js';
import { checkVaeTrainParams } from './settings.js';

const TRAIN_FLAGS = { ...VAE_TRAIN_FLAGS, ...TRAIN_RUN_FLAGS } as const;

const FORMAT_NOTE = `The model file holds encoder{i}.weight [inputs, outputs] and .bias, the heads mean.* and log_var.*
(gaussian) or logits.* (categorical), decoder{i}.* (the last gives the pixels' logits), Adam's m/ and v/,
train_reconstruction and train_kl (per step), test_elbo, test_reconstruction and test_kl (per epoch), and
metadata model = "vae", inputs, hidden, latent ('20' or '30x10'), activation, beta, lr, batch, seed, tau,
tau_min, tau_steps, straight_through, train_count, test_count, epochs, dataset, harmonium.iteration (steps).`;

export const vaeTrainCommand = defineCommand({
  name: 'vae train',
  summary: 'train a variational autoencoder on MNIST (8,000 training digits, binarised afresh each step) on the GPU',
  flags: TRAIN_FLAGS,
  details: `Loss = -ELBO = -log p(x | z) + beta KL(q(z | x) || p(z)) with one reparameterised draw per digit
(a Gumbel-softmax draw per categorical with --latent-categorical). Logs one line per epoch (train and test
ELBO in nats; the test digits are the 2,000 of the split binarised once). A loss that becomes NaN stops
training with an error naming the step; the model file keeps the last good epoch. With --json the object
holds hidden, latent, activation, beta, lr, batch, seed, epochs, train_count, test_count, steps_per_epoch,
test_elbo, test_reconstruction, test_kl, history (per epoch), train_reconstruction and train_kl (per step),
examples_per_s, wall_ms, adapter, backend.
${FORMAT_NOTE}`,
  run: runTrain,
});

async function runTrain(values: Values<typeof TRAIN_FLAGS>): Promise<void> {
  const out = values.out;
  const result = await runTraining(values, { ...values, 'train-count': undefined, 'test-count': undefined }, {
    command: 'vae train',
    job: 'vae-train',
    schema: VAE_TRAIN_JOB,
    check: checkVaeTrainParams,
    readModel: (flag, path) => readVaeFile(flag, path).bytes,
    train: runVaeTrain,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const r = result as Record<string, number>;
  const a = result.adapter as Record<string, string | boolean>;
  const speed = r.examples_per_s === null ? 'no epoch trained in this run' : `${Math.round(r.examples_per_s)} examples/s`;
  process.stdout.write(
    [
      `VAE 784-${(result.hidden as number[]).join('-')}-(${String(result.latent)}) ${String(result.activation)}, beta ${r.beta}, Adam lr ${r.lr}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} digits`,
      `  test ELBO    ${r.test_elbo.toFixed(2)} nats (reconstruction ${r.test_reconstruction.toFixed(2)}, KL ${r.test_kl.toFixed(2)}) on ${r.test_count} binarised digits`,
      `  speed        ${speed} on ${String(a.description)}${a.fallback ? ' (CPU fallback)' : ''} (${values.backend})`,
      ...(out ? [`  model        ${out}`] : []),
      '',
    ].join('\n'),
  );
}

const model = text({ required: true, help: 'the model file (safetensors) written by vae train' });

const EVAL_FLAGS = { model, iwae, seed, backend, adapter, json } as const;

export const vaeEvalCommand = defineCommand({
  name: 'vae eval',
  summary: "a VAE's test ELBO and IWAE estimate of log p(x) (nats) on MNIST's 2,000 binarised test digits",
  flags: EVAL_FLAGS,
  details: `The ELBO with one draw per digit; the IWAE bound log (1/K) sum_k p(x, z_k) / q(z_k | x) (Burda et al.) with
K draws per digit, streamed in chunks of at most 5,000 decoder rows (K = 5,000 is 10 million decoder
passes: minutes on a GPU, hours on SwiftShader). Prints elbo, iwae_log_px and k; with --json one object
with elbo, reconstruction, kl, iwae_log_px (null for --iwae 0 or a categorical latent), k, test_count,
latent, hidden, epochs, steps, wall_ms, adapter, backend.`,
  run: runEval,
});

async function runEval(values: Values<typeof EVAL_FLAGS>): Promise<void> {
  const { bytes } = readVaeFile('--model', values.model);
  const spec = toSpec('vae-eval', VAE_EVAL_JOB, { model: toBase64(bytes), iwae: values.iwae, seed: values.seed });
  const progress = progressReporter('vae eval');
  const result = await runOn(values.backend, spec, { adapter: values.adapter, onProgress: progress.onProgress });
  progress.done();
  result.backend = values.backend;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const r = result as Record<string, number | null>;
  const iwaeText = r.iwae_log_px === null ? 'n/a' : (r.iwae_log_px as number).toFixed(3);
  process.stdout.write(`elbo ${(r.elbo as number).toFixed(3)}, iwae_log_px ${iwaeText}, k ${r.k} (nats per digit, ${r.test_count} test digits)\n`);
}

/** A picture command: the model, the PNG, the job's own parameters, and how the picture is scaled up. */
function imageCommand(kind: VaeImageKind, summary: string, details: string, extra: Partial<typeof VAE_IMAGES_JOB>) {
  const flags = {
    model,
    png: text({ required: true, help: 'the PNG file to write' }),
    ...extra,
    scale: integer({ min: 1, max: 16, default: 2, help: 'pixels per digit pixel in the PNG' }),
    seed,
    backend,
    adapter,
    json,
  } as const;
  return defineCommand({
    name: `vae ${kind}`,
    summary,
    flags,
    details,
    async run(values: Values<typeof flags>) {
      const { bytes } = readVaeFile('--model', values.model);
      checkWritable('--png', values.png);
      const v = values as Record<string, unknown>;
      const spec = toSpec('vae-images', VAE_IMAGES_JOB, { model: toBase64(bytes), kind, count: v.count as number | undefined, steps: v.steps as number | undefined, seed: values.seed });
      const result = await runOn(values.backend, spec, { adapter: values.adapter });
      writeGreyPng(values.png, fromBase64(result.pixels_base64 as string), result.width as number, result.height as number, values.scale);
      delete result.pixels_base64;
      result.png = values.png;
      result.backend = values.backend;
      process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `vae ${kind}: wrote ${values.png} (${result.tiles} digits, ${(result.width as number) * values.scale} x ${(result.height as number) * values.scale} pixels)\n`);
    },
  });
}

export const vaeSampleCommand = imageCommand(
  'sample',
  'decode draws from the prior of a VAE into a PNG grid of digits',
  'z ~ p(z) (N(0, I), or a uniform class per categorical), decoded to pixel probabilities, in a square grid.',
  { count: VAE_IMAGES_JOB.count },
);

export const vaeReconstructCommand = imageCommand(
  'reconstruct',
  'binarised test digits and their VAE reconstructions, as a PNG grid',
  'Rows of up to 10 test digits, each followed by a row of their reconstructions from the mean of q(z | x) (the most likely class of each categorical).',
  { count: VAE_IMAGES_JOB.count },
);

export const vaeManifoldCommand = imageCommand(
  'manifold',
  'the decoded latent plane of a VAE with a 2-D gaussian latent, as a PNG grid',
  'z on a steps x steps grid of N(0, 1) quantiles (k + 1/2) / steps on each axis (z_2 increasing upwards), decoded. Needs --latent 2 at training.',
  { steps: VAE_IMAGES_JOB.steps },
);
