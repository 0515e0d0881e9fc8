// A sigmoid belief net (models/sbn.ts) in float64 on the host, for tests: log p(x, h) and log q(h | x)
// of given binary values, and by enumerating every hidden configuration (tiny nets only) the exact
// log p(x), the exact ELBO E_q[log p(x, h) - log q(h | x)] and its exact gradient with respect to the
// recognition network's logits (the score-function identity: sum_h q(h | x) l(h) d log q(h | x)).
import { sbnGenName, sbnRecName, SBN_PRIOR, type SbnConfig } from '../../models/sbn.js';

export interface SbnReferenceNet {
  config: Required<SbnConfig>;
  /** Parameter values by name ('gen0.weight' [inputs of the layer, outputs], 'gen0.bias', 'prior.bias', ...). */
  values: Record<string, ArrayLike<number>>;
}

const softplus = (a: number) => (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)));
const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/** The logits x W + b of one row x through layer `name`. */
export function layerLogits(net: SbnReferenceNet, name: string, x: ArrayLike<number>): Float64Array {
  const w = net.values[`${name}.weight`];
  const b = net.values[`${name}.bias`];
  const outputs = b.length;
  return Float64Array.from({ length: outputs }, (_, j) => {
    let s = b[j];
    for (let i = 0; i < x.length; i++) s += x[i] * w[i * outputs + j];
    return s;
  });
}

/** log of the Bernoulli probability of binary `h` under `logits`. */
export const bernoulliLogProb = (logits: ArrayLike<number>, h: ArrayLike<number>): number => Array.from(logits).reduce((s, a, j) => s + h[j] * a - softplus(a), 0);

/** log p(x, h) with hs = [x, h_1, ..., h_L]. */
export function logJoint(net: SbnReferenceNet, hs: ReadonlyArray<ArrayLike<number>>): number {
  const L = net.config.hidden.length;
  let total = bernoulliLogProb(net.values[SBN_PRIOR], hs[L]);
  for (let l = 0; l < L; l++) total += bernoulliLogProb(layerLogits(net, sbnGenName(l), hs[l + 1]), hs[l]);
  return total;
}

/** log q(h | x) with hs = [x, h_1, ..., h_L]. */
export function logRecognition(net: SbnReferenceNet, hs: ReadonlyArray<ArrayLike<number>>): number {
  let total = 0;
  for (let l = 1; l < hs.length; l++) total += bernoulliLogProb(layerLogits(net, sbnRecName(l - 1), hs[l - 1]), hs[l]);
  return total;
}

/** Every hidden configuration [h_1, ..., h_L] of the net (2^(sum of widths) of them). */
function* configurations(hidden: readonly number[]): Generator<number[][]> {
  const bits = hidden.reduce((a, b) => a + b, 0);
  for (let code = 0; code < 2 ** bits; code++) {
    let shift = 0;
    yield hidden.map((w) => {
      const h = Array.from({ length: w }, (_, j) => (code >> (shift + j)) & 1);
      shift += w;
      return h;
    });
  }
}

/** The exact log p(x) (log-sum-exp over every h). */
export function exactLogPx(net: SbnReferenceNet, x: ArrayLike<number>): number {
  const terms = [...configurations(net.config.hidden)].map((h) => logJoint(net, [x, ...h]));
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
}

/**
 * The exact ELBO of x and its gradient with respect to the first recognition layer's bias (rec0.bias):
 * d ELBO / d r_j = sum_h q(h | x) (log p(x, h) - log q(h | x)) (h_1j - sigmoid(a_1j)).
 */
export function exactElbo(net: SbnReferenceNet, x: ArrayLike<number>): { elbo: number; recBiasGradient: Float64Array } {
  const a1 = layerLogits(net, sbnRecName(0), x);
  const gradient = new Float64Array(a1.length);
  let elbo = 0;
  for (const h of configurations(net.config.hidden)) {
    const hs = [x, ...h];
    const logQ = logRecognition(net, hs);
    const q = Math.exp(logQ);
    const l = logJoint(net, hs) - logQ;
    elbo += q * l;
    a1.forEach((a, j) => (gradient[j] += q * l * (h[0][j] - sigmoid(a))));
  }
  return { elbo, recBiasGradient: gradient };
}
