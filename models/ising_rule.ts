// The flip rule of the Ising kernels, computed once on the host in float64 (shaders/ising_common.wgsl).
// A site's class is c = 5*s + u (s = 1 for spin +1, u = number of +1 neighbours). Each class gets a
// flip probability p, quantized to t = round(p * 2^32): the site flips when c is an "always" class
// (t would be 2^32) or when a uniform u32 is below t. Integer comparisons only, so every adapter, Node
// and the browser make the same decisions for the same random words.

export type IsingAlgorithm = 'heatbath' | 'metropolis' | 'multispin';
export const ISING_ALGORITHMS: readonly IsingAlgorithm[] = ['heatbath', 'metropolis', 'multispin'];

export const CLASSES = 10;

export interface FlipRule {
  /** Threshold per class (u32). */
  threshold: Uint32Array;
  /** Bit c: class c always flips. */
  always: number;
  /** Classes with 0 < t < 2^32 grouped by equal threshold (for the bit-sliced comparator). */
  groups: { threshold: number; classes: number }[];
}

/** Energy change of flipping a spin of class c: dE = 2 s (J n + h), with s, n in +-1 units. */
export function flipEnergy(c: number, coupling: number, field: number): number {
  const spin = c >= 5 ? 1 : -1;
  const up = c % 5;
  const neighbourSum = 2 * up - 4;
  return 2 * spin * (coupling * neighbourSum + field);
}

/**
 * Flip probabilities: heat-bath sets s = +1 with probability 1/(1 + exp(-2 beta (J n + h))), which
 * as a flip probability is 1/(1 + exp(beta dE)); Metropolis flips with min(1, exp(-beta dE)).
 * Multispin uses Metropolis.
 */
export function flipProbability(algorithm: IsingAlgorithm, c: number, temperature: number, coupling: number, field: number): number {
  const betaDE = flipEnergy(c, coupling, field) / temperature;
  if (algorithm === 'heatbath') return 1 / (1 + Math.exp(betaDE));
  return betaDE <= 0 ? 1 : Math.exp(-betaDE);
}

export function flipRule(algorithm: IsingAlgorithm, temperature: number, coupling: number, field: number): FlipRule {
  const threshold = new Uint32Array(CLASSES);
  let always = 0;
  const groups: { threshold: number; classes: number }[] = [];
  for (let c = 0; c < CLASSES; c++) {
    const t = Math.round(flipProbability(algorithm, c, temperature, coupling, field) * 2 ** 32);
    if (t >= 2 ** 32) {
      always |= 1 << c;
      threshold[c] = 0xffffffff;
      continue;
    }
    threshold[c] = t;
    if (t === 0) continue;
    const group = groups.find((g) => g.threshold === t);
    if (group) group.classes |= 1 << c;
    else groups.push({ threshold: t, classes: 1 << c });
  }
  return { threshold, always, groups };
}

/** Does class c flip for random word r (u32)? The rule of every kernel and reference. */
export function flips(rule: FlipRule, c: number, r: number): boolean {
  return ((rule.always >> c) & 1) === 1 || r < rule.threshold[c];
}
