// Plain float64 references of the RBM (models/rbm*.ts): energies, free energies, conditionals, exact
// partition functions and gradients by enumeration, the expected CD-k gradient (the k-step chain's
// transition matrix over the visible states), and one CD-k or PCD-k step with the GPU's own Philox
// draws. The annealing kernels' reference, for AIS, is harness/reference/anneal.ts.
// Label units (models/rbm.ts, a DBN's top RBM) are the last `labels` visible units of the reference,
// with one-hot states: the energy, free energy and statistics are then the joint (v, y) ones.
// Conventions as in models/rbm.ts: W is visible x hidden, row-major;
//   Bernoulli visible:  E(v, h) = -b.v - c.h - v'W h
//   Gaussian visible:   E(v, h) = |v - b|^2 / 2 - c.h - v'W h   (unit variance)
// Gradients are those of the negative log-likelihood (what the optimiser descends): model minus data.
import { sigmoid, softplus } from '../reference/elementwise.js';
import { logSumExp } from '../reference/reduce.js';
import { gumbelSoftmaxReference } from '../reference/gumbel_softmax.js';
import { bernoulliReference, gaussianReference, type StreamReference } from '../reference/sample.js';

export type RbmVisibleReference = 'bernoulli' | 'gaussian';

export interface RbmReference {
  visible: number;
  hidden: number;
  type: RbmVisibleReference;
  /** visible x hidden. */
  w: ArrayLike<number>;
  /** visible. */
  b: ArrayLike<number>;
  /** hidden. */
  c: ArrayLike<number>;
  /** The last `labels` of the visible units are a softmax group of label units (default 0: none). */
  labels?: number;
}

