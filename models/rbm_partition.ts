// An RBM's partition function Z = sum_v sum_h exp(-E(v, h)), two ways, on the GPU:
// - exact, for up to 24 hidden units: the visible units summed (or integrated) in closed form for each
//   hidden state h,
//     Bernoulli: log Z = logsumexp_h [ c.h + sum_i softplus(b_i + (Wh)_i) ]
//     Gaussian:  log Z = n/2 log 2 pi + logsumexp_h [ c.h + |b + Wh|^2 / 2 - |b|^2 / 2 ]
//   the hidden states as binary codes, a block per graph repetition, each block's log-sum-exp into a
//   series slot, and the slots combined on the host in float64;
// - by annealed importance sampling (Salakhutdinov & Murray 2008, "On the quantitative analysis of
//   deep belief networks"): runs start from a base-rate model (W = 0, the data's marginals in the
//   visible biases, whose log Z is known) and pass through the distributions
//     p_k(v) ∝ exp((1 - beta_k) vis_A(v) + beta_k vis(v)) prod_j (1 + exp(beta_k (c_j + (vW)_j)))
//   (vis(v) = b.v, or -|v - b|^2 / 2 for Gaussian units) by one Gibbs transition each, the log
//   importance weight gaining log p*_k(v) - log p*_(k-1)(v) at every k. Then
//     log Z = log Z_A + log mean_r exp(log w_r),
//   the mean of the weights computed stably, and the standard error of log Z by the delta method,
//   std(w) / (sqrt(runs) mean(w)). The runs go in parallel, the betas in a table on the GPU
//   (engine/ops/anneal.ts), the whole schedule in a few submits.
import { InputError, KernelGraph, type RunContext } from '../engine/index.js';
import { addAnnealedLogWeight, addAnnealedSample, addBinaryCodes, addGemm, addReduce, addUnary } from '../engine/ops/index.js';
import { building } from './owned.js';
import { addRowSums, type Rbm } from './rbm.js';

/** The most hidden units an exact sum runs over (2^24 states: minutes on a CPU adapter, a second on a GPU). */
export const EXACT_MAX_HIDDEN = 24;

const LOG_2PI = Math.log(2 * Math.PI);

/** log(mean(exp(x))) in float64 with the largest term factored out, and the delta-method standard error of that log. */
export function logMeanExp(xs: ArrayLike<number>): { value: number; stderr: number } {
  const n = xs.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, xs[i]);
  if (!Number.isFinite(max)) return { value: max, stderr: NaN };
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(xs[i] - max);
    sum += w;
    squares += w * w;
  }
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (squares - n * mean * mean) / (n - 1)) : NaN;
  return { value: max + Math.log(mean), stderr: Math.sqrt(variance / n) / mean };
}

/** Both estimates sum the hidden units out as Bernoulli ones, with no label units: an InputError for others. */
function bernoulliHidden(rbm: Rbm, what: string): void {
  if (rbm.hiddenType !== 'bernoulli') throw new InputError(`${what}: implemented for Bernoulli hidden units; this RBM's are ${rbm.hiddenType}`);
  if (rbm.labels > 0) throw new InputError(`${what}: implemented for RBMs without label units; this one has ${rbm.labels}`);
}

/**
 * log Z summed over every hidden state on the GPU (at most EXACT_MAX_HIDDEN hidden units), in
 * blocks of `blockRows` states (default: as many as keep a block's visible inputs near 1 M numbers).
 *
 *   const logZ = await rbmExactLogZ(ctx, rbm);
 */
