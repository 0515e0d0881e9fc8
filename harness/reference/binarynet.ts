// BinaryNet in float64 (models/binarynet.ts, models/binarynet_inference.ts): a training step's
// forward and backward pass with the straight-through estimators, and inference by the integer sums
// of the folded network, as plain loops.
import type { HostLayer } from '../../models/binarynet_inference.js';
import { batchNormBackwardReference, batchNormInferReference, batchNormTrainReference } from './batch_norm.js';
import { gemmReference } from './gemm.js';
import { squareHingeReference } from './reduce.js';

/** A layer's values: W_r (inputs x outputs), batch norm's gamma, beta and running statistics (the model's own type). */
export type BinaryLayerReference = HostLayer;

export interface BinaryNetReferenceOptions {
  eps: number;
  shift: boolean;
  binaryActivations: boolean;
}

const sign = (v: number) => (v >= 0 ? 1 : -1);

/** op(A) op(B) in float64 (gemm.ts's reference). */
const product = (a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number, o: { transA?: boolean; transB?: boolean } = {}) => gemmReference(a, b, null, { m, n, k, ...o }).c;

/**
 * One training step without dropout and with deterministic weights: scores (the last layer's batch
 * norm with the batch's statistics), the square hinge loss's gradient of the mean, and every
 * parameter's gradient: dW_r = h' dz through W_b = Sign(W_r), dh = dz W_b', and through Sign the
 * straight-through 1_{|a| <= 1} (ReLU's derivative for BinaryConnect).
 */
export function binaryNetStepReference(layers: readonly BinaryLayerReference[], x: ArrayLike<number>, labels: ArrayLike<number>, rows: number, o: BinaryNetReferenceOptions) {
  const inputs: Float64Array[] = [Float64Array.from(x)];
  const products: Float64Array[] = [];
  const normed: Float64Array[] = [];
  for (const [i, l] of layers.entries()) {
    const z = product(inputs[i], Float64Array.from(l.weight, sign), rows, l.outputs, l.inputs);
    const y = batchNormTrainReference(z, rows, l.outputs, l, { eps: o.eps, momentum: 0.1, shift: o.shift }).y;
    products.push(z);
    normed.push(y);
    if (i < layers.length - 1) inputs.push(y.map((v) => (o.binaryActivations ? sign(v) : Math.max(0, v))));
  }
  const last = layers.length - 1;
  const scores = normed[last];
  const hinge = squareHingeReference(scores, labels, rows, layers[last].outputs, 1 / rows);
  const grads: Array<{ weight: Float64Array; gamma: Float64Array; beta: Float64Array }> = [];
  let dy = hinge.grad;
  for (let i = last; i >= 0; i--) {
    const l = layers[i];
    const bn = batchNormBackwardReference(dy, products[i], rows, l.outputs, l.gamma, { eps: o.eps, shift: o.shift });
    const h = inputs[i];
    grads[i] = { weight: product(h, bn.dx, l.inputs, l.outputs, rows, { transA: true }), gamma: bn.dGamma, beta: bn.dBeta };
    if (i === 0) break;
    const dh = product(bn.dx, Float64Array.from(l.weight, sign), rows, l.inputs, l.outputs, { transB: true });
    const a = normed[i - 1];
    dy = dh.map((g, e) => g * (o.binaryActivations ? (Math.abs(a[e]) <= 1 ? 1 : 0) : a[e] > 0 ? 1 : 0));
  }
  return { scores, losses: hinge.losses, grads };
}

/**
 * Inference by the definition: integer sums of Sign(W_r) products, each hidden unit +1 where its
 * batch norm (running statistics, float64) is >= 0, the last layer's sums through its batch norm.
 */
export function binaryNetInferReference(layers: readonly BinaryLayerReference[], x: ArrayLike<number>, rows: number, o: Omit<BinaryNetReferenceOptions, 'binaryActivations'>): Float64Array {
  let h = Float64Array.from(x);
  for (const [i, l] of layers.entries()) {
    const z = product(h, Float64Array.from(l.weight, sign), rows, l.outputs, l.inputs);
    const y = batchNormInferReference(z, rows, l.outputs, l, o);
    if (i === layers.length - 1) return y;
    h = y.map(sign);
  }
  throw new Error('binaryNetInferReference: no layers');
}
