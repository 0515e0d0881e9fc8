// Plain TypeScript Hopfield networks in float64, the reference for models/hopfield.ts: the couplings
// of both rules, and recall with the same orders (harness/reference/permute.ts), the same Philox words and
// the same observation rules (harness/reference/glauber.ts), so that with Hebbian couplings the GPU's
// states, outcomes and energies must agree exactly.
import { glauberThresholds } from '../../engine/ops/glauber.js';
import type { HopfieldRule, HopfieldUpdate, ProbeOutcome } from '../../models/hopfield.js';
import { invertSymmetric } from '../../models/linalg.js';
import { blockStart, glauberDecide, glauberEnergies, glauberFields, glauberSweep, glauberWord, type ChainsReference, type RuleReference } from '../reference/glauber.js';
import { permutationReference } from '../reference/permute.js';

export interface NetworkReference {
  units: number;
  count: number;
  rule: HopfieldRule;
  /** units x units: N W with diagonal P (Hebbian), or W (projection). */
  couplings: Float64Array;
  diag: Float64Array;
  scale: number;
}

/** J = sum_mu xi^mu xi^mu' (the diagonal is P), W = J / N. */
export function hebbianReference(xi: ArrayLike<number>, units: number): NetworkReference {
  const p = xi.length / units;
  const j = new Float64Array(units * units);
  // 1. The sum of outer products, every pattern in turn.
  for (let mu = 0; mu < p; mu++) {
    for (let a = 0; a < units; a++) for (let b = 0; b < units; b++) j[a * units + b] += xi[mu * units + a] * xi[mu * units + b];
  }
  return { units, count: p, rule: 'hebbian', couplings: j, diag: new Float64Array(units).fill(p), scale: 1 / units };
}

/** W = Xi' (Xi Xi')^-1 Xi, its diagonal kept (the Glauber rules leave it out of each field). */
export function projectionReference(xi: ArrayLike<number>, units: number): NetworkReference {
  const p = xi.length / units;
  // 1. The Gram matrix G = Xi Xi'.
  const g = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) for (let i = 0; i < units; i++) g[a * p + b] += xi[a * units + i] * xi[b * units + i];
  const k = invertSymmetric(g, p);
  if (!k) throw new Error('projectionReference: dependent patterns');
  // 2. W_ij = sum_ab xi_a,i K_ab xi_b,j.
  const w = new Float64Array(units * units);
  for (let i = 0; i < units; i++) {
    for (let j = 0; j < units; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s += xi[a * units + i] * k[a * p + b] * xi[b * units + j];
      w[i * units + j] = s;
    }
  }
  const diag = Float64Array.from({ length: units }, (_, i) => w[i * units + i]);
  return { units, count: p, rule: 'projection', couplings: w, diag, scale: 1 };
}

export interface RecallReferenceOptions {
  update: HopfieldUpdate;
  blocks: number;
  temperature: number;
  seed: number;
  steps: number;
}

/** The decision rule of models/hopfield.ts at temperature T (the table for Hebbian couplings). */
function ruleOf(net: NetworkReference, temperature: number): RuleReference {
  if (temperature === 0) return { kind: 'sign' };
  const gain = 2 * net.scale;
  if (net.rule === 'hebbian') return { kind: 'table', ...glauberThresholds(gain, temperature, net.count * (net.units - 1)) };
  return { kind: 'float', gain, temperature: () => temperature };
}

interface Progress {
  status: ProbeOutcome['status'];
  step: number;
  quiet: number;
}

/**
 * Recall of a batch of probes as models/hopfield.ts does it, `steps` steps (frozen probes stay as
 * they are): final states, outcomes, and the energies after 0 .. steps steps.
 */
export function recallReference(net: NetworkReference, probes: ArrayLike<number>, o: RecallReferenceOptions) {
  const n = net.units;
  const b = probes.length / n;
  const rule = ruleOf(net, o.temperature);
  const stream = { seed: o.seed, step: 0 };
  const detect = o.temperature > 0 ? 'none' : o.update === 'synchronous' ? 'cycles' : 'fixed';
  const blocks = o.update === 'blocks' ? o.blocks : 1;
  const ch: ChainsReference = { chains: b, units: n, kind: 'spin', state: Float64Array.from(probes), fields: new Float64Array(b * n), diag: net.diag };
  const progress: Progress[] = Array.from({ length: b }, () => ({ status: 'running', step: 0, quiet: 0 }));
  const energies: number[] = [];
  let changed = new Array<boolean>(b).fill(false);
  let differs = new Array<boolean>(b).fill(false);
  const running = (c: number) => progress[c].status === 'running';

  // An observation of slot t: the energy, and (t >= 1) the outcome of the step before.
  const observe = (t: number) => {
    energies.push(...glauberEnergies(ch, net.scale));
    if (detect === 'none' || t === 0) return;
    for (let c = 0; c < b; c++) {
      const p = progress[c];
      if (p.status !== 'running') continue;
      p.quiet = changed[c] ? 0 : p.quiet + 1;
      if (p.quiet >= blocks && t % blocks === 0) Object.assign(p, { status: 'fixed', step: t - p.quiet });
      else if (detect === 'cycles' && t >= 2 && !differs[c]) Object.assign(p, { status: 'cycle', step: t - 2 });
    }
    changed = changed.map(() => false);
    differs = differs.map(() => false);
  };

  if (o.update === 'sequential') {
    ch.fields = glauberFields(ch.state, net.couplings, b, n);
    observe(0);
    for (let t = 0; t < o.steps; t++) {
      const order = permutationReference(n, o.seed, t);
      const flips = glauberSweep(ch, net.couplings, rule, stream, order, n, t, (c) => !running(c));
      changed = flips.map((f) => f > 0);
      observe(t + 1);
    }
  } else {
    const previous = Float64Array.from(probes);
    for (let t = 0; t <= o.steps; t++) {
      ch.fields = glauberFields(ch.state, net.couplings, b, n);
      observe(t);
      if (t === o.steps) break;
      const order = o.update === 'blocks' ? permutationReference(n, o.seed, Math.floor(t / blocks)) : Uint32Array.from({ length: n }, (_, i) => i);
      const lo = blockStart(t % blocks, n, blocks);
      const hi = blockStart((t % blocks) + 1, n, blocks);
      for (let c = 0; c < b; c++) {
        if (!running(c)) continue;
        // Every decision of the block from the fields of the state before, then the new states.
        const next = new Map<number, number>();
        for (let k = lo; k < hi; k++) {
          const i = order[k];
          const s = ch.state[c * n + i];
          next.set(i, glauberDecide(rule, 'spin', ch.fields[c * n + i] - net.diag[i] * s, glauberWord(stream, t, n, c, i), t));
        }
        for (const [i, v] of next) {
          const e = c * n + i;
          if (detect === 'cycles') {
            if (v !== previous[e]) differs[c] = true;
            previous[e] = ch.state[e];
          }
          if (v !== ch.state[e]) changed[c] = true;
          ch.state[e] = v;
        }
      }
    }
  }
  const outcomes: ProbeOutcome[] = progress.map((p) => (p.status === 'running' ? { status: 'running', step: o.steps } : { status: p.status, step: p.step }));
  return { states: Int8Array.from(ch.state), energies: Float64Array.from(energies), outcomes };
}