export async function rbmExactLogZ(ctx: RunContext, rbm: Rbm, o: { blockRows?: number } = {}): Promise<number> {
  const { visible, hidden } = rbm;
  bernoulliHidden(rbm, 'rbm exact log Z');
  if (hidden > EXACT_MAX_HIDDEN) throw new InputError(`rbm exact log Z: ${hidden} hidden units are more than ${EXACT_MAX_HIDDEN} (2^${hidden} states); use AIS`);
  const states = 2 ** hidden;
  const fit = 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, 2 ** 20 / visible))));
  const rows = Math.min(states, o.blockRows ?? fit);
  if (!(Number.isInteger(rows) && rows > 0 && states % rows === 0)) throw new InputError(`rbm exact log Z: blockRows = ${rows} must divide the 2^${hidden} hidden states`);
  const blocks = states / rows;
  const gaussian = rbm.visibleType === 'gaussian';
  return building(async (owned) => {
    const graph = new KernelGraph('rbm.exact_log_z');
    const codes = await owned.add(ctx.pool.tensor('rbm exact hidden states', 'f32', [rows, hidden]));
    const y = await owned.add(ctx.pool.tensor('rbm exact visible inputs', 'f32', [rows, visible]));
    const terms = await owned.add(ctx.pool.tensor('rbm exact terms', 'f32', [rows]));
    const series = await owned.add(ctx.pool.tensor('rbm exact block log-sum-exps', 'f32', [blocks]));
    // The Gaussian integral's constant -|b|^2 / 2 rides on the c.h product as its bias.
    const b = new Float64Array(await rbm.visibleBias.value.read().then((bytes) => new Float32Array(bytes)));
    const constant = await owned.add(ctx.pool.tensor('rbm exact constant', 'f32', [1], { data: Float32Array.of(gaussian ? -b.reduce((s, x) => s + x * x, 0) / 2 : 0) }));
    // 1. The block's hidden states, b + W h for each.
    await owned.add(addBinaryCodes(graph, ctx, { output: codes, rows, bits: hidden }));
    await owned.add(addGemm(graph, ctx, { a: codes, b: rbm.weights.value, c: y, m: rows, n: visible, k: hidden, transB: true, bias: rbm.visibleBias.value }));
    // 2. c.h plus the constant, then the visible units summed out: sum softplus(y) (Bernoulli) or |y|^2 / 2 (Gaussian).
    await owned.add(addGemm(graph, ctx, { a: codes, b: rbm.hiddenBias.value, c: terms, m: rows, n: 1, k: hidden, bias: constant }));
    await owned.add(addUnary(graph, ctx, { op: gaussian ? 'square' : 'softplus', x: y, out: y }));
    await owned.add(addRowSums(graph, ctx, { x: y, rows, cols: visible, out: terms, alpha: gaussian ? 0.5 : 1, beta: 1 }));
    // 3. The block's log-sum-exp into its slot.
    await owned.add(addReduce(graph, ctx, { op: 'logsumexp', per: 'all', x: terms, out: series, series: {} }));
    await ctx.scheduler.run(graph, { repeat: blocks });
    const logs = new Float32Array(await series.read());
    const { value } = logMeanExp(logs);
    owned.release();
    // logsumexp = log mean exp + log count; the Gaussian integral's (2 pi)^(n/2).
    return value + Math.log(blocks) + (gaussian ? (visible / 2) * LOG_2PI : 0);
  });
}

/** Salakhutdinov & Murray's schedule: beta in steps of 1e-3 to 0.5, 1e-4 to 0.9, 1e-5 to 1 (500 + 4,000 + 10,000 intermediate steps). */
const SCHEDULE_SEGMENTS: ReadonlyArray<{ to: number; steps: number }> = [
  { to: 0.5, steps: 500 },
  { to: 0.9, steps: 4000 },
  { to: 1, steps: 10000 },
];

/** The number of transitions of the default schedule (14,500). */
export const AIS_DEFAULT_STEPS = SCHEDULE_SEGMENTS.reduce((s, x) => s + x.steps, 0);

/**
 * The inverse temperatures 0 = beta_0 < ... < beta_K = 1: Salakhutdinov & Murray's by default
 * (K = 14,500), or with K = `steps` their three segments kept in proportion (each at least one step),
 * each evenly spaced.
 *
 *   aisBetas();     // 14,501 betas
 *   aisBetas(290);  // 10 + 80 + 200 steps: 291 betas
 */