/** Parameters' gradients, shaped as the model's. */
export interface RbmGradient {
  w: Float64Array;
  b: Float64Array;
  c: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** The bits of `n` as a vector of `length` 0 / 1 values, least significant first (the codes kernel's layout). */
export function bitsOf(n: number, length: number): Float64Array {
  return Float64Array.from({ length }, (_, j) => Math.floor(n / 2 ** j) % 2);
}

/** c + v W: each hidden unit's total input. */
export function hiddenInput(m: RbmReference, v: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(m.c);
  for (let i = 0; i < m.visible; i++) {
    if (v[i] === 0) continue;
    for (let j = 0; j < m.hidden; j++) x[j] += v[i] * m.w[i * m.hidden + j];
  }
  return x;
}

/** b + W h: each visible unit's total input (Bernoulli) or mean (Gaussian). */
export function visibleInput(m: RbmReference, h: ArrayLike<number>): Float64Array {
  const y = Float64Array.from(m.b);
  for (let i = 0; i < m.visible; i++) {
    for (let j = 0; j < m.hidden; j++) y[i] += m.w[i * m.hidden + j] * h[j];
  }
  return y;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** The visible units' own term of -E: b.v (Bernoulli) or -|v - b|^2 / 2 (Gaussian). */
function visibleTerm(m: RbmReference, v: ArrayLike<number>): number {
  if (m.type === 'bernoulli') return dot(m.b, v);
  let s = 0;
  for (let i = 0; i < m.visible; i++) s += (v[i] - m.b[i]) ** 2;
  return -s / 2;
}

/** E(v, h). */
export function energyReference(m: RbmReference, v: ArrayLike<number>, h: ArrayLike<number>): number {
  // -E = visible term + c.h + v'W h; v'W h = (vW).h, and c + vW is the hidden input.
  return -(visibleTerm(m, v) + dot(hiddenInput(m, v), h));
}

/** F(v) = -log sum_h exp(-E(v, h)) = -(visible term) - sum_j softplus(c_j + (vW)_j). */
export function freeEnergyReference(m: RbmReference, v: ArrayLike<number>): number {
  let s = 0;
  for (const x of hiddenInput(m, v)) s += softplus(x);
  return -visibleTerm(m, v) - s;
}

/**
 * log Z by the sum over hidden states, the visible units summed (Bernoulli: prod_i (1 + e^(b_i +
 * (Wh)_i))) or integrated (Gaussian: (2 pi)^(n/2) e^(|b + Wh|^2 / 2 - |b|^2 / 2)) in closed form.
 */
export function logZByHidden(m: RbmReference): number {
  const terms = new Float64Array(2 ** m.hidden);
  const bb = dot(m.b, m.b);
  for (let n = 0; n < terms.length; n++) {
    const h = bitsOf(n, m.hidden);
    const y = visibleInput(m, h);
    let t = dot(m.c, h);
    if (m.type === 'bernoulli') for (const yi of y) t += softplus(yi);
    else t += dot(y, y) / 2 - bb / 2 + (m.visible / 2) * LOG_2PI;
    terms[n] = t;
  }
  return logSumExp(terms);
}

/** log Z of a Bernoulli RBM by brute force: -E(v, h) for every one of the 2^(visible + hidden) joint states. */
export function logZBruteForce(m: RbmReference): number {
  if (m.type !== 'bernoulli') throw new Error('logZBruteForce: Bernoulli visible units only (Gaussian ones have no finite sum)');
  const terms = new Float64Array(2 ** (m.visible + m.hidden));
  for (let n = 0; n < terms.length; n++) terms[n] = -energyReference(m, bitsOf(n % 2 ** m.visible, m.visible), bitsOf(Math.floor(n / 2 ** m.visible), m.hidden));
  return logSumExp(terms);
}

/** p(v, h) of a Bernoulli RBM for every joint state, index = v's bits + 2^visible h's bits. */
export function jointDistribution(m: RbmReference): Float64Array {
  const logZ = logZBruteForce(m);
  return Float64Array.from({ length: 2 ** (m.visible + m.hidden) }, (_, n) =>
    Math.exp(-energyReference(m, bitsOf(n % 2 ** m.visible, m.visible), bitsOf(Math.floor(n / 2 ** m.visible), m.hidden)) - logZ),
  );
}

/** p(v) of a Bernoulli RBM for every visible state (index = v's bits). */
export function visibleDistribution(m: RbmReference): Float64Array {
  const logZ = logZByHidden(m);
  return Float64Array.from({ length: 2 ** m.visible }, (_, n) => Math.exp(-freeEnergyReference(m, bitsOf(n, m.visible)) - logZ));
}

/** The mean log-probability of `rows` visible vectors (Bernoulli: log p(v); Gaussian: the log density). */
export function averageLogProbability(m: RbmReference, data: ArrayLike<number>, rows: number): number {
  const logZ = logZByHidden(m);
  let s = 0;
  for (let r = 0; r < rows; r++) s += -freeEnergyReference(m, Array.prototype.slice.call(data, r * m.visible, (r + 1) * m.visible)) - logZ;
  return s / rows;
}

/** Adds weight * (v h', v, h) to the statistics `g`. */
function addStatistics(g: RbmGradient, v: ArrayLike<number>, h: ArrayLike<number>, weight: number): void {
  for (let i = 0; i < v.length; i++) {
    g.b[i] += weight * v[i];
    for (let j = 0; j < h.length; j++) g.w[i * h.length + j] += weight * v[i] * h[j];
  }
  for (let j = 0; j < h.length; j++) g.c[j] += weight * h[j];
}

const zeroGradient = (m: RbmReference): RbmGradient => ({ w: new Float64Array(m.visible * m.hidden), b: new Float64Array(m.visible), c: new Float64Array(m.hidden) });

/** model - data, per parameter. */
function difference(model: RbmGradient, data: RbmGradient): RbmGradient {
  const sub = (a: Float64Array, b: Float64Array) => a.map((x, i) => x - b[i]);
  return { w: sub(model.w, data.w), b: sub(model.b, data.b), c: sub(model.c, data.c) };
}

/** <v h'>, <v>, <h> over the data with h replaced by p(h | v) (the CD step's positive statistics). */
function dataStatistics(m: RbmReference, data: ArrayLike<number>, rows: number): RbmGradient {
  const g = zeroGradient(m);
  for (let r = 0; r < rows; r++) {
    const v = Array.prototype.slice.call(data, r * m.visible, (r + 1) * m.visible) as number[];
    addStatistics(g, v, hiddenInput(m, v).map(sigmoid), 1 / rows);
  }
  return g;
}

/** The exact gradient of the mean negative log-likelihood of a Bernoulli RBM: <.>_model - <.>_data, the model's by enumeration. */
export function exactGradient(m: RbmReference, data: ArrayLike<number>, rows: number): RbmGradient {
  const model = zeroGradient(m);
  visibleDistribution(m).forEach((p, n) => {
    const v = bitsOf(n, m.visible);
    addStatistics(model, v, hiddenInput(m, v).map(sigmoid), p);
  });
  return difference(model, dataStatistics(m, data, rows));
}

/**
 * The expected gradient of CD-k on `data` for a Bernoulli RBM: the negative statistics of v_k, the
 * visible state after k steps of the Gibbs chain from each data vector, with p(h | v_k) for h, by
 * the chain's visible-to-visible transition matrix T(v -> v') = sum_h p(h | v) p(v' | h).
 */
export function cdExpectedGradient(m: RbmReference, data: ArrayLike<number>, rows: number, k: number): RbmGradient {
  const states = 2 ** m.visible;
  // 1. p(h | v) for every v, and p(v' | h) for every h.
  const hidden = Array.from({ length: states }, (_, n) => hiddenInput(m, bitsOf(n, m.visible)).map(sigmoid));
  const visible = Array.from({ length: 2 ** m.hidden }, (_, n) => visibleInput(m, bitsOf(n, m.hidden)).map(sigmoid));
  const product = (p: ArrayLike<number>, bits: Float64Array) => bits.reduce((acc, x, i) => acc * (x ? p[i] : 1 - p[i]), 1);
  // 2. T[v][v'].
  const hiddenStates = Array.from({ length: 2 ** m.hidden }, (_, n) => bitsOf(n, m.hidden));
  const visibleStates = Array.from({ length: states }, (_, n) => bitsOf(n, m.visible));
  const t = Array.from({ length: states }, (_, v) => {
    const row = new Float64Array(states);
    hiddenStates.forEach((h, hn) => {
      const ph = product(hidden[v], h);
      visibleStates.forEach((vv, vn) => (row[vn] += ph * product(visible[hn], vv)));
    });
    return row;
  });
  // 3. The distribution of v_k: the data's empirical distribution times T, k times.
  let dist = new Float64Array(states);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let i = 0; i < m.visible; i++) n += data[r * m.visible + i] ? 2 ** i : 0;
    dist[n] += 1 / rows;
  }
  for (let step = 0; step < k; step++) {
    const next = new Float64Array(states);
    dist.forEach((p, v) => {
      if (p) t[v].forEach((q, vn) => (next[vn] += p * q));
    });
    dist = next;
  }
  // 4. Negative statistics under that distribution, minus the positive ones.
  const model = zeroGradient(m);
  dist.forEach((p, n) => addStatistics(model, visibleStates[n], hidden[n], p));
  return difference(model, dataStatistics(m, data, rows));
}

// ---- one training step with the GPU's draws ----

/** The Philox call of the data's hidden draw, and of the hidden and visible draws of Gibbs step i >= 1 (models/rbm.ts). */
export const callsReference = { data: 0, hidden: (i: number) => 2 * i, visible: (i: number) => 2 * i + 1 };

/** rows x visible to rows x hidden: p(h | v) per row. */
function hiddenProbabilities(m: RbmReference, v: ArrayLike<number>, rows: number): Float64Array {
  const out = new Float64Array(rows * m.hidden);
  for (let r = 0; r < rows; r++) out.set(hiddenInput(m, Array.prototype.slice.call(v, r * m.visible, (r + 1) * m.visible)).map(sigmoid), r * m.hidden);
  return out;
}

/**
 * rows x hidden to rows x visible: sigmoid(b + Wh) (Bernoulli) or b + Wh (Gaussian) per row; label
 * units' inputs d + U h (their softmax is the means', the inputs the Gumbel draw's logits).
 */
function visibleInputs(m: RbmReference, h: ArrayLike<number>, rows: number): Float64Array {
  const out = new Float64Array(rows * m.visible);
  for (let r = 0; r < rows; r++) out.set(visibleInput(m, Array.prototype.slice.call(h, r * m.hidden, (r + 1) * m.hidden)), r * m.visible);
  return out;
}

/** Splits rows x visible into the image units' rows x (visible - labels) and the label units' rows x labels. */
function splitLabels(m: RbmReference, x: ArrayLike<number>, rows: number): { units: Float64Array; labels: Float64Array } {
  const k = m.labels ?? 0;
  const width = m.visible - k;
  const units = new Float64Array(rows * width);
  const labels = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < width; i++) units[r * width + i] = x[r * m.visible + i];
    for (let i = 0; i < k; i++) labels[r * k + i] = x[r * m.visible + width + i];
  }
  return { units, labels };
}

