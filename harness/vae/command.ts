// harmonium vae train / eval / sample / reconstruct / manifold: a VAE on --data (MNIST's split by
// default), trained and evaluated on the GPU in Node or in headless Chrome, its model file
// (safetensors, train.ts) on disk, its pictures as PNG grids.
import type { Command } from '../cli/command.js';
import { readVaeConfig } from '../../models/vae.js';
import { defineCommand } from '../cli/command.js';
import { runEvalCommand } from '../cli/run.js';
import { runOn } from '../backends/index.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { integer, pick, text, toSpec, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { readDataFlags } from '../data/source_node.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable } from '../io/files.js';
import { readModelFile } from '../io/model_file.js';
import { writeGreyPng } from '../io/png.js';
import { trainCommand } from '../train/command.js';
import { iwae, VAE_EVAL_JOB, VAE_IMAGES_JOB, type VaeImageKind } from './flags.js';
import { VAE_IMPUTE_JOB } from './impute.js';
import { runWithProgress } from '../cli/run.js';
import type { JsonObject } from '../io/json.js';
import { VAE_FEATURE } from './train.js';

export const vaeTrainCommand = trainCommand(VAE_FEATURE);

const model = text({ required: true, help: 'the model file (safetensors) written by vae train' });

const EVAL_FLAGS = { model, ...pick(DATA_FLAGS, ['data', 'test']), iwae, seed, backend, adapter, json } as const;

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
  await runEvalCommand('vae eval', 'vae-eval', VAE_EVAL_JOB, values, readVaeConfig, {
    text: (r) => `elbo ${(r.elbo as number).toFixed(3)}, iwae_log_px ${r.iwae_log_px === null ? 'n/a' : (r.iwae_log_px as number).toFixed(3)}, k ${r.k} (nats per digit, ${r.test_count} test digits)`,
  });
}

/** A picture command: the model, the PNG, the job's own parameters, and how the picture is scaled up. */
function imageCommand(kind: VaeImageKind, summary: string, details: string, extra: Partial<typeof VAE_IMAGES_JOB>) {
  const flags = {
    model,
    png: text({ required: true, help: 'the PNG file to write' }),
    ...extra,
    ...pick(DATA_FLAGS, ['data', 'test']),
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
      const { bytes } = readModelFile('--model', values.model, readVaeConfig, { evaluation: true });
      checkWritable('--png', values.png);
      const spec = toSpec('vae-images', VAE_IMAGES_JOB, { ...values, ...readDataFlags(values), model: toBase64(bytes), kind });
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

const IMPUTE_FLAGS = {
  model,
  ...pick(VAE_IMPUTE_JOB, ['missing', 'observed', 'steps', 'record-every']),
  png: text({ value: 'FILE', help: 'the first ten test digits as a PNG: the truth, the observed pixels (missing ones grey), the chain\'s fill, mean imputation\'s' }),
  scale: integer({ min: 1, max: 16, default: 2, help: 'pixels per digit pixel in --png' }),
  count: integer({ value: 'N', min: 1, help: 'impute only the first N test digits (default: all of them)' }),
  ...pick(DATA_FLAGS, ['data', 'test']),
  seed,
  backend,
  adapter,
  json,
} as const;

export const vaeImputeCommand = defineCommand({
  name: 'vae impute',
  summary: "a trained VAE fills in missing pixels of the test digits (Rezende et al.'s Markov chain), against mean imputation",
  flags: IMPUTE_FLAGS,
  details: `Hides pixels of the binarised test digits (--missing random: each with probability 1 - --observed,
drawn by Philox from --seed; bottom-half: the lower 14 rows) and runs --steps steps of the chain of
Rezende, Mohamed & Wierstra (2014) on every digit at once on the GPU: encode the current digit, draw
z ~ q(z | x), decode, keep the observed pixels and set the missing ones to the decoder's mean p(x | z).
The chain starts from mean imputation (each missing pixel the training digits' mean intensity there).
missing_mse is the mean squared error over the missing pixels after the last step, mean_imputation_mse
the start's; missing_mse_per_step records it every --record-every steps. With --json one object:
missing, observed_fraction, missing_pixels, count, steps, missing_mse, mean_imputation_mse,
missing_mse_per_step { steps, mse }, seed, wall_ms, adapter, backend (and png).`,
  async run(values: Values<typeof IMPUTE_FLAGS>) {
    const { bytes } = readModelFile('--model', values.model, readVaeConfig, { evaluation: true });
    if (values.png) checkWritable('--png', values.png);
    const spec = toSpec('vae-impute', VAE_IMPUTE_JOB, { ...values, ...readDataFlags(values), 'test-count': values.count, model: toBase64(bytes), picture: values.png !== undefined });
    const { picture, ...result } = await runWithProgress('vae impute', spec, values);
    if (values.png) {
      const p = picture as JsonObject;
      writeGreyPng(values.png, fromBase64(p.pixels_base64 as string), p.width as number, p.height as number, values.scale);
      result.png = values.png;
    }
    if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdout.write(
      [
        `vae impute: ${String(result.count)} test digits, ${(100 * (result.observed_fraction as number)).toFixed(1)}% of the pixels observed (${String(result.missing)}), ${String(result.steps)} steps`,
        `  missing pixels' mean squared error  ${(result.missing_mse as number).toFixed(5)} (mean imputation: ${(result.mean_imputation_mse as number).toFixed(5)})`,
        ...(values.png ? [`  png  ${values.png}`] : []),
      ].join('\n') + '\n',
    );
  },
});

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [vaeTrainCommand, vaeEvalCommand, vaeSampleCommand, vaeReconstructCommand, vaeManifoldCommand, vaeImputeCommand];