export function aisBetas(steps = AIS_DEFAULT_STEPS): Float64Array {
  if (!(Number.isInteger(steps) && steps >= SCHEDULE_SEGMENTS.length)) throw new InputError(`rbm ais: ${steps} steps; the schedule needs an integer of at least ${SCHEDULE_SEGMENTS.length}`);
  const counts = SCHEDULE_SEGMENTS.map((s) => Math.max(1, Math.round((s.steps / AIS_DEFAULT_STEPS) * steps)));
  counts[counts.length - 1] = Math.max(1, steps - counts.slice(0, -1).reduce((a, b) => a + b, 0));
  const betas = [0];
  let from = 0;
  SCHEDULE_SEGMENTS.forEach((s, i) => {
    for (let t = 1; t <= counts[i]; t++) betas.push(from + ((s.to - from) * t) / counts[i]);
    from = s.to;
  });
  return Float64Array.from(betas);
}

/**
 * The base-rate model's visible biases from the training data's mean of each unit: for Bernoulli
 * units log(p / (1 - p)) with Salakhutdinov & Murray's smoothing p = (mean + 0.05) / 1.05 (their
 * (count + 5 per batch of 100) / (cases + 5 per batch)), which keeps the base broader than the data;
 * for Gaussian units the means themselves.
 *
 *   const base = aisBaseBiases('bernoulli', pixelMeans(images, count, 784));
 */
export function aisBaseBiases(visibleType: Rbm['visibleType'], means: ArrayLike<number>): Float64Array {
  if (visibleType === 'gaussian') return Float64Array.from(means);
  return Float64Array.from(means, (m) => {
    const p = (m + 0.05) / 1.05;
    return Math.log(p / (1 - p));
  });
}

/** log Z of the base-rate model: sum_i softplus(b_A,i) + hidden log 2 (Bernoulli), or n/2 log 2 pi + hidden log 2 (Gaussian). */
export function aisBaseLogZ(visibleType: Rbm['visibleType'], base: ArrayLike<number>, hidden: number): number {
  const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const visible = visibleType === 'gaussian' ? (base.length / 2) * LOG_2PI : Array.from(base).reduce((s, x) => s + softplus(x), 0);
  return visible + hidden * Math.LN2;
}

