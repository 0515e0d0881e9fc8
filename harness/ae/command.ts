// harmonium ae train / ae eval / ae hash: an autoencoder on --data as intensities (plain, denoising or contractive;
// tied or untied), trained and evaluated on the GPU in Node or in headless Chrome, its model file on
// disk; its test reconstruction error against PCA's with as many components as its code; retrieval
// by its codes' addresses (semantic hashing).
import type { Command } from '../cli/command.js';
import { readAutoencoderConfig } from '../../models/autoencoder.js';
import { defineCommand } from '../cli/command.js';
import { runEvalCommand } from '../cli/run.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { pick, text, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { trainCommand } from '../train/command.js';
import { AE_EVAL_JOB, AE_HASH_JOB } from './flags.js';
import { rasterPng } from '../io/png.js';
import { codesPicture, precisionRecallPicture } from './pictures.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';
import { InputError } from '../../engine/index.js';
import { MAX_HASH_BITS } from '../../models/hashing.js';
import { AE_FEATURE } from './train.js';

export const aeTrainCommand = trainCommand(AE_FEATURE);

const EVAL_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by ae train' }),
  ...pick(DATA_FLAGS, ['data', 'test']),
  seed,
  png: text({ help: "with a code of 2 units: also write the test digits' codes as a PNG, the autoencoder's (left) beside PCA-2's, coloured by class (tableau-10: 0 blue, 1 orange, 2 green, 3 red, 4 purple, 5 brown, 6 pink, 7 grey, 8 olive, 9 cyan)" }),
  backend,
  adapter,
  json,
} as const;

export const aeEvalCommand = defineCommand({
  name: 'ae eval',
  summary: "an autoencoder's test reconstruction error against PCA's with as many components as its code has units",
  flags: EVAL_FLAGS,
  details: `Both are the mean over the test digits of the squared error summed over the pixels (intensities in
[0, 1]); PCA is fitted to the training digits (the covariance by a GEMM on the GPU, its leading
eigenvectors in float64). With --json one object: test_squared_error, pca_squared_error,
pca_components, layers, test_count, train_count, epochs, steps, adapter, backend (and with --png
codes_2d: the test digits' codes, PCA-2's projections and the labels).`,
  run: runEval,
});

async function runEval(values: Values<typeof EVAL_FLAGS>): Promise<void> {
  if (values.png) checkWritable('--png', values.png);
  const withCodes = { ...values, 'return-codes': values.png !== undefined };
  const result = await runEvalCommand('ae eval', 'ae-eval', AE_EVAL_JOB, withCodes, readAutoencoderConfig, {
    check: (config) => {
      const code = config.layers[config.layers.length - 1];
      if (values.png && code !== 2) throw new InputError(`--png pictures a code of 2 units; ${values.model}'s code has ${code}`);
    },
    text: (r) => `test squared error ${(r.test_squared_error as number).toFixed(3)} per digit; PCA with ${r.pca_components} components ${(r.pca_squared_error as number).toFixed(3)} (${r.test_count} test digits)`,
  });
  if (values.png) writeFileAtomic(values.png, rasterPng(codesPicture(result.codes_2d as JsonObject)));
}

const HASH_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by ae train, its code of at most 32 units (--code binary for semantic hashing)' }),
  radius: AE_HASH_JOB.radius,
  ...pick(DATA_FLAGS, ['data', 'test']),
  seed,
  png: text({ help: 'also write the precision-recall curves (Hamming ranking, one point per radius) as a PNG: the autoencoder red, PCA signs blue, LSH grey' }),
  backend,
  adapter,
  json,
} as const;

export const aeHashCommand = defineCommand({
  name: 'ae hash',
  summary: "semantic hashing: the test digits retrieve training digits by their codes' addresses",
  flags: HASH_FLAGS,
  details: `Each digit's address is its code thresholded (a sigmoid code at 0.5, another at each unit's mean
over the training digits). A retrieved digit is relevant when its class is the query's. Retrieval by
a Hamming ball of each radius 0..R around a test digit's address is hash-table lookups, no scan:
precision is the mean over the queries that retrieve something of relevant / retrieved, recall the
mean of relevant retrieved / relevant in the database. Hamming ranking of every training digit
(XNOR-popcount distances on the GPU; ties by index) gives the mean average precision; the baselines
have as many bits: the signs of the PCA projections (PCA of the training digits) and random
hyperplanes through their mean (LSH, from --seed). With --json one object: bits, radius, threshold,
precision_at_radius, recall_at_radius, empty_at_radius (objects radius -> value), map, pca_map,
lsh_map, addresses, curves (per method: radius, precision, recall, map), layers, queries, database,
adapter, backend.`,
  run: runHash,
});

async function runHash(values: Values<typeof HASH_FLAGS>): Promise<void> {
  if (values.png) checkWritable('--png', values.png);
  const result = await runEvalCommand('ae hash', 'ae-hash', AE_HASH_JOB, values, readAutoencoderConfig, {
    check: (config) => {
      const bits = config.layers[config.layers.length - 1];
      if (bits > MAX_HASH_BITS) throw new InputError(`ae hash: ${values.model}'s code has ${bits} units; an address has at most ${MAX_HASH_BITS} bits`);
    },
    text: (r) => {
      const radii = Object.entries(r.precision_at_radius as JsonObject).map(([radius, p]) => `${radius}: ${p === null ? '-' : (p as number).toFixed(3)}`);
      return `${r.bits}-bit codes of ${r.queries} test digits against ${r.database} training digits: precision within radius ${radii.join(', ')}; mean average precision ${(r.map as number).toFixed(3)} (PCA signs ${(r.pca_map as number).toFixed(3)}, LSH ${(r.lsh_map as number).toFixed(3)})`;
    },
  });
  if (values.png) writeFileAtomic(values.png, rasterPng(precisionRecallPicture(result.curves as JsonObject)));
}

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [aeTrainCommand, aeEvalCommand, aeHashCommand];
