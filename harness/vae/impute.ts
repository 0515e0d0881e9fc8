// The 'vae-impute' job (`vae impute`): a trained VAE fills in the missing pixels of the binarised test
// digits by the Markov chain of Rezende et al. (models/vae_impute.ts), started from mean imputation
// (each missing pixel the training digits' mean intensity there); the mean squared error over the
// missing pixels after each recorded step, against mean imputation's; a picture of the first ten
// digits (truth, what is observed, the chain's fill, mean imputation's). Missing: each pixel with
// probability 1 - --observed (Philox: seed, imputationMask, digit, pixel), or the bottom half.
import { InputError, rngBits, RNG_PURPOSES, uniform24 } from '../../engine/index.js';
import { pixelMeans } from '../../models/rbm_data.js';
import { Vae } from '../../models/vae.js';
import { VaeImputer } from '../../models/vae_impute.js';
import { defineJob, type JobContext } from '../backends/context.js';
import { seed } from '../cli/flags.js';
import { boolean, choice, integer, number, text, type Values } from '../cli/schema.js';
import { checkModelWidth } from '../data/dataset.js';
import { EVAL_DATA_FLAGS, loadData } from '../data/source.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { imageGrid } from '../io/image_grid.js';
import type { JsonObject } from '../io/json.js';
import { vaeData } from './data.js';

export const MISSING_KINDS = ['random', 'bottom-half'] as const;
/** The observed share of a random mask when --observed is not given. */
export const DEFAULT_OBSERVED = 0.5;
/** Digits in the picture, and the grey that marks a missing pixel there. */
const PICTURE_DIGITS = 10;
const MISSING_GREY = 0.5;

export const VAE_IMPUTE_JOB = {
  model: text({ hidden: true, required: true, help: 'the model file as base64 safetensors' }),
  missing: choice(MISSING_KINDS, { default: 'random', help: 'random: each pixel missing with probability 1 - --observed; bottom-half: the lower 14 rows of every digit' }),
  observed: number({ value: 'F', min: 0, max: 1, help: `with --missing random: the share of pixels observed, in (0, 1) (default ${DEFAULT_OBSERVED})` }),
  steps: integer({ min: 1, default: 100, help: 'steps of the chain (encode, draw z, decode, keep the observed pixels)' }),
  'record-every': integer({ value: 'N', min: 1, default: 10, help: 'steps between the recorded errors (missing_mse_per_step)' }),
  picture: boolean({ hidden: true, help: 'send back the picture of the first ten digits' }),
  seed,
  ...EVAL_DATA_FLAGS,
} as const;

export type VaeImputeParams = Values<typeof VAE_IMPUTE_JOB>;

/** Which values are observed (1) and missing (0), rows x (side x side). */
export function imputationMask(p: { missing: (typeof MISSING_KINDS)[number]; observed?: number; seed: number }, rows: number, side: number): Uint8Array {
  const inputs = side * side;
  if (p.missing === 'bottom-half') {
    if (p.observed !== undefined) throw new InputError('--observed is for --missing random; --missing bottom-half hides the lower half of every digit');
    return Uint8Array.from({ length: rows * inputs }, (_, i) => (Math.floor((i % inputs) / side) < side / 2 ? 1 : 0));
  }
  const f = p.observed ?? DEFAULT_OBSERVED;
  if (!(f > 0 && f < 1)) throw new InputError(`--observed ${f}: must lie strictly between 0 and 1`);
  return Uint8Array.from({ length: rows * inputs }, (_, i) => (uniform24(rngBits(p.seed, RNG_PURPOSES.imputationMask, Math.floor(i / inputs), i % inputs, 0)[0]) < f ? 1 : 0));
}

/** The mean squared error over the missing values. */
export function missingMse(x: ArrayLike<number>, truth: ArrayLike<number>, observed: Uint8Array): number {
  let [sum, n] = [0, 0];
  for (let i = 0; i < observed.length; i++) {
    if (observed[i]) continue;
    sum += (x[i] - truth[i]) ** 2;
    n++;
  }
  return n > 0 ? sum / n : 0;
}

export async function runVaeImpute(ctx: JobContext, p: VaeImputeParams): Promise<JsonObject> {
  const started = performance.now();
  const split = await loadData(ctx.gpu.adapter.runtime, p);
  const { train, testBinary, rows: side } = vaeData(split);
  const inputs = testBinary.width;
  const mask = imputationMask(p, testBinary.count, side);
  const { vae } = await Vae.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  try {
    checkModelWidth(vae.config.inputs, inputs);
    const truth = Float32Array.from(testBinary.images, (b) => b / 255);
    // Mean imputation: each pixel's mean intensity over the training digits (what dynamic binarisation makes the probability of ink).
    const start = Float32Array.from(pixelMeans(train.images, train.count, inputs));
    const chain = await VaeImputer.create(ctx, vae, { rows: testBinary.count, observed: mask, values: truth, start }, p.seed);
    try {
      const first = await chain.read();
      const curve = { steps: [0], mse: [missingMse(first, truth, mask)] };
      let last = first;
      while (chain.steps < p.steps) {
        await chain.step(Math.min(p['record-every'], p.steps - chain.steps));
        last = await chain.read();
        curve.steps.push(chain.steps);
        curve.mse.push(missingMse(last, truth, mask));
        ctx.onProgress?.(chain.steps, p.steps);
      }
      const missing = mask.reduce((n, m) => n + (m ? 0 : 1), 0);
      return {
        missing: p.missing,
        observed_fraction: 1 - missing / mask.length,
        missing_pixels: missing,
        count: testBinary.count,
        steps: p.steps,
        missing_mse: curve.mse[curve.mse.length - 1],
        mean_imputation_mse: curve.mse[0],
        missing_mse_per_step: curve,
        seed: p.seed,
        wall_ms: performance.now() - started,
        adapter: { ...ctx.gpu.adapter },
        ...(!p.picture ? {} : { picture: imputationPicture(truth, mask, last, first, side, Math.min(PICTURE_DIGITS, testBinary.count)) }),
      };
    } finally {
      chain.release();
    }
  } finally {
    vae.release();
  }
}

/** Four rows of the first `count` digits: the truth, the observed pixels (missing ones grey), the chain's fill, mean imputation's. */
function imputationPicture(truth: Float32Array, mask: Uint8Array, chain: Float32Array, mean: Float32Array, side: number, count: number): JsonObject {
  const inputs = side * side;
  const rows = [truth, Float32Array.from(truth, (v, i) => (mask[i] ? v : MISSING_GREY)), chain, mean];
  const images = new Float32Array(rows.length * count * inputs);
  rows.forEach((r, k) => images.set(r.subarray(0, count * inputs), k * count * inputs));
  const grid = imageGrid(images, { count: rows.length * count, height: side, width: side, columns: count });
  return { width: grid.width, height: grid.height, pixels_base64: toBase64(grid.pixels) };
}

export const vaeImputeJob = defineJob(VAE_IMPUTE_JOB, runVaeImpute);