export interface RbmAisOptions {
  /** Independent runs, in parallel (default 100). */
  runs?: number;
  /** The betas (0 first, 1 last, increasing), or the number of transitions of the default schedule (aisBetas). */
  betas?: ArrayLike<number> | number;
  /** The base-rate model's visible biases (aisBaseBiases). */
  base: ArrayLike<number>;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RbmAisResult {
  logZ: number;
  /** The standard error of logZ: std(w) / (sqrt(runs) mean(w)). */
  logZStderr: number;
  logZBase: number;
  /** Each run's log importance weight. */
  logWeights: Float64Array;
  runs: number;
  /** Transitions (intermediate distributions) per run. */
  steps: number;
}

/** Checks a beta table: starts at 0, ends at 1, increases, each value an f32 as the GPU holds it. */
function betaTable(betas: ArrayLike<number> | number | undefined): Float32Array {
  const table = Float32Array.from(typeof betas === 'number' || betas === undefined ? aisBetas(betas) : betas);
  const increasing = table.every((b, i) => i === 0 || b > table[i - 1]);
  if (table.length < 2 || table[0] !== 0 || table[table.length - 1] !== 1 || !increasing) {
    throw new InputError('rbm ais: betas must increase from 0 to 1 (as f32 values, so neighbours must differ in f32)');
  }
  return table;
}

/**
 * Estimates log Z by annealed importance sampling: `runs` runs through the betas, one submit per 256
 * transitions, then the log-mean-exp of the weights on the host.
 *
 *   const base = aisBaseBiases(rbm.visibleType, pixelMeans(images, count, rbm.visible));
 *   const { logZ, logZStderr } = await rbmAis(ctx, rbm, { runs: 100, base, seed: 1 });
 */
export async function rbmAis(ctx: RunContext, rbm: Rbm, o: RbmAisOptions): Promise<RbmAisResult> {
  const runs = o.runs ?? 100;
  bernoulliHidden(rbm, 'rbm ais');
  if (!(Number.isInteger(runs) && runs >= 2)) throw new InputError(`rbm ais: runs = ${runs} must be an integer >= 2 (a standard error needs two)`);
  if (o.base.length !== rbm.visible) throw new InputError(`rbm ais: ${o.base.length} base biases for ${rbm.visible} visible units`);
  const table = betaTable(o.betas);
  const steps = table.length - 1;
  const { visible, hidden, visibleType } = rbm;
  const gaussian = visibleType === 'gaussian';
  const baseValues = Float32Array.from(o.base);
  // The log weight's linear part per unit of beta: v.(b - b_A) (+ (|b_A|^2 - |b|^2) / 2 for Gaussian units).
  const b = new Float32Array(await rbm.visibleBias.value.read());
  const difference = b.map((x, i) => x - baseValues[i]);
  const squares = (xs: Float32Array) => xs.reduce((s, x) => s + x * x, 0);
  const linearConstant = gaussian ? (squares(baseValues) - squares(b)) / 2 : 0;
  return building(async (owned) => {
    const tensor = (label: string, shape: number[], data?: Float32Array) => owned.add(ctx.pool.tensor(`rbm ais ${label}`, 'f32', shape, data ? { data } : {}));
    const betas = await tensor('betas', [table.length], table);
    const base = await tensor('base biases', [visible], baseValues);
    const d = await tensor('b - base', [visible], difference);
    const e = await tensor('linear constant', [1], Float32Array.of(linearConstant));
    const v = await tensor('v', [runs, visible]);
    const y = await tensor('b + W h', [runs, visible]);
    const h = await tensor('h', [runs, hidden]);
    const x = await tensor('c + v W', [runs, hidden]);
    const linear = await tensor('linear', [runs]);
    const logWeights = await tensor('log weights', [runs, 2]);
    const distribution = gaussian ? 'gaussian' : 'bernoulli';
    const seed = o.seed;
    // The first states: the base model's draw (beta_0 = 0, so the zeros of y do not matter).
    const start = new KernelGraph('rbm.ais.start');
    await owned.add(addAnnealedSample(start, ctx, { distribution, x: y, base, output: v, rows: runs, cols: visible, betas, betaIndex: 0, seed, step: 0, call: 2 }));
    await ctx.scheduler.run(start);
    // Transition k = 1 .. K at repetition k - 1: the weight's increment at the current v, then T_k.
    const graph = new KernelGraph('rbm.ais');
    await owned.add(addGemm(graph, ctx, { a: v, b: rbm.weights.value, c: x, m: runs, n: hidden, k: visible, bias: rbm.hiddenBias.value }));
    await owned.add(addGemm(graph, ctx, { a: v, b: d, c: linear, m: runs, n: 1, k: visible, bias: e }));
    await owned.add(addAnnealedLogWeight(graph, ctx, { x, linear, logWeights, rows: runs, cols: hidden, betas, betaIndex: 1 }));
    await owned.add(addAnnealedSample(graph, ctx, { distribution: 'bernoulli', x, output: h, rows: runs, cols: hidden, betas, betaIndex: 1, seed, step: 0, call: 0 }));
    await owned.add(addGemm(graph, ctx, { a: h, b: rbm.weights.value, c: y, m: runs, n: visible, k: hidden, transB: true, bias: rbm.visibleBias.value }));
    await owned.add(addAnnealedSample(graph, ctx, { distribution, x: y, base, output: v, rows: runs, cols: visible, betas, betaIndex: 1, seed, step: 0, call: 1 }));
    await ctx.scheduler.run(graph, { repeat: steps, onProgress: o.onProgress });
    const sums = new Float32Array(await logWeights.read());
    owned.release();
    // Kahan: the sum less its compensation.
    const weights = Float64Array.from({ length: runs }, (_, r) => sums[2 * r] - sums[2 * r + 1]);
    const logZBase = aisBaseLogZ(visibleType, baseValues, hidden);
    const mean = logMeanExp(weights);
    return { logZ: logZBase + mean.value, logZStderr: mean.stderr, logZBase, logWeights: weights, runs, steps };
  });
}
