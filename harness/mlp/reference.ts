// Plain float64 references of the MLP's forward pass (models/dense.ts, models/mlp.ts): a dense layer
// as the GEMM reference with its bias and activation, dropout with the GPU's own mask (the Philox
// word of each element, harness/reference/sample.ts), and the mean softmax cross-entropy. The tests take
// central differences of these to check every backward pass.
import type { DenseActivation } from '../../models/dense.js';
import { gemmReference } from '../reference/gemm.js';
import { categoricalCrossEntropyReference } from '../reference/reduce.js';
import { dropoutReference } from '../reference/sample.js';

/** y = act(x W + b) for `rows` rows: x is rows x inputs, W inputs x outputs, b outputs, all row-major. */
export function denseReference(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  shape: { rows: number; inputs: number; outputs: number },
  activation: DenseActivation,
): Float64Array {
  return gemmReference(x, w, null, { m: shape.rows, n: shape.outputs, k: shape.inputs, bias: b, activation }).c;
}

/**
 * Inverted dropout in float64 with the kernel's mask: element e is kept when its Philox word (seed,
 * step = the op's step + the iteration, call) says so, and then scaled by f32(1 / keep) as on the GPU.
 */
export function dropoutForwardReference(x: ArrayLike<number>, keep: number, stream: { seed: number; step: number; call: number }): Float64Array {
  const { mask } = dropoutReference(x, keep, stream);
  const scale = Math.fround(1 / Math.fround(keep));
  return Float64Array.from({ length: x.length }, (_, e) => (mask[e] ? x[e] * scale : 0));
}

/** The mean over rows of -log softmax(z)[label] (rows x classes logits). */
export function meanCrossEntropyReference(logits: ArrayLike<number>, labels: ArrayLike<number>, rows: number, classes: number): number {
  return categoricalCrossEntropyReference(logits, labels, rows, classes).losses.reduce((a, b) => a + b, 0) / rows;
}

export interface MlpReference {
  /** Widths, input first. */
  layers: readonly number[];
  activation: DenseActivation;
  /** Per layer: the weight (inputs x outputs) and the bias, row-major. */
  weights: ArrayLike<number>[];
  biases: ArrayLike<number>[];
}

/**
 * The network's mean cross-entropy on a batch, as MlpTrainer's step computes it: each layer in turn
 * (the last without activation: logits), each hidden output dropped out with the stream of its
 * layer index (call) at `step` when `dropout` is given.
 */
export function mlpLossReference(
  net: MlpReference,
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  dropout?: { keep: number; seed: number; step: number },
): { loss: number; logits: Float64Array } {
  let input: ArrayLike<number> = x;
  const last = net.layers.length - 2;
  for (let i = 0; i <= last; i++) {
    const shape = { rows, inputs: net.layers[i], outputs: net.layers[i + 1] };
    // The layer, then (hidden layers, while training) dropout of its output.
    let y: Float64Array = denseReference(input, net.weights[i], net.biases[i], shape, i === last ? 'identity' : net.activation);
    if (dropout && i < last) y = dropoutForwardReference(y, dropout.keep, { seed: dropout.seed, step: dropout.step, call: i });
    input = y;
  }
  const classes = net.layers[net.layers.length - 1];
  return { loss: meanCrossEntropyReference(input, labels, rows, classes), logits: Float64Array.from(input) };
}
