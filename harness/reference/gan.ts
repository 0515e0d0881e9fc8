// The GAN losses (engine/ops/gan_loss.ts) in float64: each row's loss of the discriminator's outputs
// r (on a real example) and f (on a generated one), for tests and their central differences.
import type { GanLoss } from '../../engine/ops/gan_loss.js';
import type { DenseActivation } from '../../models/dense.js';
import { unaryDerivativeScalar } from './elementwise.js';
import { activate } from './gemm.js';

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** The discriminator's loss of one row. */
export function discriminatorLoss(loss: GanLoss, r: number, f: number): number {
  switch (loss) {
    case 'minimax':
    case 'ns':
      return softplus(-r) + softplus(f);
    case 'ls':
      return 0.5 * (r - 1) ** 2 + 0.5 * f ** 2;
    case 'wgan':
      return f - r;
    case 'hinge':
      return Math.max(0, 1 - r) + Math.max(0, 1 + f);
  }
}

/** The generator's loss of one row. */
export function generatorLoss(loss: GanLoss, f: number): number {
  switch (loss) {
    case 'minimax':
      return -softplus(f);
    case 'ns':
      return softplus(-f);
    case 'ls':
      return 0.5 * (f - 1) ** 2;
    case 'wgan':
    case 'hinge':
      return -f;
  }
}

/** WGAN-GP's penalty of one row of input gradients: lambda (||g|| - 1)^2. */
export function gradientPenalty(g: ArrayLike<number>, lambda: number): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return lambda * (Math.sqrt(s) - 1) ** 2;
}

/** A dense layer in float64: weight inputs x outputs (row-major), bias, activation. */
export interface DenseReference {
  weight: ArrayLike<number>;
  bias: ArrayLike<number>;
  inputs: number;
  outputs: number;
  activation: DenseActivation;
}

const act = (a: DenseActivation, z: number) => activate(z, a);
/** The activation's derivative at z, from its output as the GPU's backward takes it. */
const slope = (a: DenseActivation, z: number) => (a === 'identity' ? 1 : unaryDerivativeScalar(a, act(a, z)));

/**
 * A stack of dense layers with one output, on one input row x: the output and its gradient with
 * respect to x (the chain rule through each layer in float64).
 */
export function criticReference(layers: readonly DenseReference[], x: ArrayLike<number>): { output: number; inputGrad: number[] } {
  let a = Array.from(x);
  const zs: number[][] = [];
  for (const l of layers) {
    const z = Array.from({ length: l.outputs }, (_, o) => l.bias[o] + a.reduce((s, v, i) => s + v * l.weight[i * l.outputs + o], 0));
    zs.push(z);
    a = z.map((v) => act(l.activation, v));
  }
  // Back from d(output)/d(output) = 1 through each layer: d/dz = d/da * act'(z), d/da_prev = W d/dz.
  let d = [1];
  for (let k = layers.length - 1; k >= 0; k--) {
    const l = layers[k];
    const dz = d.map((v, o) => v * slope(l.activation, zs[k][o]));
    d = Array.from({ length: l.inputs }, (_, i) => dz.reduce((s, v, o) => s + v * l.weight[i * l.outputs + o], 0));
  }
  return { output: a[0], inputGrad: d };
}