/** The inverse of splitLabels. */
function joinLabels(m: RbmReference, units: ArrayLike<number>, labels: ArrayLike<number>, rows: number): Float64Array {
  const k = m.labels ?? 0;
  const width = m.visible - k;
  const out = new Float64Array(rows * m.visible);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < width; i++) out[r * m.visible + i] = units[r * width + i];
    for (let i = 0; i < k; i++) out[r * m.visible + width + i] = labels[r * k + i];
  }
  return out;
}

/** The image units' means from their inputs: sigmoid (Bernoulli) or the inputs themselves (Gaussian). */
const unitMeans = (m: RbmReference, x: Float64Array): Float64Array => (m.type === 'bernoulli' ? x.map(sigmoid) : x);

/** The image units' means given h, rows x (visible - labels). */
function visibleMeans(m: RbmReference, h: ArrayLike<number>, rows: number): Float64Array {
  return unitMeans(m, splitLabels(m, visibleInputs(m, h, rows), rows).units);
}

/**
 * A visible draw given h, as the GPU makes it (Bernoulli on the GEMM epilogue's word; Gaussian on
 * addSample's; label units the one-hot of a Gumbel-max draw from their inputs, on the same stream).
 */
function visibleDraw(m: RbmReference, h: ArrayLike<number>, rows: number, stream: StreamReference): Float64Array {
  const { units, labels } = splitLabels(m, visibleInputs(m, h, rows), rows);
  const means = unitMeans(m, units);
  const v = m.type === 'bernoulli' ? bernoulliReference(means, stream) : gaussianReference(means.length, means, 1, stream);
  const k = m.labels ?? 0;
  return joinLabels(m, v, k ? gumbelSoftmaxReference(labels, rows, k, 1, stream).hard : [], rows);
}

