// Pictures of a trained VAE, as grids of decoded digits (pixel probabilities): draws from the prior,
// test digits beside their reconstructions, the decoded latent plane of a 2-D gaussian latent (as
// Kingma & Welling draw it: a grid of quantiles of N(0, 1) on each axis), and latent traversals (one
// dimension swept from -3 to 3, the others at a test digit's encoding). Browser-safe.
import { InputError, type RunContext } from '../../engine/index.js';
import type { Vae } from '../../models/vae.js';
import { VaeCodec } from '../../models/vae_eval.js';

import { gaussianReference, uniformReference } from '../reference/sample.js';
import { imageGrid } from '../io/image_grid.js';
import type { VaeImageKind } from './flags.js';

const SIDE = 28;
/** Traversals show at most this many latent dimensions (rows). */
const MAX_TRAVERSED = 10;
const TRAVERSAL_RANGE = 3;

/**
 * The quantile function of N(0, 1), Acklam's rational approximation (relative error below 1.2e-9).
 *
 *   normalQuantile(0.975);   // 1.95996...
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p = ${p} must lie in (0, 1)`);
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** `count` draws from the prior p(z): N(0, I) (the Gaussian sampler's stream), or a uniform class per categorical as one-hot codes. */
function priorDraws(vae: Vae, count: number, seed: number): Float32Array {
  const latent = vae.latent;
  if (latent.kind === 'gaussian') return Float32Array.from(gaussianReference(count * latent.size, 0, 1, { seed, step: 0 }));
  const { groups, classes } = latent;
  const z = new Float32Array(count * groups * classes);
  uniformReference(count * groups, 0, classes, { seed, step: 0 }).forEach((u, g) => (z[g * classes + Math.floor(u)] = 1));
  return z;
}

/** The latents of encoded digits: the means (gaussian), or the most likely class of each categorical as a one-hot. */
function encodedLatents(vae: Vae, q: { mean: Float32Array | null; logits: Float32Array | null }): Float32Array {
  if (q.mean) return q.mean;
  const { classes } = vae.latent as { classes: number };
  const logits = q.logits!;
  const z = new Float32Array(logits.length);
  for (let g = 0; g < logits.length / classes; g++) {
    const row = logits.subarray(g * classes, (g + 1) * classes);
    z[g * classes + row.indexOf(Math.max(...row))] = 1;
  }
  return z;
}

/** The manifold's latents: steps x steps points z = (Phi^-1(u_j), Phi^-1(v_i)), u, v = (k + 1/2) / steps, the first row at the top (largest z_2). */
function manifoldLatents(steps: number): Float32Array {
  const z = new Float32Array(steps * steps * 2);
  for (let i = 0; i < steps; i++) {
    for (let j = 0; j < steps; j++) {
      z[2 * (i * steps + j)] = normalQuantile((j + 0.5) / steps);
      z[2 * (i * steps + j) + 1] = normalQuantile(1 - (i + 0.5) / steps);
    }
  }
  return z;
}

export interface VaeImages extends ReturnType<typeof imageGrid> {
  /** Tiles per row of the grid. */
  columns: number;
  tiles: number;
}

/**
 * One picture of `kind` (VAE_IMAGES_JOB): the decoded digits of the latents it asks for, tiled.
 * `digits` are the binarised test digits (rows x 784 in [0, 1]) that reconstruct and traverse encode.
 */
export async function vaeImages(ctx: RunContext, vae: Vae, kind: VaeImageKind, o: { count: number; steps: number; seed: number; digits: Float32Array }): Promise<VaeImages> {
  const width = vae.latentWidth;
  const pixels = vae.config.inputs;
  if (pixels !== SIDE * SIDE) throw new InputError(`vae images: the model has ${pixels} inputs; pictures are of 28 x 28 digits`);
  const decodeAll = async (z: Float32Array): Promise<Float32Array> => {
    const codec = await VaeCodec.create(ctx, vae, z.length / width);
    try {
      return await codec.decode(z);
    } finally {
      codec.release();
    }
  };
  const encodeAll = async (x: Float32Array) => {
    const codec = await VaeCodec.create(ctx, vae, x.length / pixels);
    try {
      return encodedLatents(vae, await codec.encode(x));
    } finally {
      codec.release();
    }
  };
  const tile = (images: Float32Array, tiles: number, columns: number): VaeImages => ({ ...imageGrid(images, { count: tiles, height: SIDE, width: SIDE, columns: Math.min(columns, tiles) }), columns, tiles });
  switch (kind) {
    case 'sample': {
      const columns = Math.ceil(Math.sqrt(o.count));
      return tile(await decodeAll(priorDraws(vae, o.count, o.seed)), o.count, columns);
    }
    case 'reconstruct': {
      // Rows of up to 10 test digits, each followed by a row of their reconstructions.
      const count = Math.min(o.count, o.digits.length / pixels);
      const x = o.digits.slice(0, count * pixels);
      const recon = await decodeAll(await encodeAll(x));
      const columns = Math.min(10, count);
      const rows = Math.ceil(count / columns);
      const both = new Float32Array(2 * rows * columns * pixels);
      for (let k = 0; k < count; k++) {
        const [r, c] = [Math.floor(k / columns), k % columns];
        both.set(x.subarray(k * pixels, (k + 1) * pixels), (2 * r * columns + c) * pixels);
        both.set(recon.subarray(k * pixels, (k + 1) * pixels), ((2 * r + 1) * columns + c) * pixels);
      }
      return tile(both, 2 * rows * columns, columns);
    }
    case 'manifold': {
      if (vae.latent.kind !== 'gaussian' || vae.latent.size !== 2) {
        throw new InputError(`vae manifold needs a 2-D gaussian latent; the model's latent is ${vae.latent.kind === 'gaussian' ? `${vae.latent.size}-D` : 'categorical'} (train with --latent 2)`);
      }
      return tile(await decodeAll(manifoldLatents(o.steps)), o.steps * o.steps, o.steps);
    }
    case 'traverse': {
      if (vae.latent.kind !== 'gaussian') throw new InputError('vae traversals sweep gaussian latent dimensions; the model is categorical');
      const dims = Math.min(MAX_TRAVERSED, width);
      const base = (await encodeAll(o.digits.slice(0, pixels))).slice(0, width);
      const z = new Float32Array(dims * o.steps * width);
      for (let d = 0; d < dims; d++) {
        for (let s = 0; s < o.steps; s++) {
          const row = z.subarray((d * o.steps + s) * width, (d * o.steps + s + 1) * width);
          row.set(base);
          row[d] = -TRAVERSAL_RANGE + (2 * TRAVERSAL_RANGE * s) / (o.steps - 1);
        }
      }
      return tile(await decodeAll(z), dims * o.steps, o.steps);
    }
  }
}
