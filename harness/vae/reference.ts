// The VAE's loss in float64 (models/vae.ts), for central differences of every parameter's gradient:
// dense layers as the MLP's reference, the draw from given noise (the GPU's own normals or Gumbel
// variates, so that the check is not blurred by the samplers' tolerance), -log p(x | z) per example,
// the closed-form KL, and the mean over the batch of reconstruction + beta * KL.
import { latentWidth, vaeDecoderName, vaeEncoderName, type VaeConfig } from '../../models/vae.js';
import { denseReference } from '../mlp/reference.js';
import { gaussianKlReference, reparameterizeReference } from '../reference/gaussian.js';
import { categoricalKlReference, gumbelSoftmaxReference } from '../reference/gumbel_softmax.js';
import { bernoulliCrossEntropyReference } from '../reference/reduce.js';

export interface VaeReferenceNet {
  config: Required<VaeConfig>;
  /** Parameter values by name ('encoder0.weight' inputs x outputs, 'encoder0.bias', 'mean.weight', ...). */
  values: Record<string, ArrayLike<number>>;
}

export interface VaeReferenceLoss {
  /** Mean over the rows of reconstruction + beta * kl. */
  loss: number;
  /** Per row: -log p(x | z). */
  reconstruction: Float64Array;
  /** Per row: KL(q(z | x) || p(z)). */
  kl: Float64Array;
  /** rows x inputs: the decoder's logits of x. */
  logits: ArrayLike<number>;
}

/**
 * The loss of a batch of `rows` examples x (rows x inputs) with one draw each from `noise` (rows x
 * latent width: standard normals, or Gumbel variates for a categorical latent).
 */
export function vaeLossReference(net: VaeReferenceNet, x: ArrayLike<number>, rows: number, noise: ArrayLike<number>, o: { beta?: number; temperature?: number } = {}): VaeReferenceLoss {
  const { config, values } = net;
  const layer = (name: string, input: ArrayLike<number>, inputs: number, outputs: number, activation: VaeConfig['activation'] & string) =>
    denseReference(input, values[`${name}.weight`], values[`${name}.bias`], { rows, inputs, outputs }, activation);
  // 1. The encoder's hidden layers.
  let h: ArrayLike<number> = x;
  let width = config.inputs;
  config.hidden.forEach((w, i) => {
    h = layer(vaeEncoderName(i), h, width, w, config.activation);
    width = w;
  });
  // 2. The heads, the draw and the KL of each example.
  const latent = latentWidth(config.latent);
  let z: ArrayLike<number>;
  let kl: Float64Array;
  if (config.latent.kind === 'gaussian') {
    const mean = layer('mean', h, width, latent, 'identity');
    const logVar = layer('log_var', h, width, latent, 'identity');
    z = reparameterizeReference(mean, logVar, rows, latent, 1, noise).z;
    kl = gaussianKlReference(mean, logVar, rows, latent);
  } else {
    const { groups, classes } = config.latent;
    const logits = layer('logits', h, width, latent, 'identity');
    z = gumbelSoftmaxReference(logits, rows * groups, classes, o.temperature ?? 1, noise).y;
    const perGroup = categoricalKlReference(logits, rows * groups, classes);
    kl = Float64Array.from({ length: rows }, (_, r) => perGroup.slice(r * groups, (r + 1) * groups).reduce((a, b) => a + b, 0));
  }
  // 3. The decoder, mirroring the encoder, to the inputs' logits.
  const down = [latent, ...[...config.hidden].reverse(), config.inputs];
  let d: ArrayLike<number> = z;
  for (let i = 0; i + 1 < down.length; i++) d = layer(vaeDecoderName(i), d, down[i], down[i + 1], i + 2 === down.length ? 'identity' : config.activation);
  // 4. -log p(x | z) per example, and the batch mean of the loss.
  const reconstruction = bernoulliCrossEntropyReference(d, x, rows, config.inputs).losses;
  const beta = o.beta ?? 1;
  const loss = reconstruction.reduce((s, r, i) => s + r + beta * kl[i], 0) / rows;
  return { loss, reconstruction, kl, logits: d };
}

/**
 * The importance-weighted bound's loss of a gaussian VAE (models/vae_iwae.ts): per example `k` draws
 * from `noise` ((rows * k) x latent standard normals, draw after draw of each example), log w = log p(x |
 * z) + log p(z) - log q(z | x), and the mean over the rows of -log (1/k) sum_k w_k.
 */
export function iwaeLossReference(net: VaeReferenceNet, x: ArrayLike<number>, rows: number, k: number, noise: ArrayLike<number>): number {
  const { config, values } = net;
  if (config.latent.kind !== 'gaussian') throw new Error('iwae reference: a gaussian latent');
  const layer = (name: string, input: ArrayLike<number>, n: number, inputs: number, outputs: number, activation: VaeConfig['activation'] & string) =>
    denseReference(input, values[`${name}.weight`], values[`${name}.bias`], { rows: n, inputs, outputs }, activation);
  let h: ArrayLike<number> = x;
  let width = config.inputs;
  config.hidden.forEach((w, i) => {
    h = layer(vaeEncoderName(i), h, rows, width, w, config.activation);
    width = w;
  });
  const latent = config.latent.size;
  const { z, logRatio } = reparameterizeReference(layer('mean', h, rows, width, latent, 'identity'), layer('log_var', h, rows, width, latent, 'identity'), rows, latent, k, noise);
  const draws = rows * k;
  const down = [latent, ...[...config.hidden].reverse(), config.inputs];
  let d: ArrayLike<number> = z;
  for (let i = 0; i + 1 < down.length; i++) d = layer(vaeDecoderName(i), d, draws, down[i], down[i + 1], i + 2 === down.length ? 'identity' : config.activation);
  const targets = Float64Array.from({ length: draws * config.inputs }, (_, e) => x[Math.floor(e / (k * config.inputs)) * config.inputs + (e % config.inputs)]);
  const reconstruction = bernoulliCrossEntropyReference(d, targets, draws, config.inputs).losses;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const logW = Array.from({ length: k }, (_, s) => logRatio[r * k + s] - reconstruction[r * k + s]);
    const top = Math.max(...logW);
    loss -= top + Math.log(logW.reduce((sum, w) => sum + Math.exp(w - top), 0) / k);
  }
  return loss / rows;
}