export interface CdStepReference {
  gradient: RbmGradient;
  /** The sum over rows of |v0 - mean of the first reconstruction|^2, divided by rows. */
  reconstructionError: number;
  /** The negative chain's visible state after the step (PCD: the new persistent chains). */
  chains: Float64Array;
  /** With a sparsity target: the new running estimate q of each hidden unit's activity. */
  activity?: Float64Array;
}

/**
 * One CD-k step (`persistent` absent) or PCD-k step on a batch v0 (rows x visible, label units last), with the Philox
 * draws of the GPU at (seed, step) under callsReference: the gradient of the negative
 * log-likelihood estimate (negative minus positive statistics; the positive ones with p(h | v0),
 * the negative ones with the chain's last visible state and p(h | v_k)) before weight decay.
 */
export function cdStepReference(
  m: RbmReference,
  v0: ArrayLike<number>,
  rows: number,
  o: {
    k: number;
    seed: number;
    step: number;
    persistent?: { chains: ArrayLike<number>; rows: number };
    /** Hinton's sparsity target with the running estimate q before the step. */
    sparsity?: { target: number; cost: number; decay: number; activity: ArrayLike<number> };
  },
): CdStepReference {
  const stream = (call: number): StreamReference => ({ seed: o.seed, step: o.step, call });
  // 1. Positive phase: p(h | v0) and a hidden draw.
  const ph0 = hiddenProbabilities(m, v0, rows);
  const h0 = bernoulliReference(ph0, stream(callsReference.data));
  // 2. The reconstruction monitor: the image units' means given h0.
  const recon = visibleMeans(m, h0, rows);
  const images = splitLabels(m, v0, rows).units;
  let reconstructionError = 0;
  for (let e = 0; e < recon.length; e++) reconstructionError += (images[e] - recon[e]) ** 2;
  reconstructionError /= rows;
  // 3. The negative chain: from the data (CD, whose first step reuses h0) or from the persistent chains.
  const chainRows = o.persistent ? o.persistent.rows : rows;
  let v: Float64Array = Float64Array.from(o.persistent ? o.persistent.chains : v0);
  for (let i = 1; i <= o.k; i++) {
    const h = i === 1 && !o.persistent ? h0 : bernoulliReference(hiddenProbabilities(m, v, chainRows), stream(callsReference.hidden(i)));
    v = visibleDraw(m, h, chainRows, stream(callsReference.visible(i)));
  }
  const phk = hiddenProbabilities(m, v, chainRows);
  // 4. Statistics: negative (chain) minus positive (data), each a mean over its rows.
  const positive = zeroGradient(m);
  const negative = zeroGradient(m);
  const rowOf = (x: ArrayLike<number>, r: number, width: number) => Array.prototype.slice.call(x, r * width, (r + 1) * width) as number[];
  for (let r = 0; r < rows; r++) addStatistics(positive, rowOf(v0, r, m.visible), rowOf(ph0, r, m.hidden), 1 / rows);
  for (let r = 0; r < chainRows; r++) addStatistics(negative, rowOf(v, r, m.visible), rowOf(phk, r, m.hidden), 1 / chainRows);
  const gradient = difference(negative, positive);
  if (!o.sparsity) return { gradient, reconstructionError, chains: v };
  // 5. The sparsity penalty: q <- decay q + (1 - decay) <ph0>, then d = cost (q - target) on the
  // hidden biases and <v0>' d on the weights (the positive statistics' <v0> and <ph0>).
  const s = o.sparsity;
  const activity = Float64Array.from(s.activity, (q, j) => s.decay * q + (1 - s.decay) * positive.c[j]);
  const d = activity.map((q) => s.cost * (q - s.target));
  d.forEach((dj, j) => (gradient.c[j] += dj));
  for (let i = 0; i < m.visible; i++) for (let j = 0; j < m.hidden; j++) gradient.w[i * m.hidden + j] += positive.b[i] * d[j];
  return { gradient, reconstructionError, chains: v, activity };
}
