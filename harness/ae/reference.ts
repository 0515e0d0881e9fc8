// The autoencoder's loss in float64 (models/autoencoder.ts), for central differences of every
// parameter's gradient: dense layers as the MLP's reference (a tied decoder layer reads its encoder
// layer's weight transposed), the mean Bernoulli cross-entropy against the clean input, and the
// contractive penalty lambda * mean over the rows of ||dh/dx||_F^2 of a one-layer sigmoid code.
import { aeDecoderName, aeEncoderName, type AutoencoderConfig } from '../../models/autoencoder.js';
import { denseReference } from '../mlp/reference.js';
import { bernoulliCrossEntropyReference } from '../reference/reduce.js';

export interface AutoencoderReferenceNet {
  config: Required<AutoencoderConfig>;
  /** Parameter values by name ('encoder0.weight' inputs x outputs, 'encoder0.bias', 'decoder0.bias', ...). */
  values: Record<string, ArrayLike<number>>;
}

/** A rows x cols matrix transposed (row-major both). */
function transpose(m: ArrayLike<number>, rows: number, cols: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, (_, i) => m[(i % rows) * cols + Math.floor(i / rows)]);
}

/**
 * Each encoder layer's output for an input, the last being the code; `codeNoise` (rows x code) is
 * added to the code layer's input before its activation, as training with code noise does.
 */
export function encodeReference(net: AutoencoderReferenceNet, input: ArrayLike<number>, rows: number, codeNoise?: ArrayLike<number>): ArrayLike<number>[] {
  const { layers, activation, codeActivation } = net.config;
  const n = layers.length - 1;
  const out: ArrayLike<number>[] = [];
  let h = input;
  for (let i = 0; i < n; i++) {
    const dims = { rows, inputs: layers[i], outputs: layers[i + 1] };
    const [w, bias] = [net.values[`${aeEncoderName(i)}.weight`], net.values[`${aeEncoderName(i)}.bias`]];
    const act = i === n - 1 ? codeActivation : activation;
    if (i === n - 1 && codeNoise) {
      const z = denseReference(h, w, bias, dims, 'identity');
      h = denseReference(Float64Array.from(z, (v, e) => v + codeNoise[e]), identityOf(dims.outputs), new Float64Array(dims.outputs), { ...dims, inputs: dims.outputs }, act);
    } else {
      h = denseReference(h, w, bias, dims, act);
    }
    out.push(h);
  }
  return out;
}

/** The n x n identity, row-major: a dense layer that only applies its activation. */
function identityOf(n: number): Float64Array {
  return Float64Array.from({ length: n * n }, (_, e) => (Math.floor(e / n) === e % n ? 1 : 0));
}

/**
 * The training loss of a batch: the encoder reads `corrupted` (the clean x without noise), with
 * `codeNoise` added before the code's activation, the cross-entropy compares the reconstruction's logits with x, plus lambda times the mean penalty
 * sum_j (h_j (1 - h_j))^2 sum_i W_ij^2 of the code h = sigmoid(x~ W + b) when lambda > 0.
 */
export function autoencoderLossReference(net: AutoencoderReferenceNet, x: ArrayLike<number>, corrupted: ArrayLike<number>, rows: number, lambda = 0, codeNoise?: ArrayLike<number>): { loss: number; crossEntropy: number; penalty: number } {
  const { layers, activation, tied } = net.config;
  const n = layers.length - 1;
  // 1. The encoder.
  const code = encodeReference(net, corrupted, rows, codeNoise)[n - 1];
  // 2. The decoder: layer i maps layers[n - i] to layers[n - 1 - i], the last to logits.
  let d = code;
  for (let i = 0; i < n; i++) {
    const [inputs, outputs] = [layers[n - i], layers[n - 1 - i]];
    const w = tied ? transpose(net.values[`${aeEncoderName(n - 1 - i)}.weight`], outputs, inputs) : net.values[`${aeDecoderName(i)}.weight`];
    d = denseReference(d, w, net.values[`${aeDecoderName(i)}.bias`], { rows, inputs, outputs }, i === n - 1 ? 'identity' : activation);
  }
  // 3. The mean cross-entropy against the clean input.
  const crossEntropy = bernoulliCrossEntropyReference(d, x, rows, layers[0]).losses.reduce((a, b) => a + b, 0) / rows;
  // 4. The penalty: for h = sigmoid(z), dh_j/dx_i = h_j (1 - h_j) W_ij.
  let penalty = 0;
  if (lambda > 0) {
    const [inputs, width] = [layers[0], layers[1]];
    const w = net.values[`${aeEncoderName(0)}.weight`];
    for (let j = 0; j < width; j++) {
      let omega = 0;
      for (let i = 0; i < inputs; i++) omega += w[i * width + j] ** 2;
      for (let r = 0; r < rows; r++) penalty += (code[r * width + j] * (1 - code[r * width + j])) ** 2 * omega;
    }
    penalty /= rows;
  }
  return { loss: crossEntropy + lambda * penalty, crossEntropy, penalty };
}
