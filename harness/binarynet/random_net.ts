// A BinaryNet with random trained values (Philox from a seed, the same on any adapter), for what needs
// a network but not a trained one: the benchmark's timing and the inference tests. Its running
// statistics sit near those of the sums each layer sees (the first layer: bytes 0..255 times +-1
// weights; the others: +-1 times +-1), so that its hidden units switch on some examples and off on others.
import type { ParamInit } from '../../engine/index.js';
import { initialValues } from '../../engine/params.js';
import type { HostLayer } from '../../models/binarynet_inference.js';

/** Layers of `widths` (inputs first) with random W_r in [-1, 1], gamma in [-2, 2], beta in [-1, 1] and matched running statistics. */
export function randomBinaryLayers(widths: readonly number[], seed: number): HostLayer[] {
  return widths.slice(1).map((outputs, i) => {
    const inputs = widths[i];
    // The sums' spread: a byte's is about 150, a +-1 activation's 1, times sqrt(inputs).
    const spread = (i === 0 ? 150 : 1) * Math.sqrt(inputs);
    const draw = (part: string, shape: number[], init: ParamInit) => initialValues(seed, { name: `layer${i}.${part}`, shape, init });
    const uniform = (part: string, shape: number[], bound: number) => draw(part, shape, { kind: 'uniform', low: -bound, high: bound });
    return {
      inputs,
      outputs,
      weight: uniform('weight', [inputs, outputs], 1),
      gamma: uniform('gamma', [outputs], 2),
      beta: uniform('beta', [outputs], 1),
      runningMean: uniform('running_mean', [outputs], spread),
      runningVar: draw('running_var', [outputs], { kind: 'uniform', low: 0.5 * spread * spread, high: 1.5 * spread * spread }),
    };
  });
}
